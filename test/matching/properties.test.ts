import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type MatchOutput, groupItems, groupKey, matchRecords, parseMatchingSettings, sortOutput, summarize, summaryEntryOf } from '../../shared/matching/index.ts'
import { naturalKey } from '../../shared/records.ts'
import type { BankTxn, Order, SettlementTxn } from '../../shared/records.ts'
import { aBankLine, anOrder, aTxn } from './builders.ts'

const statuses = ['completed', 'shipped', 'cancelled', 'paid', 'pending'] as const
const kinds = ['payment', 'payment', 'refund', 'commission', 'fee', 'promotion', 'payout'] as const
const cents = (value: number) => `${Math.floor(value / 100)}.${String(value % 100).padStart(2, '0')}`

const scenario = fc.record({
  orders: fc.uniqueArray(fc.record({ no: fc.integer({ min: 1, max: 40 }), gross: fc.integer({ min: 1, max: 50_000 }), status: fc.constantFrom(...statuses), day: fc.integer({ min: 1, max: 28 }) }), { selector: (o) => o.no, maxLength: 25 }),
  txns: fc.array(fc.record({ ref: fc.integer({ min: 1, max: 50 }), kind: fc.constantFrom(...kinds), amount: fc.integer({ min: 1, max: 50_000 }), day: fc.integer({ min: 1, max: 28 }), decorate: fc.constantFrom('', 'T200P', '="') }), { maxLength: 40 }),
  bank: fc.array(fc.record({ amount: fc.integer({ min: 1, max: 80_000 }), day: fc.integer({ min: 1, max: 28 }) }), { maxLength: 8 }),
  rules: fc.boolean(),
})

function build(s: { orders: Array<{ no: number; gross: number; status: (typeof statuses)[number]; day: number }>; txns: Array<{ ref: number; kind: (typeof kinds)[number]; amount: number; day: number; decorate: string }>; bank: Array<{ amount: number; day: number }>; rules: boolean }) {
  const day = (d: number) => `2026-10-${String(d).padStart(2, '0')}T10:00:00+08:00`
  const orders: Order[] = s.orders.map((o) => anOrder(String(1000 + o.no), cents(o.gross), { status: o.status, createdAt: day(o.day), completedAt: day(o.day) }))
  const settlements: SettlementTxn[] = s.txns.map((t, index) => {
    const signed = t.kind === 'payment' ? cents(t.amount) : `-${cents(t.amount)}`
    const ref = t.decorate === '="' ? `="${1000 + t.ref}"` : `${t.decorate}${1000 + t.ref}`
    return aTxn(`t${index}`, t.kind, signed, { occurredAt: day(t.day), ...(t.kind === 'payout' || (t.kind === 'promotion' && t.ref > 45) ? {} : { orderRef: ref }) })
  })
  const bank: BankTxn[] = s.bank.map((b, index) => aBankLine(`b${index}`, cents(b.amount), { occurredAt: day(b.day) }))
  const settings = parseMatchingSettings(s.rules ? { tolerance: { amount: '0.50', account: '5603' }, rules: [{ id: 'small', when: { differenceMax: '1.00' }, then: { action: 'ignore' } }, { id: 'big', when: { kind: ['refund'], amountMin: '300.00' }, then: { action: 'requireApproval', role: 'approver' } }] } : {})
  return { orders, settlements, bank, settings, asOf: '2026-10-31' }
}

function shuffle<T>(items: ReadonlyArray<T>, seed: number): T[] {
  const copy = [...items]
  let state = seed || 1
  for (let index = copy.length - 1; index > 0; index -= 1) {
    state = (state * 1103515245 + 12345) % 2147483648
    const other = state % (index + 1)
    const a = copy[index] as T
    copy[index] = copy[other] as T
    copy[other] = a
  }
  return copy
}

function canonical(output: MatchOutput): string[] {
  const sorted = sortOutput(output)
  return [
    ...[...sorted.matches, ...sorted.exceptions].map((r) => `${groupKey(r)} ${r.outcome} ${r.outcome === 'match' ? r.rule : `${r.type} ${r.status}`} ${r.difference} ${groupItems(r).map((i) => i.ref).join(',')}`),
    ...sorted.pending.map((t) => `pending ${naturalKey({ kind: 'settlementTxn', record: t })}`),
    ...sorted.skipped.map((b) => `skipped ${naturalKey({ kind: 'bankTxn', record: b })}`),
  ]
}

describe('matching properties', () => {
  it('gives the same result whatever the order of the rows', () => {
    fc.assert(fc.property(scenario, fc.integer({ min: 1, max: 1_000_000 }), (s, seed) => {
      const input = build(s)
      const again = { ...input, orders: shuffle(input.orders, seed), settlements: shuffle(input.settlements, seed + 1), bank: shuffle(input.bank, seed + 2) }
      expect(canonical(matchRecords(again))).toEqual(canonical(matchRecords(input)))
    }), { numRuns: 300 })
  })

  it('puts every settlement txn and bank line in exactly one match, exception, pending or skipped list', () => {
    fc.assert(fc.property(scenario, (s) => {
      const input = build(s)
      const output = matchRecords(input)
      const seen = new Map<string, number>()
      const count = (ref: string) => seen.set(ref, (seen.get(ref) ?? 0) + 1)
      for (const result of [...output.matches, ...output.exceptions]) for (const item of groupItems(result)) if (item.kind !== 'order') count(item.ref)
      for (const txn of output.pending) count(naturalKey({ kind: 'settlementTxn', record: txn }))
      for (const line of output.skipped) count(naturalKey({ kind: 'bankTxn', record: line }))
      const expected = [...input.settlements.map((t) => naturalKey({ kind: 'settlementTxn', record: t })), ...input.bank.map((b) => naturalKey({ kind: 'bankTxn', record: b }))].sort()
      expect([...seen.keys()].sort()).toEqual(expected)
      expect([...seen.values()].every((n) => n === 1)).toBe(true)
      const keys = [...output.matches, ...output.exceptions].map(groupKey)
      expect(new Set(keys).size).toBe(keys.length)
    }), { numRuns: 300 })
  })

  it('explains every summary difference by tolerances and exceptions (unexplained is zero)', () => {
    fc.assert(fc.property(scenario, (s) => {
      const output = matchRecords(build(s))
      const rows = summarize([...output.matches, ...output.exceptions].map((r) => summaryEntryOf(r)))
      for (const row of rows) expect(row.unexplained).toBe(0n)
      const open = output.exceptions.filter((e) => e.status === 'open').reduce((sum, e) => sum + e.difference, 0n)
      expect(rows.reduce((sum, r) => sum + r.explainedByOpenExceptions, 0n)).toBe(open)
    }), { numRuns: 300 })
  })

  it('is idempotent: running on its own inputs twice gives the same output', () => {
    fc.assert(fc.property(scenario, (s) => {
      const input = build(s)
      expect(canonical(matchRecords(input))).toEqual(canonical(matchRecords(input)))
    }), { numRuns: 100 })
  })
})
