import type { InValue, Row } from '@libsql/client'
import { LedgerError } from '../../shared/errors.ts'
import { type Minor, minor } from '../../shared/money.ts'
import type { BankTxn, Channel, Order, OrderLine, OrderStatus, SettlementKind, SettlementTxn, Source } from '../../shared/records.ts'
import type { Database } from '../db/connection.ts'
import type { Check } from './types.ts'

/**
 * Reading imported data back as canonical records (money as Minor): batches,
 * rejects, orders, order lines, settlement and bank txns, filtered by store,
 * period (YYYY-MM of the local timestamp), status/kind and channel.
 */

export interface ListFilter {
  store?: string
  /** YYYY-MM: matches the local date prefix of created/occurred times. */
  period?: string
  channel?: string
  status?: string
  kind?: string
  batchId?: number
  orderRef?: string
  limit?: number
  offset?: number
}

function text(row: Row, column: string): string {
  const value = row[column]
  return value === null || value === undefined ? '' : String(value)
}

function optional(row: Row, column: string): string | undefined {
  const value = row[column]
  return value === null || value === undefined ? undefined : String(value)
}

function money(row: Row, column: string): Minor {
  const value = row[column]
  return minor(typeof value === 'bigint' ? value : BigInt(String(value ?? 0)))
}

function source(row: Row): Source {
  const sheet = optional(row, 'source_sheet')
  const base = { fileHash: text(row, 'source_hash'), rowNumber: Number(row.source_row) }
  return sheet === undefined ? base : { ...base, sheet }
}

function setOptional<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value
}

function where(companyId: number, filter: ListFilter, timeColumn: string, statusColumn: string | null, hasChannel = true): { sql: string; args: InValue[] } {
  const clauses = ['company_id = ?']
  const args: InValue[] = [companyId]
  if (filter.store !== undefined) { clauses.push('store = ?'); args.push(filter.store) }
  if (filter.channel !== undefined && hasChannel) { clauses.push('channel = ?'); args.push(filter.channel) }
  if (filter.period !== undefined) {
    if (!/^\d{4}-\d{2}$/.test(filter.period)) throw new LedgerError('INVALID_PERIOD', `"${filter.period}" is not a period (YYYY-MM)`)
    clauses.push(`substr(${timeColumn}, 1, 7) = ?`)
    args.push(filter.period)
  }
  if (filter.status !== undefined && statusColumn) { clauses.push(`${statusColumn} = ?`); args.push(filter.status) }
  if (filter.kind !== undefined) { clauses.push('kind = ?'); args.push(filter.kind) }
  if (filter.batchId !== undefined) { clauses.push('batch_id = ?'); args.push(filter.batchId) }
  if (filter.orderRef !== undefined) { clauses.push('order_ref = ?'); args.push(filter.orderRef) }
  const limit = Math.min(Math.max(filter.limit ?? 1000, 1), 100_000)
  args.push(limit, Math.max(filter.offset ?? 0, 0))
  return { sql: ` WHERE ${clauses.join(' AND ')} ORDER BY id LIMIT ? OFFSET ?`, args }
}

export async function listOrders(db: Database, companyId: number, filter: ListFilter = {}): Promise<Order[]> {
  const { sql, args } = where(companyId, filter, 'created_at', 'status')
  // the invoice request (issue #17) rides along: from the order export's 发票 columns or `cledger invoice request`
  const result = await db.client.execute({ sql: `SELECT o.*, r.title AS request_title, r.buyer_tax_id AS request_tax_id, r.order_no IS NOT NULL AS requested FROM (SELECT * FROM orders${sql}) o
    LEFT JOIN invoice_requests r ON r.company_id = o.company_id AND r.channel = o.channel AND r.order_no = o.order_no ORDER BY o.id`, args })
  return result.rows.map((row) => {
    const order: Order = {
      channel: text(row, 'channel') as Channel, store: text(row, 'store'), orderNo: text(row, 'order_no'), status: text(row, 'status') as OrderStatus, statusRaw: text(row, 'status_raw'),
      createdAt: text(row, 'created_at'), currency: text(row, 'currency'), gross: money(row, 'gross_minor'), discount: money(row, 'discount_minor'), shipping: money(row, 'shipping_minor'),
      tax: money(row, 'tax_minor'), refunded: money(row, 'refunded_minor'), source: source(row),
    }
    setOptional(order, 'buyerRef', optional(row, 'buyer_ref'))
    setOptional(order, 'paidAt', optional(row, 'paid_at'))
    setOptional(order, 'shippedAt', optional(row, 'shipped_at'))
    setOptional(order, 'completedAt', optional(row, 'completed_at'))
    setOptional(order, 'cancelledAt', optional(row, 'cancelled_at'))
    setOptional(order, 'paymentRef', optional(row, 'payment_ref'))
    if (Number(row.requested) === 1) order.invoiceRequest = row.request_tax_id === null ? { title: text(row, 'request_title') } : { title: text(row, 'request_title'), buyerTaxId: text(row, 'request_tax_id') }
    return order
  })
}

export async function listOrderLines(db: Database, companyId: number, filter: ListFilter = {}): Promise<OrderLine[]> {
  const { sql, args } = where(companyId, { ...filter, period: undefined }, 'order_no', 'status')
  const result = await db.client.execute({ sql: `SELECT * FROM order_lines${sql}`, args })
  return result.rows.map((row) => ({
    channel: text(row, 'channel') as Channel, store: text(row, 'store'), orderNo: text(row, 'order_no'), subOrderNo: text(row, 'sub_order_no'), sku: text(row, 'sku'), title: text(row, 'title'),
    quantity: Number(row.quantity), unitPrice: money(row, 'unit_price_minor'), discount: money(row, 'discount_minor'), amount: money(row, 'amount_minor'), refunded: money(row, 'refunded_minor'),
    status: text(row, 'status') as OrderStatus, statusRaw: text(row, 'status_raw'), currency: text(row, 'currency'), source: source(row),
  }))
}

export async function listSettlementTxns(db: Database, companyId: number, filter: ListFilter = {}): Promise<SettlementTxn[]> {
  const { sql, args } = where(companyId, filter, 'occurred_at', null)
  const result = await db.client.execute({ sql: `SELECT * FROM settlement_txns${sql}`, args })
  return result.rows.map((row) => {
    const txn: SettlementTxn = {
      channel: text(row, 'channel') as Channel, store: text(row, 'store'), externalId: text(row, 'external_id'), kind: text(row, 'kind') as SettlementKind, amount: money(row, 'amount_minor'),
      currency: text(row, 'currency'), occurredAt: text(row, 'occurred_at'), description: text(row, 'description'), source: source(row),
    }
    setOptional(txn, 'orderRef', optional(row, 'order_ref'))
    setOptional(txn, 'tradeNo', optional(row, 'trade_no'))
    setOptional(txn, 'payoutRef', optional(row, 'payout_ref'))
    setOptional(txn, 'counterparty', optional(row, 'counterparty'))
    if (row.balance_after_minor !== null && row.balance_after_minor !== undefined) txn.balanceAfter = money(row, 'balance_after_minor')
    setOptional(txn, 'counterAccount', optional(row, 'counter_account'))
    return txn
  })
}

export async function listBankTxns(db: Database, companyId: number, filter: ListFilter = {}): Promise<BankTxn[]> {
  const { sql, args } = where(companyId, { ...filter, store: undefined }, 'occurred_at', null, false)
  const result = await db.client.execute({ sql: `SELECT * FROM bank_txns${sql}`, args })
  return result.rows.map((row) => {
    const txn: BankTxn = {
      account: text(row, 'account'), externalId: text(row, 'external_id'), occurredAt: text(row, 'occurred_at'), amount: money(row, 'amount_minor'), currency: text(row, 'currency'),
      memo: text(row, 'memo'), source: source(row),
    }
    setOptional(txn, 'valueDate', optional(row, 'value_date'))
    if (row.balance_after_minor !== null && row.balance_after_minor !== undefined) txn.balanceAfter = money(row, 'balance_after_minor')
    setOptional(txn, 'counterparty', optional(row, 'counterparty'))
    setOptional(txn, 'counterpartyAccount', optional(row, 'counterparty_account'))
    setOptional(txn, 'reference', optional(row, 'reference'))
    return txn
  })
}

export interface BatchView {
  id: number
  fileName: string
  fileHash: string
  fileSize: number
  parser: string
  store: string
  status: string
  actorId: number | null
  actorName: string
  read: number
  imported: number
  duplicates: number
  /** Stored orders/lines whose status this import moved forward. */
  updated: number
  rejected: number
  skipped: number
  importedByKind: Record<string, number>
  checks: Check[]
  startedAt: string
  finishedAt: string
}

function batchView(row: Row): BatchView {
  return {
    id: Number(row.id), fileName: text(row, 'file_name'), fileHash: text(row, 'file_hash'), fileSize: Number(row.file_size), parser: text(row, 'parser'), store: text(row, 'store'),
    status: text(row, 'status'), actorId: row.actor_id === null ? null : Number(row.actor_id), actorName: text(row, 'actor_name'), read: Number(row.read_count), imported: Number(row.imported_count),
    duplicates: Number(row.duplicate_count), updated: Number(row.updated_count ?? 0), rejected: Number(row.rejected_count), skipped: Number(row.skipped_count),
    importedByKind: JSON.parse(text(row, 'counts_json') || '{}') as Record<string, number>, checks: JSON.parse(text(row, 'checks_json') || '[]') as Check[],
    startedAt: text(row, 'started_at'), finishedAt: text(row, 'finished_at'),
  }
}

/** Throws LedgerError NOT_FOUND when the batch is not this company's. */
export async function getBatch(db: Database, companyId: number, batchId: number): Promise<BatchView> {
  const result = await db.client.execute({ sql: 'SELECT * FROM import_batches WHERE company_id = ? AND id = ?', args: [companyId, batchId] })
  const row = result.rows[0]
  if (!row) throw new LedgerError('NOT_FOUND', `import ${batchId} not found`)
  return batchView(row)
}

export async function listBatches(db: Database, companyId: number, limit = 100): Promise<BatchView[]> {
  const result = await db.client.execute({ sql: 'SELECT * FROM import_batches WHERE company_id = ? ORDER BY id DESC LIMIT ?', args: [companyId, limit] })
  return result.rows.map(batchView)
}

export interface RejectView {
  rowNumber: number
  sheet?: string
  column: string
  reason: string
  raw: string
}

export async function listRejects(db: Database, companyId: number, batchId: number, limit = 10_000): Promise<RejectView[]> {
  await getBatch(db, companyId, batchId)
  const result = await db.client.execute({ sql: 'SELECT * FROM import_rejects WHERE company_id = ? AND batch_id = ? ORDER BY row_number, id LIMIT ?', args: [companyId, batchId, limit] })
  return result.rows.map((row) => {
    const view: RejectView = { rowNumber: Number(row.row_number), column: text(row, 'column'), reason: text(row, 'reason'), raw: text(row, 'raw') }
    setOptional(view, 'sheet', optional(row, 'sheet'))
    return view
  })
}

/** CSV of rejects (row, sheet, column, reason, raw) for `--rejects out.csv`. */
export function rejectsToCsv(rejects: ReadonlyArray<RejectView>): string {
  const quote = (value: string) => (/[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value)
  const lines = ['row,sheet,column,reason,raw', ...rejects.map((reject) => [String(reject.rowNumber), reject.sheet ?? '', reject.column, reject.reason, reject.raw].map(quote).join(','))]
  return `${lines.join('\n')}\n`
}
