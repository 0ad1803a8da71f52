import { describe, expect, it } from 'vitest'
import { trialBalance } from '../../service/ledger/balances.ts'
import { verifyLedger } from '../../service/ledger/verify.ts'
import { approveVoucher, getVoucher } from '../../service/ledger/vouchers.ts'
import { importReceipts, parseReceiptsCsv, stockOnHand } from '../../service/posting/inventory.ts'
import { runPosting } from '../../service/posting/run.ts'
import { updatePostingSettings } from '../../service/posting/settings.ts'
import { ledgerWithCompany } from '../support/db.ts'
import { aLine, aTxn, anOrder, cny } from './support.ts'

const accountant = { userId: 1 }
const approver = { userId: 2 }

async function setup() {
  const ledger = await ledgerWithCompany()
  await ledger.context.db.client.execute({ sql: "INSERT INTO stores (company_id, code, name, channel, vat_rate) VALUES (?, 'tmall', '天猫店', 'taobao', 'GENERAL_13')", args: [ledger.company.id] })
  return ledger
}

const sales = () => ({
  orders: [anOrder('1001', '113.00'), anOrder('1002', '99.90', { completedAt: '2026-10-06T12:00:00+08:00' })],
  txns: [aTxn('P1', 'payment', '113.00', { orderRef: '1001' }), aTxn('C1', 'commission', '-5.65', { orderRef: '1001' })],
})

describe('posting run', () => {
  it('writes drafts, and posting twice writes nothing new', async () => {
    const { context, company } = await setup()
    const first = await runPosting(context, accountant, company.id, { records: sales() })
    expect(first.written).toEqual({ vouchers: 3, lines: 9, posted: 0, drafts: 3, replayed: 0 })
    const second = await runPosting(context, accountant, company.id, { records: sales() })
    expect(second.written).toEqual({ vouchers: 0, lines: 0, posted: 0, drafts: 0, replayed: 0 })
    expect(second.vouchers).toEqual([])
  })

  it('posts a refund arriving after its sale as a new voucher and never edits the sale', async () => {
    const { context, company } = await setup()
    await updatePostingSettings(context, accountant, company.id, { autoApprove: { maxTotal: '100000.00' } })
    await runPosting(context, accountant, company.id, { records: sales() })
    const later = sales()
    const refund = aTxn('R1', 'refund', '-10.00', { orderRef: '1001', occurredAt: '2026-10-09T08:00:00+08:00' })
    const result = await runPosting(context, accountant, company.id, { records: { ...later, txns: [...later.txns, refund] } })
    expect(result.written).toMatchObject({ vouchers: 1, posted: 1 })
    const voucher = await getVoucher(context, company.id, result.vouchers[0]?.id ?? 0)
    expect(voucher.lines.map((line) => [line.account, line.side, line.amount])).toEqual([['5001', 'debit', '8.85'], ['2221.01.02', 'debit', '1.15'], ['1012.01', 'credit', '10.00']])
    const second = aTxn('R2', 'refund', '-103.00', { orderRef: '1001', occurredAt: '2026-10-10T08:00:00+08:00' })
    await runPosting(context, accountant, company.id, { records: { ...later, txns: [...later.txns, refund, second] } })
    const tb = await trialBalance(context, company.id, '2026-10')
    //  order 1001 fully refunded: its revenue and VAT are back to zero; only order 1002 remains (88.41 + 11.49)
    expect(tb.rows.find((row) => row.code === '5001')?.balance).toBe('-88.41')
    expect(tb.rows.find((row) => row.code === '2221.01.02')?.balance).toBe('-11.49')
    expect((await verifyLedger(context)).breaches).toEqual([])
  })

  it('auto-approves vouchers under the company threshold and leaves the rest for an approver', async () => {
    const { context, company } = await setup()
    await updatePostingSettings(context, accountant, company.id, { autoApprove: { maxTotal: '100.00' } })
    const result = await runPosting(context, accountant, company.id, { records: sales() })
    expect(result.vouchers.map((voucher) => [voucher.total, voucher.status])).toEqual([['113.00', 'draft'], ['99.90', 'posted'], ['113.00', 'draft']])
    const draft = result.vouchers[0]
    await expect(approveVoucher(context, accountant, company.id, draft?.id ?? 0)).rejects.toMatchObject({ code: 'MAKER_CANNOT_APPROVE' })
    expect(await approveVoucher(context, approver, company.id, draft?.id ?? 0)).toMatchObject({ status: 'posted' })
  })

  it('gives identical trial balances per order and as day summaries', async () => {
    const perOrder = await setup()
    const perDay = await setup()
    for (const ledger of [perOrder, perDay]) await updatePostingSettings(ledger.context, accountant, ledger.company.id, { autoApprove: { maxTotal: '1000000.00' } })
    await runPosting(perOrder.context, accountant, perOrder.company.id, { records: sales(), granularity: 'order' })
    const day = await runPosting(perDay.context, accountant, perDay.company.id, { records: sales(), granularity: 'day' })
    expect(day.vouchers.map((voucher) => [voucher.date, voucher.sources])).toEqual([['2026-10-05', 1], ['2026-10-06', 3]])
    const a = await trialBalance(perOrder.context, perOrder.company.id, '2026-10')
    const b = await trialBalance(perDay.context, perDay.company.id, '2026-10')
    expect(b.rows).toEqual(a.rows)
  })

  it('refuses a mapping to an unknown or non-leaf account', async () => {
    const { context, company } = await setup()
    await expect(updatePostingSettings(context, accountant, company.id, { stores: { tmall: { accounts: { wallet: '1012' } } } })).rejects.toMatchObject({ code: 'UNKNOWN_ACCOUNT', message: expect.stringContaining('tmall.wallet -> 1012 (NON_LEAF_ACCOUNT)') })
    await expect(updatePostingSettings(context, accountant, company.id, { accounts: { commission: '9999' } })).rejects.toMatchObject({ message: expect.stringContaining('commission -> 9999 (UNKNOWN_ACCOUNT)') })
  })

  it('previews without writing anything', async () => {
    const { context, company } = await setup()
    const preview = await runPosting(context, accountant, company.id, { records: sales(), dryRun: true })
    expect(preview.vouchers.map((voucher) => voucher.key)).toEqual(['sale:taobao|1001|order', 'sale:taobao|1002|order', 'settle:alipay|P1|payment'])
    const count = await context.db.client.execute('SELECT COUNT(*) AS n FROM vouchers')
    expect(Number(count.rows[0]?.n)).toBe(0)
  })

  it('costs sold lines at the moving average and books COGS', async () => {
    const { context, company } = await setup()
    await updatePostingSettings(context, accountant, company.id, { autoApprove: { maxTotal: '1000000.00' } })
    const receipts = parseReceiptsCsv('date,sku,quantity,total_cost,name\n2026-10-01,SKU-A,3,100.00,杯子\n2026-10-02,SKU-A,1,40.00,杯子\n', 'CNY')
    expect(await importReceipts(context, accountant, company.id, receipts)).toEqual({ imported: 2 })
    //  on hand 4 units worth 140.00: average 35.00; selling 3 costs 105.00
    const records = { orders: [anOrder('9001', '339.00')], orderLines: [aLine('9001', '9001-1', 'SKU-A', 3, '339.00')], txns: [] }
    const result = await runPosting(context, accountant, company.id, { records })
    expect(result.vouchers.map((voucher) => [voucher.summary, voucher.total])).toEqual([['天猫店 结转成本 SKU-A x3 订单 9001', '105.00'], ['天猫店 销售 订单 9001', '339.00']])
    expect(await stockOnHand(context, company.id)).toEqual([{ sku: 'SKU-A', quantity: 1n, value: cny('35.00') }])
  })
})
