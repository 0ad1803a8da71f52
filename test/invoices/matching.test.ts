import iconv from 'iconv-lite'
import { describe, expect, it } from 'vitest'
import { parseAmount } from '../../shared/money.ts'
import { importFile } from '../../service/imports/load.ts'
import { addInvoiceRequest, invoiceLinks, listInvoiceExceptions, runInvoiceMatching } from '../../service/invoices/match.ts'
import { updateInvoiceSettings } from '../../service/invoices/settings.ts'
import { SYSTEM } from '../../service/ledger/context.ts'
import { ledgerWithCompany } from '../support/db.ts'

const US = '91330106MA2H7K5X3Q,杭州某某电子商务有限公司'
const ACME = '91310115MA1K4B2C8D,上海某某贸易有限公司'
const INVOICE_HEADER = '数电票号码,销方识别号,销方名称,购方识别号,购买方名称,开票日期,金额,税率,税额,价税合计,发票状态,是否红字,对应蓝字发票号码,备注'

/** JD order export rows: order no, date, amount due (订单金额 = 应付金额), status. */
function ordersFile(rows: Array<[string, string, string, string?]>): Uint8Array {
  const header = '订单号,商品ID,商品名称,订购数量,下单时间,京东价,订单金额,应付金额,订单状态,运费金额'
  const lines = rows.map(([no, date, amount, status]) => `${no},1001,杯子,1,${date} 10:00:00,${amount},${amount},${amount},${status ?? '完成'},0.00`)
  return iconv.encode(`${header}\n${lines.join('\n')}\n`, 'gbk')
}

/** An invoice row (gross 价税合计 at 13%; amount/tax split so they add up). */
function invoice(no: string, date: string, gross: string, remark = '', buyer = ',个人', red = '', seller = US): string {
  const fen: bigint = parseAmount(gross, 'CNY')
  const sign = fen < 0n ? -1n : 1n
  const magnitude = fen * sign
  const net = (magnitude * 100n * 2n + 113n) / 226n
  const tax = magnitude - net
  const text = (value: bigint) => `${value < 0n ? '-' : ''}${(value < 0n ? -value : value) / 100n}.${String((value < 0n ? -value : value) % 100n).padStart(2, '0')}`
  return `${no},${seller},${buyer},${date},${text(net * sign)},13%,${text(tax * sign)},${text(fen)},正常,${red ? '是' : '否'},${red},${remark}`
}

async function scenario() {
  const setup = await ledgerWithCompany()
  const { db, company, context } = setup
  await updateInvoiceSettings(context, SYSTEM, company.id, { taxId: '91330106MA2H7K5X3Q' })
  const orders = await importFile(db, company.id, { name: 'jd.csv', bytes: ordersFile([
    ['200000000001', '2024-03-01', '113.00'], ['200000000002', '2024-03-02', '226.00'], ['200000000003', '2024-03-03', '300.00'],
    ['200000000004', '2024-03-28', '113.00'], ['200000000005', '2024-03-05', '113.00'], ['200000000006', '2024-03-06', '500.00'],
    ['200000000007', '2024-03-07', '100.00'], ['200000000008', '2024-03-08', '80.00', '已取消'],
  ]) }, { actor: SYSTEM })
  expect(orders.importedByKind.order).toBe(8)
  const invoices = [
    invoice('24330000000000000001', '2024-03-10', '339.00', '订单号：200000000001、200000000002'),
    invoice('24330000000000000002', '2024-03-11', '100.00', '订单号：200000000003（第一批）'),
    invoice('24330000000000000003', '2024-04-02', '200.00', '订单号：200000000003（第二批）'),
    invoice('24330000000000000004', '2024-05-15', '113.00', '订单号：200000000004'),
    invoice('24330000000000000005', '2024-03-12', '113.00', '订单号：200000000005'),
    invoice('24330000000000000006', '2024-04-01', '-113.00', '被红冲蓝字数电发票号码：24330000000000000005', ',个人', '24330000000000000005'),
    invoice('24330000000000000007', '2024-04-03', '500.00', '', ACME),
    invoice('24330000000000000008', '2024-03-20', '58.00', '', ',个人'),
    invoice('24330000000000000009', '2024-03-21', '90.00', '200000000007'),
    // an input invoice (we are the buyer): no part in output matching
    invoice('24330000000000000010', '2024-03-21', '1000.00', '', `${US.split(',')[0]},杭州某某电子商务有限公司`, '', '91110000MA00000000,北京某某网络技术有限公司'),
  ]
  const imported = await importFile(db, company.id, { name: 'fp.csv', bytes: new Uint8Array(Buffer.from(`${INVOICE_HEADER}\n${invoices.join('\n')}\n`)) }, { actor: SYSTEM })
  expect([imported.imported, imported.rejected]).toEqual([10, 0])
  await addInvoiceRequest(context, SYSTEM, company.id, { channel: 'jd', orderNo: '200000000005', title: '个人' })
  await addInvoiceRequest(context, SYSTEM, company.id, { channel: 'jd', orderNo: '200000000006', title: '上海某某贸易有限公司', buyerTaxId: '91310115MA1K4B2C8D' })
  await addInvoiceRequest(context, SYSTEM, company.id, { channel: 'jd', orderNo: '200000000008', title: '个人' })
  return setup
}

const amounts = (links: Array<{ invoiceNo: string; orderNo: string; amount: bigint; rule: string }>) => links.map((link) => [link.invoiceNo.slice(-2), link.orderNo.slice(-2), link.amount, link.rule])

describe('output invoices <-> orders', () => {
  it('links one invoice to several orders and one order to several invoices, by the order numbers in 备注', async () => {
    const { context, company } = await scenario()
    const counts = await runInvoiceMatching(context, SYSTEM, company.id)
    expect([counts.taxId, counts.taxIdInferred, counts.invoices]).toEqual(['91330106MA2H7K5X3Q', false, 9])
    expect(amounts(await invoiceLinks(context, company.id, { invoiceNo: '24330000000000000001' }))).toEqual([['01', '01', 11_300n, 'remark'], ['01', '02', 22_600n, 'remark']])
    expect(amounts(await invoiceLinks(context, company.id, { orderNo: '200000000003' }))).toEqual([['02', '03', 10_000n, 'remark'], ['03', '03', 20_000n, 'remark']])
    const exceptions = await listInvoiceExceptions(context, company.id)
    expect(exceptions.filter((each) => ['200000000001', '200000000002', '200000000003'].includes(each.orderNo ?? ''))).toEqual([])
  })

  it('matches an invoice issued two months after the sale, and a 企业 buyer by tax id and amount', async () => {
    const { context, company } = await scenario()
    const counts = await runInvoiceMatching(context, SYSTEM, company.id)
    expect(amounts(await invoiceLinks(context, company.id, { orderNo: '200000000004' }))).toEqual([['04', '04', 11_300n, 'remark']])
    expect(amounts(await invoiceLinks(context, company.id, { orderNo: '200000000006' }))).toEqual([['07', '06', 50_000n, 'buyer-amount']])
    expect(counts.links['buyer-amount']).toBe(1)
  })

  it('a red invoice cancels its blue one: the requested order is not invoiced any more until a new blue invoice comes', async () => {
    const { context, company, db } = await scenario()
    await runInvoiceMatching(context, SYSTEM, company.id)
    expect(amounts(await invoiceLinks(context, company.id, { orderNo: '200000000005' }))).toEqual([['05', '05', 11_300n, 'remark'], ['06', '05', -11_300n, 'red']])
    const open = await listInvoiceExceptions(context, company.id, { type: 'ORDER_NOT_INVOICED' })
    expect(open.map((each) => [each.orderNo, each.expected, each.status])).toEqual([['200000000005', 11_300n, 'open']])
    // the cancelled order 200000000008 was asked for, but is due nothing: no exception
    const reissued = await importFile(db, company.id, { name: 'fp2.csv', bytes: new Uint8Array(Buffer.from(`${INVOICE_HEADER}\n${invoice('24330000000000000011', '2024-04-05', '113.00', '订单号：200000000005')}\n`)) }, { actor: SYSTEM })
    expect(reissued.imported).toBe(1)
    const again = await runInvoiceMatching(context, SYSTEM, company.id)
    expect(again.cleared).toBe(1)
    expect(await listInvoiceExceptions(context, company.id, { type: 'ORDER_NOT_INVOICED' })).toEqual([])
  })

  it('raises INVOICE_WITHOUT_ORDER and INVOICE_AMOUNT_MISMATCH with the figures, and a re-run changes nothing', async () => {
    const { context, company } = await scenario()
    const first = await runInvoiceMatching(context, SYSTEM, company.id)
    expect(first.exceptions).toEqual({ INVOICE_WITHOUT_ORDER: 1, INVOICE_AMOUNT_MISMATCH: 1, ORDER_NOT_INVOICED: 1 })
    const exceptions = await listInvoiceExceptions(context, company.id)
    expect(exceptions.map((each) => [each.type, each.invoiceNo ?? each.orderNo, each.expected, each.invoiced])).toEqual([
      ['INVOICE_AMOUNT_MISMATCH', '200000000007', 10_000n, 9_000n],
      ['INVOICE_WITHOUT_ORDER', '24330000000000000008', 0n, 5_800n],
      ['ORDER_NOT_INVOICED', '200000000005', 11_300n, 0n],
    ])
    const second = await runInvoiceMatching(context, SYSTEM, company.id)
    expect([second.exceptions, second.cleared]).toEqual([first.exceptions, 0])
    expect(await listInvoiceExceptions(context, company.id)).toEqual(exceptions)
  })

  it('without a configured tax id, takes the one on most invoices and says so', async () => {
    const { context, company } = await ledgerWithCompany()
    const imported = await importFile(context.db, company.id, { name: 'fp.csv', bytes: new Uint8Array(Buffer.from(`${INVOICE_HEADER}\n${invoice('24330000000000000021', '2024-03-10', '10.00')}\n${invoice('24330000000000000022', '2024-03-10', '20.00')}\n`)) }, { actor: SYSTEM })
    expect(imported.imported).toBe(2)
    const counts = await runInvoiceMatching(context, SYSTEM, company.id)
    expect([counts.taxId, counts.taxIdInferred, counts.exceptions.INVOICE_WITHOUT_ORDER]).toEqual(['91330106MA2H7K5X3Q', true, 2])
  })
})
