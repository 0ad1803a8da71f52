import { describe, expect, it } from 'vitest'
import { createApp } from '../../service/app.ts'
import { importFile } from '../../service/imports/load.ts'
import { matchFeeInvoices } from '../../service/invoices/fees.ts'
import { postInputVat } from '../../service/invoices/input-vat.ts'
import { updateInvoiceSettings } from '../../service/invoices/settings.ts'
import { getCompany } from '../../service/ledger/company.ts'
import { SYSTEM } from '../../service/ledger/context.ts'
import { getVoucher } from '../../service/ledger/vouchers.ts'
import { ledgerWithCompany } from '../support/db.ts'
import { call, signedIn } from '../support/http.ts'

const US = '91330106MA2H7K5X3Q,杭州某某电子商务有限公司'
const JD = '91110302MA00AAAA0X,北京京东世纪贸易有限公司'
const HEADER = '数电票号码,销方识别号,销方名称,购方识别号,购买方名称,开票日期,金额,税率,税额,价税合计,发票状态,是否红字,对应蓝字发票号码,备注,勾选状态'
const SETTLEMENT = '订单编号,单据编号,单据类型,费用项,金额,费用发生时间,收支方向'

const file = (name: string, text: string) => ({ name, bytes: new Uint8Array(Buffer.from(text)) })

describe('input invoices for platform fees match the fee settlement lines (platform, month, amount)', () => {
  it('matches a month of commission over all stores and a store\'s promotion, sets their input VAT from the invoice by store, and lists the unmatched with why', async () => {
    const { context, company, db } = await ledgerWithCompany()
    await updateInvoiceSettings(context, SYSTEM, company.id, { taxId: '91330106MA2H7K5X3Q', inputVatOn: 'receipt' })
    await importFile(db, company.id, file('jd-main-结算.csv', `${SETTLEMENT}
200000000001,D1,货款结算,佣金,100.00,2024-03-05 10:00:00,支出
200000000002,D2,货款结算,佣金,112.00,2024-03-20 10:00:00,支出
,D3,营销费用,广告费,530.00,2024-03-25 10:00:00,支出
200000000001,D4,货款结算,货款,1130.00,2024-03-05 10:00:00,收入
`), { actor: SYSTEM, store: 'jd-main' })
    await importFile(db, company.id, file('jd-2-结算.csv', `${SETTLEMENT}
200000000101,E1,货款结算,佣金,106.00,2024-03-08 10:00:00,支出
`), { actor: SYSTEM, store: 'jd-2' })
    await importFile(db, company.id, file('进项.csv', `${HEADER}
24330000000000000401,${JD},${US},2024-04-03,300.00,6%,18.00,318.00,正常,否,,技术服务费（佣金）2024年3月,未勾选
24330000000000000402,${JD},${US},2024-03-31,500.00,6%,30.00,530.00,正常,否,,推广服务费 京准通,未勾选
24330000000000000403,${JD},${US},2024-04-05,942.45,6%,56.55,999.00,正常,否,,平台技术服务费（佣金）,未勾选
24330000000000000404,91110000MA00000000,北京某某网络技术有限公司,${US},2024-04-06,100.00,6%,6.00,106.00,正常,否,,技术服务费（佣金）,未勾选
24330000000000000405,91330100MA11111111,义乌某某贸易有限公司,${US},2024-04-07,1000.00,13%,130.00,1130.00,正常,否,,采购杯子,未勾选
`), { actor: SYSTEM })

    const result = await matchFeeInvoices(context, company)
    expect(result.matched.map((each) => [each.invoiceNo.slice(-3), each.kind, each.month, each.stores.map((store) => [store.store, String(store.fee), store.account]), each.lines, each.bookedBySettlement])).toEqual([
      ['402', 'promotion', '2024-03', [['jd-main', '53000', '5601.02']], 1, null],
      ['401', 'commission', '2024-03', [['jd-2', '10600', '5601.01'], ['jd-main', '21200', '5601.01']], 3, null],
    ])
    expect(result.unmatched.map((each) => [each.invoiceNo.slice(-3), each.kind])).toEqual([['403', 'commission'], ['404', 'commission']])
    expect(result.unmatched[0]?.why.en).toBe('no commission lines of JD add up to 999.00 in 2024-04 or 2024-03; closest: 2024-03 jd-2 106.00, jd-main 212.00')
    expect(result.unmatched[0]?.why.zh).toContain('没有合计 999.00 的佣金明细')
    expect(result.unmatched[1]?.why).toEqual({ zh: '销方 北京某某网络技术有限公司 不是已知的平台，无法对应平台费用', en: 'the seller 北京某某网络技术有限公司 is not a known platform, so no platform fee can be matched' })

    // the fee's input VAT takes the invoice's tax, split over the stores by their fees (12.00 + 6.00), on each store's fee account
    const posted = await postInputVat(context, SYSTEM, company.id, { period: '2024-04', mode: 'draft' })
    const commission = posted.vouchers.find((each) => each.invoiceNo.endsWith('401'))
    expect(commission?.fee).toEqual({ kind: 'commission', month: '2024-03', rate: '0.06', stores: ['jd-2', 'jd-main'] })
    const voucher = await getVoucher(context, company.id, commission?.voucherId ?? 0)
    expect(voucher.lines.map((line) => [line.account, line.store, line.side, line.amount])).toEqual([
      ['2221.01.01', '', 'debit', '18.00'], ['5601.01', 'jd-2', 'credit', '6.00'], ['5601.01', 'jd-main', 'credit', '12.00'],
    ])
    expect(voucher.summary).toContain('佣金 2024-03')
    const promotion = await getVoucher(context, company.id, posted.vouchers.find((each) => each.invoiceNo.endsWith('402'))?.voucherId ?? 0)
    expect(promotion.lines.map((line) => [line.account, line.store, line.amount])).toEqual([['2221.01.01', '', '30.00'], ['5601.02', 'jd-main', '30.00']])
    // the unmatched and the goods invoice keep the account their text names
    expect(posted.vouchers.filter((each) => !each.fee).map((each) => [each.invoiceNo.slice(-3), each.account])).toEqual([['403', '5601.01'], ['404', '5601.01'], ['405', '1405']])

    // when the settlement posting books the commission's input VAT itself (vat.feeTaxCodes), no second voucher
    await context.db.client.execute({ sql: "UPDATE companies SET settings_json = json_set(settings_json, '$.vat', json(?)) WHERE id = ?", args: [JSON.stringify({ feeTaxCodes: { commission: 'GENERAL_6' } }), company.id] })
    const booked = await matchFeeInvoices(context, await getCompany(context, company.id))
    expect(booked.matched.map((each) => [each.invoiceNo.slice(-3), each.bookedBySettlement])).toEqual([['402', null], ['401', 'GENERAL_6']])

    const api = createApp({ context })
    const admin = await signedIn(api, context, company, 'boss', 'admin')
    const response = await call(api, admin, 'GET', `/companies/${company.code}/invoice-fees?period=2024-04`)
    expect(response.status).toBe(200)
    const body = (await response.json()) as { matched: Array<{ invoiceNo: string; tax: string; stores: Array<{ fee: string }> }>; unmatched: Array<{ invoiceNo: string; total: string; why: { zh: string; en: string } }> }
    expect(body.matched.map((each) => [each.invoiceNo, each.tax, each.stores.map((store) => store.fee)])).toEqual([['24330000000000000401', '18.00', ['106.00', '212.00']]])
    expect(body.unmatched.map((each) => [each.invoiceNo, each.total])).toEqual([['24330000000000000403', '999.00'], ['24330000000000000404', '106.00']])
  })
})
