import { describe, expect, it } from 'vitest'
import { importFile } from '../../service/imports/load.ts'
import { voucherInvoices } from '../../service/invoices/attachments.ts'
import { voucherAttachments } from '../../service/invoices/voucher-attachments.ts'
import { postInputVat } from '../../service/invoices/input-vat.ts'
import { updateInvoiceSettings } from '../../service/invoices/settings.ts'
import { SYSTEM } from '../../service/ledger/context.ts'
import { getVoucher } from '../../service/ledger/vouchers.ts'
import { ledgerWithCompany } from '../support/db.ts'

const US = '91330106MA2H7K5X3Q,杭州某某电子商务有限公司'
const PLATFORM = '91110000MA00000000,北京某某网络技术有限公司'
const HEADER = '数电票号码,销方识别号,销方名称,购方识别号,购买方名称,开票日期,金额,税率,税额,价税合计,发票状态,是否红字,对应蓝字发票号码,备注,勾选状态'

describe('input VAT from input invoices', () => {
  it('moves the tax of certified input invoices to 进项税额 once, from the cost account the invoice names; on receipt it takes them all', async () => {
    const { context, company, db } = await ledgerWithCompany()
    await updateInvoiceSettings(context, SYSTEM, company.id, { taxId: '91330106MA2H7K5X3Q' })
    const rows = [
      `24330000000000000101,${PLATFORM},${US},2024-03-05,200.00,6%,12.00,212.00,正常,否,,推广服务费,已认证`,
      `24330000000000000102,${PLATFORM},${US},2024-03-06,100.00,6%,6.00,106.00,正常,否,,技术服务费（佣金）,未勾选`,
      `24330000000000000103,${PLATFORM},${US},2024-03-07,-100.00,6%,-6.00,-106.00,正常,是,24330000000000000999,推广服务费,已认证`,
      `24330000000000000104,${US},,个人,2024-03-08,100.00,13%,13.00,113.00,正常,否,,,`,
    ]
    await importFile(db, company.id, { name: 'in.csv', bytes: new Uint8Array(Buffer.from(`${HEADER}\n${rows.join('\n')}\n`)) }, { actor: SYSTEM })
    const first = await postInputVat(context, SYSTEM, company.id, { period: '2024-03', mode: 'post' })
    expect(first.vouchers.map((each) => [each.invoiceNo.slice(-3), each.tax, each.account])).toEqual([['101', '12.00', '5601.02'], ['103', '-6.00', '5601.02']])
    expect(first.skipped).toBe(1)
    const voucher = await getVoucher(context, company.id, first.vouchers[0]?.voucherId ?? 0)
    expect(voucher.lines.map((line) => [line.account, line.side, line.amount])).toEqual([['2221.01.01', 'debit', '12.00'], ['5601.02', 'credit', '12.00']])
    expect(await voucherInvoices(context, company.id, voucher.id)).toEqual(['24330000000000000101'])
    // 附件数 1 comes from the source link; the voucher stores none itself (no double count)
    expect(voucher.attachments).toBe(0)
    expect((await voucherAttachments(context, company.id, voucher)).count).toBe(1)
    const again = await postInputVat(context, SYSTEM, company.id, { period: '2024-03', mode: 'post' })
    expect(again.vouchers).toEqual([])
    await updateInvoiceSettings(context, SYSTEM, company.id, { inputVatOn: 'receipt' })
    const onReceipt = await postInputVat(context, SYSTEM, company.id, { period: '2024-03', mode: 'post' })
    expect(onReceipt.vouchers.map((each) => [each.invoiceNo.slice(-3), each.account])).toEqual([['102', '5601.01']])
  })
})
