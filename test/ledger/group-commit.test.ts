import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { openDatabase } from '../../service/db/connection.ts'
import { createContext } from '../../service/ledger/context.ts'
import { verifyLedger } from '../../service/ledger/verify.ts'
import { type VoucherResult, writeVouchers } from '../../service/ledger/vouchers.ts'
import { writeVouchersCoalesced } from '../../service/ledger/voucher-coalesce.ts'
import { ledgerWithCompany } from '../support/db.ts'
import { generateFile } from '../../service/generators/index.ts'
import { importFile } from '../../service/imports/load.ts'
import { SYSTEM } from '../../service/ledger/context.ts'
import { createApp } from '../../service/app.ts'
import { call, signedIn } from '../support/http.ts'

const sale = (key: string, amount = '10.00') => ({
  date: '2026-10-05', idempotencyKey: key, lines: [
    { account: '1122', store: 'tmall-main', debit: amount },
    { account: '5001', store: 'tmall-main', credit: amount },
  ],
})

describe('group commit (one write path, many concurrent single-voucher writes)', () => {
  it('gathers concurrent writes into few transactions; numbers stay contiguous in arrival order; verify passes', async () => {
    const { context, company, db } = await ledgerWithCompany()
    const before = { ...db.writeStats }
    const results = await Promise.all(Array.from({ length: 120 }, (_, index) =>
      writeVouchers(context, { userId: 1 }, company.id, [{ input: sale(`gc-${index}`) }], { mode: 'post' })))
    const numbers = results.map((result) => (result[0] as VoucherResult).number)
    // contiguous, in the order the writes reached the queue (validation before it may reorder the calls: a cached chart answers sooner)
    expect([...numbers].sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(Array.from({ length: 120 }, (_, index) => index + 1))
    const stored = await db.client.execute('SELECT idempotency_key, number FROM vouchers WHERE company_id = ? ORDER BY number', [company.id])
    expect(stored.rows.map((row) => [row.idempotency_key, row.number])).toEqual(numbers.map((number, index) => [`gc-${index}`, number]).sort((a, b) => Number(a[1]) - Number(b[1])))
    const writes = db.writeStats.writes - before.writes
    const transactions = db.writeStats.transactions - before.transactions
    expect(writes).toBe(120)
    expect(transactions).toBeLessThan(20)
    const report = await verifyLedger(context)
    expect(report.breaches).toEqual([])
    const count = await db.client.execute('SELECT COUNT(*) AS n FROM vouchers WHERE company_id = ?', [company.id])
    expect(Number(count.rows[0]?.n)).toBe(120)
  })

  it('fails a bad write alone: its neighbours in the same transaction commit', async () => {
    const { context, company, db } = await ledgerWithCompany()
    // the first posts source order:A; the third names it again (DUPLICATE inside the transaction)
    const requests = [
      { input: sale('ok-1'), sources: [{ kind: 'order', id: 'A' }] },
      { input: sale('ok-2'), sources: [{ kind: 'order', id: 'B' }] },
      { input: sale('bad-3'), sources: [{ kind: 'order', id: 'A' }] },
      { input: sale('ok-4'), sources: [{ kind: 'order', id: 'C' }] },
    ]
    const blocker = writeVouchers(context, { userId: 1 }, company.id, [{ input: sale('first') }], { mode: 'post' })
    const settled = await Promise.allSettled([blocker, ...requests.map((request) => writeVouchers(context, { userId: 1 }, company.id, [request], { mode: 'post' }))])
    expect(settled.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled'])
    const rejected = settled[3] as PromiseRejectedResult
    expect(String(rejected.reason)).toMatch(/already posted|DUPLICATE|order:A|order A/i)
    const rows = await db.client.execute('SELECT idempotency_key, number FROM vouchers WHERE company_id = ? ORDER BY number', [company.id])
    expect(rows.rows.map((row) => [row.idempotency_key, row.number])).toEqual([['first', 1], ['ok-1', 2], ['ok-2', 3], ['ok-4', 4]])
    expect((await verifyLedger(context)).breaches).toEqual([])
  })

  it('groups concurrent approvals over HTTP too (审核即记账): one bad approval fails alone, numbers contiguous, verify passes', async () => {
    const { context, company, db } = await ledgerWithCompany()
    const api = createApp({ context })
    const maker = await signedIn(api, context, company, 'pos', 'accountant')
    const approver = await signedIn(api, context, company, 'checker', 'approver')
    const drafts = await writeVouchers(context, { userId: 1 }, company.id, Array.from({ length: 60 }, (_, index) => ({ input: sale(`ap-${index}`) })), { mode: 'draft' })
    const ids = drafts.map((draft) => draft.id)
    const before = { ...db.writeStats }
    // ids[1] is approved twice at once: inside the shared transaction the second finds it posted and fails alone (409);
    // a role without the permission is refused before the queue (403), an unknown voucher inside it (404)
    const responses = await Promise.all([
      ...ids.map((id) => call(api, approver, 'POST', `/companies/${company.code}/vouchers/${id}/approve`)),
      call(api, approver, 'POST', `/companies/${company.code}/vouchers/${ids[1]}/approve`),
      call(api, maker, 'POST', `/companies/${company.code}/vouchers/${ids[0]}/approve`),
      call(api, approver, 'POST', `/companies/${company.code}/vouchers/999999/approve`),
    ])
    const statuses = responses.map((response) => response.status)
    expect(statuses.slice(0, 60)).toEqual(Array.from({ length: 60 }, () => 200))
    expect(statuses.slice(60)).toEqual([409, 403, 404])
    const writes = db.writeStats.writes - before.writes
    const transactions = db.writeStats.transactions - before.transactions
    expect(writes).toBeGreaterThanOrEqual(60)
    expect(transactions).toBeLessThan(writes / 3)
    const numbers = await db.client.execute("SELECT number FROM vouchers WHERE company_id = ? AND status = 'posted' ORDER BY number", [company.id])
    expect(numbers.rows.map((row) => Number(row.number))).toEqual(Array.from({ length: 60 }, (_, index) => index + 1))
    expect((await verifyLedger(context)).breaches).toEqual([])
  })

  it('groups concurrent small imports: each file commits whole in the shared transaction, a broken file fails alone', async () => {
    const { company, db } = await ledgerWithCompany()
    const files = await Promise.all(Array.from({ length: 8 }, (_, index) => generateFile('douyin-orders', { seed: 100 + index, rows: 25, store: `dy-${index}` })))
    const before = { ...db.writeStats }
    const settled = await Promise.allSettled([
      ...files.map((file, index) => importFile(db, company.id, { name: `dy-${index}.csv`, bytes: file.bytes }, { actor: SYSTEM, store: `dy-${index}` })),
      // a file no parser knows: refused inside its turn, the others still commit
      importFile(db, company.id, { name: 'unknown.csv', bytes: new TextEncoder().encode('列1,列2\n1,2\n') }, { actor: SYSTEM, store: 'x' }),
    ])
    expect(settled.map((outcome) => outcome.status)).toEqual([...files.map(() => 'fulfilled'), 'rejected'])
    const imported = settled.slice(0, 8).map((outcome) => (outcome as PromiseFulfilledResult<{ imported: number }>).value.imported)
    expect(imported).toEqual(files.map((file) => file.expected.length))
    const writes = db.writeStats.writes - before.writes
    const transactions = db.writeStats.transactions - before.transactions
    expect(writes).toBeGreaterThanOrEqual(9)
    expect(transactions).toBeLessThan(writes)
    const stored = await db.client.execute('SELECT store, imported_count FROM import_batches WHERE company_id = ? ORDER BY store', [company.id])
    expect(stored.rows.map((row) => [row.store, Number(row.imported_count)])).toEqual(files.map((file, index) => [`dy-${index}`, file.expected.length]))
    const orders = await db.client.execute('SELECT store, COUNT(*) AS n FROM orders WHERE company_id = ? GROUP BY store ORDER BY store', [company.id])
    expect(orders.rows.map((row) => row.store)).toEqual(files.map((_, index) => `dy-${index}`))
  })

  it('with grouping off, each write is its own transaction and the results are the same', async () => {
    const { url, company, db: first } = await ledgerWithCompany()
    first.close()
    const db = await openDatabase(url, { groupCommit: false })
    try {
      const context = createContext(db)
      const results = await Promise.all(Array.from({ length: 30 }, (_, index) =>
        writeVouchers(context, { userId: 1 }, company.id, [{ input: sale(`solo-${index}`) }], { mode: 'post' })))
      expect(results.map((result) => (result[0] as VoucherResult).number)).toEqual(Array.from({ length: 30 }, (_, index) => index + 1))
      expect(db.writeStats).toEqual({ writes: 30, transactions: 30 })
      expect((await verifyLedger(context)).breaches).toEqual([])
    } finally {
      db.close()
    }
  })

  it('without the statement cache (every statement through @libsql/client) the same writes give the same ledger', async () => {
    const { url, company, db: first } = await ledgerWithCompany()
    first.close()
    const db = await openDatabase(url, { statementCache: false })
    try {
      const context = createContext(db)
      const before = { ...db.writeStats }
      const results = await Promise.all(Array.from({ length: 40 }, (_, index) =>
        writeVouchersCoalesced(context, { userId: 1 }, company.id, [{ input: sale(`plain-${index}`) }], { mode: 'post' })))
      expect(results.map((result) => (result[0] as VoucherResult).number).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(Array.from({ length: 40 }, (_, index) => index + 1))
      expect(db.writeStats.transactions - before.transactions).toBeLessThan(10)
      const rows = await db.client.execute({ sql: 'SELECT COUNT(*) AS n, SUM(total_minor) AS total FROM vouchers WHERE company_id = ?', args: [company.id] })
      expect([rows.rows[0]?.n, rows.rows[0]?.total, rows.rows[0]?.[0]]).toEqual([40, 40_000, 40])
      expect((await verifyLedger(context)).breaches).toEqual([])
    } finally {
      db.close()
    }
  })

  it('survives SIGKILL during grouped commits: every acknowledged voucher is there, none half-written, verify passes', async () => {
    const { company, url, db } = await ledgerWithCompany()
    db.close()
    const acknowledged = new Set<string>()
    for (let kill = 0; kill < 4; kill += 1) {
      const keys = await new Promise<string[]>((done, fail) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'test/ledger/group-commit-loop.ts', url, String(company.id), String(kill)], { stdio: ['ignore', 'pipe', 'pipe'] })
        let out = ''
        let stderr = ''
        let killing = false
        child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString()
          // kill mid-stream once writes are flowing (a loaded machine may take seconds to start)
          if (!killing && (out.match(/^ack /gm)?.length ?? 0) >= 20 + kill * 15) {
            killing = true
            setTimeout(() => child.kill('SIGKILL'), kill * 7)
          }
        })
        child.on('exit', (_code, signal) => (signal === 'SIGKILL'
          ? done(out.split('\n').filter((line) => line.startsWith('ack ')).map((line) => line.slice(4)))
          : fail(new Error(`loop ended by itself (${signal ?? _code}): ${stderr}`))))
      })
      for (const key of keys) acknowledged.add(key)
      const reopened = await openDatabase(url)
      try {
        expect((await verifyLedger(createContext(reopened))).breaches, `after kill ${kill + 1}`).toEqual([])
        const half = await reopened.client.execute('SELECT v.id FROM vouchers v LEFT JOIN voucher_lines l ON l.voucher_id = v.id GROUP BY v.id HAVING COUNT(l.line_no) < 2')
        expect(half.rows).toEqual([])
        const stored = new Set((await reopened.client.execute('SELECT idempotency_key FROM vouchers')).rows.map((row) => String(row.idempotency_key)))
        const lost = [...acknowledged].filter((key) => !stored.has(key))
        expect(lost, `acknowledged but missing after kill ${kill + 1}`).toEqual([])
      } finally {
        reopened.close()
      }
    }
    expect(acknowledged.size).toBeGreaterThan(50)
  }, 120_000)
})
