import { LedgerError } from '../../shared/errors.ts'
import { formatAmount, isCurrency, parseAmount } from '../../shared/money.ts'
import type { LedgerContext } from './context.ts'
import { type VoucherSourceRef, voucherSourcesOf } from './sources.ts'
import { bankTxnRowsByKey, orderRowsByNo, searchRows, settlementTxnRowsByKey, voucherRowById } from './queries.ts'

/**
 * The records behind a voucher, and a search across orders, bill lines, bank
 * lines and vouchers (the pane's drill-down past 明细账, issue #14). Source refs
 * are the keys posting links (`voucher_sources`): `channel|orderNo|order`,
 * `channel|externalId|kind` (the external id may itself hold `|`),
 * `bank:ACCOUNT|externalId|bankTxn`, a match id, a JSON triple for a refund.
 */
export interface SourceRecord {
  readonly kind: 'order' | 'settlementTxn' | 'bankTxn' | 'voucher'
  readonly id: number
  readonly number: string
  readonly date: string
  readonly store: string
  readonly channel: string
  readonly amount: string
  readonly currency: string
  readonly text: string
  /** for a voucher: 记-3 or #12 (a draft) */
  readonly voucher?: string
}

export interface ResolvedSource extends VoucherSourceRef {
  readonly records: readonly SourceRecord[]
}

const money = (value: unknown, currency: string) => (isCurrency(currency) ? formatAmount(BigInt(String(value ?? 0)), currency) : String(value ?? 0))

type Row = Record<string, unknown>
const orderRecord = (row: Row): SourceRecord => ({ kind: 'order', id: Number(row.id), number: String(row.order_no), date: String(row.created_at ?? ''), store: String(row.store ?? ''), channel: String(row.channel ?? ''), amount: money(row.gross_minor, String(row.currency)), currency: String(row.currency), text: String(row.status_raw ?? '') })
const txnRecord = (row: Row): SourceRecord => ({ kind: 'settlementTxn', id: Number(row.id), number: String(row.order_ref ?? '') || String(row.external_id), date: String(row.occurred_at ?? ''), store: String(row.store ?? ''), channel: String(row.channel ?? ''), amount: money(row.amount_minor, String(row.currency)), currency: String(row.currency), text: `${String(row.kind)}${row.description ? ` ${String(row.description)}` : ''}` })
const bankRecord = (row: Row): SourceRecord => ({ kind: 'bankTxn', id: Number(row.id), number: String(row.reference ?? '') || String(row.external_id), date: String(row.occurred_at ?? ''), store: String(row.account ?? ''), channel: 'bank', amount: money(row.amount_minor, String(row.currency)), currency: String(row.currency), text: [row.counterparty, row.memo].filter((item) => item !== null && item !== '').map(String).join(' ') })
function voucherRecord(row: Row, base: string): SourceRecord {
  const number = row.number === null ? `#${String(row.id)}` : `${String(row.word)}-${String(row.number)}`
  return { kind: 'voucher', id: Number(row.id), number, voucher: number, date: String(row.date), store: '', channel: '', amount: money(row.total, base), currency: base, text: `${String(row.summary ?? '')}` }
}


/** The record(s) one source ref names; [] when it names none any more (e.g. a match's own id). */
async function recordsOf(context: LedgerContext, companyId: number, base: string, source: VoucherSourceRef): Promise<SourceRecord[]> {
  const parts = source.id.split('|')
  const first = parts[0] ?? ''
  switch (source.kind) {
    case 'order':
      return (await orderRowsByNo(context.db.client, companyId, first, parts.slice(1, -1).join('|'))).map(orderRecord)
    case 'orderLine':
    case 'orderLine.return': {
      const orderNo = parts.slice(1, -1).join('|').split('/')[0] ?? ''
      return (await orderRowsByNo(context.db.client, companyId, first, orderNo)).map(orderRecord)
    }
    case 'settlementTxn':
      return (await settlementTxnRowsByKey(context.db.client, companyId, first, parts.slice(1, -1).join('|'), parts.at(-1) ?? '')).map(txnRecord)
    case 'bankTxn':
      return (await bankTxnRowsByKey(context.db.client, companyId, first.replace(/^bank:/, ''), parts.slice(1, -1).join('|'))).map(bankRecord)
    case 'orderRefund': {
      let triple: unknown
      try {
        triple = JSON.parse(source.id)
      } catch {
        return []
      }
      if (!Array.isArray(triple)) return []
      const [order, txn] = triple.map(String)
      return [
        ...(order === undefined ? [] : await recordsOf(context, companyId, base, { kind: 'order', id: order })),
        ...(txn === undefined ? [] : await recordsOf(context, companyId, base, { kind: 'settlementTxn', id: txn })),
      ]
    }
    case 'voucher':
      return (await voucherRowById(context.db.client, companyId, Number(source.id))).map((row) => voucherRecord(row, base))
    default:
      return []
  }
}

/** A voucher's sources with the records they name (at most `limit` sources resolved; the rest listed bare). */
export async function voucherSourceRecords(context: LedgerContext, companyId: number, voucherId: number, base: string, limit = 200): Promise<ResolvedSource[]> {
  const sources = await voucherSourcesOf(context, companyId, voucherId)
  const resolved: ResolvedSource[] = []
  for (const [index, source] of sources.entries()) resolved.push({ ...source, records: index < limit ? await recordsOf(context, companyId, base, source) : [] })
  return resolved
}

export interface SearchResult {
  readonly orders: SourceRecord[]
  readonly settlementTxns: SourceRecord[]
  readonly bankTxns: SourceRecord[]
  readonly vouchers: SourceRecord[]
}

/**
 * Orders, bill lines, bank lines and vouchers matching `q`: an order number,
 * trade / payment number or reference (exact, or as a prefix from 4 characters),
 * or an amount (`113.00`, also its negative for money out). Vouchers are those
 * whose sources name a found record, or whose total is the amount. 50 of each.
 */
export async function searchRecords(context: LedgerContext, companyId: number, base: string, q: string, limit = 50): Promise<SearchResult> {
  const text = q.trim()
  if (text === '' || text.length > 100) throw new LedgerError('VALIDATION', 'q: an order number, trade number or amount (1-100 characters) / 请输入订单号、交易号或金额')
  const like = text.length >= 4 ? `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : text
  const op = text.length >= 4 ? "LIKE ? ESCAPE '\\'" : '= ?'
  const amount = /^-?\d+(\.\d+)?$/.test(text.replace(/,/g, '')) ? (() => {
    try {
      return parseAmount(text.replace(/,/g, ''), base)
    } catch {
      return null
    }
  })() : null
  // Vouchers: through their sources (the refs hold order numbers and external ids), or by total.
  const refLike = `%|${text.replace(/[\\%_]/g, (c) => `\\${c}`)}${text.length >= 4 ? '%' : '|%'}`
  const { orders, txns, bank, vouchers } = await searchRows(context.db.client, companyId, { op, like, refLike, amount, limit })
  return { orders: orders.map(orderRecord), settlementTxns: txns.map(txnRecord), bankTxns: bank.map(bankRecord), vouchers: vouchers.map((row) => voucherRecord(row, base)) }
}
