import { describe, expect, it } from 'vitest'
import { formatAmount } from '../../shared/money.ts'
import type { CanonicalRecord } from '../../shared/records.ts'
import { naturalKey } from '../../shared/records.ts'
import { importFile } from '../../service/imports/load.ts'
import { listBankTxns, listOrderLines, listOrders, listSettlementTxns } from '../../service/imports/query.ts'
import { SYSTEM } from '../../service/ledger/context.ts'
import { listExceptions, listMatches, runMatching } from '../../service/matching/index.ts'
import { JD_DEFECTS, linkedJdFiles } from '../../service/generators/linked-jd.ts'
import { ledgerWithCompany } from '../support/db.ts'

/**
 * linkedJdFiles: a JD order export and the JD settlement bill of the same
 * orders import through the real parsers as exactly the expected records, and
 * matching pairs every clean order with its 货款 by order number.
 */
const STORE = 'jd-flagship'

const sorted = (items: CanonicalRecord[]) => [...items].sort((a, b) => naturalKey(a).localeCompare(naturalKey(b)))

async function importBoth(jd: ReturnType<typeof linkedJdFiles>) {
  const ledger = await ledgerWithCompany()
  for (const file of [jd.files.orders, jd.files.settlement]) {
    const result = await importFile(ledger.db, ledger.company.id, { name: file.fileName, bytes: file.bytes }, { actor: SYSTEM, store: STORE })
    expect([result.parser, result.rejected, result.checks.filter((check) => check.level === 'error')]).toEqual([file.parser, 0, []])
  }
  return ledger
}

describe('linked JD order export + settlement bill', () => {
  it('imports as exactly the expected records and matches every clean order by order number', async () => {
    const jd = linkedJdFiles({ seed: 7, orders: 24, store: STORE, month: '2026-10' })
    const ledger = await importBoth(jd)
    const { db, company } = ledger
    const records: CanonicalRecord[] = [
      ...(await listOrders(db, company.id, { limit: 10_000 })).map((record) => ({ kind: 'order' as const, record })),
      ...(await listOrderLines(db, company.id, { limit: 10_000 })).map((record) => ({ kind: 'orderLine' as const, record })),
      ...(await listSettlementTxns(db, company.id, { limit: 10_000 })).map((record) => ({ kind: 'settlementTxn' as const, record })),
      ...(await listBankTxns(db, company.id, { limit: 10_000 })).map((record) => ({ kind: 'bankTxn' as const, record })),
    ]
    expect(sorted(records)).toEqual(sorted([...jd.expected.orders, ...jd.expected.settlement]))
    expect(jd.clean).toHaveLength(24)
    expect(jd.orders.filter((order) => order.status === '已取消').length).toBeGreaterThan(0)
    for (const item of jd.expected.orders) if (item.kind === 'order') expect(item.record.createdAt.slice(0, 7)).toBe('2026-10')

    await runMatching(ledger.context, SYSTEM, company.id, { asOf: '2026-11-10' })
    const matches = await listMatches(ledger.context, company.id)
    const matched = new Set(matches.filter((m) => m.difference === '0.00').map((m) => m.key))
    for (const orderNo of jd.clean) expect(matched.has(`order:${orderNo}`)).toBe(true)
    expect(await listExceptions(ledger.context, company.id, { status: 'open' })).toEqual([])
  })

  it('plants one exception per requested defect', async () => {
    const jd = linkedJdFiles({ seed: 11, orders: 10, store: STORE, defects: JD_DEFECTS })
    const ledger = await importBoth(jd)
    await runMatching(ledger.context, SYSTEM, ledger.company.id, { asOf: '2024-04-10' })
    const open = (await listExceptions(ledger.context, ledger.company.id, { status: 'open' })).map((e) => `${e.type} ${e.orderKey} ${e.difference}`).sort()
    const gross = (value: bigint | undefined) => formatAmount(value ?? 0n, 'CNY')
    expect(open).toEqual([
      `AMOUNT_MISMATCH ${jd.cases.amountMismatch?.orderNo} -12.00`,
      `MISSING_PAYMENT ${jd.cases.missingPayment?.orderNo} -${gross(jd.cases.missingPayment?.gross)}`,
      `ORPHAN_PAYMENT ${jd.cases.orphanPayment?.orderRef} 43.21`,
      `REFUND_WITHOUT_ORDER ${jd.cases.refundWithoutOrder?.orderRef} -25.00`,
    ].sort())
  })

  it('adds weekly 提现 rows of the wallet balance when asked', async () => {
    const jd = linkedJdFiles({ seed: 3, orders: 12, store: STORE, payouts: true })
    expect(jd.payouts.length).toBeGreaterThan(1)
    const payoutTotal = jd.payouts.reduce((sum, payout) => sum + payout.amount, 0n)
    const settled = jd.expected.settlement.reduce((sum, item) => (item.kind === 'settlementTxn' && item.record.kind !== 'payout' && item.record.occurredAt < (jd.payouts.at(-1)?.occurredAt ?? '') ? sum + item.record.amount : sum), 0n)
    expect(-payoutTotal).toBe(settled)
    await importBoth(jd)
  })
})
