import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DEMO_PERIOD, createDemo, demoFolderFor } from '../../service/demo.ts'
import { demoMonth } from '../../service/demo/files.ts'
import { accountBalance, trialBalance } from '../../service/ledger/balances.ts'
import { createContext } from '../../service/ledger/context.ts'
import { supplierBalances } from '../../service/ledger/suppliers.ts'
import { verifyLedger } from '../../service/ledger/verify.ts'
import { decideException, listExceptions, runMatching } from '../../service/matching/index.ts'
import { runPosting } from '../../service/posting/run.ts'
import { runVatMonthEnd } from '../../service/posting/vat-month-end.ts'
import { tempDatabase } from '../support/db.ts'

/**
 * `cledger demo` through the real pipeline: channel files in their real formats
 * written to a folder, imported with format detection, matched and posted. The
 * deliberate exceptions wait with their reasons; everything else posts.
 */
const approver = { userId: 3, role: 'approver' as const }

async function demoLedger() {
  const { db, dir } = await tempDatabase()
  const context = createContext(db)
  const folder = join(dir, 'demo-files')
  const demo = await createDemo(context, { folder })
  return { context, demo, folder }
}

describe('demo company through import -> match -> post', () => {
  it('writes every file it imports into the folder, each detected as the format it was written in, none rejected', async () => {
    const { demo, folder } = await demoLedger()
    const month = demoMonth(DEMO_PERIOD, 20261)
    expect(readdirSync(folder).sort()).toEqual([...month.files, month.receipts, month.rates].map((file) => file.name).concat(`手工凭证-采购与付款-${DEMO_PERIOD}.json`).sort())
    for (const file of month.files) expect(readFileSync(join(folder, file.name)).equals(Buffer.from(file.bytes))).toBe(true)
    expect(demo.imports.map((item) => [item.file, item.parser, item.rejected])).toEqual([
      [`天猫旗舰店-千牛订单导出-${DEMO_PERIOD}.csv`, 'taobao-qianniu', 0],
      [`天猫旗舰店-支付宝账务明细-${DEMO_PERIOD}.csv`, 'alipay-merchant-account', 0],
      [`京东旗舰店-订单导出-${DEMO_PERIOD}.csv`, 'jd-orders', 0],
      [`京东旗舰店-钱包结算明细-${DEMO_PERIOD}.csv`, 'jd-settlement', 0],
      [`shopify-us-orders-${DEMO_PERIOD}.csv`, 'shopify-orders', 0],
      [`shopify-us-payment-transactions-${DEMO_PERIOD}.csv`, 'shopify-payments-transactions', 0],
      [`shopify-us-payouts-${DEMO_PERIOD}.csv`, 'shopify-payouts-summary', 0],
      [`工商银行对账单-6222-${DEMO_PERIOD}.csv`, 'bank-csv-cn', 0],
      [`招商银行美元户对账单-8801-${DEMO_PERIOD}.csv`, 'bank-csv-cn', 0],
      [`采购入库单-${DEMO_PERIOD}.csv`, 'purchase-receipts', 0],
      [`汇率-USD-${DEMO_PERIOD}.csv`, 'exchange-rates', 0],
      [`手工凭证-采购与付款-${DEMO_PERIOD}.json`, 'vouchers (voucher add)', 0],
    ])
    expect(demoFolderFor('file:./data/ledger.db')).toMatch(/data\/demo-files$/)
    expect(demoFolderFor('libsql://ledger.example.com')).toBeNull()
  })

  it('leaves exactly the deliberate exceptions waiting, posts the rest, and the ledger verifies and balances', async () => {
    const { context, demo } = await demoLedger()
    const summary = demo.summary
    expect(summary.matching.exceptions).toEqual({ AMOUNT_MISMATCH: 1, NEEDS_APPROVAL: 1, ORPHAN_PAYMENT: 1, REFUND_WITHOUT_ORDER: 1 })
    expect(summary.matching.matches).toEqual({ confirmed: 123, suggested: 0 })
    expect(summary.matching.pendingPayouts).toBe(1)
    //  the big Tmall refund holds its order, payment and refund; the JD mismatch, orphan payment and refund without order; the last Alipay 提现
    expect(summary.vouchers.held).toEqual({ AMOUNT_MISMATCH: 1, NEEDS_APPROVAL: 3, NOT_IN_BANK: 1, NOT_MATCHED: 2 })
    expect([summary.vouchers.written, summary.vouchers.posted, summary.vouchers.drafts]).toEqual([82, 81, 1])
    const waiting = demo.runs.flatMap((run) => run.held).find((item) => item.reason === 'NOT_IN_BANK')
    expect(waiting?.message).toMatch(/^payout not in bank yet: 2792\.00 paid out on 2026-10-31 /)
    expect((await verifyLedger(context)).breaches).toEqual([])
    const tb = await trialBalance(context, demo.company.id, DEMO_PERIOD)
    expect([tb.balanced, tb.totals.debit, tb.totals.credit]).toEqual([true, summary.trialBalance.debit, summary.trialBalance.credit])
    //  nothing odd for an accountant: stock and the bank are not overdrawn, the tolerance difference went to 手续费
    for (const code of ['1405', '1002', '1012.01', '1012.06']) expect(await accountBalance(context, demo.company.id, code, DEMO_PERIOD)).toBeGreaterThan(0n)
    //  matching and posting again change nothing
    const again = await runMatching(context, { userId: 2 }, demo.company.id, { asOf: '2026-10-31' })
    expect([again.matches.inserted, again.matches.updated, again.exceptions.raised, again.exceptions.updated]).toEqual([0, 0, 0, 0])
    expect((await runPosting(context, { userId: 2 }, demo.company.id)).written.vouchers).toBe(0)
  })

  it('drafts its period-end vouchers as the accountant and has the approver approve them (maker != approver)', async () => {
    const { context, demo } = await demoLedger()
    const made = await context.db.client.execute({
      sql: "SELECT v.source_kind, v.status, m.username AS maker, a.username AS approver FROM vouchers v JOIN users m ON m.id = v.maker_id JOIN users a ON a.id = v.approver_id WHERE v.company_id = ? AND v.source_kind IN ('revaluation', 'vat.month-end') ORDER BY v.id",
      args: [demo.company.id],
    })
    // the USD balances revalued; the VAT month-end ran too, but the month's purchases leave 留抵 (nothing to transfer)
    expect(made.rows.map((row) => row.source_kind)).toEqual(['revaluation'])
    const vat = await runVatMonthEnd(context, { userId: 2 }, demo.company.id, DEMO_PERIOD, { dryRun: true })
    expect([vat.payable, Number(vat.carriedCredit) > 0, vat.vouchers]).toEqual(['0.00', true, []])
    // the keyed-in purchases and the supplier payment carry the supplier (辅助核算 on 2202): the payables are 茶源's
    const payables = await supplierBalances(context, demo.company.id, DEMO_PERIOD)
    expect(payables.rows.map((row) => [row.supplier, row.name])).toEqual([['chayuan', '杭州茶源贸易有限公司']])
    expect(BigInt(payables.total.closing.replace('.', ''))).toBe(-(await accountBalance(context, demo.company.id, '2202', DEMO_PERIOD)))
    for (const row of made.rows) expect([row.status, row.maker, row.approver]).toEqual(['posted', 'accountant', 'approver'])
    expect((await verifyLedger(context)).breaches).toEqual([])
  })

  it('posts the big refund once the approver approves it', async () => {
    const { context, demo } = await demoLedger()
    const [held] = await listExceptions(context, demo.company.id, { type: 'NEEDS_APPROVAL' })
    await decideException(context, approver, demo.company.id, held?.id ?? 0, 'approve', '大额退款已与买家核实')
    const run = await runPosting(context, { userId: 2 }, demo.company.id, { store: 'tmall-main' })
    expect(run.vouchers.map((voucher) => voucher.summary.replace(/\d{4}-\d{2}-\d{2}/, 'DATE'))).toEqual([
      '天猫旗舰店 DATE 汇总 (成本 1, 销售 1) 订单 4989589118946341158',
      '天猫旗舰店 DATE 汇总 (结算 1) 订单 4989589118946341158',
      '天猫旗舰店 DATE 汇总 (退款 1) 订单 4989589118946341158',
    ])
    expect(run.held.map((item) => item.reason)).toEqual(['NOT_IN_BANK'])
  })

  it('is seeded: two demos give the same files and the same summary', async () => {
    const first = await demoLedger()
    const second = await demoLedger()
    expect({ ...second.demo.summary, folder: null }).toEqual({ ...first.demo.summary, folder: null })
    expect(demoMonth(DEMO_PERIOD, 20261).files.map((file) => Buffer.from(file.bytes).toString('base64'))).toEqual(demoMonth(DEMO_PERIOD, 20261).files.map((file) => Buffer.from(file.bytes).toString('base64')))
  })
})
