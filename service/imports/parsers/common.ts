import { type Minor, formatAmount, minor } from '../../../shared/money.ts'
import type { CanonicalRecord, Channel, Order, OrderLine, OrderStatus, SettlementKind, SettlementTxn, Source } from '../../../shared/records.ts'
import { absMinor, freeText, moneyOrZero, optionalText, required } from '../clean.ts'
import type { Check, MappedRow, ParseContext, ParserRun, RowOutcome } from '../types.ts'

export function sourceOf(context: ParseContext, row: MappedRow): Source {
  return row.sheet === undefined ? { fileHash: context.fileHash, rowNumber: row.rowNumber } : { fileHash: context.fileHash, sheet: row.sheet, rowNumber: row.rowNumber }
}

export function records(...items: CanonicalRecord[]): RowOutcome {
  return { type: 'records', records: items }
}

export function skip(reason: string): RowOutcome {
  return { type: 'skip', reason }
}

/** A money column as a magnitude (its sign is in another column: 收/支, 收支类型, 动账方向); blank = 0. */
export function magnitudeOf(row: MappedRow, column: string, currency: string): Minor {
  return absMinor(moneyOrZero(column, row.get(column), currency))
}

/** As magnitudeOf, but a blank cell rejects the row. */
export function requiredMagnitude(row: MappedRow, column: string, currency: string): Minor {
  return absMinor(moneyOrZero(column, required(column, row.get(column)), currency))
}

/** The non-blank parts joined with ` / ` (record descriptions, bank memos). */
export function joinParts(...parts: string[]): string {
  return parts.filter((part) => part !== '').join(' / ')
}

/**
 * A parser run for bills that state their row count (`共66笔记录`, `共：26笔记录`)
 * in the preamble or the trailer (the personal Alipay, WeChat and JD bills):
 * counts every data row (skipped and rejected ones too) before handing it to
 * `row`, and finishes with whether the count agrees. A mismatch is a warning:
 * the exports themselves warn that their summary may differ from the rows.
 */
/** Summary and decorative lines of the personal bills' trailers (`已收入:1笔,0.01元`, `导出时间:[…]`, dashed rules). */
const SUMMARY_LINE = /^(?:[-=#\s]{3,}|(?:已|待)?(?:收入|支出)|不计收支|中性交易|导出时间|用户|共)/

export function rowCountedRun(pattern: RegExp, statedIn: 'preamble' | 'trailer', row: (row: MappedRow) => RowOutcome): ParserRun {
  const lines: string[] = []
  let rows = 0
  // Trailer lines are all kept for the count; the parser reads the summary and decorative ones.
  const collect = (line: string): boolean => {
    lines.push(line)
    return pattern.test(line) || SUMMARY_LINE.test(line)
  }
  return {
    ...(statedIn === 'preamble' ? { preamble: collect } : { trailer: collect }),
    row(mapped) {
      rows += 1
      return row(mapped)
    },
    finish(): Check[] {
      const stated = lines.map((line) => pattern.exec(line)).find((match) => match !== null)
      if (!stated) return []
      const count = Number(stated[1])
      return [count === rows
        ? { level: 'info', code: 'RECORD_COUNT_OK', message: `${rows} records, as the file states` }
        : { level: 'warning', code: 'RECORD_COUNT_DIFFERS', message: `the file states ${count} records but has ${rows} data rows` }]
    },
  }
}

/**
 * A money figure stated in a summary or trailer line (`应结订单总金额`, `收入：1笔 28.50元`).
 * An unreadable figure is a file-level check failure (an error check naming the
 * label and the text), never an exception out of `finish`: blank -> undefined,
 * unreadable -> null and an error pushed to `checks`.
 */
export function statedMoney(label: string, text: string | undefined, currency: string, checks: Check[]): Minor | null | undefined {
  if (text === undefined || text.trim() === '') return undefined
  try {
    return moneyOrZero(label, text, currency)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    checks.push({ level: 'error', blocking: true, code: 'SUMMARY_UNREADABLE', message: `${label}: the file's own summary figure cannot be read (${reason}); its totals cannot be checked` })
    return null
  }
}

/** `收入：1笔 28.50元`, `支出：16笔(含4笔部分退款)，1648.43元`, `已收入:1笔,0.01元`, `中性交易：0笔 0.00元`. */
const STATED_LINE = /^(收入|支出|不计收支|中性交易|已收入|已支出)[:：]\s*(\d+)\s*笔(?:\s*[(（][^)）]*[)）])?\s*[，,]?\s*(?:共\s*)?([-\d,.]+)\s*元/

/**
 * The per-direction totals a personal bill states about itself (Alipay 交易明细 and
 * legacy 交易记录, WeChat 账单明细, JD 交易流水), checked against its rows. Each row is
 * counted under its direction, whatever the parser then does with it (a skipped 0.00
 * row is still a row of the bill). Directions whose stated amount has its own
 * meaning are checked by count only (`countOnly`: JD's 不计收支 sums only refunds).
 * A mismatch is an error check: the import then writes nothing unless forced.
 */
export class StatedTotals {
  private readonly stated = new Map<string, { count: number; amount: string }>()
  private readonly seen = new Map<string, Tally>()

  constructor(private readonly bill: string, private readonly countOnly: ReadonlyArray<string> = []) {}

  /** Reads a preamble or trailer line; true when it was a stated total. */
  read(line: string): boolean {
    const match = STATED_LINE.exec(line.replace(/,+$/, '').trim())
    if (!match) return false
    const label = match[1] ?? ''
    if (!this.stated.has(label)) this.stated.set(label, { count: Number(match[2]), amount: match[3] ?? '0' })
    return true
  }

  /** Counts a data row under its direction label as the bill writes it (`收入`, `支出`, `不计收支`, `/` for 中性交易). */
  see(direction: string, magnitude: bigint): void {
    const label = direction === '' || direction === '/' ? (this.stated.has('中性交易') ? '中性交易' : '不计收支') : direction
    const tally = this.seen.get(label) ?? new Tally()
    tally.add(magnitude)
    this.seen.set(label, tally)
  }

  check(): Check[] {
    if (this.stated.size === 0) return []
    const checks: Check[] = []
    const problems: string[] = []
    const matched: string[] = []
    for (const [label, stated] of this.stated) {
      const rows = this.seen.get(label) ?? new Tally()
      const amount = statedMoney(`${label} (stated)`, stated.amount, 'CNY', checks)
      if (amount === null) continue
      const byCount = this.countOnly.includes(label)
      const actual = formatAmount(minor(rows.total), 'CNY')
      if (rows.count !== stated.count || (!byCount && rows.total !== (amount ?? 0n))) {
        problems.push(`${label}: the bill states ${stated.count} rows${byCount ? '' : ` / ${stated.amount}`}, its rows give ${rows.count}${byCount ? '' : ` / ${actual}`}`)
      } else matched.push(`${label} ${stated.count}${byCount ? '' : ` / ${stated.amount}`}`)
    }
    if (problems.length > 0) checks.push({ level: 'error', blocking: true, code: 'STATED_TOTALS_MISMATCH', message: `明细与账单自述的统计不符 / the ${this.bill} rows do not add up to the totals the file states: ${problems.join('; ')}` })
    else if (checks.length === 0) checks.push({ level: 'info', code: 'STATED_TOTALS_OK', message: `the rows add up to the totals the file states (${matched.join(', ')})` })
    return checks
  }
}

/** Builds a settlement txn with the common fields filled from context and row. */
export function txn(context: ParseContext, row: MappedRow, channel: Channel, fields: {
  externalId: string; kind: SettlementKind; amount: Minor; currency: string; occurredAt: string; description: string
  orderRef?: string; tradeNo?: string; payoutRef?: string; counterparty?: string; balanceAfter?: Minor
}): CanonicalRecord {
  const record: SettlementTxn = {
    channel,
    store: context.store,
    externalId: required('external id', fields.externalId),
    kind: fields.kind,
    amount: fields.amount,
    currency: fields.currency,
    occurredAt: fields.occurredAt,
    description: freeText(fields.description),
    source: sourceOf(context, row),
  }
  const orderRef = optionalText(fields.orderRef ?? '')
  if (orderRef !== undefined) record.orderRef = orderRef
  const tradeNo = optionalText(fields.tradeNo ?? '')
  if (tradeNo !== undefined) record.tradeNo = tradeNo
  const payoutRef = optionalText(fields.payoutRef ?? '')
  if (payoutRef !== undefined) record.payoutRef = payoutRef
  const counterparty = optionalText(fields.counterparty ?? '')
  if (counterparty !== undefined) record.counterparty = counterparty
  if (fields.balanceAfter !== undefined) record.balanceAfter = fields.balanceAfter
  return { kind: 'settlementTxn', record }
}

/** One side of a transfer between the owner's accounts: the channel's own wallet, or a `counterAccount` hint. */
export type AccountHint = 'wallet' | `${'wallet' | 'investment' | 'bank' | 'card'}:${string}`

/**
 * A transfer between the owner's own accounts as settlement txns of kind `transfer`,
 * signed from the channel wallet. When the wallet is one side: one txn (+ in, - out)
 * naming the other side. When neither side is the wallet (bank -> 零钱通, 余额宝 -> a fund):
 * two txns through the wallet (`<id>:in` from the source, `<id>:out` to the destination)
 * that net to zero on it, so each names one counter-account.
 */
export function transferRecords(context: ParseContext, row: MappedRow, channel: Channel, fields: {
  externalId: string; occurredAt: string; description: string; tradeNo?: string; orderRef?: string; counterparty?: string
}, from: AccountHint, to: AccountHint, magnitude: Minor): CanonicalRecord[] {
  const one = (externalId: string, amount: Minor, counter: AccountHint): CanonicalRecord => {
    const item = txn(context, row, channel, { ...fields, externalId, kind: 'transfer', amount, currency: 'CNY' })
    if (item.kind === 'settlementTxn' && counter !== 'wallet') item.record.counterAccount = freeText(counter, 200)
    return item
  }
  if (from === 'wallet') return [one(fields.externalId, minor(-magnitude), to)]
  if (to === 'wallet') return [one(fields.externalId, magnitude, from)]
  return [one(`${fields.externalId}:in`, magnitude, from), one(`${fields.externalId}:out`, minor(-magnitude), to)]
}

/** Sum of minor amounts in a running total, for self-checks. */
export class Tally {
  count = 0
  total = 0n
  add(amount: bigint): void {
    this.count += 1
    this.total += amount
  }
}

/**
 * Orders whose lines span consecutive rows (千牛 sub-orders, Shopify line items,
 * Douyin 子订单): lines are emitted as they come, the order when the next order
 * starts (or at the end), with totals summed over its lines. Memory holds one order.
 */
export class OrderAssembler {
  private current: { order: Order; lines: number } | null = null
  private readonly seen = new Set<string>()
  /** Order numbers seen again after other orders: reported, not merged. */
  repeated = 0

  /** Starts or continues an order; returns the finished previous order, if any. */
  add(order: Order, line: OrderLine, sumIntoOrder: boolean): Order | null {
    if (this.current && this.current.order.orderNo === order.orderNo) {
      if (sumIntoOrder) {
        const total = this.current.order
        total.gross = minor(total.gross + order.gross)
        total.discount = minor(total.discount + order.discount)
        total.refunded = minor(total.refunded + order.refunded)
      }
      this.current.lines += 1
      return null
    }
    const finished = this.current?.order ?? null
    if (this.seen.has(order.orderNo)) this.repeated += 1
    if (this.seen.size < 100_000) this.seen.add(order.orderNo)
    this.current = { order: { ...order }, lines: 1 }
    void line
    return finished
  }

  /** 1-based index of the next line within the current order. */
  nextLineIndex(orderNo: string): number {
    return this.current && this.current.order.orderNo === orderNo ? this.current.lines + 1 : 1
  }

  flush(): Order[] {
    const last = this.current?.order
    this.current = null
    return last ? [last] : []
  }
}

export function orderItems(order: Order | null, line: OrderLine): CanonicalRecord[] {
  const items: CanonicalRecord[] = [{ kind: 'orderLine', record: line }]
  if (order) items.unshift({ kind: 'order', record: order })
  return items
}

/** Chinese 订单状态 wording -> normalized status. */
export function chineseOrderStatus(text: string): OrderStatus {
  if (/部分退款/.test(text)) return 'partially_refunded'
  if (/退款成功|已退款|全额退款/.test(text)) return 'refunded'
  if (/关闭/.test(text)) return 'closed'
  if (/取消/.test(text)) return 'cancelled'
  if (/交易成功|已完成|已签收|完成/.test(text)) return 'completed'
  if (/已发货|待收货|等待买家确认|已揽收|等待确认收货|已出库/.test(text)) return 'shipped'
  if (/已付款|待发货|等待卖家发货|已支付|备货|等待出库|待出库/.test(text)) return 'paid'
  if (/等待买家付款|待付款|未付款|待支付/.test(text)) return 'pending'
  return 'unknown'
}
