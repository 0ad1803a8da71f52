import { performance } from 'node:perf_hooks'
import v8 from 'node:v8'
import vm from 'node:vm'
import { peakRssMb } from './support.ts'
import { matchRecords, normalizeKey, parseMatchingSettings } from '../../shared/matching/index.ts'
import type { Minor } from '../../shared/money.ts'
import type { Order, SettlementTxn } from '../../shared/records.ts'

/**
 * 1M orders x 1.5M settlement txns through the pure engine, against a bare
 * in-memory Map hash join on the same normalised keys, in the same run.
 * Run: node --import tsx test/bench/matching.bench.ts  (not part of vitest)
 */
const SOURCE = { fileHash: 'a'.repeat(64), rowNumber: 1 }

export function data(orderCount: number, txnCount: number): { orders: Order[]; settlements: SettlementTxn[] } {
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

/**
 * The baseline: the tightest bare hash join on the same normalised keys: build a Map
 * from normalised order number to a bucket, probe it once per txn, append. No
 * classification, no results. Normalisation (normalizeKey) runs on both sides, as in the engine.
 */
function baseline(orders: ReadonlyArray<Order>, settlements: ReadonlyArray<SettlementTxn>): number {
  const index = new Map<string, { order: Order; txns: SettlementTxn[] | null }>()
  for (const order of orders) index.set(normalizeKey(order.orderNo), { order, txns: null })
  let unmatched = 0
  let groups = 0
  for (const txn of settlements) {
    const bucket = index.get(normalizeKey(txn.orderRef))
    if (bucket === undefined) {
      unmatched += 1
      continue
    }
    if (bucket.txns === null) {
      bucket.txns = [txn]
      groups += 1
    } else bucket.txns.push(txn)
  }
  return groups + unmatched
}

/** A full GC between timed phases, so neither side pays for the other's garbage. */
function collector(): () => void {
  v8.setFlagsFromString('--expose-gc')
  const gc: unknown = vm.runInNewContext('gc')
  return typeof gc === 'function' ? () => { gc() } : () => {}
}

/**
 * Best of `rounds` for each side, measured alternately in the same process (which side
 * goes first alternates too), with a full GC before each timed phase. Wall time is what
 * the goal is about; CPU time (process.cpuUsage: user + system, GC threads included) is
 * reported too because on a loaded machine it approximates the idle wall time better.
 */
export function run(options: { orders?: number; txns?: number; rounds?: number } = {}): { engineMs: number; baselineMs: number; ratio: number; engineCpuMs: number; baselineCpuMs: number; cpuRatio: number; peakRssMb: number; matches: number; exceptions: number } {
  const orderCount = options.orders ?? 1_000_000
  const txnCount = options.txns ?? 1_500_000
  const rounds = options.rounds ?? 3
  const { orders, settlements } = data(orderCount, txnCount)
  const settings = parseMatchingSettings({})
  let engineMs = Number.POSITIVE_INFINITY
  let baselineMs = Number.POSITIVE_INFINITY
  let engineCpuMs = Number.POSITIVE_INFINITY
  let baselineCpuMs = Number.POSITIVE_INFINITY
  const cpuMs = (since: NodeJS.CpuUsage) => { const used = process.cpuUsage(since); return (used.user + used.system) / 1000 }
  let matches = 0
  let exceptions = 0
  const collect = collector()
  const timeBaseline = () => {
    collect()
    const cpu = process.cpuUsage()
    const start = performance.now()
    const groups = baseline(orders, settlements)
    baselineMs = Math.min(baselineMs, performance.now() - start)
    baselineCpuMs = Math.min(baselineCpuMs, cpuMs(cpu))
    if (groups !== orderCount) throw new Error(`baseline grouped ${groups}, expected ${orderCount}`)
  }
  const timeEngine = () => {
    collect()
    const cpu = process.cpuUsage()
    const start = performance.now()
    const output = matchRecords({ orders, settlements, bank: [], asOf: '2026-10-31', settings })
    engineMs = Math.min(engineMs, performance.now() - start)
    engineCpuMs = Math.min(engineCpuMs, cpuMs(cpu))
    matches = output.matches.length
    exceptions = output.exceptions.length
    if (matches !== orderCount || exceptions !== 0) throw new Error(`engine made ${matches} matches and ${exceptions} exceptions, expected ${orderCount} and 0`)
  }
  for (let round = 0; round < rounds; round += 1) {
    if (round % 2 === 0) {
      timeBaseline()
      timeEngine()
    } else {
      timeEngine()
      timeBaseline()
    }
  }
  const result = { engineMs: Math.round(engineMs), baselineMs: Math.round(baselineMs), ratio: Math.round((engineMs / baselineMs) * 100) / 100,
    engineCpuMs: Math.round(engineCpuMs), baselineCpuMs: Math.round(baselineCpuMs), cpuRatio: Math.round((engineCpuMs / baselineCpuMs) * 100) / 100, peakRssMb: peakRssMb(), matches, exceptions }
  return result
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = run()
  console.log(JSON.stringify({ bench: 'matching 1M orders x 1.5M settlement txns', ...result }))
}
