import { describe, expect, it } from 'vitest'
import { formatAmount } from '../../shared/money.ts'
import { importFile } from '../../service/imports/load.ts'
import { updateCompanySettings } from '../../service/ledger/company.ts'
import { SYSTEM } from '../../service/ledger/context.ts'
import { decideException, getException, listExceptions, listMatches, reconciliationSummary, runMatching } from '../../service/matching/index.ts'
import { DEFECTS, type LinkedCase, type LinkedFiles, linkedFiles } from '../../service/generators/linked.ts'
import { ledgerWithCompany } from '../support/db.ts'

/**
 * Matching scenarios on real-format files: a Taobao 千牛 order export, the Alipay
 * 账务明细 of the same orders, the bank statement and a Shopify order/payments
 * pair (service/generators/linked.ts), imported through the real importer, matched
 * through the service. One planted case per exception type and per rule action.
 */
const ASOF = { asOf: '2024-04-10' }
const STORE = '旗舰店'
const linked = linkedFiles({ seed: 20240410, orders: 20, defects: DEFECTS })

function planted(defect: (typeof DEFECTS)[number]): LinkedCase {
  const found = linked.cases[defect]
  if (found === undefined) throw new Error(`no planted ${defect}`)
  return found
}
const orderOf = (defect: (typeof DEFECTS)[number]) => planted(defect).orderNo ?? ''
const refOf = (defect: (typeof DEFECTS)[number]) => planted(defect).orderRef ?? ''
const ref = (defect: (typeof DEFECTS)[number], index: number) => planted(defect).refs[index] ?? ''
/** The planted order's total times `factor`, as the decimal string the service shows. */
const gross = (defect: (typeof DEFECTS)[number], factor: bigint) => formatAmount((planted(defect).gross ?? 0n) * factor, 'CNY')

async function imported(files: LinkedFiles) {
  const ledger = await ledgerWithCompany()
  const { files: f } = files
  for (const [file, store] of [[f.orders, STORE], [f.alipay, STORE], [f.bank, files.bankAccount], [f.shopifyOrders, 'US'], [f.shopifyPayments, 'US']] as const) {
    const result = await importFile(ledger.db, ledger.company.id, { name: file.fileName, bytes: file.bytes }, { actor: SYSTEM, format: file.parser, store })
    expect([file.format, result.parser, result.rejected, result.checks.filter((check) => check.level === 'error')]).toEqual([file.format, file.parser, 0, []])
  }
  return ledger
}

type Ledger = Awaited<ReturnType<typeof imported>>

/** `TYPE status rule key difference`, key = order key, or the natural keys of a payout-level group's records. */
async function exceptionLines(ledger: Ledger, status: string): Promise<string[]> {
  const lines: string[] = []
  for (const e of await listExceptions(ledger.context, ledger.company.id, { status })) {
    const key = e.orderKey ?? (await getException(ledger.context, ledger.company.id, e.id)).items.map((item) => item.ref).join(',')
    lines.push(`${e.type} ${e.status} ${e.rule} ${key} ${e.difference}`)
  }
  return lines.sort()
}

async function matchLines(ledger: Ledger): Promise<string[]> {
  return (await listMatches(ledger.context, ledger.company.id)).map((m) => `${m.key} ${m.rule} ${m.status} ${m.difference} ${m.differenceAccount ?? '-'}`).sort()
}

const RULES = [
  { id: 'rounding', when: { differenceMax: '0.10' }, then: { action: 'tolerance', maxDifference: '0.10', account: '6603.01' } },
  { id: 'small', when: { type: ['AMOUNT_MISMATCH'], differenceMax: '1.00' }, then: { action: 'ignore' } },
  { id: 'big-refunds', when: { kind: ['refund'], amountMin: '5000.00' }, then: { action: 'requireApproval', role: 'approver' } },
  { id: 'unknown-refunds', when: { type: ['REFUND_WITHOUT_ORDER'] }, then: { action: 'raise', type: 'ORPHAN_PAYMENT' } },
]

describe('matching scenarios on generated Taobao, Alipay, bank and Shopify files', () => {
  it('raises exactly one exception per planted defect and matches every clean order, payout and the big refund', async () => {
    const ledger = await imported(linked)
    const counts = await runMatching(ledger.context, SYSTEM, ledger.company.id, ASOF)
    expect([counts.pending, counts.skipped]).toEqual([1, 1])
    expect(await exceptionLines(ledger, 'open')).toEqual([
      `AMOUNT_MISMATCH open order-key ${orderOf('amountMismatch')} -12.00`,
      `AMOUNT_MISMATCH open order-key ${orderOf('roundingDifference')} -0.05`,
      `AMOUNT_MISMATCH open order-key ${orderOf('smallDifference')} -0.50`,
      `CLOSED_ORDER_WITH_PAYMENT open order-key ${orderOf('closedOrderWithPayment')} ${gross('closedOrderWithPayment', 1n)}`,
      `CURRENCY_MISMATCH open order-key 5001 0.00`,
      `DUPLICATE_ORDER open order-key ${orderOf('duplicateOrder')} ${gross('duplicateOrder', -1n)}`,
      `DUPLICATE_PAYMENT open order-key ${orderOf('duplicatePayment')} ${gross('duplicatePayment', 1n)}`,
      `MISSING_PAYMENT open order-key ${orderOf('missingPayment')} ${gross('missingPayment', -1n)}`,
      `MISSING_PAYMENT open payout-amount-date alipay|${ref('payoutNotInBank', 0)}|payout -7654.00`,
      `ORPHAN_PAYMENT open order-key ${refOf('orphanPayment')} 43.21`,
      `ORPHAN_PAYMENT open payout-amount-date bank:${linked.bankAccount}|${ref('unexplainedReceipt', 0)}|bankTxn 555.00`,
      `OVER_REFUND open order-key ${orderOf('overRefund')} -20.00`,
      `PAYMENT_FAILED open order-key ${orderOf('failedPayment')} 0.00`,
      `REFUND_WITHOUT_ORDER open order-key ${refOf('refundWithoutOrder')} -25.00`,
    ].sort())
    const matches = await matchLines(ledger)
    expect(matches).toEqual([
      ...linked.clean.map((orderNo) => `order:${orderNo} order-key confirmed 0.00 -`),
      `order:${orderOf('bigRefund')} order-key confirmed 0.00 -`,
      `payout:bank:${linked.bankAccount}|${ref('payoutInBank', 1)}|bankTxn payout-amount-date confirmed 0.00 -`,
    ].sort())
    const summary = await reconciliationSummary(ledger.context, ledger.company.id, { period: '2024-03' })
    expect(summary.map((row) => [row.store, row.unexplained])).toEqual([['', 0n], ['US', 0n], [STORE, 0n]])
  })

  it('applies every rule action in order: tolerance with its account, ignore below a threshold, approval by a role, raise another type', async () => {
    const ledger = await imported(linked)
    await updateCompanySettings(ledger.context, SYSTEM, ledger.company.id, { matching: { rules: RULES } })
    await runMatching(ledger.context, SYSTEM, ledger.company.id, ASOF)
    expect(await matchLines(ledger)).toContain(`order:${orderOf('roundingDifference')} custom:rounding confirmed -0.05 6603.01`)
    expect(await exceptionLines(ledger, 'ignored')).toEqual([`AMOUNT_MISMATCH ignored custom:small ${orderOf('smallDifference')} -0.50`])
    const open = await exceptionLines(ledger, 'open')
    expect(open.filter((line) => line.includes('custom:'))).toEqual([
      `NEEDS_APPROVAL open custom:big-refunds ${orderOf('bigRefund')} 0.00`,
      `ORPHAN_PAYMENT open custom:unknown-refunds ${refOf('refundWithoutOrder')} -25.00`,
    ])
    expect(open.some((line) => line.startsWith(`AMOUNT_MISMATCH open order-key ${orderOf('amountMismatch')} -12.00`))).toBe(true)
    const [held] = await listExceptions(ledger.context, ledger.company.id, { type: 'NEEDS_APPROVAL' })
    expect([held?.requiredRole, held?.amount]).toEqual(['approver', '8000.00'])
    await expect(decideException(ledger.context, { userId: 1, role: 'accountant' }, ledger.company.id, held?.id ?? 0, 'approve', 'looks fine')).rejects.toThrow(/needs the approver role/)
    await decideException(ledger.context, { userId: 2, role: 'approver' }, ledger.company.id, held?.id ?? 0, 'approve', 'refund agreed with the buyer')
    await runMatching(ledger.context, SYSTEM, ledger.company.id, ASOF)
    expect(await matchLines(ledger)).toContain(`order:${orderOf('bigRefund')} approved confirmed 0.00 -`)
    // the approval survives re-importing the same files and re-matching
    for (const file of [linked.files.orders, linked.files.alipay]) {
      const again = await importFile(ledger.db, ledger.company.id, { name: file.fileName, bytes: file.bytes }, { actor: SYSTEM, format: file.parser, store: STORE })
      expect(again.imported).toBe(0)
    }
    const rerun = await runMatching(ledger.context, SYSTEM, ledger.company.id, ASOF)
    expect([rerun.matches.inserted, rerun.matches.updated, rerun.exceptions.raised, rerun.exceptions.updated]).toEqual([0, 0, 0, 0])
    expect(await matchLines(ledger)).toContain(`order:${orderOf('bigRefund')} approved confirmed 0.00 -`)
    expect(await listExceptions(ledger.context, ledger.company.id, { type: 'NEEDS_APPROVAL', status: 'open' })).toEqual([])
  })
})
