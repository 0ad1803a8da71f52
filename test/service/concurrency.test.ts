import { describe, expect, it } from 'vitest'
import { openDatabase } from '../../service/db/connection.ts'
import { createContext } from '../../service/ledger/context.ts'
import { verifyLedger } from '../../service/ledger/verify.ts'
import { startServer } from '../../service/server.ts'
import { createApp } from '../../service/app.ts'
import { aSale } from '../support/builders.ts'
import { ledgerWithCompany } from '../support/db.ts'
import { signedIn } from '../support/http.ts'

const CLIENTS = 8
const PER_CLIENT = 15

describe('concurrent posting over HTTP', () => {
  it(`${CLIENTS} clients on two service instances sharing one database: contiguous numbers, nothing lost, nothing doubled`, async () => {
    const { context, company, url } = await ledgerWithCompany()
    const api = createApp({ context })
    const accountant = await signedIn(api, context, company, 'accountant', 'accountant')
    const approver = await signedIn(api, context, company, 'approver', 'approver')
    const secondDb = await openDatabase(url)
    const servers = [await startServer({ context }, { port: 0, host: '127.0.0.1' }), await startServer({ context: createContext(secondDb) }, { port: 0, host: '127.0.0.1' })]
    try {
      const post = async (base: string, client: number, index: number) => {
        const headers = { 'content-type': 'application/json' }
        const key = `client-${client}-${index}`
        const created = await fetch(`${base}/api/v1/companies/${company.code}/vouchers`, { method: 'POST', headers: { ...headers, authorization: `Bearer ${accountant}` }, body: JSON.stringify(aSale(`2026-10-${String(1 + (index % 28)).padStart(2, '0')}`).key(key).build()) })
        expect(created.status).toBe(201)
        const { voucher } = (await created.json()) as { voucher: { id: number } }
        const approved = await fetch(`${base}/api/v1/companies/${company.code}/vouchers/${voucher.id}/approve`, { method: 'POST', headers: { authorization: `Bearer ${approver}` } })
        expect(approved.status).toBe(200)
        return ((await approved.json()) as { voucher: { number: number } }).voucher.number
      }
      const numbers = (await Promise.all(Array.from({ length: CLIENTS }, async (_, client) => {
        const base = servers[client % 2]?.url ?? ''
        const mine: number[] = []
        for (let index = 0; index < PER_CLIENT; index += 1) mine.push(await post(base, client, index))
        return mine
      }))).flat()
      expect([...numbers].sort((a, b) => a - b)).toEqual(Array.from({ length: CLIENTS * PER_CLIENT }, (_, i) => i + 1))
      const report = await verifyLedger(context)
      expect(report.breaches).toEqual([])
      expect(report.checked.postedVouchers).toBe(CLIENTS * PER_CLIENT)
    } finally {
      for (const server of servers) await server.close()
      secondDb.close()
    }
  })
})
