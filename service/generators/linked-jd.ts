import type { CanonicalRecord } from '../../shared/records.ts'
import { DAY, DEFAULT_MONTH, type FormatSpec, type GeneratedRow, Rng, type RowContext, clock, emptySummary } from './core.ts'
import { sha256Hex } from '../../shared/sha256.ts'
import { GENERATED_FORMATS, type GeneratedFormat } from './index.ts'
import { type JdSettlementSpec, jdOrderRows, jdOrderTotals, jdSettlementRow, randomJdOrder } from './jd.ts'
import { type Defect, type LinkedCase, type LinkedFile, csvBytes } from './linked.ts'

/**
 * Linked JD files for matching scenarios: a JD order export (jd-orders) and the
 * JD settlement / 钱包 bill (jd-settlement) of the same orders (see linkedJdFiles).
 * The Taobao/Alipay/bank/Shopify set is in linked.ts.
 */

/** Defects linkedJdFiles can plant (same meaning as in DEFECT_NOTES, JD amounts). */
export const JD_DEFECTS = ['missingPayment', 'orphanPayment', 'amountMismatch', 'refundWithoutOrder'] as const satisfies ReadonlyArray<Defect>
export type JdDefect = (typeof JD_DEFECTS)[number]

export interface LinkedJdOptions {
  seed?: number
  /** Clean orders (default 20): 完成, paid in full by one 货款 row, with 佣金 (and every third a 京东支付服务费). */
  orders?: number
  /** Goes into the expected records: pass the same store to both imports. */
  store?: string
  /** `YYYY-MM` (default 2024-03): orders are placed on days 1-24 and settle three days later. */
  month?: string
  /** 佣金 in per mille of the order's 应付金额 (default 80). */
  commissionPerMille?: number
  defects?: ReadonlyArray<JdDefect>
  /** Weekly 提现 rows (days 7, 14, 21, 28) of the wallet balance so far (default false). */
  payouts?: boolean
}

export interface LinkedJdOrder {
  readonly orderNo: string
  /** 应付金额 = the order's gross = the 货款 a clean order is paid. */
  readonly gross: bigint
  /** Negative amounts of the 佣金 and 京东支付服务费 rows (0 when none). */
  readonly commission: bigint
  readonly fee: bigint
  readonly status: string
}

export interface LinkedJdFiles {
  readonly files: { orders: LinkedFile; settlement: LinkedFile }
  /** Exactly the records each file imports as (with the store given). */
  readonly expected: { orders: CanonicalRecord[]; settlement: CanonicalRecord[] }
  readonly orders: ReadonlyArray<LinkedJdOrder>
  /** Clean orders (paid exactly once, matched by order number). */
  readonly clean: ReadonlyArray<string>
  readonly cases: Partial<Record<JdDefect, LinkedCase>>
  /** 单据编号 and amount (negative) of each 提现 row. */
  readonly payouts: ReadonlyArray<{ document: string; amount: bigint; occurredAt: string }>
}

/** Bytes and placed expected records of a generated file whose rows are one line each. */
function specFile(format: GeneratedFormat, seed: number, rows: ReadonlyArray<GeneratedRow>): { file: LinkedFile; expected: CanonicalRecord[] } {
  const spec: FormatSpec = GENERATED_FORMATS[format]
  const bytes = csvBytes(spec, rows.map((row) => row.cells), emptySummary())
  const fileHash = sha256Hex(bytes)
  const first = (spec.preamble?.(rows.length, new Map()).length ?? 0) + 2
  const expected = rows.flatMap((row, index) => row.records.map((item) => ({ ...item, record: { ...item.record, source: { fileHash, rowNumber: first + index } } }) as CanonicalRecord))
  return { file: { format, parser: spec.parser, fileName: `linked-${format}-${seed}.csv`, bytes }, expected }
}

/**
 * A JD order export (jd-orders) and the JD settlement bill (jd-settlement) of
 * the same orders: every clean order's 订单号 is the 订单编号 (and 单据编号) of
 * its 货款 row, whose amount is the order's 应付金额, so matching pairs them by
 * order number. Cancelled orders (已取消, no money) are mixed in; each requested
 * defect plants one case. Import both with the same store and match with asOf
 * after the month's end.
 *
 * @example const jd = linkedJdFiles({ seed: 7, orders: 30, store: 'jd-flagship', month: '2026-10', defects: ['missingPayment'] })
 */
export function linkedJdFiles(options: LinkedJdOptions = {}): LinkedJdFiles {
  const seed = options.seed ?? 1
  const rng = new Rng(seed)
  const month = options.month ?? DEFAULT_MONTH
  const store = options.store ?? ''
  const context: RowContext = { rng, index: 0, store, options: {}, state: {} }
  const wanted = new Set(options.defects ?? [])
  const perMille = BigInt(options.commissionPerMille ?? 80)
  const count = options.orders ?? 20
  const orderRows: GeneratedRow[] = []
  const settlementRows: Array<JdSettlementSpec> = []
  const orders: LinkedJdOrder[] = []
  const clean: string[] = []
  const cases: Partial<Record<JdDefect, LinkedCase>> = {}
  const slots = count + Math.ceil(count / 5) + wanted.size
  let slot = 0
  const nextMinutes = () => Math.floor((slot++ * 24 * DAY) / slots) + 9 * 60 + rng.int(0, 600)
  const place = (status: string, settle: 'full' | 'short' | 'none') => {
    const spec = randomJdOrder(rng, slot, { month, status, minutes: nextMinutes() })
    orderRows.push(...jdOrderRows({ ...context, index: slot }, spec))
    const { payable } = jdOrderTotals(spec)
    let commission = 0n
    let fee = 0n
    if (settle !== 'none') {
      const at = spec.minutes + 3 * DAY + 120
      const paid = settle === 'short' ? payable - 1_200n : payable
      const goods = { sku: spec.lines[0]?.sku ?? '', title: spec.lines[0]?.title ?? '', qty: spec.lines.reduce((sum, line) => sum + line.qty, 0) }
      settlementRows.push({ orderNo: spec.orderNo, document: spec.orderNo, item: 'payment', amount: paid, minutes: at, month, ...goods })
      commission = -((payable * perMille) / 1000n)
      if (commission !== 0n) settlementRows.push({ orderNo: spec.orderNo, document: spec.orderNo, item: 'commission', amount: commission, minutes: at + 1, month, ...goods })
      if (orders.length % 3 === 0) {
        fee = -(payable * 6n / 1000n > 0n ? payable * 6n / 1000n : 1n)
        settlementRows.push({ orderNo: spec.orderNo, document: spec.orderNo, item: 'fee', amount: fee, minutes: at + 2, month, ...goods })
      }
    }
    orders.push({ orderNo: spec.orderNo, gross: payable, commission, fee, status })
    return { orderNo: spec.orderNo, gross: payable }
  }
  for (let index = 0; index < count; index += 1) {
    clean.push(place('完成', 'full').orderNo)
    if (index % 5 === 4) place('已取消', 'none')
  }
  if (wanted.has('missingPayment')) {
    const order = place('完成', 'none')
    cases.missingPayment = { defect: 'missingPayment', ...order, refs: [] }
  }
  if (wanted.has('amountMismatch')) {
    const order = place('完成', 'short')
    cases.amountMismatch = { defect: 'amountMismatch', ...order, refs: [`${order.orderNo}:货款`] }
  }
  if (wanted.has('orphanPayment')) {
    const ghost = `2${rng.digits(11)}`
    settlementRows.push({ orderNo: ghost, document: ghost, item: 'payment', amount: 4_321n, minutes: nextMinutes() + 3 * DAY, month })
    cases.orphanPayment = { defect: 'orphanPayment', orderRef: ghost, refs: [`${ghost}:货款`] }
  }
  if (wanted.has('refundWithoutOrder')) {
    const ghost = `2${rng.digits(11)}`
    const document = `TK${rng.digits(10)}`
    settlementRows.push({ orderNo: ghost, document, item: 'refund', amount: -2_500n, minutes: nextMinutes() + 3 * DAY, month })
    cases.refundWithoutOrder = { defect: 'refundWithoutOrder', orderRef: ghost, refs: [`${document}:货款`] }
  }
  settlementRows.sort((a, b) => a.minutes - b.minutes)
  const payouts: Array<{ document: string; amount: bigint; occurredAt: string }> = []
  if (options.payouts) {
    const withPayouts: JdSettlementSpec[] = []
    let balance = 0n
    let next = 0
    for (const day of [7, 14, 21, 28]) {
      const at = (day - 1) * DAY + 22 * 60
      for (; next < settlementRows.length && (settlementRows[next]?.minutes ?? 0) < at; next += 1) {
        const row = settlementRows[next] as JdSettlementSpec
        withPayouts.push(row)
        balance += row.amount
      }
      if (balance <= 0n) continue
      const document = `TX${rng.digits(12)}`
      withPayouts.push({ orderNo: '', document, item: 'payout', amount: -balance, minutes: at, month })
      payouts.push({ document, amount: -balance, occurredAt: clock(at, '+08:00', 'dash', month)[1] })
      balance = 0n
    }
    withPayouts.push(...settlementRows.slice(next))
    settlementRows.splice(0, settlementRows.length, ...withPayouts)
  }
  const orderFile = specFile('jd-orders', seed, orderRows)
  const settlementFile = specFile('jd-settlement', seed, settlementRows.map((spec, index) => jdSettlementRow({ ...context, index }, spec)))
  return {
    files: { orders: orderFile.file, settlement: settlementFile.file },
    expected: { orders: orderFile.expected, settlement: settlementFile.expected },
    orders, clean, cases, payouts,
  }
}
