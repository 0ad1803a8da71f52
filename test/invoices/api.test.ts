import { describe, expect, it } from 'vitest'
import { createApp } from '../../service/app.ts'
import { invoiceZip } from '../../service/generators/invoice-xml.ts'
import { randomInvoices } from '../../service/generators/invoices.ts'
import { importFile } from '../../service/imports/load.ts'
import { SYSTEM } from '../../service/ledger/context.ts'
import { ledgerWithCompany } from '../support/db.ts'
import { call, signedIn } from '../support/http.ts'

const US = '91330106MA2H7K5X3Q,杭州某某电子商务有限公司'
const HEADER = '数电票号码,销方识别号,销方名称,购方识别号,购买方名称,开票日期,金额,税率,税额,价税合计,发票状态,是否红字,对应蓝字发票号码,备注'

describe('invoice API', () => {
  it('sets the tax id, matches, lists invoices and exceptions with decimal strings, attaches a PDF; sales may read, not run', async () => {
    const { context, company, db } = await ledgerWithCompany()
    const rows = [`24330000000000000001,${US},,个人,2024-03-10,100.00,13%,13.00,113.00,正常,否,,`, `24330000000000000002,${US},,个人,2024-04-10,-100.00,13%,-13.00,-113.00,正常,是,24330000000000000001,`]
    await importFile(db, company.id, { name: 'fp.csv', bytes: new Uint8Array(Buffer.from(`${HEADER}\n${rows.join('\n')}\n`)) }, { actor: SYSTEM })
    const api = createApp({ context })
    const admin = await signedIn(api, context, company, 'boss', 'admin')
    const sales = await signedIn(api, context, company, 'xiao', 'sales')
    const base = `/companies/${company.code}`
    expect((await call(api, admin, 'PUT', `${base}/invoice-settings`, { taxId: '91330106MA2H7K5X3Q', inputVatOn: 'receipt' })).status).toBe(200)
    expect((await call(api, admin, 'PUT', `${base}/invoice-settings`, { taxId: 'lower-case' })).status).toBe(400)
    expect((await call(api, sales, 'POST', `${base}/invoices/match`, {})).status).toBe(403)
    const run = await call(api, admin, 'POST', `${base}/invoices/match`, {})
    expect(((await run.json()) as { run: { exceptions: Record<string, number> } }).run.exceptions).toEqual({ INVOICE_WITHOUT_ORDER: 2 })
    const list = (await (await call(api, sales, 'GET', `${base}/invoices?direction=output&period=2024-04`)).json()) as { invoices: Array<{ invoiceNo: string; total: string }> }
    expect(list.invoices.map((each) => [each.invoiceNo, each.total])).toEqual([['24330000000000000002', '-113.00']])
    const exceptions = (await (await call(api, sales, 'GET', `${base}/invoice-exceptions?type=INVOICE_WITHOUT_ORDER`)).json()) as { exceptions: Array<{ id: number; invoiced: string }> }
    expect(exceptions.exceptions.map((each) => each.invoiced)).toEqual(['113.00', '-113.00'])
    expect((await call(api, admin, 'POST', `${base}/invoice-exceptions/${exceptions.exceptions[0]?.id}/resolve`, { reason: '红冲后无需开票' })).status).toBe(200)
    const attach = await call(api, admin, 'POST', `${base}/invoices/24330000000000000001/attachments`, { fileName: 'a.pdf', contentBase64: Buffer.from('%PDF-1.7 x').toString('base64') })
    expect(attach.status).toBe(201)
    const shown = (await (await call(api, sales, 'GET', `${base}/invoices/24330000000000000001`)).json()) as { attachments: Array<{ fileName: string }> }
    expect(shown.attachments.map((file) => file.fileName)).toEqual(['a.pdf'])
    expect((await call(api, sales, 'GET', `${base}/invoices/nope`)).status).toBe(404)
  })

  it('imports a zip of invoice XML files uploaded to POST /imports', async () => {
    const { context, company } = await ledgerWithCompany()
    const api = createApp({ context })
    const token = await signedIn(api, context, company, 'acct', 'accountant')
    const zip = invoiceZip(randomInvoices(21, 30))
    const form = new FormData()
    form.append('file', new Blob([Buffer.from(zip.bytes)]), 'dzfp.zip')
    const response = await api.app.request(`/api/v1/companies/${company.code}/imports`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form })
    expect(response.status).toBeLessThan(300)
    const list = (await (await call(api, token, 'GET', `/companies/${company.code}/invoices?limit=100`)).json()) as { invoices: unknown[] }
    expect(list.invoices).toHaveLength(30)
  })
})
