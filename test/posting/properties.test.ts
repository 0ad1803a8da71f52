import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type Minor, minor } from '../../shared/money.ts'
import { type Entry, GRANULARITIES, type InventoryMove, planEntries, replayMoves, toVouchers } from '../../shared/posting/index.ts'
import type { Order, SettlementTxn } from '../../shared/records.ts'
import { validateVoucher } from '../../shared/voucher.ts'
import { CHART, aPolicy, aStore, aTxn, anOrder } from './support.ts'

const stores = new Map([['tmall', aStore()], ['small', aStore('small', 'jd', 'SMALL_SCALE', '小店')], ['shop', aStore('shop', 'shopify', 'ZERO', 'Shopify')]])
const summarise = { baseCurrency: 'CNY', storeName: (store: string) => store, roundingAccount: () => '5603.02' }

const orderSpec = fc.record({
  store: fc.constantFrom('tmall', 'small', 'shop'),
  gross: fc.integer({ min: 1, max: 2_000_000 }),
  day: fc.integer({ min: 1, max: 28 }),
  earlyRefundPermille: fc.integer({ min: 0, max: 1000 }),
  laterRefunds: fc.array(fc.integer({ min: 1, max: 400 }), { maxLength: 3 }),
  commissionPermille: fc.integer({ min: 0, max: 100 }),
  settled: fc.boolean(),
})

type Spec = typeof orderSpec extends fc.Arbitrary<infer T> ? T : never

function build(specs: Spec[]): { orders: Order[]; txns: SettlementTxn[]; refunds: bigint; grossByCurrency: Map<string, bigint> } {
  const orders: Order[] = []
  const txns: SettlementTxn[] = []
  let refunds = 0n
  specs.forEach((spec, index) => {
    const currency = spec.store === 'shop' ? 'USD' : 'CNY'
    const channel = spec.store === 'tmall' ? 'taobao' : spec.store === 'small' ? 'jd' : 'shopify'
    const day = String(spec.day).padStart(2, '0')
    const gross = BigInt(spec.gross)
    const early = spec.settled ? (gross * BigInt(spec.earlyRefundPermille)) / 1000n : 0n
    let remaining = gross - early
    const later: bigint[] = []
    for (const part of spec.laterRefunds) {
      const amount = (gross * BigInt(part)) / 1000n
      if (!spec.settled || amount === 0n || amount > remaining) continue
      later.push(amount)
      remaining -= amount
    }
    const orderNo = `O${index}`
    const base = { store: spec.store, channel, currency } as const
    orders.push(anOrder(orderNo, '0.01', { ...base, gross: minor(gross), refunded: minor(early + later.reduce((a, b) => a + b, 0n)), completedAt: `2026-10-${day}T12:00:00+08:00` }))
    if (currency === 'CNY') refunds += early + later.reduce((a, b) => a + b, 0n)
    if (!spec.settled) return
    const txnBase = { ...base, channel: channel === 'taobao' ? 'alipay' : channel, orderRef: orderNo, occurredAt: `2026-10-${day}T20:00:00+08:00` } as const
    if (gross > early) txns.push(aTxn(`${orderNo}P`, 'payment', '0.01', { ...txnBase, amount: minor(gross - early) }))
    const commission = (gross * BigInt(spec.commissionPermille)) / 1000n
    if (commission > 0n) txns.push(aTxn(`${orderNo}C`, 'commission', '0.01', { ...txnBase, amount: minor(-commission) }))
    later.forEach((amount, part) => txns.push(aTxn(`${orderNo}R${part}`, 'refund', '0.01', { ...txnBase, amount: minor(-amount), occurredAt: `2026-10-${day}T2${part + 1}:00:00+08:00` })))
  })
  const grossByCurrency = new Map<string, bigint>()
  for (const order of orders) grossByCurrency.set(order.currency, (grossByCurrency.get(order.currency) ?? 0n) + order.gross)
  return { orders, txns, refunds, grossByCurrency }
}

function plan(specs: Spec[]): Entry[] {
  const { orders, txns } = build(specs)
  const result = planEntries({ orders, txns }, { policy: aPolicy(), stores })
  expect(result.held).toEqual([])
  return result.entries
}

/** Σ per account and side, original amounts per currency: what a trial balance shows. */
function movements(lines: ReadonlyArray<{ account: string; store?: string; currency?: string; debit?: string; credit?: string }>): Map<string, string> {
  const totals = new Map<string, bigint>()
  for (const line of lines) {
    const key = `${line.account}|${line.store ?? ''}|${line.currency ?? 'CNY'}|${line.debit ? 'D' : 'C'}`
    totals.set(key, (totals.get(key) ?? 0n) + BigInt((line.debit ?? line.credit ?? '0').replace('.', '')))
  }
  return new Map([...totals].map(([key, value]) => [key, value.toString()]))
}

describe('posting properties', () => {
  it('every generated voucher balances and passes the ledger validation, at every granularity', () => {
    fc.assert(fc.property(fc.array(orderSpec, { minLength: 1, maxLength: 25 }), (specs) => {
      const entries = plan(specs)
      for (const granularity of GRANULARITIES) {
        for (const draft of toVouchers(entries, granularity, summarise)) {
          const valid = validateVoucher(draft.input, { baseCurrency: 'CNY', account: (code) => CHART.get(code) })
          expect(valid.lines.length).toBeGreaterThanOrEqual(2)
        }
      }
    }), { numRuns: 150 })
  })

  it('Σ revenue + VAT equals Σ gross of completed orders minus refunds', () => {
    fc.assert(fc.property(fc.array(orderSpec.map((spec) => ({ ...spec, store: spec.store === 'shop' ? 'tmall' : spec.store })), { minLength: 1, maxLength: 25 }), (specs) => {
      const { refunds, grossByCurrency } = build(specs)
      let net = 0n
      for (const entry of plan(specs)) {
        for (const line of entry.lines) {
          if (line.account !== '5001' && line.account !== '2221.01.02') continue
          net += line.side === 'credit' ? line.base : -line.base
        }
      }
      expect(net).toBe((grossByCurrency.get('CNY') ?? 0n) - refunds)
    }), { numRuns: 200 })
  })

  it('per-order and summarised postings give identical movements per account, store and side', () => {
    fc.assert(fc.property(fc.array(orderSpec.map((spec) => ({ ...spec, store: spec.store === 'shop' ? 'small' : spec.store })), { minLength: 1, maxLength: 30 }), (specs) => {
      const entries = plan(specs)
      const perOrder = movements(toVouchers(entries, 'order', summarise).flatMap((draft) => draft.input.lines))
      for (const granularity of ['day', 'payout'] as const) {
        const drafts = toVouchers(entries, granularity, summarise)
        expect(movements(drafts.flatMap((draft) => draft.input.lines))).toEqual(perOrder)
        expect(drafts.flatMap((draft) => draft.sources).length).toBe(entries.flatMap((entry) => entry.sources).length)
      }
    }), { numRuns: 150 })
  })

  it('COGS equals Σ quantity x moving average cost, and stock value is conserved', () => {
    const move = fc.record({ receipt: fc.boolean(), day: fc.integer({ min: 1, max: 28 }), quantity: fc.integer({ min: 1, max: 50 }), unitCost: fc.integer({ min: 1, max: 100_000 }) })
    fc.assert(fc.property(fc.array(move, { minLength: 1, maxLength: 60 }), (specs) => {
      const moves: InventoryMove[] = specs.map((spec, index) => {
        const date = `2026-10-${String(spec.day).padStart(2, '0')}`
        const key = `m${String(index).padStart(3, '0')}`
        return spec.receipt ? { kind: 'receipt', key, sku: 'A', date, quantity: BigInt(spec.quantity), cost: minor(spec.quantity * spec.unitCost) } : { kind: 'issue', key, sku: 'A', date, quantity: BigInt(spec.quantity) }
      })
      const { costs, states } = replayMoves(moves)
      let quantity = 0n
      let value = 0n
      let received = 0n
      let issued = 0n
      const ordered = [...moves].sort((a, b) => (a.date !== b.date ? (a.date < b.date ? -1 : 1) : a.kind !== b.kind ? (a.kind === 'receipt' ? -1 : 1) : a.key < b.key ? -1 : 1))
      for (const item of ordered) {
        if (item.kind === 'receipt') {
          quantity += item.quantity
          value += item.cost
          received += item.cost
        } else if (item.kind === 'issue') {
          const cost = costs.get(item.key) ?? null
          if (quantity < item.quantity) {
            expect(cost).toBeNull()
            continue
          }
          //  quantity x average, half-up; the last unit takes what is left
          const expected = item.quantity === quantity ? value : (2n * value * item.quantity + quantity) / (2n * quantity)
          expect(cost).toBe(expected as Minor)
          quantity -= item.quantity
          value -= expected
          issued += expected
        }
      }
      expect(states.get('A')).toEqual({ quantity, value })
      expect(received - issued).toBe(value)
    }), { numRuns: 200 })
  })
})
