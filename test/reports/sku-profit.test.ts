import ExcelJS from 'exceljs'
import { describe, expect, it } from 'vitest'
import type { LedgerContext } from '../../service/ledger/context.ts'
import { importReceipts, parseReceiptsCsv } from '../../service/posting/inventory.ts'
import { runPosting } from '../../service/posting/run.ts'
import { updatePostingSettings } from '../../service/posting/settings.ts'
import { buildReport } from '../../service/reports/index.ts'
import { renderCsv } from '../../service/reports/render/csv.ts'
import { renderXlsx } from '../../service/reports/render/xlsx.ts'
import { reportToJson } from '../../service/reports/render/json.ts'
import { cellText } from '../../shared/reports/report.ts'
import type { Order, OrderLine, SettlementTxn } from '../../shared/records.ts'
import { ledgerWithCompany } from '../support/db.ts'
import { aLine, aTxn, anOrder, cny } from '../posting/support.ts'

/**
 * Two stores (tmall at 13% VAT, jd at a fixed 3%), three SKUs. Hand-checked:
 * - 1001 tmall 169.50 = A x2 113.00 + B x1 56.50 -> net 150.00 split 100.00/50.00;
 *   commission 3.01 split 2:1 = 2.01/1.00 (the remainder fen to A), fee 1.02 = 0.68/0.34;
 *   COGS A 2 x 10.00 (before the second receipt), B 50.00.
 * - 1002 tmall 169.50 = A x3, refunded 56.50 after settlement -> refunds net 50.00;
 *   commission 5.09; COGS at moving average 3 x (80.00+130.00)/18 = 35.00.
 * - 1003 tmall B x1 56.50, imported after the posting run: net 50.00, not posted, no COGS yet.
 * - J1 jd 51.50 = C x2 20.60 + A x1 30.90 -> net 50.00 = 20.00/30.00; commission 1.00 = 0.40/0.60;
 *   promotion 0.07 = 0.03/0.04; COGS C 15.00, A 175.00/15 = 11.67.
 * - jd promotion 10.00 without an order -> (未分摊).
 */
const accountant = { userId: 1 }

async function insertRecords(context: LedgerContext, companyId: number, records: { orders?: Order[]; lines?: OrderLine[]; txns?: SettlementTxn[] }, name: string): Promise<void> {
  const client = context.db.client
  const batch = await client.execute({
    sql: `INSERT INTO import_batches (company_id, file_name, file_hash, file_size, parser, status, read_count, imported_count, duplicate_count, rejected_count, skipped_count, started_at, finished_at)
      VALUES (?, ?, ?, 0, 'test', 'committed', 0, 0, 0, 0, 0, '2026-10-31T00:00:00Z', '2026-10-31T00:00:00Z') RETURNING id`,
    args: [companyId, name, name.padEnd(64, '0')],
  })
  const batchId = Number(batch.rows[0]?.id)
  for (const order of records.orders ?? []) {
    await client.execute({
      sql: `INSERT INTO orders (company_id, batch_id, channel, store, order_no, status, status_raw, created_at, paid_at, shipped_at, completed_at, currency, gross_minor, discount_minor, shipping_minor, tax_minor, refunded_minor, payment_ref, source_hash, source_row)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      args: [companyId, batchId, order.channel, order.store, order.orderNo, order.status, order.statusRaw, order.createdAt, order.paidAt ?? null, order.shippedAt ?? null, order.completedAt ?? null, order.currency, order.gross, order.discount, order.shipping, order.tax, order.refunded, order.paymentRef ?? null, order.source.fileHash, order.source.rowNumber],
    })
  }
  for (const line of records.lines ?? []) {
    await client.execute({
      sql: `INSERT INTO order_lines (company_id, batch_id, channel, store, order_no, sub_order_no, sku, title, quantity, unit_price_minor, discount_minor, amount_minor, refunded_minor, status, status_raw, currency, source_hash, source_row)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      args: [companyId, batchId, line.channel, line.store, line.orderNo, line.subOrderNo, line.sku, line.title, line.quantity, line.unitPrice, line.discount, line.amount, line.refunded, line.status, line.statusRaw, line.currency, line.source.fileHash, line.source.rowNumber],
    })
  }
  for (const txn of records.txns ?? []) {
    await client.execute({
      sql: `INSERT INTO settlement_txns (company_id, batch_id, channel, store, external_id, kind, amount_minor, currency, occurred_at, order_ref, description, source_hash, source_row)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      args: [companyId, batchId, txn.channel, txn.store, txn.externalId, txn.kind, txn.amount, txn.currency, txn.occurredAt, txn.orderRef ?? null, txn.description, txn.source.fileHash, txn.source.rowNumber],
    })
  }
}

const jdOrder = (orderNo: string, gross: string, completedAt: string) => anOrder(orderNo, gross, { channel: 'jd', store: 'jd', completedAt })
const jdLine = (orderNo: string, sub: string, sku: string, quantity: number, amount: string) => aLine(orderNo, sub, sku, quantity, amount, { channel: 'jd', store: 'jd' })
const jdTxn = (id: string, kind: SettlementTxn['kind'], amount: string, orderRef?: string, occurredAt = '2026-10-07T08:00:00+08:00') => aTxn(id, kind, amount, { channel: 'jd', store: 'jd', occurredAt, ...(orderRef ? { orderRef } : {}) })

async function month() {
  const ledger = await ledgerWithCompany()
  const { context, company } = ledger
  await context.db.client.execute({ sql: "INSERT INTO stores (company_id, code, name, channel, vat_rate) VALUES (?, 'tmall', '天猫店', 'taobao', 'GENERAL_13'), (?, 'jd', '京东店', 'jd', '0.03')", args: [company.id, company.id] })
  await updatePostingSettings(context, accountant, company.id, { autoApprove: { maxTotal: '1000000.00' } })
  await importReceipts(context, accountant, company.id, parseReceiptsCsv(['date,sku,quantity,total_cost,name', '2026-10-01,A,10,100.00,保温杯', '2026-10-04,A,10,130.00,保温杯', '2026-10-01,B,5,250.00,电水壶', '2026-10-01,C,4,30.00,杯刷'].join('\n'), 'CNY'))
  await insertRecords(context, company.id, {
    orders: [
      anOrder('1001', '169.50', { completedAt: '2026-10-03T12:00:00+08:00' }),
      anOrder('1002', '169.50', { completedAt: '2026-10-05T12:00:00+08:00', refunded: cny('56.50') }),
      jdOrder('J1', '51.50', '2026-10-06T12:00:00+08:00'),
    ],
    lines: [
      aLine('1001', '1', 'A', 2, '113.00'), aLine('1001', '2', 'B', 1, '56.50'),
      aLine('1002', '1', 'A', 3, '169.50', { refunded: cny('56.50') }),
      jdLine('J1', '1', 'C', 2, '20.60'), jdLine('J1', '2', 'A', 1, '30.90'),
    ],
    txns: [
      aTxn('P1', 'payment', '169.50', { orderRef: '1001' }), aTxn('C1', 'commission', '-3.01', { orderRef: '1001' }), aTxn('F1', 'fee', '-1.02', { orderRef: '1001' }),
      aTxn('P2', 'payment', '169.50', { orderRef: '1002' }), aTxn('C2', 'commission', '-5.09', { orderRef: '1002' }),
      aTxn('R2', 'refund', '-56.50', { orderRef: '1002', occurredAt: '2026-10-08T08:00:00+08:00' }),
      jdTxn('JP1', 'payment', '51.50', 'J1'), jdTxn('JC1', 'commission', '-1.00', 'J1'), jdTxn('JM1', 'promotion', '-0.07', 'J1'),
      jdTxn('JM2', 'promotion', '-10.00', undefined, '2026-10-20T08:00:00+08:00'),
    ],
  }, 'month')
  const posting = await runPosting(context, accountant, company.id)
  expect(posting.held).toEqual([])
  expect(posting.uncosted).toEqual([])
  //  imported after the run: recognised in October but not posted yet
  await insertRecords(context, company.id, { orders: [anOrder('1003', '56.50', { completedAt: '2026-10-10T12:00:00+08:00' })], lines: [aLine('1003', '1', 'B', 1, '56.50')] }, 'late')
  return ledger
}

const HEADER = ['store', 'channel', 'sku', 'title', 'quantity', 'revenue', 'refunds', 'netRevenue', 'commission', 'paymentFees', 'promotion', 'cogs', 'margin', 'marginRate']

describe('SKU channel profit report', () => {
  it('shows revenue, refunds, allocated charges, COGS and margin per store and SKU with subtotals that sum exactly', async () => {
    const { context, company } = await month()
    const report = await buildReport(context, company.id, 'sku-profit', { period: '2026-10' })
    const table = report.rows.map((row) => report.columns.map((column) => cellText(row.cells[column.key], column.kind, report.currency)))
    expect(report.columns.map((column) => column.key)).toEqual(HEADER)
    expect(table).toEqual([
      ['jd', 'jd', 'A', '保温杯', '1', '30.00', '0.00', '30.00', '0.60', '0.00', '0.04', '11.67', '17.69', '0.5897'],
      ['jd', 'jd', 'C', '杯刷', '2', '20.00', '0.00', '20.00', '0.40', '0.00', '0.03', '15.00', '4.57', '0.2285'],
      ['jd', 'jd', '(未分摊)', '无订单的平台费用', '0', '0.00', '0.00', '0.00', '0.00', '0.00', '10.00', '0.00', '-10.00', ''],
      ['jd', 'jd', '小计', '', '3', '50.00', '0.00', '50.00', '1.00', '0.00', '10.07', '26.67', '12.26', '0.2452'],
      ['tmall', 'taobao', 'A', '保温杯', '5', '250.00', '50.00', '200.00', '7.10', '0.68', '0.00', '55.00', '137.22', '0.6861'],
      ['tmall', 'taobao', 'B', '电水壶', '2', '100.00', '0.00', '100.00', '1.00', '0.34', '0.00', '50.00', '48.66', '0.4866'],
      ['tmall', 'taobao', '小计', '', '7', '350.00', '50.00', '300.00', '8.10', '1.02', '0.00', '105.00', '185.88', '0.6196'],
      ['合计', '', '', '', '10', '400.00', '50.00', '350.00', '9.10', '1.02', '10.07', '131.67', '198.14', '0.5661'],
    ])
    expect(report.rows.map((row) => row.style ?? 'item')).toEqual(['item', 'item', 'item', 'subtotal', 'item', 'item', 'subtotal', 'total'])
    expect(report.rows[3]?.formulas?.revenue).toEqual({ kind: 'range', column: 'revenue', from: 0, to: 2 })
    expect(report.rows[7]?.formulas?.margin).toEqual({ kind: 'terms', terms: [{ row: 3, column: 'margin', sign: 1 }, { row: 6, column: 'margin', sign: 1 }] })
  })

  it('agrees per store with the ledger-based channel profit on posted revenue and COGS, and names the unposted order in a note', async () => {
    const { context, company } = await month()
    const report = await buildReport(context, company.id, 'sku-profit', { period: '2026-10' })
    expect(report.checks.map((check) => [check.key, check.ok, check.expected, check.actual])).toEqual([
      ['revenue.jd', true, '50.00', '50.00'], ['cogs.jd', true, '26.67', '26.67'],
      ['revenue.tmall', true, '300.00', '300.00'], ['cogs.tmall', true, '105.00', '105.00'],
    ])
    const stores = await buildReport(context, company.id, 'channel-profit', { period: '2026-10' })
    expect(stores.rows.map((row) => [row.cells.store, cellText(row.cells.revenue, 'amount', 'CNY'), cellText(row.cells.cogs, 'amount', 'CNY')])).toEqual([['jd', '50.00', '26.67'], ['tmall', '300.00', '105.00'], ['合计', '350.00', '131.67']])
    expect(report.notes[0]).toContain('订单 4 张')
    expect(report.notes).toContain('未过账订单 1 张，不含税收入 50.00：列在表中，但不在核对的已过账收入内。')
    expect(report.notes).toContain('1 个已售明细尚无出库成本（未过账或库存不足），成本按 0 计。')
  })

  it('limits the report to one store when asked', async () => {
    const { context, company } = await month()
    const report = await buildReport(context, company.id, 'sku-profit', { period: '2026-10', store: 'jd' })
    expect(report.rows.map((row) => [row.cells.store, row.cells.sku])).toEqual([['jd', 'A'], ['jd', 'C'], ['jd', '(未分摊)'], ['jd', '小计'], ['合计', '']])
    expect(report.meta).toEqual({ store: 'jd' })
    expect(report.checks.every((check) => check.ok)).toBe(true)
  })

  it('renders to csv and json with decimal strings and to xlsx with SUM subtotals and a grand total over the subtotals', async () => {
    const { context, company } = await month()
    const report = await buildReport(context, company.id, 'sku-profit', { period: '2026-10' })
    const csv = renderCsv(report).split(/\r?\n/)
    expect(csv).toContain('tmall,taobao,A,保温杯,5,250.00,50.00,200.00,7.10,0.68,0.00,55.00,137.22,0.6861')
    expect(csv).toContain('合计,,,,10,400.00,50.00,350.00,9.10,1.02,10.07,131.67,198.14,0.5661')
    const json = reportToJson(report)
    expect(json.rows.at(-1)).toMatchObject({ store: '合计', quantity: '10', revenue: '400.00', margin: '198.14', marginRate: '0.5661' })
    expect(json.balanced).toBe(true)
    const workbook = new ExcelJS.Workbook()
    const bytes = await renderXlsx(report)
    const copy = new Uint8Array(bytes.byteLength)
    copy.set(bytes)
    await workbook.xlsx.load(copy.buffer)
    const sheet = workbook.getWorksheet('渠道利润表（按SKU）')
    expect(sheet?.getRow(4).values).toEqual([undefined, '店铺', '渠道', 'SKU', '商品名称', '销量', '销售收入', '退款', '净收入', '平台佣金', '支付手续费', '推广费', '销售成本', '毛利', '毛利率'])
    expect(sheet?.getCell('F8').value).toEqual({ formula: 'SUM(F5:F7)', result: 50 })
    expect(sheet?.getCell('M9').value).toEqual({ formula: 'H9-I9-J9-K9-L9', result: 137.22 })
    expect(sheet?.getCell('M12').value).toEqual({ formula: 'M8+M11', result: 198.14 })
    expect([sheet?.getCell('N9').value, sheet?.getCell('N9').numFmt]).toEqual([0.6861, '0.00%'])
  })
})
