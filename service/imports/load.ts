import type { Transaction } from '@libsql/client'
import type { Database } from '../db/connection.ts'
import { LedgerError } from '../../shared/errors.ts'
import { STORE_PATTERN } from '../../shared/voucher.ts'
import { registerImportStore, storeCodeFrom, storeListText } from '../ledger/stores.ts'
import type { FileParser } from './types.ts'
import { invoiceStatusReport } from '../invoices/status-updates.ts'
import { appendAudit } from '../ledger/audit.ts'
import { isInvoiceDocument, startInvoiceXmlParse } from './parsers/invoice-xml.ts'
import { type ParseOptions, type ParseSession, startParse } from './parse.ts'
import { PositionTracker, measureInput } from './progress.ts'
import type { FileInput } from './source.ts'
import type { Check, Reject } from './types.ts'
import { BatchWriter, type ImportCounts, finishBatch, importStores, insertBatch } from './batch-sql.ts'
import { InFileKeys } from './dedupe.ts'

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

export type { ImportCounts }

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
  const batchId = await insertBatch(tx, { companyId, actorId: options.actor.userId, actorName: options.actor.username ?? '', fileName: session.file.name, fileHash: session.file.hash, fileSize: session.file.size, parser: session.detection.parser.id, store: options.store ?? '', startedAt })
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
  await finishBatch(tx, batchId, { read: result.read, imported: result.imported, duplicates: result.duplicates, updated: result.updated, rejected: result.rejected, skipped: result.skipped, countsJson: JSON.stringify(result.importedByKind), checksJson: JSON.stringify(result.checks), finishedAt: now().toISOString(), store: session.store() })
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
  const known = await importStores(db.client, companyId)
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
