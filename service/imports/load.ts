import type { InValue, Transaction } from '@libsql/client'
import type { Database } from '../db/connection.ts'
import { multiRowInsert } from '../db/connection.ts'
import type { CanonicalRecord, RecordKind } from '../../shared/records.ts'
import { type ParseOptions, type ParseSession, startParse } from './parse.ts'
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

export interface ImportProgress {
  file: string
  rows: number
  records: number
}

export interface ImportOptions extends ParseOptions {
  actor: ImportActor
  now?: () => Date
  onProgress?: (progress: ImportProgress) => void
  /** How many rejects to return in the result (all are stored). */
  maxRejectsInResult?: number
}

export interface ImportCounts {
  order: number
  orderLine: number
  settlementTxn: number
  bankTxn: number
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
  /** Records already present (earlier import, or repeated in this file). */
  duplicates: number
  /** Rows rejected, with reasons in import_rejects. */
  rejected: number
  /** Rows that carry no money movement (e.g. 交易关闭), counted by reason in checks. */
  skipped: number
  importedByKind: ImportCounts
  checks: Check[]
  rejects: Reject[]
}

interface TableSpec {
  table: string
  columns: string[]
  row(companyId: number, batchId: number, item: CanonicalRecord): InValue[]
}

const SOURCE_COLUMNS = ['source_hash', 'source_sheet', 'source_row']

function sourceValues(item: CanonicalRecord): InValue[] {
  const { source } = item.record
  return [source.fileHash, source.sheet ?? null, source.rowNumber]
}

const TABLES: { [K in RecordKind]: TableSpec } = {
  order: {
    table: 'orders',
    columns: ['company_id', 'batch_id', 'channel', 'store', 'order_no', 'status', 'status_raw', 'buyer_ref', 'created_at', 'paid_at', 'shipped_at', 'completed_at', 'cancelled_at', 'currency', 'gross_minor', 'discount_minor', 'shipping_minor', 'tax_minor', 'refunded_minor', 'payment_ref', ...SOURCE_COLUMNS],
    row(companyId, batchId, item) {
      if (item.kind !== 'order') return []
      const r = item.record
      return [companyId, batchId, r.channel, r.store, r.orderNo, r.status, r.statusRaw, r.buyerRef ?? null, r.createdAt, r.paidAt ?? null, r.shippedAt ?? null, r.completedAt ?? null, r.cancelledAt ?? null, r.currency, r.gross, r.discount, r.shipping, r.tax, r.refunded, r.paymentRef ?? null, ...sourceValues(item)]
    },
  },
  orderLine: {
    table: 'order_lines',
    columns: ['company_id', 'batch_id', 'channel', 'store', 'order_no', 'sub_order_no', 'sku', 'title', 'quantity', 'unit_price_minor', 'discount_minor', 'amount_minor', 'refunded_minor', 'status', 'status_raw', 'currency', ...SOURCE_COLUMNS],
    row(companyId, batchId, item) {
      if (item.kind !== 'orderLine') return []
      const r = item.record
      return [companyId, batchId, r.channel, r.store, r.orderNo, r.subOrderNo, r.sku, r.title, r.quantity, r.unitPrice, r.discount, r.amount, r.refunded, r.status, r.statusRaw, r.currency, ...sourceValues(item)]
    },
  },
  settlementTxn: {
    table: 'settlement_txns',
    columns: ['company_id', 'batch_id', 'channel', 'store', 'external_id', 'kind', 'amount_minor', 'currency', 'occurred_at', 'order_ref', 'trade_no', 'payout_ref', 'counterparty', 'balance_after_minor', 'description', ...SOURCE_COLUMNS],
    row(companyId, batchId, item) {
      if (item.kind !== 'settlementTxn') return []
      const r = item.record
      return [companyId, batchId, r.channel, r.store, r.externalId, r.kind, r.amount, r.currency, r.occurredAt, r.orderRef ?? null, r.tradeNo ?? null, r.payoutRef ?? null, r.counterparty ?? null, r.balanceAfter ?? null, r.description, ...sourceValues(item)]
    },
  },
  bankTxn: {
    table: 'bank_txns',
    columns: ['company_id', 'batch_id', 'account', 'external_id', 'occurred_at', 'value_date', 'amount_minor', 'currency', 'balance_after_minor', 'counterparty', 'counterparty_account', 'reference', 'memo', ...SOURCE_COLUMNS],
    row(companyId, batchId, item) {
      if (item.kind !== 'bankTxn') return []
      const r = item.record
      return [companyId, batchId, r.account, r.externalId, r.occurredAt, r.valueDate ?? null, r.amount, r.currency, r.balanceAfter ?? null, r.counterparty ?? null, r.counterpartyAccount ?? null, r.reference ?? null, r.memo, ...sourceValues(item)]
    },
  },
}

const REJECT_COLUMNS = ['company_id', 'batch_id', 'row_number', 'sheet', 'column', 'reason', 'raw']

/** 52-bit FNV-1a style hash (two 26-bit lanes) of a string: cheap keys for the in-file collision map. */
function hash52(text: string): number {
  let a = 0x811c9dc5
  let b = 0x01000193
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index)
    a = Math.imul(a ^ code, 16777619)
    b = Math.imul(b ^ code, 2246822519)
  }
  return ((a >>> 6) & 0x3ffffff) * 0x4000000 + ((b >>> 6) & 0x3ffffff)
}

function contentKey(item: CanonicalRecord): string {
  const record: Record<string, unknown> = item.record
  let key = ''
  for (const name of Object.keys(record).sort()) {
    if (name !== 'source') key += `${name}\u0001${String(record[name])}\u0002`
  }
  return key
}

function naturalKeyText(item: CanonicalRecord): string {
  switch (item.kind) {
    case 'order': return `o|${item.record.channel}|${item.record.orderNo}`
    case 'orderLine': return `l|${item.record.channel}|${item.record.orderNo}|${item.record.subOrderNo}`
    case 'settlementTxn': return `s|${item.record.channel}|${item.record.externalId}|${item.record.kind}`
    case 'bankTxn': return `b|${item.record.account}|${item.record.externalId}`
  }
}

/**
 * The same natural key twice in one file: identical content is a duplicate row;
 * different content (personal bills reuse ids across lines) gets `~2`, `~3`… so
 * nothing is lost and a re-import produces the same ids.
 */
class InFileKeys {
  private readonly seen = new Map<number, number>()
  private readonly variants = new Map<number, number[]>()

  /** Returns the item to insert (maybe with a suffixed id) or null for an in-file duplicate. */
  admit(item: CanonicalRecord): CanonicalRecord | null {
    const key = hash52(naturalKeyText(item))
    const content = hash52(contentKey(item))
    const first = this.seen.get(key)
    if (first === undefined) {
      this.seen.set(key, content)
      return item
    }
    if (first === content) return null
    if (item.kind === 'order' || item.kind === 'orderLine') return null
    const others = this.variants.get(key) ?? []
    if (others.includes(content)) return null
    others.push(content)
    this.variants.set(key, others)
    const suffix = `~${others.length + 1}`
    return item.kind === 'settlementTxn'
      ? { kind: 'settlementTxn', record: { ...item.record, externalId: `${item.record.externalId}${suffix}` } }
      : { kind: 'bankTxn', record: { ...item.record, externalId: `${item.record.externalId}${suffix}` } }
  }
}

class BatchWriter {
  private readonly buffers: { [K in RecordKind]: InValue[][] } = { order: [], orderLine: [], settlementTxn: [], bankTxn: [] }
  private readonly rejectBuffer: InValue[][] = []
  readonly inserted: ImportCounts = { order: 0, orderLine: 0, settlementTxn: 0, bankTxn: 0 }
  attempted = 0

  constructor(private readonly tx: Transaction, private readonly companyId: number, private readonly batchId: number) {}

  async add(item: CanonicalRecord): Promise<void> {
    const spec = TABLES[item.kind]
    const buffer = this.buffers[item.kind]
    buffer.push(spec.row(this.companyId, this.batchId, item))
    this.attempted += 1
    if (buffer.length >= Math.floor(30_000 / spec.columns.length) * 2) await this.flushKind(item.kind)
  }

  async reject(reject: Reject): Promise<void> {
    this.rejectBuffer.push([this.companyId, this.batchId, reject.rowNumber, reject.sheet ?? null, reject.column, reject.reason.slice(0, 1000), reject.raw.slice(0, 1000)])
    if (this.rejectBuffer.length >= 2000) await this.flushRejects()
  }

  private async flushKind(kind: RecordKind): Promise<void> {
    const spec = TABLES[kind]
    const rows = this.buffers[kind]
    if (rows.length === 0) return
    const statements = multiRowInsert(`INSERT INTO ${spec.table} (${spec.columns.map((column) => `"${column}"`).join(',')}) VALUES`, spec.columns.length, rows, ' ON CONFLICT DO NOTHING')
    for (const statement of statements) this.inserted[kind] += (await this.tx.execute(statement)).rowsAffected
    this.buffers[kind] = []
  }

  private async flushRejects(): Promise<void> {
    if (this.rejectBuffer.length === 0) return
    const statements = multiRowInsert(`INSERT INTO import_rejects (${REJECT_COLUMNS.map((column) => `"${column}"`).join(',')}) VALUES`, REJECT_COLUMNS.length, this.rejectBuffer)
    for (const statement of statements) await this.tx.execute(statement)
    this.rejectBuffer.length = 0
  }

  async flushAll(): Promise<void> {
    for (const kind of Object.keys(this.buffers) as RecordKind[]) await this.flushKind(kind)
    await this.flushRejects()
  }
}

async function loadSession(tx: Transaction, companyId: number, session: ParseSession, options: ImportOptions): Promise<FileImportResult> {
  const now = options.now ?? (() => new Date())
  const startedAt = now().toISOString()
  const batch = await tx.execute({
    sql: `INSERT INTO import_batches (company_id, actor_id, actor_name, file_name, file_hash, file_size, parser, store, status, read_count, imported_count, duplicate_count, rejected_count, skipped_count, started_at, finished_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'committed', 0, 0, 0, 0, 0, ?, ?) RETURNING id`,
    args: [companyId, options.actor.userId, options.actor.username ?? '', session.file.name, session.file.hash, session.file.size, session.detection.parser.id, options.store ?? '', startedAt, startedAt],
  })
  const batchId = Number(batch.rows[0]?.id)
  const writer = new BatchWriter(tx, companyId, batchId)
  const keys = new InFileKeys()
  const rejects: Reject[] = []
  const maxRejects = options.maxRejectsInResult ?? 1000
  let rejected = 0
  let records = 0
  let inFileDuplicates = 0
  for await (const parsed of session.items()) {
    if (parsed.type === 'reject') {
      rejected += 1
      if (rejects.length < maxRejects) rejects.push(parsed.reject)
      await writer.reject(parsed.reject)
      continue
    }
    records += 1
    const admitted = keys.admit(parsed.item)
    if (admitted) await writer.add(admitted)
    else inFileDuplicates += 1
    if (options.onProgress && records % 10_000 === 0) options.onProgress({ file: session.file.name, rows: session.stats.read, records })
  }
  await writer.flushAll()
  const imported = writer.inserted.order + writer.inserted.orderLine + writer.inserted.settlementTxn + writer.inserted.bankTxn
  const result: FileImportResult = {
    batchId,
    file: session.file.name,
    hash: session.file.hash,
    parser: session.detection.parser.id,
    detected: session.detection.message,
    read: session.stats.read,
    records,
    imported,
    duplicates: writer.attempted - imported + inFileDuplicates,
    rejected,
    skipped: session.stats.skipped,
    importedByKind: writer.inserted,
    checks: session.checks,
    rejects,
  }
  await tx.execute({
    sql: `UPDATE import_batches SET read_count = ?, imported_count = ?, duplicate_count = ?, rejected_count = ?, skipped_count = ?, counts_json = ?, checks_json = ?, finished_at = ? WHERE id = ?`,
    args: [result.read, result.imported, result.duplicates, result.rejected, result.skipped, JSON.stringify(result.importedByKind), JSON.stringify(result.checks), now().toISOString(), batchId],
  })
  options.onProgress?.({ file: session.file.name, rows: session.stats.read, records })
  return result
}

/**
 * Imports one file for a company: detect, parse, validate, dedupe, insert — in one transaction.
 * Throws LedgerError UNSUPPORTED_FORMAT / VALIDATION / PAYLOAD_TOO_LARGE before anything is written.
 * @example const result = await importFile(db, company.id, { name: 'bill.csv', path: '/tmp/bill.csv' }, { actor: SYSTEM })
 */
export async function importFile(db: Database, companyId: number, input: FileInput, options: ImportOptions): Promise<FileImportResult> {
  // The session starts inside the write so a busy-retry re-reads the file from the start.
  return db.write(async (tx) => loadSession(tx, companyId, await startParse(input, options), options))
}

/** Imports several files, each in its own transaction; stops at the first file that cannot be read. */
export async function importFiles(db: Database, companyId: number, inputs: ReadonlyArray<FileInput>, options: ImportOptions): Promise<FileImportResult[]> {
  const results: FileImportResult[] = []
  for (const input of inputs) results.push(await importFile(db, companyId, input, options))
  return results
}
