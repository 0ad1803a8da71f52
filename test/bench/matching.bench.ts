import { performance } from 'node:perf_hooks'
import { matchRecords, normalizeKey, parseMatchingSettings } from '../../shared/matching/index.ts'
import type { Minor } from '../../shared/money.ts'
import type { Order, SettlementTxn } from '../../shared/records.ts'

/**
 * 1M orders x 1.5M settlement txns through the pure engine, against a bare
 * in-memory Map hash join on the same normalised keys, in the same run.
 * Run: node --import tsx test/bench/matching.bench.ts  (not part of vitest)
 */
const SOURCE = { fileHash: 'a'.repeat(64), rowNumber: 1 }

function data(orderCount: number, txnCount: number): { orders: Order[]; settlements: SettlementTxn[] } {
  const orders: Order[] = new Array(orderCount)
  for (let index = 0; index < orderCount; index += 1) {
    const gross = BigInt(1000 + (index % 9000)) as Minor
    orders[index] = {
      channel: 'taobao', store: index % 2 ? '旗舰店' : '专营店', orderNo: String(3_000_000_000_000_000_000n + BigInt(index)), status: 'completed', statusRaw: '交易成功',
      createdAt: '2026-10-03T10:00:00+08:00', currency: 'CNY', gross, discount: 0n as Minor, shipping: 0n as Minor, tax: 0n as Minor, refunded: 0n as Minor, source: SOURCE,
    }
  }
  const settlements: SettlementTxn[] = new Array(txnCount)
  for (let index = 0; index < txnCount; index += 1) {
    const orderIndex = index < orderCount ? index : (index * 7919) % orderCount
    const order = orders[orderIndex] as Order
    const payment = index < orderCount
    settlements[index] = {
      channel: 'alipay', store: order.store, externalId: `2026${index}`, kind: payment ? 'payment' : 'fee', amount: (payment ? order.gross : -6n) as Minor, currency: 'CNY',
      occurredAt: '2026-10-09T12:00:00+08:00', orderRef: index % 3 === 0 ? `T200P${order.orderNo}` : order.orderNo, description: payment ? '在线支付' : '服务费', source: SOURCE,
    }
  }
  return { orders, settlements }
}

function baseline(orders: ReadonlyArray<Order>, settlements: ReadonlyArray<SettlementTxn>): number {
  const index = new Map<string, Order>()
  for (const order of orders) index.set(normalizeKey(order.orderNo), order)
  const groups = new Map<string, SettlementTxn[]>()
  let unmatched = 0
  for (const txn of settlements) {
    const key = normalizeKey(txn.orderRef)
    if (!index.has(key)) {
      unmatched += 1
      continue
    }
    const list = groups.get(key)
    if (list) list.push(txn)
    else groups.set(key, [txn])
  }
  return groups.size + unmatched
}

export function run(options: { orders?: number; txns?: number; rounds?: number } = {}): { engineMs: number; baselineMs: number; ratio: number; peakRssMb: number; matches: number; exceptions: number } {
  const orderCount = options.orders ?? 1_000_000
  const txnCount = options.txns ?? 1_500_000
  const rounds = options.rounds ?? 3
  let peak = process.memoryUsage().rss
  const sample = () => { peak = Math.max(peak, process.memoryUsage().rss) }
  const { orders, settlements } = data(orderCount, txnCount)
  sample()
  const settings = parseMatchingSettings({})
  let engineMs = Number.POSITIVE_INFINITY
  let baselineMs = Number.POSITIVE_INFINITY
  let matches = 0
  let exceptions = 0
  for (let round = 0; round < rounds; round += 1) {
    let start = performance.now()
    const groups = baseline(orders, settlements)
    baselineMs = Math.min(baselineMs, performance.now() - start)
    sample()
    start = performance.now()
    const output = matchRecords({ orders, settlements, bank: [], asOf: '2026-10-31', settings })
    engineMs = Math.min(engineMs, performance.now() - start)
    sample()
    matches = output.matches.length
    exceptions = output.exceptions.length
    if (groups !== orderCount) throw new Error(`baseline grouped ${groups}, expected ${orderCount}`)
  }
  const result = { engineMs: Math.round(engineMs), baselineMs: Math.round(baselineMs), ratio: Math.round((engineMs / baselineMs) * 100) / 100, peakRssMb: Math.round(peak / 1024 / 1024), matches, exceptions }
  return result
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = run()
  console.log(JSON.stringify({ bench: 'matching 1M orders x 1.5M settlement txns', ...result }))
}
