import type { InValue, Transaction } from '@libsql/client'
import type { Database } from '../db/connection.ts'
import { LedgerError } from '../../shared/errors.ts'
import { STORE_PATTERN } from '../../shared/voucher.ts'
import { registerImportStore, storeCodeFrom, storeListText } from '../ledger/stores.ts'
import type { FileParser } from './types.ts'
import { type CanonicalRecord, RECORD_KINDS, RECORD_SCHEMAS, type RecordKind } from '../../shared/records.ts'
import { INVOICE_TABLE } from '../invoices/table.ts'
import { type InvoiceStatusChange, applyInvoiceStatusUpdates, dropInvoiceStatusStage, invoiceStatusReport } from '../invoices/status-updates.ts'
import { appendAudit } from '../ledger/audit.ts'
import { isInvoiceDocument, startInvoiceXmlParse } from './parsers/invoice-xml.ts'
import { type ParseOptions, type ParseSession, startParse } from './parse.ts'
import { PositionTracker, measureInput } from './progress.ts'
import type { FileInput } from './source.ts'
import type { Check, Reject } from './types.ts'

/**
 * Loading: one `db.write` transaction per file, so an import commits whole or
 * not at all (a killed process leaves no batch and no rows). Rows go in as
 * multi-row INSERT … ON CONFLICT DO NOTHING on the natural-key indexes; the
 * difference between attempted and inserted rows is the duplicate count.
 */

export interface ImportActor {
  readonly userId: number | null
  readonly username?: string
}

/**
 * Progress of one file. `parse`: the file is open and its rows are read,
 * checked and written in batches (parsing and inserting interleave); `insert`:
 * the last statements, the batch counts and the commit.
 */
export interface ImportProgress {
  file: string
  phase: 'parse' | 'insert'
  /** Input position, estimated from the CSV line or XLSX row reached (see progress.ts); null when unknown. */
  bytes: number | null
  totalBytes: number
  /** Data rows read so far. */
  rows: number
  records: number
  rejects: number
}

export interface ImportOptions extends ParseOptions {
  actor: ImportActor
  now?: () => Date
  /** Called after the format is detected, after every batch of rows (one per chunk read, ~256 KB) and before the final writes; throttle it yourself. */
  onProgress?: (progress: ImportProgress) => void
  /** How many rejects to return in the result (all are stored). */
  maxRejectsInResult?: number
  /**
   * Import a file even when it contradicts its own figures (a `blocking`
   * check: a broken running balance, rows that do not add up to the stated
   * totals). Without it such a file imports nothing.
   */
  force?: boolean
  /**
   * Without `store`: take the store from the file (店铺名称, 店铺号, 商户号) or
   * refuse, listing the company's stores (the CLI and the API set this; rows
   * never get store ''). Off, rows without --store get store '' (library callers
   * and tests that import generated files as they are).
   */
  requireStore?: boolean
}

export interface ImportCounts {
  order: number
  orderLine: number
  settlementTxn: number
  bankTxn: number
  invoice: number
}

export interface FileImportResult {
  batchId: number
  file: string
  hash: string
  parser: string
  detected: string
  /** Data rows read (not preamble, header, trailer or blank lines). */
  read: number
  /** Canonical records produced from the rows (a row can give a payment and a fee). */
  records: number
  /** Records inserted now. */
  imported: number
  /** Records already present (earlier import, or repeated in this file) and left as they were. */
  duplicates: number
  /** Orders and order lines already stored whose status this file moved forward (audited in order_updates). */
  updated: number
  /** Rows rejected, with reasons in import_rejects. */
  rejected: number
  /** Rows that carry no money movement (e.g. 交易关闭), counted by reason in checks. */
  skipped: number
  /** Store (店铺) the rows belong to: --store or the one the file names; '' for bank statements. */
  store: string
  /** True when this import registered the store (first use). */
  storeCreated: boolean
  importedByKind: ImportCounts
  updatedByKind: { order: number; orderLine: number }
  checks: Check[]
  rejects: Reject[]
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
 * Two 32-bit FNV-1a lanes over a string, into `out[0]`, `out[1]` (a 64-bit key
 * with no allocation). Collisions need ~2^32 distinct keys in one file.
 */
function keyLanes(text: string, out: Int32Array): void {
  let a = 0x811c9dc5
  let b = 0x01000193
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index)
    a = Math.imul(a ^ code, 16777619)
    b = Math.imul(b ^ code, 2246822519)
  }
  out[0] = a
  out[1] = b
}

/**
 * Open-addressing table of 64-bit key -> 64-bit content hash in typed arrays:
 * no per-entry objects, so a million-row file costs 32 MB of flat memory and no GC work.
 */
class KeyTable {
  private slots: Int32Array = new Int32Array(4 * 65_536)
  private used: Uint8Array = new Uint8Array(65_536)
  private size = 0

  /** The content stored for the key, or null (and stores `content` for it). */
  getOrSet(key0: number, key1: number, content0: number, content1: number): [number, number] | null {
    const mask = this.used.length - 1
    let slot = (key0 ^ Math.imul(key1, 0x9e3779b1)) & mask
    for (;;) {
      if (this.used[slot] === 0) {
        this.used[slot] = 1
        const base = slot * 4
        this.slots[base] = key0
        this.slots[base + 1] = key1
        this.slots[base + 2] = content0
        this.slots[base + 3] = content1
        this.size += 1
        if (this.size * 2 > this.used.length) this.grow()
        return null
      }
      const base = slot * 4
      if (this.slots[base] === key0 && this.slots[base + 1] === key1) return [this.slots[base + 2] ?? 0, this.slots[base + 3] ?? 0]
      slot = (slot + 1) & mask
    }
  }

  private grow(): void {
    const oldSlots = this.slots
    const oldUsed = this.used
    this.slots = new Int32Array(oldSlots.length * 2)
    this.used = new Uint8Array(oldUsed.length * 2)
    this.size = 0
    for (let slot = 0; slot < oldUsed.length; slot += 1) {
      if (oldUsed[slot] === 0) continue
      const base = slot * 4
      this.getOrSet(oldSlots[base] ?? 0, oldSlots[base + 1] ?? 0, oldSlots[base + 2] ?? 0, oldSlots[base + 3] ?? 0)
    }
  }
}

/** Content fields per kind (every schema field but `source`), in schema order. */
const CONTENT_FIELDS: { [K in RecordKind]: ReadonlyArray<string> } = {
  order: Object.keys(RECORD_SCHEMAS.order.shape).filter((name) => name !== 'source'),
  orderLine: Object.keys(RECORD_SCHEMAS.orderLine.shape).filter((name) => name !== 'source'),
  settlementTxn: Object.keys(RECORD_SCHEMAS.settlementTxn.shape).filter((name) => name !== 'source'),
  bankTxn: Object.keys(RECORD_SCHEMAS.bankTxn.shape).filter((name) => name !== 'source'),
  invoice: Object.keys(RECORD_SCHEMAS.invoice.shape).filter((name) => name !== 'source' && name !== 'items'),
}

/** Hash of a record's content (all fields but its source) into `out`, field by field without building a key string. */
function contentHash(item: CanonicalRecord, out: Int32Array): void {
  const record: Record<string, unknown> = item.record
  let a = 0x811c9dc5
  let b = 0x01000193
  for (const name of CONTENT_FIELDS[item.kind]) {
    const value = record[name]
    // A type tag per field (so '' / absent / 0n / '0' differ), then the value's text.
    const tag = value === undefined ? 1 : typeof value === 'string' ? 2 : typeof value === 'bigint' ? 3 : 4
    a = Math.imul(a ^ tag, 16777619)
    b = Math.imul(b ^ tag, 2246822519)
    if (value === undefined) continue
    const text = typeof value === 'string' ? value : String(value)
    for (let index = 0; index < text.length; index += 1) {
      const code = text.charCodeAt(index)
      a = Math.imul(a ^ code, 16777619)
      b = Math.imul(b ^ code, 2246822519)
    }
  }
  out[0] = a
  out[1] = b
}

function naturalKeyText(item: CanonicalRecord): string {
  switch (item.kind) {
    case 'order': return `o|${item.record.channel}|${item.record.orderNo}`
    case 'orderLine': return `l|${item.record.channel}|${item.record.orderNo}|${item.record.subOrderNo}`
    case 'settlementTxn': return `s|${item.record.channel}|${item.record.externalId}|${item.record.kind}`
    case 'bankTxn': return `b|${item.record.account}|${item.record.externalId}`
    case 'invoice': return `i|${item.record.invoiceNo}`
  }
}

/**
 * The same natural key twice in one file: identical content is a duplicate row;
 * different content (personal bills reuse ids across lines) gets `~2`, `~3`… so
 * nothing is lost and a re-import produces the same ids.
 */
class InFileKeys {
  private readonly seen = new KeyTable()
  private readonly variants = new Map<string, string[]>()
  private readonly key = new Int32Array(2)
  private readonly content = new Int32Array(2)

  /** Returns the item to insert (maybe with a suffixed id) or null for an in-file duplicate. */
  admit(item: CanonicalRecord): CanonicalRecord | null {
    keyLanes(naturalKeyText(item), this.key)
    contentHash(item, this.content)
    const first = this.seen.getOrSet(this.key[0] ?? 0, this.key[1] ?? 0, this.content[0] ?? 0, this.content[1] ?? 0)
    if (first === null) return item
    if (first[0] === this.content[0] && first[1] === this.content[1]) return null
    if (item.kind === 'order' || item.kind === 'orderLine' || item.kind === 'invoice') return null
    const keyText = `${this.key[0]}:${this.key[1]}`
    const contentText = `${this.content[0]}:${this.content[1]}`
    const others = this.variants.get(keyText) ?? []
    if (others.includes(contentText)) return null
    others.push(contentText)
    this.variants.set(keyText, others)
    const suffix = `~${others.length + 1}`
    return item.kind === 'settlementTxn'
      ? { kind: 'settlementTxn', record: { ...item.record, externalId: `${item.record.externalId}${suffix}` } }
      : { kind: 'bankTxn', record: { ...item.record, externalId: `${item.record.externalId}${suffix}` } }
  }
}

/**
 * Buffers rows per table as one flat argument list and writes full
 * statements. `add` is synchronous and says when a table's buffer is full, so
 * the hot loop awaits the database only once per statement.
 */
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

class BatchWriter {
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

interface StoreChoice {
  /** names the file gave, by store code (stores found through the file) */
  readonly names: Map<string, string>
  missing(parser: FileParser, where: string): Error
}

async function loadSession(tx: Transaction, companyId: number, session: ParseSession, options: ImportOptions, position: PositionTracker | null, stores: StoreChoice): Promise<FileImportResult> {
  const now = options.now ?? (() => new Date())
  const startedAt = now().toISOString()
  const parser = session.detection.parser
  if (options.requireStore === true && session.store() === '' && !parser.bankStatement && parser.family !== 'invoice' && (parser.storeColumns ?? []).length === 0) throw stores.missing(parser, 'it has no store column')
  const batch = await tx.execute({
    sql: `INSERT INTO import_batches (company_id, actor_id, actor_name, file_name, file_hash, file_size, parser, store, status, read_count, imported_count, duplicate_count, rejected_count, skipped_count, started_at, finished_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'committed', 0, 0, 0, 0, 0, ?, ?) RETURNING id`,
    args: [companyId, options.actor.userId, options.actor.username ?? '', session.file.name, session.file.hash, session.file.size, session.detection.parser.id, options.store ?? '', startedAt, startedAt],
  })
  const batchId = Number(batch.rows[0]?.id)
  const writer = new BatchWriter(tx, companyId, batchId, startedAt)
  const keys = new InFileKeys()
  const rejects: Reject[] = []
  const maxRejects = options.maxRejectsInResult ?? 1000
  let rejected = 0
  let records = 0
  let inFileDuplicates = 0
  const onProgress = options.onProgress
  const report = (phase: ImportProgress['phase']): void => onProgress?.({
    file: session.file.name, phase, bytes: phase === 'insert' ? session.file.size : position?.bytes() ?? null, totalBytes: session.file.size,
    rows: session.stats.read, records, rejects: rejected,
  })
  report('parse')
  for await (const batch of session.batches()) {
    for (const parsed of batch) {
      if (parsed.type === 'reject') {
        rejected += 1
        if (rejects.length < maxRejects) rejects.push(parsed.reject)
        if (writer.reject(parsed.reject)) await writer.flushRejects()
        continue
      }
      records += 1
      const admitted = keys.admit(parsed.item)
      if (!admitted) inFileDuplicates += 1
      else if (writer.add(admitted)) await writer.flushKind(admitted.kind)
    }
    // Let the event loop turn once per batch: native finalizers (libsql statements and their
    // bound arguments) run there; without it a fast import held ~400 MB of dead statements.
    await new Promise<void>((resolve) => setImmediate(resolve))
    if (onProgress) {
      const last = batch[batch.length - 1]
      if (last) position?.see(last.type === 'record' ? last.rowNumber : last.reject.rowNumber, last.type === 'record' ? last.sheet : last.reject.sheet)
      report('parse')
    }
  }
  const blocking = session.checks.filter((check) => check.blocking === true)
  if (blocking.length > 0) {
    // Thrown inside the write transaction: the batch row and every row inserted so far roll back.
    if (!options.force) {
      throw new LedgerError('VALIDATION', `${session.file.name}: 文件自检不通过，未导入任何行（确认无误可强制导入）/ the file contradicts its own figures, nothing was imported (force the import if you accept it): ${blocking.map((check) => check.message).join('; ')}`, { reason: 'SELF_CHECK_FAILED', checks: blocking })
    }
    session.checks.push({ level: 'warning', code: 'FORCED', message: `imported although ${blocking.length} self-check(s) failed (forced)` })
  }
  report('insert')
  await writer.flushAll()
  // Bank statements carry a bank account, invoices a seller and buyer: neither belongs to a store.
  const store = parser.bankStatement || parser.family === 'invoice' ? '' : session.store()
  const storeCreated = store !== '' && await registerImportStore(tx, companyId, startedAt, options.actor, { code: store, name: stores.names.get(store) ?? session.storeName() ?? store, channel: parser.channel })
  const imported = writer.inserted.order + writer.inserted.orderLine + writer.inserted.settlementTxn + writer.inserted.bankTxn + writer.inserted.invoice
  const statusChanges = invoiceStatusReport(writer.invoiceChanges, { at: startedAt, companyId, actorId: options.actor.userId, batchId, file: session.file.name })
  if (statusChanges.check) {
    session.checks.push(statusChanges.check)
    await appendAudit(tx, statusChanges.audit)
  }
  const result: FileImportResult = {
    batchId,
    file: session.file.name,
    hash: session.file.hash,
    parser: session.detection.parser.id,
    detected: session.detection.message,
    read: session.stats.read,
    records,
    imported,
    duplicates: writer.attempted - imported - writer.updated.order - writer.updated.orderLine - writer.invoiceChanges.length + inFileDuplicates,
    updated: writer.updated.order + writer.updated.orderLine + writer.invoiceChanges.length,
    rejected,
    skipped: session.stats.skipped,
    store,
    storeCreated,
    importedByKind: writer.inserted,
    updatedByKind: writer.updated,
    checks: session.checks,
    rejects,
  }
  await tx.execute({
    sql: `UPDATE import_batches SET read_count = ?, imported_count = ?, duplicate_count = ?, updated_count = ?, rejected_count = ?, skipped_count = ?, counts_json = ?, checks_json = ?, finished_at = ?, store = ? WHERE id = ?`,
    args: [result.read, result.imported, result.duplicates, result.updated, result.rejected, result.skipped, JSON.stringify(result.importedByKind), JSON.stringify(result.checks), now().toISOString(), session.store(), batchId],
  })
  return result
}

/**
 * Imports one file for a company: detect, parse, validate, dedupe, insert — in one transaction.
 * Throws LedgerError UNSUPPORTED_FORMAT / VALIDATION / PAYLOAD_TOO_LARGE before anything is written.
 * @example const result = await importFile(db, company.id, { name: 'bill.csv', path: '/tmp/bill.csv' }, { actor: SYSTEM })
 */
export async function importFile(db: Database, companyId: number, input: FileInput, options: ImportOptions): Promise<FileImportResult> {
  const wanted = options.store?.trim() ?? ''
  if (wanted !== '' && !STORE_PATTERN.test(wanted)) throw new LedgerError('VALIDATION', `--store "${wanted}": store codes are 1-64 letters, digits, . _ - (no spaces) / 店铺编码只能含字母、数字、. _ -`)
  const known = (await db.client.execute({ sql: 'SELECT code, name, channel FROM stores WHERE company_id = ? ORDER BY code', args: [companyId] })).rows
    .map((row) => ({ code: String(row.code), name: String(row.name), channel: String(row.channel) }))
  const names = new Map<string, string>()
  const stores: StoreChoice = {
    names,
    missing: (parser, where) => new LedgerError('VALIDATION',
      `${input.name}: ${parser.label} does not name its store (${where}); pass --store CODE (the company's stores: ${storeListText(known)}; a new code registers a new store) / 文件未注明店铺，请用 --store 指定店铺编码（本公司店铺：${known.length ? known.map((store) => store.code).join('、') : '尚无'}；新编码即新建店铺）。Nothing was imported / 未导入任何数据。`,
      { stores: known }),
  }
  /** A store the file names: an existing store with that code or name (same channel first), else a new code from it. */
  const resolve = (value: string, kind: 'name' | 'id', parser: FileParser): string => {
    const code = kind === 'id' ? storeCodeFrom(`${parser.channel}-${value}`) : storeCodeFrom(value)
    const sameChannel = known.filter((store) => store.channel === parser.channel || store.channel === '')
    const found = [...sameChannel, ...known].find((store) => store.code === code || store.name === value)
    const chosen = found?.code ?? (code || `${parser.channel}-store`)
    if (!found) names.set(chosen, kind === 'name' ? value : `${parser.label.split(' ')[0] ?? parser.channel} ${value}`)
    return chosen
  }
  const parseOptions = { ...options, store: wanted === '' ? undefined : wanted, storeFromFile: wanted === '' && options.requireStore === true ? { resolve, missing: stores.missing } : undefined }
  // 数电发票 XML (or a zip of them) is no row file: its own session, same loader.
  if (isInvoiceDocument(input)) return db.write(async (tx) => loadSession(tx, companyId, await startInvoiceXmlParse(input, parseOptions), options, null, stores))
  // Counting lines/rows for the progress position costs a pass over the bytes; only when someone listens.
  // 数电发票 XML (or a zip of them) is no row file: its own session, same loader.
  const extent = options.onProgress ? measureInput(input) : null
  // The session starts inside the write so a busy-retry re-reads the file from the start.
  return db.write(async (tx) => loadSession(tx, companyId, await startParse(input, parseOptions), options, extent ? new PositionTracker(extent) : null, stores))
}

/** Imports several files, each in its own transaction; stops at the first file that cannot be read. */
export async function importFiles(db: Database, companyId: number, inputs: ReadonlyArray<FileInput>, options: ImportOptions): Promise<FileImportResult[]> {
  const results: FileImportResult[] = []
  for (const input of inputs) results.push(await importFile(db, companyId, input, options))
  return results
}
