import { type Minor, minor } from '../../../shared/money.ts'
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
export function rowCountedRun(pattern: RegExp, statedIn: 'preamble' | 'trailer', row: (row: MappedRow) => RowOutcome): ParserRun {
  const lines: string[] = []
  let rows = 0
  const collect = (line: string): void => {
    lines.push(line)
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
