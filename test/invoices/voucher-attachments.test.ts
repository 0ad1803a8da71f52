import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createApp } from '../../service/app.ts'
import { main } from '../../service/cli.ts'
import { importFile } from '../../service/imports/load.ts'
import { linkVoucherInvoice } from '../../service/invoices/attachments.ts'
import { postInputVat } from '../../service/invoices/input-vat.ts'
import { updateInvoiceSettings } from '../../service/invoices/settings.ts'
import { voucherAttachments } from '../../service/invoices/voucher-attachments.ts'
import { SYSTEM } from '../../service/ledger/context.ts'
import { getVoucher, writeVouchers } from '../../service/ledger/vouchers.ts'
import { ledgerWithCompany, tempDatabase } from '../support/db.ts'
import { call, signedIn } from '../support/http.ts'

async function cledger(url: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const code = await main(['node', 'cledger', '--db', url, ...args], { stdout: (text) => { out += text }, stderr: (text) => { err += text } })
  return { code, out, err }
}

const US = '91330106MA2H7K5X3Q,杭州某某电子商务有限公司'
const SUPPLIER = '91330100MA11111111,义乌某某贸易有限公司'
const PLATFORM = '91110000MA00000000,北京某某网络技术有限公司'
const HEADER = '数电票号码,销方识别号,销方名称,购方识别号,购买方名称,开票日期,金额,税率,税额,价税合计,发票状态,是否红字,对应蓝字发票号码,备注,勾选状态'
const CSV = `${HEADER}
24330000000000000201,${SUPPLIER},${US},2024-03-05,1000.00,13%,130.00,1130.00,正常,否,,采购杯子,已认证
24330000000000000202,${SUPPLIER},${US},2024-03-06,500.00,13%,65.00,565.00,正常,否,,采购杯子,已认证
24330000000000000203,${PLATFORM},${US},2024-03-07,200.00,6%,12.00,212.00,正常,否,,推广服务费,已认证
`

describe('vouchers show their invoices as attachments (附件数)', () => {
  it('counts stored attachments + linked invoices + the invoice an input-VAT voucher was written from; the stored column is untouched', async () => {
    const { context, company, db } = await ledgerWithCompany()
    await updateInvoiceSettings(context, SYSTEM, company.id, { taxId: '91330106MA2H7K5X3Q' })
    await importFile(db, company.id, { name: 'in.csv', bytes: new Uint8Array(Buffer.from(CSV)) }, { actor: SYSTEM })
    const [purchase] = await writeVouchers(context, SYSTEM, company.id, [{ input: { date: '2024-03-08', summary: '采购商品', attachments: 2, lines: [{ account: '1405', debit: '1695.00' }, { account: '2202', credit: '1695.00' }] } }], { mode: 'draft' })
    const id = purchase?.id ?? 0
    expect((await voucherAttachments(context, company.id, await getVoucher(context, company.id, id))).count).toBe(2)
    await linkVoucherInvoice(context, SYSTEM, company.id, String(id), '24330000000000000202')
    await linkVoucherInvoice(context, SYSTEM, company.id, String(id), '24330000000000000201')
    await linkVoucherInvoice(context, SYSTEM, company.id, String(id), '24330000000000000201')
    const voucher = await getVoucher(context, company.id, id)
    expect(voucher.attachments).toBe(2)
    const attached = await voucherAttachments(context, company.id, voucher)
    expect([attached.stored, attached.count]).toEqual([2, 4])
    expect(attached.invoices.map((each) => [each.invoiceNo.slice(-3), each.via, each.total, each.issuedAt])).toEqual([['201', 'linked', '1130.00', '2024-03-05'], ['202', 'linked', '565.00', '2024-03-06']])

    const vat = await postInputVat(context, SYSTEM, company.id, { period: '2024-03', mode: 'draft' })
    const fee = vat.vouchers.find((each) => each.invoiceNo.endsWith('203'))
    const feeVoucher = await getVoucher(context, company.id, fee?.voucherId ?? 0)
    expect(feeVoucher.attachments).toBe(0)
    const feeAttached = await voucherAttachments(context, company.id, feeVoucher)
    expect(feeAttached.count).toBe(1)
    expect(feeAttached.invoices.map((each) => [each.invoiceNo.slice(-3), each.via, each.sellerName])).toEqual([['203', 'source', '北京某某网络技术有限公司']])
    // linking the source invoice by hand as well does not count it twice
    await linkVoucherInvoice(context, SYSTEM, company.id, String(feeVoucher.id), '24330000000000000203')
    expect((await voucherAttachments(context, company.id, feeVoucher)).count).toBe(1)

    const api = createApp({ context })
    const admin = await signedIn(api, context, company, 'boss', 'admin')
    const response = await call(api, admin, 'GET', `/companies/${company.code}/vouchers/${id}`)
    expect(response.status).toBe(200)
    const body = (await response.json()) as { voucher: { attachments: number }; storedAttachments: number; invoices: Array<{ invoiceNo: string; total: string }> }
    expect([body.voucher.attachments, body.storedAttachments]).toEqual([4, 2])
    expect(body.invoices.map((each) => [each.invoiceNo, each.total])).toEqual([['24330000000000000201', '1130.00'], ['24330000000000000202', '565.00']])
  })

  it('cledger voucher show lists the invoices and prints 附件 N 张 with them counted', async () => {
    const { url, dir } = await tempDatabase()
    expect((await cledger(url, 'init', '--company', 'ACME', '--name', '某某电商')).code).toBe(0)
    const invoices = join(dir, '进项发票.csv')
    writeFileSync(invoices, CSV)
    expect((await cledger(url, 'import', invoices)).code).toBe(0)
    expect((await cledger(url, 'invoice', 'settings', '--tax-id', '91330106MA2H7K5X3Q')).code).toBe(0)
    const file = join(dir, 'v.json')
    writeFileSync(file, JSON.stringify({ date: '2024-03-08', summary: '采购商品', attachments: 1, lines: [{ account: '1405', debit: '1130.00' }, { account: '2202', credit: '1130.00' }] }))
    const added = JSON.parse((await cledger(url, '--json', 'voucher', 'add', file)).out) as { vouchers: Array<{ id: number }> }
    const id = String(added.vouchers[0]?.id)
    const linked = await cledger(url, 'invoice', 'link-voucher', id, '24330000000000000201')
    expect(linked.out).toContain('附件 2 张')
    const shown = await cledger(url, 'voucher', 'show', id)
    expect(shown.code).toBe(0)
    expect(shown.out).toContain('附件 2 张')
    expect(shown.out).toMatch(/发票 invoice 24330000000000000201 2024-03-05 义乌某某贸易有限公司 -> 杭州某某电子商务有限公司 1130\.00/)
    const json = JSON.parse((await cledger(url, '--json', 'voucher', 'show', id)).out) as { voucher: { attachments: number }; storedAttachments: number; invoices: Array<{ invoiceNo: string }> }
    expect([json.voucher.attachments, json.storedAttachments, json.invoices.length]).toEqual([2, 1, 1])
    expect((await cledger(url, 'invoice', 'link-voucher', id, 'NO-SUCH')).code).not.toBe(0)
  })
})
