import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createApp } from '../../service/app.ts'
import { main } from '../../service/cli.ts'
import { createContext } from '../../service/ledger/context.ts'
import { generateFile } from '../../service/generators/index.ts'
import { ledgerWithCompany, tempDatabase } from '../support/db.ts'
import { call, signedIn } from '../support/http.ts'

function cliIo() {
  const out: string[] = []
  const err: string[] = []
  return { out, err, io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) } }
}

describe('cledger import and cledger profile', () => {
  it('imports files, prints JSON counts, re-imports as duplicates and writes a rejects CSV', async () => {
    const { dir, url, db } = await tempDatabase()
    db.close()
    const init = cliIo()
    expect(await main(['node', 'cledger', '--db', url, 'init', '--company', 'SHOP', '--name', '测试店'], init.io)).toBe(0)
    const file = await generateFile('alipay-merchant-account', { seed: 5, rows: 50 })
    const path = join(dir, 'bill.csv')
    writeFileSync(path, file.bytes)
    const bad = join(dir, 'bad.csv')
    writeFileSync(bad, 'Transaction Date,Type,Order,Amount,Fee,Net\n2025-06-30 23:32:39 -0400,charge,#1,abc,0.00,1.00\n')
    const first = cliIo()
    expect(await main(['node', 'cledger', '--db', url, '--json', 'import', path, bad, '--store', 'tmall', '--rejects', join(dir, 'rejects.csv')], first.io)).toBe(0)
    const printed = JSON.parse(first.out.join('')) as { read: number; imported: number; duplicates: number; rejected: number }
    expect(printed).toMatchObject({ read: 51, imported: 50, duplicates: 0, rejected: 1 })
    expect(readFileSync(join(dir, 'rejects.csv'), 'utf8')).toBe('row,sheet,column,reason,raw\n2,,Amount,"""abc"" is not an amount","2025-06-30 23:32:39 -0400,charge,#1,abc,0.00,1.00"\n')
    const again = cliIo()
    expect(await main(['node', 'cledger', '--db', url, '--json', 'import', path, '--store', 'tmall'], again.io)).toBe(0)
    expect(JSON.parse(again.out.join(''))).toMatchObject({ read: 50, imported: 0, duplicates: 50 })
  })

  it('exits non-zero with the closest formats when no header matches', async () => {
    const { dir, url, db } = await tempDatabase()
    db.close()
    expect(await main(['node', 'cledger', '--db', url, 'init', '--company', 'SHOP', '--name', 'x'], cliIo().io)).toBe(0)
    const path = join(dir, 'odd.csv')
    writeFileSync(path, '交易时间,交易类型,交易对方,金额(元)\n2024-01-01 10:00:00,商户消费,x,¥1.00\n')
    const run = cliIo()
    expect(await main(['node', 'cledger', '--db', url, 'import', path], run.io)).toBe(1)
    expect(run.err.join('')).toMatch(/matches no format; closest: wechat-personal \(missing: 收\/支, 当前状态, 交易单号\)/)
  })

  it('writes a mapping profile from a sample and imports a bank file with it', async () => {
    const { dir, url, db } = await tempDatabase()
    db.close()
    expect(await main(['node', 'cledger', '--db', url, 'init', '--company', 'SHOP', '--name', 'x'], cliIo().io)).toBe(0)
    const sample = join(dir, 'my-bank.csv')
    writeFileSync(sample, 'Booking day;Text;Value;Ref\n01.03.2024;Payout Alipay;1234.50;R1\n02.03.2024;Fee;-12.00;R2\n')
    const profilePath = join(dir, 'profile.json')
    expect(await main(['node', 'cledger', '--db', url, 'profile', '--sample', sample, '--name', 'mybank', '--record', 'bankTxn', '--map', 'occurredAt=Booking day', '--map', 'amount=Value', '--map', 'description=Text', '--map', 'externalId=Ref', '--out', profilePath], cliIo().io)).toBe(0)
    const run = cliIo()
    expect(await main(['node', 'cledger', '--db', url, '--json', 'import', sample, '--format', 'generic', '--profile', profilePath], run.io)).toBe(0)
    expect(JSON.parse(run.out.join(''))).toMatchObject({ imported: 2, rejected: 0 })
  })
})

describe('HTTP imports API', () => {
  it('uploads a file as multipart, then serves the batch, its rejects, and the txns with decimal-string amounts', async () => {
    const { context, company } = await ledgerWithCompany()
    const api = createApp({ context })
    const token = await signedIn(api, context, company, 'acc', 'accountant')
    const file = await generateFile('shopify-payments-transactions', { seed: 2, rows: 20 })
    const form = new FormData()
    form.append('file', new Blob([new Uint8Array(file.bytes)]), 'tx.csv')
    form.append('store', 'us')
    const uploaded = await api.app.request(`/api/v1/companies/${company.code}/imports`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form })
    expect(uploaded.status).toBe(201)
    const body = (await uploaded.json()) as { imports: Array<{ id: number; format: string; imported: number; rejected: number }> }
    expect(body.imports[0]).toMatchObject({ format: 'shopify-payments-transactions', imported: file.expected.length, rejected: 0 })
    const batchId = body.imports[0]?.id ?? 0
    const batch = await call(api, token, 'GET', `/companies/${company.code}/imports/${batchId}`)
    expect(((await batch.json()) as { import: { fileName: string; actorName: string } }).import).toMatchObject({ fileName: 'tx.csv', actorName: 'acc' })
    const rejects = await call(api, token, 'GET', `/companies/${company.code}/imports/${batchId}/rejects`)
    expect(await rejects.json()).toEqual({ rejects: [] })
    const txns = await call(api, token, 'GET', `/companies/${company.code}/txns?store=us&kind=fee&limit=1`)
    const listed = (await txns.json()) as { txns: Array<{ amount: string; kind: string }> }
    expect(listed.txns[0]?.kind).toBe('fee')
    expect(listed.txns[0]?.amount).toMatch(/^-\d+\.\d{2}$/)
  })

  it('refuses an upload from a sales user and lets them read orders', async () => {
    const { context, company } = await ledgerWithCompany()
    const api = createApp({ context: createContext(context.db) })
    const token = await signedIn(api, context, company, 'sam', 'sales')
    const form = new FormData()
    form.append('file', new Blob(['a,b\n1,2\n']), 'x.csv')
    const refused = await api.app.request(`/api/v1/companies/${company.code}/imports`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form })
    expect(refused.status).toBe(403)
    expect((await call(api, token, 'GET', `/companies/${company.code}/orders`)).status).toBe(200)
  })

  it('answers 413 for a file over the upload limit', async () => {
    const { context, company } = await ledgerWithCompany()
    const api = createApp({ context, maxUploadBytes: 1000 })
    const token = await signedIn(api, context, company, 'acc', 'accountant')
    const form = new FormData()
    form.append('file', new Blob([new Uint8Array(5000).fill(65)]), 'big.csv')
    const response = await api.app.request(`/api/v1/companies/${company.code}/imports`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form })
    expect(response.status).toBe(413)
  })
})
