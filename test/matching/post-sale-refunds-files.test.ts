import { describe, expect, it } from 'vitest'
import { formatAmount } from '../../shared/money.ts'
import { linkedFiles } from '../../service/generators/linked.ts'
import { importFile } from '../../service/imports/load.ts'
import { SYSTEM } from '../../service/ledger/context.ts'
import { getVoucher } from '../../service/ledger/vouchers.ts'
import { listExceptions, listMatches, reconciliationSummary, runMatching } from '../../service/matching/index.ts'
import { runPosting } from '../../service/posting/run.ts'
import { updatePostingSettings } from '../../service/posting/settings.ts'
import { ledgerWithCompany } from '../support/db.ts'

/**
 * A month of Taobao orders (千牛 export) and the Alipay 账务明细 of the same orders in which
 * ~5% of the orders are refunded after 交易成功 (售后退款) while the export never shows it,
 * one real underpayment, and Shopify orders paid with and without a charge; imported
 * through the real parsers, matched and posted.
 */
const STORE = '旗舰店'
const linked = linkedFiles({ seed: 1313, orders: 400, defects: ['amountMismatch'], postSaleRefundRate: 0.05, shipped: true, shopifyPaid: true })

async function imported() {
  const ledger = await ledgerWithCompany()
  const { files: f } = linked
  for (const [file, store] of [[f.orders, STORE], [f.alipay, STORE], [f.shopifyOrders, 'US'], [f.shopifyPayments, 'US']] as const) {
    const result = await importFile(ledger.db, ledger.company.id, { name: file.fileName, bytes: file.bytes }, { actor: SYSTEM, format: file.parser, store })
    expect([file.format, result.rejected]).toEqual([file.format, 0])
  }
  return ledger
}

describe('post-sale refunds the order export does not show', () => {
  it('are refund events of their orders: no AMOUNT_MISMATCH, the real mismatch and the missing Shopify charges are still raised', async () => {
    expect(linked.postSaleRefunds.length).toBeGreaterThanOrEqual(12)
    expect(linked.postSaleRefunds.length).toBeLessThanOrEqual(32)
    expect(linked.postSaleRefunds.some((refund) => refund.amount === refund.gross)).toBe(true)
    expect(linked.postSaleRefunds.some((refund) => refund.amount < refund.gross)).toBe(true)
    const ledger = await imported()
    await runMatching(ledger.context, SYSTEM, ledger.company.id, { asOf: '2024-04-10' })
    const open = await listExceptions(ledger.context, ledger.company.id, { status: 'open' })
    const mismatch = linked.cases.amountMismatch?.orderNo ?? ''
    expect(open.map((e) => `${e.type} ${e.orderKey} ${e.difference}`).sort()).toEqual([
      `AMOUNT_MISMATCH ${mismatch} -12.00`,
      'MISSING_PAYMENT 6002 -45.00',
      'MISSING_PAYMENT 6003 -29.90',
    ])
    const matches = new Map((await listMatches(ledger.context, ledger.company.id)).map((m) => [m.key, m]))
    for (const refund of linked.postSaleRefunds) expect([refund.orderNo, matches.get(`order:${refund.orderNo}`)?.difference]).toEqual([refund.orderNo, '0.00'])
    expect(matches.get('order:6001')?.rule).toBe('order-key')
    const summary = await reconciliationSummary(ledger.context, ledger.company.id, { period: '2024-03' })
    expect(summary.map((row) => [row.store, row.unexplained])).toEqual([['US', 0n], [STORE, 0n]])
  })

  it('post as 销售退回: revenue and output VAT reversed against the wallet, while the mismatched payment waits', async () => {
    const ledger = await imported()
    const { context, company } = ledger
    await context.db.client.execute({ sql: "INSERT INTO stores (company_id, code, name, channel, vat_rate) VALUES (?, ?, '天猫旗舰店', 'tmall', 'GENERAL_13')", args: [company.id, STORE] })
    await updatePostingSettings(context, SYSTEM, company.id, { recognition: 'shipped', autoApprove: { maxTotal: '1000000.00' } })
    await runMatching(context, SYSTEM, company.id, { asOf: '2024-04-10' })
    const run = await runPosting(context, SYSTEM, company.id, { store: STORE })
    const refunds = run.vouchers.filter((v) => v.summary.includes('售后退款'))
    expect(refunds).toHaveLength(linked.postSaleRefunds.length)
    const byOrder = new Map(linked.postSaleRefunds.map((refund) => [refund.orderNo, refund]))
    for (const planned of refunds) {
      const voucher = await getVoucher(context, company.id, planned.id ?? 0)
      const orderNo = /订单 (\d+)/.exec(voucher.summary ?? planned.summary)?.[1] ?? ''
      const refund = byOrder.get(orderNo)
      expect(refund, planned.summary).toBeDefined()
      const lines = voucher.lines.map((line) => [line.account, line.side])
      expect(lines).toEqual([['5001', 'debit'], ['2221.01.02', 'debit'], ['1012.01', 'credit']])
      const [net, vat, wallet] = voucher.lines.map((line) => BigInt(line.amount.replace('.', '')))
      expect(wallet).toBe(refund?.amount)
      expect((net ?? 0n) + (vat ?? 0n)).toBe(refund?.amount)
      // 13 % VAT inside the refunded gross, to the fen
      const expectedVat = ((refund?.amount ?? 0n) * 13n * 2n + 113n) / 226n
      expect(vat === expectedVat || vat === expectedVat - 1n || vat === expectedVat + 1n).toBe(true)
      expect(voucher.status).toBe('posted')
    }
    const gross = linked.cases.amountMismatch?.gross ?? 0n
    expect(run.held.filter((item) => item.reason === 'AMOUNT_MISMATCH').map((item) => item.message)).toEqual([
      expect.stringContaining(`AMOUNT_MISMATCH is open: money ${formatAmount(gross - 1_200n, 'CNY')} CNY vs expected ${formatAmount(gross, 'CNY')} CNY`),
    ])
    // a full post-sale refund leaves nothing of the sale in revenue or VAT for that order
    const full = linked.postSaleRefunds.find((refund) => refund.amount === refund.gross)
    expect(full).toBeDefined()
    const result = await context.db.client.execute({
      sql: "SELECT l.account_code, SUM(CASE l.side WHEN 'debit' THEN l.amount_minor ELSE -l.amount_minor END) AS net FROM voucher_lines l JOIN vouchers v ON v.id = l.voucher_id WHERE v.company_id = ? AND v.summary LIKE ? AND l.account_code IN ('5001', '2221.01.02') GROUP BY l.account_code ORDER BY l.account_code",
      args: [company.id, `%订单 ${full?.orderNo ?? ''}`],
    })
    expect(result.rows.map((row) => [String(row.account_code), formatAmount(BigInt(Number(row.net)), 'CNY')])).toEqual([['2221.01.02', '0.00'], ['5001', '0.00']])
  })
})
