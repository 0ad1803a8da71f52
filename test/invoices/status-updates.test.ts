import iconv from 'iconv-lite'
import { describe, expect, it } from 'vitest'
import { importFile } from '../../service/imports/load.ts'
import { postInputVat } from '../../service/invoices/input-vat.ts'
import { addInvoiceRequest, invoiceLinks, listInvoiceExceptions, runInvoiceMatching } from '../../service/invoices/match.ts'
import { getInvoice } from '../../service/invoices/query.ts'
import { inputInvoicesByStatus, invoiceFigures, invoicedOf } from '../../service/invoices/report.ts'
import { updateInvoiceSettings } from '../../service/invoices/settings.ts'
import { SYSTEM } from '../../service/ledger/context.ts'
import { ledgerWithCompany } from '../support/db.ts'

const US = '91330106MA2H7K5X3Q,杭州某某电子商务有限公司'
const SUPPLIER = '91330100MA11111111,义乌某某贸易有限公司'
const HEADER = '数电票号码,销方识别号,销方名称,购方识别号,购买方名称,开票日期,金额,税率,税额,价税合计,发票状态,是否红字,对应蓝字发票号码,备注,勾选状态'

function exportOf(status: { blue: string; other: string; input: string; certification: string }): Uint8Array {
  return new Uint8Array(Buffer.from(`${HEADER}
24330000000000000301,${US},,个人,2024-03-10,100.00,13%,13.00,113.00,${status.blue},否,,订单号：200000000001,
24330000000000000302,${US},,个人,2024-03-11,50.00,13%,6.50,56.50,${status.other},否,,,
24330000000000000303,${SUPPLIER},${US},2024-03-12,1000.00,13%,130.00,1130.00,${status.input},否,,采购杯子,${status.certification}
`))
}

describe('a later list export updates the status of stored invoices (audited)', () => {
  it('moves 正常 -> 已红冲 / 作废 and 未勾选 -> 已认证 forward only, audits each change, and matching, the reconciliation and input VAT honour it', async () => {
    const { context, company, db } = await ledgerWithCompany()
    await updateInvoiceSettings(context, SYSTEM, company.id, { taxId: '91330106MA2H7K5X3Q' })
    const orders = '订单号,商品ID,商品名称,订购数量,下单时间,京东价,订单金额,应付金额,订单状态,运费金额\n200000000001,1,杯子,1,2024-03-01 10:00:00,113.00,113.00,113.00,完成,0.00\n'
    await importFile(db, company.id, { name: 'jd.csv', bytes: new Uint8Array(iconv.encode(orders, 'gbk')) }, { actor: SYSTEM, store: 'jd-main' })
    await addInvoiceRequest(context, SYSTEM, company.id, { channel: 'jd', orderNo: '200000000001', title: '个人' })

    const first = await importFile(db, company.id, { name: '发票明细-3月.csv', bytes: exportOf({ blue: '正常', other: '正常', input: '正常', certification: '未勾选' }) }, { actor: SYSTEM })
    expect(first.imported).toBe(3)
    const before = await runInvoiceMatching(context, SYSTEM, company.id)
    expect([before.links.remark, before.exceptions]).toEqual([1, { INVOICE_WITHOUT_ORDER: 1 }])
    const march = async () => invoicedOf((await invoiceFigures(context, company.id, '2024-03', '2024-03')).figures.get('2024-03')?.get('0.13') ?? { revenue: 0n, specialAmount: 0n, specialTax: 0n, otherAmount: 0n, otherTax: 0n })
    expect(await march()).toBe(15_000n)
    expect((await postInputVat(context, SYSTEM, company.id, { period: '2024-03', mode: 'draft' })).vouchers).toEqual([])

    // the April download shows the blue invoice 已红冲 (its red invoice not downloaded), the other 作废, the input one 已认证
    const later = await importFile(db, company.id, { name: '发票明细-4月.csv', bytes: exportOf({ blue: '已红冲', other: '作废', input: '正常', certification: '已认证' }) }, { actor: SYSTEM })
    expect([later.imported, later.updated, later.duplicates]).toEqual([0, 3, 0])
    const check = later.checks.find((each) => each.code === 'INVOICE_STATUS_UPDATED')
    expect(check?.message).toContain('3 stored invoice(s) changed status')
    expect(check?.message).toContain('3 张已导入发票的状态已按本文件更新')
    expect(check?.message).toContain('24330000000000000301 正常 -> 已红冲')
    expect((await getInvoice(db, company.id, '24330000000000000301')).status).toBe('reversed')
    expect((await getInvoice(db, company.id, '24330000000000000302')).status).toBe('cancelled')
    expect((await getInvoice(db, company.id, '24330000000000000303')).certification).toBe('certified')
    const audit = await db.client.execute({ sql: "SELECT entity_id, payload_json FROM audit_log WHERE action = 'invoice.status' ORDER BY entity_id", args: [] })
    expect(audit.rows.map((row) => String(row.entity_id))).toEqual(['24330000000000000301', '24330000000000000302', '24330000000000000303'])
    expect(JSON.parse(String(audit.rows[0]?.payload_json))).toMatchObject({ file: '发票明细-4月.csv', from: { status: 'normal', statusRaw: '正常' }, to: { status: 'reversed', statusRaw: '已红冲' } })

    // an older download read afterwards moves nothing back
    const older = await importFile(db, company.id, { name: '发票明细-3月-again.csv', bytes: exportOf({ blue: '正常', other: '正常', input: '正常', certification: '未勾选' }) }, { actor: SYSTEM })
    expect([older.updated, older.duplicates]).toEqual([0, 3])
    expect(older.checks.some((each) => each.code === 'INVOICE_STATUS_UPDATED')).toBe(false)
    expect((await getInvoice(db, company.id, '24330000000000000301')).status).toBe('reversed')

    // matching: the reversed blue no longer invoices the requested order, the cancelled one is no exception any more
    const after = await runInvoiceMatching(context, SYSTEM, company.id)
    expect(after.exceptions).toEqual({ ORDER_NOT_INVOICED: 1 })
    expect(await invoiceLinks(context, company.id, { invoiceNo: '24330000000000000301' })).toEqual([])
    expect((await listInvoiceExceptions(context, company.id, { type: 'INVOICE_WITHOUT_ORDER' }))).toEqual([])
    // the reconciliation counts neither; the certified input invoice is deductible and posts
    expect(await march()).toBe(0n)
    expect((await inputInvoicesByStatus(context, company.id, '2024-03')).rows.map((row) => [row.certification, row.deductibleTax])).toEqual([['certified', 13_000n]])
    expect((await postInputVat(context, SYSTEM, company.id, { period: '2024-03', mode: 'draft' })).vouchers.map((each) => each.invoiceNo)).toEqual(['24330000000000000303'])

    // once the red invoice itself is imported, blue + red net to nothing (not -113.00)
    const red = `${HEADER}\n24330000000000000304,${US},,个人,2024-04-02,-100.00,13%,-13.00,-113.00,正常,是,24330000000000000301,,\n`
    await importFile(db, company.id, { name: '红字.csv', bytes: new Uint8Array(Buffer.from(red)) }, { actor: SYSTEM })
    const figures = (await invoiceFigures(context, company.id, '2024-03', '2024-04')).figures
    expect(invoicedOf(figures.get('2024-03')?.get('0.13') ?? { revenue: 0n, specialAmount: 0n, specialTax: 0n, otherAmount: 0n, otherTax: 0n }) + invoicedOf(figures.get('2024-04')?.get('0.13') ?? { revenue: 0n, specialAmount: 0n, specialTax: 0n, otherAmount: 0n, otherTax: 0n })).toBe(0n)
    expect((await runInvoiceMatching(context, SYSTEM, company.id)).exceptions).toEqual({ ORDER_NOT_INVOICED: 1 })
  })
})
