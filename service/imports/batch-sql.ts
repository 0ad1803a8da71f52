import type { Client, InValue, Transaction } from '@libsql/client'
import { type CanonicalRecord, RECORD_KINDS, type RecordKind } from '../../shared/records.ts'
import { INVOICE_TABLE } from '../invoices/table.ts'
import { type InvoiceStatusChange, applyInvoiceStatusUpdates, dropInvoiceStatusStage } from '../invoices/status-updates.ts'
import type { Reject } from './types.ts'

/**
 * The import's write SQL (the imports area's data access for writes; reads of
 * imported data are in query.ts): the batch row, multi-row INSERT text per
 * record table, the staging tables that move re-imported orders forward, and
 * the rejects. Raw SQL on purpose: these are the import's hot path (one
 * statement per ~1,500 rows, statement text cached).
 */

export interface ImportCounts {
  order: number
  orderLine: number
  settlementTxn: number
  bankTxn: number
  invoice: number
}

interface TableSpec {
  table: string
  columns: string[]
  /** Appends the record's column values to `out` (a flat multi-row argument list). */
  push(out: InValue[], companyId: number, batchId: number, item: CanonicalRecord): void
}

const TABLES: { [K in RecordKind]: TableSpec } = {
  order: {
    table: 'orders',
    columns: ['company_id', 'batch_id', 'channel', 'store', 'order_no', 'status', 'status_raw', 'buyer_ref', 'created_at', 'paid_at', 'shipped_at', 'completed_at', 'cancelled_at', 'currency', 'gross_minor', 'discount_minor', 'shipping_minor', 'tax_minor', 'refunded_minor', 'payment_ref', 'source_hash', 'source_sheet', 'source_row'],
    push(out, companyId, batchId, item) {
      if (item.kind !== 'order') return
      const r = item.record
      out.push(companyId, batchId, r.channel, r.store, r.orderNo, r.status, r.statusRaw, r.buyerRef ?? null, r.createdAt, r.paidAt ?? null, r.shippedAt ?? null, r.completedAt ?? null, r.cancelledAt ?? null, r.currency, r.gross, r.discount, r.shipping, r.tax, r.refunded, r.paymentRef ?? null, r.source.fileHash, r.source.sheet ?? null, r.source.rowNumber)
    },
  },
  orderLine: {
    table: 'order_lines',
    columns: ['company_id', 'batch_id', 'channel', 'store', 'order_no', 'sub_order_no', 'sku', 'title', 'quantity', 'unit_price_minor', 'discount_minor', 'amount_minor', 'refunded_minor', 'status', 'status_raw', 'currency', 'source_hash', 'source_sheet', 'source_row'],
    push(out, companyId, batchId, item) {
      if (item.kind !== 'orderLine') return
      const r = item.record
      out.push(companyId, batchId, r.channel, r.store, r.orderNo, r.subOrderNo, r.sku, r.title, r.quantity, r.unitPrice, r.discount, r.amount, r.refunded, r.status, r.statusRaw, r.currency, r.source.fileHash, r.source.sheet ?? null, r.source.rowNumber)
    },
  },
  settlementTxn: {
    table: 'settlement_txns',
    columns: ['company_id', 'batch_id', 'channel', 'store', 'external_id', 'kind', 'amount_minor', 'currency', 'occurred_at', 'order_ref', 'trade_no', 'payout_ref', 'counterparty', 'balance_after_minor', 'counter_account', 'description', 'source_hash', 'source_sheet', 'source_row'],
    push(out, companyId, batchId, item) {
      if (item.kind !== 'settlementTxn') return
      const r = item.record
      out.push(companyId, batchId, r.channel, r.store, r.externalId, r.kind, r.amount, r.currency, r.occurredAt, r.orderRef ?? null, r.tradeNo ?? null, r.payoutRef ?? null, r.counterparty ?? null, r.balanceAfter ?? null, r.counterAccount ?? null, r.description, r.source.fileHash, r.source.sheet ?? null, r.source.rowNumber)
    },
  },
  bankTxn: {
    table: 'bank_txns',
    columns: ['company_id', 'batch_id', 'account', 'external_id', 'occurred_at', 'value_date', 'amount_minor', 'currency', 'balance_after_minor', 'counterparty', 'counterparty_account', 'reference', 'memo', 'source_hash', 'source_sheet', 'source_row'],
    push(out, companyId, batchId, item) {
      if (item.kind !== 'bankTxn') return
      const r = item.record
      out.push(companyId, batchId, r.account, r.externalId, r.occurredAt, r.valueDate ?? null, r.amount, r.currency, r.balanceAfter ?? null, r.counterparty ?? null, r.counterpartyAccount ?? null, r.reference ?? null, r.memo, r.source.fileHash, r.source.sheet ?? null, r.source.rowNumber)
    },
  },
  invoice: INVOICE_TABLE,
}

const REJECT_COLUMNS = ['company_id', 'batch_id', 'row_number', 'sheet', 'column', 'reason', 'raw']

/** Rows per INSERT statement: SQLite's 32,766 host-parameter limit, with room. */
function rowsPerStatement(columns: number): number {
  return Math.floor(30_000 / columns)
}

/** Multi-row INSERT text for `rows` rows, cached per (table, rows). */
const insertSql = new Map<string, string>()
function insertStatement(table: string, columns: ReadonlyArray<string>, rows: number, suffix: string): string {
  const key = `${table}|${rows}|${suffix}`
  let sql = insertSql.get(key)
  if (sql === undefined) {
    const placeholder = `(${new Array<string>(columns.length).fill('?').join(',')})`
    sql = `INSERT INTO ${table} (${columns.map((column) => `"${column}"`).join(',')}) VALUES ${new Array<string>(rows).fill(placeholder).join(',')}${suffix}`
    if (rows === rowsPerStatement(columns.length)) insertSql.set(key, sql)
  }
  return sql
}

/**
 * Order status on re-import. Accountants re-export orders as they complete, so
 * a stored order (or line) is moved forward when a later file shows it further
 * along: pending < paid < shipped < completed < partially_refunded <
 * refunded / cancelled / closed; at the same stage, a larger refunded amount is
 * newer. An older or identical export changes nothing (a duplicate), and an
 * `unknown` status never overwrites. Each change is kept in order_updates.
 */
const STATUS_RANK = (column: string) => `(CASE ${column} WHEN 'pending' THEN 0 WHEN 'paid' THEN 1 WHEN 'shipped' THEN 2 WHEN 'completed' THEN 3 WHEN 'partially_refunded' THEN 4 WHEN 'refunded' THEN 5 WHEN 'cancelled' THEN 5 WHEN 'closed' THEN 5 ELSE -1 END)`
const NEWER = (incoming: string, stored: string) =>
  `(${STATUS_RANK(`${incoming}.status`)} > ${STATUS_RANK(`${stored}.status`)} OR (${STATUS_RANK(`${incoming}.status`)} = ${STATUS_RANK(`${stored}.status`)} AND ${STATUS_RANK(`${incoming}.status`)} >= 0 AND ${incoming}.refunded_minor > ${stored}.refunded_minor))`

interface UpdatableSpec {
  stage: string
  key: ReadonlyArray<string>
  /** SET list of the UPDATE, `s` being the staged row and `o` the stored one. */
  set: string
  subOrderNo: string
}

const UPDATABLE: { order: UpdatableSpec; orderLine: UpdatableSpec } = {
  order: {
    stage: 'import_stage_orders',
    key: ['company_id', 'channel', 'order_no'],
    set: 'status = s.status, status_raw = s.status_raw, refunded_minor = s.refunded_minor, paid_at = coalesce(s.paid_at, o.paid_at), shipped_at = coalesce(s.shipped_at, o.shipped_at), completed_at = coalesce(s.completed_at, o.completed_at), cancelled_at = coalesce(s.cancelled_at, o.cancelled_at)',
    subOrderNo: "''",
  },
  orderLine: {
    stage: 'import_stage_order_lines',
    key: ['company_id', 'channel', 'order_no', 'sub_order_no'],
    set: 'status = s.status, status_raw = s.status_raw, refunded_minor = s.refunded_minor',
    subOrderNo: 's.sub_order_no',
  },
}

/**
 * Buffers rows per table as one flat argument list and writes full
 * statements. `add` is synchronous and says when a table's buffer is full, so
 * the hot loop awaits the database only once per statement.
 */
export class BatchWriter {
  private readonly buffers: { [K in RecordKind]: { args: InValue[]; rows: number } } = {
    order: { args: [], rows: 0 }, orderLine: { args: [], rows: 0 }, settlementTxn: { args: [], rows: 0 }, bankTxn: { args: [], rows: 0 }, invoice: { args: [], rows: 0 },
  }
  private rejectArgs: InValue[] = []
  private rejectRows = 0
  readonly inserted: ImportCounts = { order: 0, orderLine: 0, settlementTxn: 0, bankTxn: 0, invoice: 0 }
  readonly updated = { order: 0, orderLine: 0 }
  private staged = false
  attempted = 0

  /** stored invoices a later export moved forward (已红冲 / 作废 / 勾选 / 认证) */
  readonly invoiceChanges: InvoiceStatusChange[] = []
  private invoiceStaged = false
  /** invoice_requests rows of orders whose export says the buyer asked for an invoice (flushed with the orders) */
  private requestArgs: InValue[] = []

  constructor(private readonly tx: Transaction, private readonly companyId: number, private readonly batchId: number, private readonly at: string = new Date().toISOString()) {}

  /** Buffers a record; true when its table's buffer is full (call flushKind). */
  add(item: CanonicalRecord): boolean {
    if (item.kind === 'order' && item.record.invoiceRequest) {
      const request = item.record.invoiceRequest
      this.requestArgs.push(this.companyId, item.record.channel, item.record.orderNo, request.title, request.buyerTaxId ?? null, this.at)
    }
    const spec = TABLES[item.kind]
    const buffer = this.buffers[item.kind]
    spec.push(buffer.args, this.companyId, this.batchId, item)
    buffer.rows += 1
    this.attempted += 1
    return buffer.rows >= rowsPerStatement(spec.columns.length)
  }

  /** Buffers a reject; true when the buffer is full (call flushRejects). */
  reject(reject: Reject): boolean {
    this.rejectArgs.push(this.companyId, this.batchId, reject.rowNumber, reject.sheet ?? null, reject.column, reject.reason.slice(0, 1000), reject.raw.slice(0, 1000))
    this.rejectRows += 1
    return this.rejectRows >= 2000
  }

  async flushKind(kind: RecordKind): Promise<void> {
    const spec = TABLES[kind]
    const buffer = this.buffers[kind]
    if (buffer.rows === 0) return
    const args = buffer.args
    const rows = buffer.rows
    this.buffers[kind] = { args: [], rows: 0 }
    if (kind === 'order' && this.requestArgs.length > 0) {
      // a request stored before (by hand or an earlier import) stands
      const requestArgs = this.requestArgs
      this.requestArgs = []
      await this.tx.execute({ sql: insertStatement('invoice_requests', ['company_id', 'channel', 'order_no', 'title', 'buyer_tax_id', 'created_at'], requestArgs.length / 6, ' ON CONFLICT DO NOTHING'), args: requestArgs })
    }
    if (kind === 'order' || kind === 'orderLine') return this.upsertOrders(kind, args, rows)
    const sql = insertStatement(spec.table, spec.columns, rows, ' ON CONFLICT DO NOTHING')
    const inserted = (await this.tx.execute({ sql, args })).rowsAffected
    this.inserted[kind] += inserted
    if (kind === 'invoice' && inserted < rows) {
      // some invoices were stored already: a later export may show them 已红冲 / 作废 / 已认证
      this.invoiceStaged = true
      this.invoiceChanges.push(...await applyInvoiceStatusUpdates(this.tx, args, rows, (table, columns, count) => insertStatement(table, columns, count, '')))
    }
  }

  /** Orders and lines go through a staging table: audit and move forward the stored ones, insert the new ones. */
  private async upsertOrders(kind: 'order' | 'orderLine', args: InValue[], rows: number): Promise<void> {
    const spec = TABLES[kind]
    const update = UPDATABLE[kind]
    if (!this.staged) {
      for (const each of Object.values(UPDATABLE)) {
        const table = each === UPDATABLE.order ? TABLES.order : TABLES.orderLine
        await this.tx.execute(`CREATE TEMP TABLE IF NOT EXISTS ${each.stage} AS SELECT ${table.columns.map((column) => `"${column}"`).join(',')} FROM ${table.table} WHERE 0`)
        await this.tx.execute(`DELETE FROM temp.${each.stage}`)
      }
      this.staged = true
    }
    const columns = spec.columns.map((column) => `"${column}"`).join(',')
    await this.tx.execute({ sql: insertStatement(`temp.${update.stage}`, spec.columns, rows, ''), args })
    const match = update.key.map((column) => `o.${column} = s.${column}`).join(' AND ')
    await this.tx.execute(`INSERT INTO order_updates (company_id, batch_id, channel, order_no, sub_order_no, old_status, new_status, old_status_raw, new_status_raw, old_refunded_minor, new_refunded_minor, source_hash, source_row)
      SELECT s.company_id, s.batch_id, s.channel, s.order_no, ${update.subOrderNo}, o.status, s.status, o.status_raw, s.status_raw, o.refunded_minor, s.refunded_minor, s.source_hash, s.source_row
      FROM temp.${update.stage} s JOIN ${spec.table} o ON ${match} WHERE ${NEWER('s', 'o')}`)
    const updated = await this.tx.execute(`UPDATE ${spec.table} AS o SET ${update.set} FROM temp.${update.stage} s WHERE ${match} AND ${NEWER('s', 'o')}`)
    this.updated[kind] += updated.rowsAffected
    this.inserted[kind] += (await this.tx.execute(`INSERT INTO ${spec.table} (${columns}) SELECT ${columns} FROM temp.${update.stage} WHERE true ON CONFLICT DO NOTHING`)).rowsAffected
    await this.tx.execute(`DELETE FROM temp.${update.stage}`)
  }

  async flushRejects(): Promise<void> {
    if (this.rejectRows === 0) return
    const sql = insertStatement('import_rejects', REJECT_COLUMNS, this.rejectRows, '')
    const args = this.rejectArgs
    this.rejectArgs = []
    this.rejectRows = 0
    await this.tx.execute({ sql, args })
  }

  async flushAll(): Promise<void> {
    for (const kind of RECORD_KINDS) await this.flushKind(kind)
    await this.flushRejects()
    if (this.staged) {
      for (const each of Object.values(UPDATABLE)) await this.tx.execute(`DROP TABLE IF EXISTS temp.${each.stage}`)
      this.staged = false
    }
    if (this.invoiceStaged) {
      await dropInvoiceStatusStage(this.tx)
      this.invoiceStaged = false
    }
  }
}

/** The import_batches row of a file being imported (committed with it, counts filled in by finishBatch). */
export async function insertBatch(tx: Transaction, values: { companyId: number; actorId: number | null; actorName: string; fileName: string; fileHash: string; fileSize: number; parser: string; store: string; startedAt: string }): Promise<number> {
  const batch = await tx.execute({
    sql: `INSERT INTO import_batches (company_id, actor_id, actor_name, file_name, file_hash, file_size, parser, store, status, read_count, imported_count, duplicate_count, rejected_count, skipped_count, started_at, finished_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'committed', 0, 0, 0, 0, 0, ?, ?) RETURNING id`,
    args: [values.companyId, values.actorId, values.actorName, values.fileName, values.fileHash, values.fileSize, values.parser, values.store, values.startedAt, values.startedAt],
  })
  return Number(batch.rows[0]?.id)
}

export async function finishBatch(tx: Transaction, batchId: number, values: { read: number; imported: number; duplicates: number; updated: number; rejected: number; skipped: number; countsJson: string; checksJson: string; finishedAt: string; store: string }): Promise<void> {
  await tx.execute({
    sql: `UPDATE import_batches SET read_count = ?, imported_count = ?, duplicate_count = ?, updated_count = ?, rejected_count = ?, skipped_count = ?, counts_json = ?, checks_json = ?, finished_at = ?, store = ? WHERE id = ?`,
    args: [values.read, values.imported, values.duplicates, values.updated, values.rejected, values.skipped, values.countsJson, values.checksJson, values.finishedAt, values.store, batchId],
  })
}

/** Every row of the stores registry (suppliers included), for resolving the store a file names. */
export async function importStores(client: Client, companyId: number): Promise<Array<{ code: string; name: string; channel: string }>> {
  return (await client.execute({ sql: 'SELECT code, name, channel FROM stores WHERE company_id = ? ORDER BY code', args: [companyId] })).rows
    .map((row) => ({ code: String(row.code), name: String(row.name), channel: String(row.channel) }))
}
