import { createHash } from 'node:crypto'
import type { InValue, Transaction } from '@libsql/client'
import { LedgerError } from '../../shared/errors.ts'
import { type Minor, formatAmount } from '../../shared/money.ts'
import { periodOfDate } from '../../shared/period.ts'
import { type ValidVoucher, type VoucherLine, type VoucherStatus, canonicalJson, reversalLines, totals, validateVoucher } from '../../shared/voucher.ts'
import { jsonInsert, multiRowInsert } from '../db/connection.ts'
import { type AuditEntry, appendAudit } from './audit.ts'
import { type Company, getCompany, loadChart } from './company.ts'
import { type Actor, type LedgerContext, isoNow } from './context.ts'

/**
 * The one place that writes vouchers, lines and materialized balances. Every
 * ledger invariant of accounting.md is enforced here (and re-checked by verify):
 * balanced, leaf accounts, open periods, contiguous numbers assigned at posting,
 * idempotency keys, source items posted once, immutable once posted, audited.
 */
export interface SourceRef {
  readonly kind: string
  readonly id: string
}

export interface VoucherRequest {
  readonly input: unknown
  readonly sources?: ReadonlyArray<SourceRef>
}

export type WriteMode = 'draft' | 'approve' | 'post'

export interface WriteOptions {
  readonly mode: WriteMode
  readonly sourceKind?: string
  /** lets a lone admin approve their own voucher (audited as self-approval) */
  readonly selfApprove?: boolean
}

export interface VoucherResult {
  readonly id: number
  readonly period: string
  readonly word: string
  readonly number: number | null
  readonly status: VoucherStatus
  readonly replayed: boolean
}

export interface Prepared {
  readonly voucher: ValidVoucher
  readonly inputHash: string
  readonly sources: ReadonlyArray<SourceRef>
}

const VOUCHER_COLUMNS = ['id', 'company_id', 'period', 'word', 'number', 'date', 'status', 'summary', 'total_minor', 'maker_id', 'approver_id', 'approved_at', 'poster_id', 'posted_at', 'idempotency_key', 'input_hash', 'source_kind', 'created_at']
const SOURCE_COLUMNS = ['voucher_id', 'company_id', 'source_kind', 'source_id']
/** a write of at least this many vouchers is a bulk write (posting runs, imports of journals) */
const BULK_VOUCHERS = 200
/**
 * Page cache of the connection during a bulk write, KiB. The default 2 MB
 * thrashes once the idempotency and source indexes outgrow it (random keys);
 * 128 MB kept a 1M-order posting run ~25% faster.
 */
const BULK_CACHE_KIB = 131_072
const LINE_COLUMNS = ['voucher_id', 'line_no', 'company_id', 'period', 'account_code', 'store', 'currency', 'side', 'amount_minor', 'original_minor', 'rate', 'summary']

export function hashInput(input: unknown): string {
  return createHash('sha256').update(canonicalJson(input)).digest('hex')
}

/**
 * Identity of a request for idempotency: the validated voucher (so "113" and
 * "113.00", or reordered JSON keys, are the same input) plus its sources.
 */
export function voucherHash(voucher: ValidVoucher, sources: ReadonlyArray<SourceRef>): string {
  const head = [voucher.date, voucher.word, voucher.summary, voucher.idempotencyKey ?? ''].join('\u0001')
  const lines = voucher.lines.map((line) => [line.account, line.store, line.currency, line.side, line.amount.toString(), line.original.toString(), line.rate ?? '', line.summary].join('\u0001')).join('\u0002')
  const links = sources.map((source) => `${source.kind}\u0001${source.id}`).join('\u0002')
  return createHash('sha256').update(`${head}\u0003${lines}\u0003${links}`).digest('hex')
}

export function linesHash(lines: ReadonlyArray<Pick<VoucherLine, 'lineNo' | 'account' | 'store' | 'currency' | 'side' | 'amount' | 'original' | 'rate'>>): string {
  const text = lines.map((line) => [line.lineNo, line.account, line.store, line.currency, line.side, line.amount.toString(), line.original.toString(), line.rate ?? ''].join('|')).join('\n')
  return createHash('sha256').update(text).digest('hex')
}

async function prepare(context: LedgerContext, company: Company, requests: ReadonlyArray<VoucherRequest>): Promise<Prepared[]> {
  const chart = await loadChart(context, company.id)
  return requests.map((request, index) => {
    try {
      const voucher = validateVoucher(request.input, { baseCurrency: company.baseCurrency, account: (code) => chart.get(code) })
      const sources = request.sources ?? []
      return { voucher, inputHash: voucherHash(voucher, sources), sources }
    } catch (error) {
      if (error instanceof LedgerError && requests.length > 1) {
        throw new LedgerError(error.code, `voucher ${index + 1}: ${error.message}`, { voucher: index + 1, details: error.details })
      }
      throw error
    }
  })
}

function placeholders(count: number): string {
  return new Array(count).fill('?').join(',')
}

/** Ensures period rows exist and every period touched is open. */
export async function assertPeriodsOpen(tx: Transaction, companyId: number, periodList: Iterable<string>): Promise<void> {
  const unique = [...new Set(periodList)]
  if (unique.length === 0) return
  for (const statement of multiRowInsert('INSERT OR IGNORE INTO periods (company_id, period, status) VALUES', 3, unique.map((period) => [companyId, period, 'open']))) await tx.execute(statement)
  const closed = await tx.execute({ sql: `SELECT period FROM periods WHERE company_id = ? AND status = 'closed' AND period IN (${placeholders(unique.length)})`, args: [companyId, ...unique] })
  if (closed.rows.length) {
    const list = closed.rows.map((row) => String(row.period)).join(', ')
    throw new LedgerError('PERIOD_CLOSED', `period ${list} is closed; reopen it (admin) or date the voucher in an open period`, { periods: list })
  }
}

/** Replays of idempotency keys: same input returns the stored voucher, a different input is a conflict. */
async function findReplays(tx: Transaction, companyId: number, prepared: ReadonlyArray<Prepared>): Promise<Map<string, VoucherResult>> {
  const keys = prepared.map((item) => item.voucher.idempotencyKey).filter((key): key is string => key !== null)
  const seen = new Set<string>()
  for (const key of keys) {
    if (seen.has(key)) throw new LedgerError('IDEMPOTENCY_CONFLICT', `idempotency key "${key}" appears twice in one request`)
    seen.add(key)
  }
  const replays = new Map<string, VoucherResult>()
  for (let start = 0; start < keys.length; start += 500) {
    const chunk = keys.slice(start, start + 500)
    const existing = await tx.execute({ sql: `SELECT id, period, word, number, status, idempotency_key, input_hash FROM vouchers WHERE company_id = ? AND idempotency_key IN (${placeholders(chunk.length)})`, args: [companyId, ...chunk] })
    for (const row of existing.rows) {
      const key = String(row.idempotency_key)
      const item = prepared.find((candidate) => candidate.voucher.idempotencyKey === key)
      if (item && item.inputHash !== String(row.input_hash)) {
        throw new LedgerError('IDEMPOTENCY_CONFLICT', `idempotency key "${key}" was already used for a different voucher (id ${row.id})`, { id: Number(row.id) })
      }
      replays.set(key, { id: Number(row.id), period: String(row.period), word: String(row.word), number: row.number === null ? null : Number(row.number), status: String(row.status) as VoucherStatus, replayed: true })
    }
  }
  return replays
}

function assertSourcesDistinct(prepared: ReadonlyArray<Prepared>): void {
  const seen = new Set<string>()
  for (const item of prepared) {
    for (const source of item.sources) {
      const key = `${source.kind}\u0000${source.id}`
      if (seen.has(key)) throw new LedgerError('DUPLICATE', `source ${source.kind} ${source.id} appears in two vouchers of one request`)
      seen.add(key)
    }
  }
}

/** Names the source that is already on a voucher (throws DUPLICATE), if any. */
async function assertSourcesUnposted(tx: Transaction, companyId: number, prepared: ReadonlyArray<Prepared>): Promise<void> {
  const all = prepared.flatMap((item) => item.sources)
  assertSourcesDistinct(prepared)
  for (let start = 0; start < all.length; start += 400) {
    const chunk = all.slice(start, start + 400)
    // A row-value IN (VALUES …) lets SQLite use the whole unique index; an OR of
    // pairs used only its company_id prefix and scanned every source of the company.
    const values = chunk.map(() => '(?, ?)').join(', ')
    const found = await tx.execute({ sql: `SELECT source_kind, source_id, voucher_id FROM voucher_sources WHERE company_id = ? AND (source_kind, source_id) IN (VALUES ${values}) LIMIT 1`, args: [companyId, ...chunk.flatMap((source) => [source.kind, source.id])] })
    const row = found.rows[0]
    if (row) throw new LedgerError('DUPLICATE', `source ${row.source_kind} ${row.source_id} is already on voucher id ${row.voucher_id}`)
  }
}

/** Next voucher numbers per period + word, read inside the write transaction. */
async function nextNumbers(tx: Transaction, companyId: number, keys: Iterable<string>): Promise<Map<string, number>> {
  const next = new Map<string, number>()
  for (const key of new Set(keys)) {
    const [period, word] = key.split('\u0000')
    const result = await tx.execute({ sql: "SELECT COALESCE(MAX(number), 0) AS top FROM vouchers WHERE company_id = ? AND period = ? AND word = ? AND status = 'posted'", args: [companyId, period ?? '', word ?? ''] })
    next.set(key, Number(result.rows[0]?.top ?? 0) + 1)
  }
  return next
}

interface BalanceDelta {
  debit: bigint
  credit: bigint
  debitOriginal: bigint
  creditOriginal: bigint
}

/** Adds posted lines to the materialized balances with one multi-row upsert per chunk. */
export async function applyBalances(tx: Transaction, companyId: number, period: string | null, lines: ReadonlyArray<VoucherLine & { period?: string }> | ReadonlyArray<{ period: string; lines: ReadonlyArray<VoucherLine> }>): Promise<void> {
  const deltas = new Map<string, BalanceDelta>()
  const add = (line: VoucherLine, linePeriod: string | null) => {
    const key = `${line.account}\u0000${linePeriod ?? ""}\u0000${line.store}\u0000${line.currency}`
    let delta = deltas.get(key)
    if (!delta) {
      delta = { debit: 0n, credit: 0n, debitOriginal: 0n, creditOriginal: 0n }
      deltas.set(key, delta)
    }
    if (line.side === 'debit') {
      delta.debit += line.amount
      delta.debitOriginal += line.original
    } else {
      delta.credit += line.amount
      delta.creditOriginal += line.original
    }
  }
  for (const item of lines) {
    if ('lines' in item) for (const line of item.lines) add(line, item.period)
    else add(item, item.period ?? period)
  }
  const rows = [...deltas].map(([key, delta]) => [companyId, ...key.split('\u0000'), delta.debit, delta.credit, delta.debitOriginal, delta.creditOriginal] as InValue[])
  const suffix = ' ON CONFLICT (company_id, account_code, period, store, currency) DO UPDATE SET debit_minor = debit_minor + excluded.debit_minor, credit_minor = credit_minor + excluded.credit_minor, debit_original_minor = debit_original_minor + excluded.debit_original_minor, credit_original_minor = credit_original_minor + excluded.credit_original_minor'
  for (const statement of multiRowInsert('INSERT INTO balances (company_id, account_code, period, store, currency, debit_minor, credit_minor, debit_original_minor, credit_original_minor) VALUES', 9, rows, suffix)) {
    await tx.execute(statement)
  }
}

async function registerStores(tx: Transaction, companyId: number, stores: Iterable<string>): Promise<void> {
  const codes = [...new Set(stores)].filter((store) => store !== '')
  for (const statement of multiRowInsert('INSERT OR IGNORE INTO stores (company_id, code, name) VALUES', 3, codes.map((code) => [companyId, code, code]))) await tx.execute(statement)
}

interface VoucherAudit {
  readonly id: number
  readonly status: VoucherStatus
  readonly period: string
  readonly word: string
  readonly number: number | null
  readonly total: string
  readonly linesHash: string
  readonly sources: number | undefined
}

/**
 * One audit entry per voucher for small writes; one entry per write for bulk
 * posting (listing every voucher with its lines hash), so a 5,000-voucher run
 * adds one link to the chain, not 5,000. verify reads both shapes.
 */
function auditEntries(audits: ReadonlyArray<VoucherAudit>, meta: { at: string; companyId: number; actorId: number | null; status: VoucherStatus; selfApproved: boolean; sourceKind: string }): AuditEntry[] {
  const action = meta.status === 'posted' ? 'voucher.post' : 'voucher.create'
  const selfApproved = meta.selfApproved ? true : undefined
  if (audits.length <= 10) {
    return audits.map(({ id, ...payload }) => ({ at: meta.at, companyId: meta.companyId, actorId: meta.actorId, action, entity: 'voucher', entityId: String(id), payload: { ...payload, selfApproved } }))
  }
  const first = audits[0]?.id ?? 0
  const last = audits[audits.length - 1]?.id ?? 0
  return [{
    at: meta.at, companyId: meta.companyId, actorId: meta.actorId, action: `${action}.batch`, entity: 'voucher', entityId: `${first}-${last}`,
    payload: { status: meta.status, count: audits.length, sourceKind: meta.sourceKind, selfApproved, vouchers: audits.map((audit) => [audit.id, audit.period, audit.word, audit.number, audit.total, audit.linesHash]) },
  }]
}

/**
 * Writes vouchers in one transaction: drafts, approved, or posted (numbered,
 * balances updated). Replays of idempotency keys return the stored result.
 * Errors: VALIDATION, UNBALANCED, UNKNOWN_ACCOUNT, NON_LEAF_ACCOUNT,
 * TOO_MANY_DECIMALS, PERIOD_CLOSED, IDEMPOTENCY_CONFLICT, DUPLICATE (source).
 */
export async function writeVouchers(context: LedgerContext, actor: Actor, companyId: number, requests: ReadonlyArray<VoucherRequest>, options: WriteOptions): Promise<VoucherResult[]> {
  const company = await getCompany(context, companyId)
  const prepared = await prepare(context, company, requests)
  const results = await context.db.write((tx) => writeInTransaction(context, tx, actor, company, prepared, options))
  await settleNativeStatements()
  return results
}

/**
 * libsql frees a prepared statement (and the copies of its bound arguments)
 * in a finalizer that Node defers to the event loop. A long posting run that
 * only awaits already-settled promises never reaches the event loop, so every
 * statement it ever ran stayed in native memory (12.8 GB RSS at 1M orders,
 * invisible to the JS heap). One macrotask after each bulk write lets the
 * finalizers run; it costs microseconds.
 */
export function settleNativeStatements(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

/** Validates requests against the company's chart (outside any transaction). */
export async function prepareVouchers(context: LedgerContext, company: Company, requests: ReadonlyArray<VoucherRequest>): Promise<Prepared[]> {
  return prepare(context, company, requests)
}

/** The write itself, inside a caller's transaction (used by period close). */
export async function writeInTransaction(context: LedgerContext, tx: Transaction, actor: Actor, company: Company, prepared: ReadonlyArray<Prepared>, options: WriteOptions): Promise<VoucherResult[]> {
  const companyId = company.id
  const at = isoNow(context)
  {
    const replays = await findReplays(tx, companyId, prepared)
    const fresh = prepared.filter((item) => item.voucher.idempotencyKey === null || !replays.has(item.voucher.idempotencyKey))
    await assertPeriodsOpen(tx, companyId, fresh.map((item) => item.voucher.period))
    // Bulk writes rely on the unique index of voucher_sources (the invariant's
    // real guard) instead of a lookup per 400 sources, and name the duplicate
    // only when the insert refuses; small writes check first as before.
    const bulk = fresh.length >= BULK_VOUCHERS
    if (bulk) {
      assertSourcesDistinct(fresh)
      await tx.execute(`PRAGMA cache_size = -${BULK_CACHE_KIB}`)
    } else await assertSourcesUnposted(tx, companyId, fresh)
    await registerStores(tx, companyId, fresh.flatMap((item) => item.voucher.lines.map((line) => line.store)))
    const status: VoucherStatus = options.mode === 'post' ? 'posted' : options.mode === 'approve' ? 'approved' : 'draft'
    const numbers = status === 'posted' ? await nextNumbers(tx, companyId, fresh.map((item) => `${item.voucher.period}\u0000${item.voucher.word}`)) : new Map<string, number>()
    const top = await tx.execute('SELECT COALESCE(MAX(id), 0) AS top FROM vouchers')
    let nextId = Number(top.rows[0]?.top ?? 0) + 1
    const created = new Map<Prepared, VoucherResult>()
    const voucherRows: InValue[][] = []
    const lineRows: InValue[][] = []
    const sourceRows: InValue[][] = []
    const audits: VoucherAudit[] = []
    const approverId = status === 'draft' ? null : actor.userId
    for (const item of fresh) {
      const { voucher } = item
      const id = nextId++
      const numberKey = `${voucher.period}\u0000${voucher.word}`
      const number = status === 'posted' ? (numbers.get(numberKey) ?? 1) : null
      if (number !== null) numbers.set(numberKey, number + 1)
      const total = totals(voucher.lines).debit
      voucherRows.push([id, companyId, voucher.period, voucher.word, number, voucher.date, status, voucher.summary, total, actor.userId ?? 0, approverId, status === 'draft' ? null : at, status === 'posted' ? actor.userId : null, status === 'posted' ? at : null, voucher.idempotencyKey, item.inputHash, options.sourceKind ?? 'manual', at])
      for (const line of voucher.lines) lineRows.push([id, line.lineNo, companyId, voucher.period, line.account, line.store, line.currency, line.side, line.amount, line.original, line.rate, line.summary])
      for (const source of item.sources) sourceRows.push([id, companyId, source.kind, source.id])
      created.set(item, { id, period: voucher.period, word: voucher.word, number, status, replayed: false })
      audits.push({ id, status, period: voucher.period, word: voucher.word, number, total: formatAmount(total, company.baseCurrency), linesHash: linesHash(voucher.lines), sources: item.sources.length || undefined })
    }
    await jsonInsert(tx, 'vouchers', VOUCHER_COLUMNS, voucherRows, { integerColumns: ['total_minor'] })
    await jsonInsert(tx, 'voucher_lines', LINE_COLUMNS, lineRows, { integerColumns: ['amount_minor', 'original_minor'] })
    try {
      await jsonInsert(tx, 'voucher_sources', SOURCE_COLUMNS, sourceRows)
    } catch (error) {
      if (bulk && /UNIQUE constraint failed: voucher_sources/.test(String((error as Error).message))) await assertSourcesUnposted(tx, companyId, fresh)
      throw error
    }
    if (status === 'posted') await applyBalances(tx, companyId, null, fresh.map((item) => ({ period: item.voucher.period, lines: item.voucher.lines })))
    await appendAudit(tx, auditEntries(audits, { at, companyId, actorId: actor.userId, status, selfApproved: options.selfApprove === true && status !== 'draft', sourceKind: options.sourceKind ?? 'manual' }))
    return prepared.map((item) => {
      const replay = item.voucher.idempotencyKey === null ? undefined : replays.get(item.voucher.idempotencyKey)
      const result = replay ?? created.get(item)
      if (!result) throw new Error('invariant violated: every voucher has a result')
      return result
    })
  }
}

export interface StoredVoucher {
  readonly id: number
  readonly companyId: number
  readonly period: string
  readonly word: string
  readonly number: number | null
  readonly date: string
  readonly status: VoucherStatus
  readonly summary: string
  readonly total: string
  readonly makerId: number
  readonly approverId: number | null
  readonly posterId: number | null
  readonly reversalOf: number | null
  readonly reversedBy: number | null
  readonly idempotencyKey: string | null
  readonly sourceKind: string
  readonly lines: ReadonlyArray<StoredLine>
}

export interface StoredLine {
  readonly lineNo: number
  readonly account: string
  readonly store: string
  readonly currency: string
  readonly side: 'debit' | 'credit'
  readonly amount: string
  readonly original: string
  readonly rate: string | null
  readonly summary: string
}

export function voucherLabel(voucher: Pick<StoredVoucher, 'word' | 'number' | 'id'>): string {
  return voucher.number === null ? `#${voucher.id}` : `${voucher.word}-${voucher.number}`
}

async function readLines(context: LedgerContext, tx: Transaction | null, voucherId: number): Promise<VoucherLine[]> {
  const runner = tx ?? context.db.client
  const result = await runner.execute({ sql: 'SELECT line_no, account_code, store, currency, side, amount_minor, original_minor, rate, summary FROM voucher_lines WHERE voucher_id = ? ORDER BY line_no', args: [voucherId] })
  return result.rows.map((row) => ({
    lineNo: Number(row.line_no), account: String(row.account_code), store: String(row.store), currency: String(row.currency), side: String(row.side) as 'debit' | 'credit',
    amount: BigInt(row.amount_minor as number) as Minor, original: BigInt(row.original_minor as number) as Minor, rate: row.rate === null ? null : String(row.rate), summary: String(row.summary),
  }))
}

/**
 * Finds a voucher by id (`12`, `#12`) or by number within a period (`2026-10:记-3`).
 */
export async function findVoucherId(context: LedgerContext, companyId: number, reference: string): Promise<number> {
  const trimmed = reference.trim()
  const byId = /^#?(\d+)$/.exec(trimmed)
  if (byId) {
    const found = await context.db.client.execute({ sql: 'SELECT id FROM vouchers WHERE id = ? AND company_id = ?', args: [Number(byId[1]), companyId] })
    if (found.rows[0]) return Number(found.rows[0].id)
    throw new LedgerError('NOT_FOUND', `no voucher ${reference}`)
  }
  const byNumber = /^(\d{4}-\d{2})[:/ ]?([记收付转])-?(\d+)$/.exec(trimmed)
  if (byNumber) {
    const found = await context.db.client.execute({ sql: "SELECT id FROM vouchers WHERE company_id = ? AND period = ? AND word = ? AND number = ? AND status = 'posted'", args: [companyId, byNumber[1] ?? '', byNumber[2] ?? '', Number(byNumber[3])] })
    if (found.rows[0]) return Number(found.rows[0].id)
    throw new LedgerError('NOT_FOUND', `no voucher ${reference}`)
  }
  throw new LedgerError('VALIDATION', `"${reference}" is not a voucher reference (id like 12, or 2026-10:记-3)`)
}

export async function getVoucher(context: LedgerContext, companyId: number, voucherId: number): Promise<StoredVoucher> {
  const company = await getCompany(context, companyId)
  const result = await context.db.client.execute({ sql: 'SELECT * FROM vouchers WHERE id = ? AND company_id = ?', args: [voucherId, companyId] })
  const row = result.rows[0]
  if (!row) throw new LedgerError('NOT_FOUND', `no voucher #${voucherId}`)
  const lines = await readLines(context, null, voucherId)
  return {
    ...rowToVoucher(row as Record<string, unknown>, company.baseCurrency),
    lines: lines.map((line) => ({ ...line, amount: formatAmount(line.amount, company.baseCurrency), original: formatAmount(line.original, line.currency) })),
  }
}

function rowToVoucher(row: Record<string, unknown>, baseCurrency: string): Omit<StoredVoucher, 'lines'> {
  const nullableNumber = (value: unknown) => (value === null || value === undefined ? null : Number(value))
  return {
    id: Number(row.id), companyId: Number(row.company_id), period: String(row.period), word: String(row.word), number: nullableNumber(row.number), date: String(row.date),
    status: String(row.status) as VoucherStatus, summary: String(row.summary), total: formatAmount(BigInt(row.total_minor as number), baseCurrency), makerId: Number(row.maker_id),
    approverId: nullableNumber(row.approver_id), posterId: nullableNumber(row.poster_id), reversalOf: nullableNumber(row.reversal_of), reversedBy: nullableNumber(row.reversed_by),
    idempotencyKey: row.idempotency_key === null ? null : String(row.idempotency_key), sourceKind: String(row.source_kind),
  }
}

export interface VoucherQuery {
  readonly period?: string
  readonly status?: VoucherStatus
  readonly limit?: number
  readonly offset?: number
}

export async function listVouchers(context: LedgerContext, companyId: number, query: VoucherQuery = {}): Promise<Array<Omit<StoredVoucher, 'lines'>>> {
  const company = await getCompany(context, companyId)
  const conditions = ['company_id = ?']
  const args: InValue[] = [companyId]
  if (query.period) {
    conditions.push('period = ?')
    args.push(query.period)
  }
  if (query.status) {
    conditions.push('status = ?')
    args.push(query.status)
  }
  args.push(Math.min(query.limit ?? 1000, 10_000), query.offset ?? 0)
  const result = await context.db.client.execute({ sql: `SELECT * FROM vouchers WHERE ${conditions.join(' AND ')} ORDER BY period, word, number IS NULL, number, id LIMIT ? OFFSET ?`, args })
  return result.rows.map((row) => rowToVoucher(row as Record<string, unknown>, company.baseCurrency))
}

async function loadForUpdate(tx: Transaction, companyId: number, voucherId: number): Promise<Record<string, unknown>> {
  const result = await tx.execute({ sql: 'SELECT * FROM vouchers WHERE id = ? AND company_id = ?', args: [voucherId, companyId] })
  const row = result.rows[0]
  if (!row) throw new LedgerError('NOT_FOUND', `no voucher #${voucherId}`)
  return row as Record<string, unknown>
}

async function postInTransaction(context: LedgerContext, tx: Transaction, actor: Actor, company: Company, row: Record<string, unknown>, at: string): Promise<number> {
  const voucherId = Number(row.id)
  const period = String(row.period)
  const word = String(row.word)
  await assertPeriodsOpen(tx, company.id, [period])
  const numbers = await nextNumbers(tx, company.id, [`${period}\u0000${word}`])
  const number = numbers.get(`${period}\u0000${word}`) ?? 1
  await tx.execute({ sql: "UPDATE vouchers SET status = 'posted', number = ?, poster_id = ?, posted_at = ? WHERE id = ?", args: [number, actor.userId, at, voucherId] })
  const lines = await readLines(context, tx, voucherId)
  await applyBalances(tx, company.id, period, lines)
  await appendAudit(tx, [{ at, companyId: company.id, actorId: actor.userId, action: 'voucher.post', entity: 'voucher', entityId: String(voucherId), payload: { status: 'posted', period, word, number, total: formatAmount(BigInt(row.total_minor as number), company.baseCurrency), linesHash: linesHash(lines) } }])
  return number
}

/**
 * 审核: draft -> approved (and posted at once unless the company sets
 * postOnApprove false). The maker may not approve their own voucher, except a
 * lone admin with `selfApprove`, which is audited as such.
 */
export async function approveVoucher(context: LedgerContext, actor: Actor, companyId: number, voucherId: number, options: { selfApprove?: boolean } = {}): Promise<VoucherResult> {
  const company = await getCompany(context, companyId)
  const at = isoNow(context)
  return context.db.write(async (tx) => {
    const row = await loadForUpdate(tx, companyId, voucherId)
    if (row.status !== 'draft') throw new LedgerError('INVALID_STATE', `voucher #${voucherId} is ${String(row.status)}, only drafts can be approved`)
    if (Number(row.maker_id) === actor.userId && !options.selfApprove) throw new LedgerError('MAKER_CANNOT_APPROVE', `the maker of voucher #${voucherId} cannot approve it; another user with the approver role must`)
    await assertPeriodsOpen(tx, companyId, [String(row.period)])
    await tx.execute({ sql: "UPDATE vouchers SET status = 'approved', approver_id = ?, approved_at = ? WHERE id = ?", args: [actor.userId, at, voucherId] })
    await appendAudit(tx, [{ at, companyId, actorId: actor.userId, action: 'voucher.approve', entity: 'voucher', entityId: String(voucherId), payload: { selfApproved: options.selfApprove ? true : undefined } }])
    if (company.settings.postOnApprove === false) return { id: voucherId, period: String(row.period), word: String(row.word), number: null, status: 'approved', replayed: false }
    const number = await postInTransaction(context, tx, actor, company, row, at)
    return { id: voucherId, period: String(row.period), word: String(row.word), number, status: 'posted', replayed: false }
  })
}

/** 记账: approved -> posted with the next contiguous number. */
export async function postVoucher(context: LedgerContext, actor: Actor, companyId: number, voucherId: number): Promise<VoucherResult> {
  const company = await getCompany(context, companyId)
  const at = isoNow(context)
  return context.db.write(async (tx) => {
    const row = await loadForUpdate(tx, companyId, voucherId)
    if (row.status !== 'approved') throw new LedgerError('INVALID_STATE', `voucher #${voucherId} is ${String(row.status)}; only approved vouchers can be posted`)
    const number = await postInTransaction(context, tx, actor, company, row, at)
    return { id: voucherId, period: String(row.period), word: String(row.word), number, status: 'posted', replayed: false }
  })
}

/** Deletes a draft (never a posted voucher: the database refuses that too). */
export async function deleteDraft(context: LedgerContext, actor: Actor, companyId: number, voucherId: number): Promise<void> {
  await context.db.write(async (tx) => {
    const row = await loadForUpdate(tx, companyId, voucherId)
    if (row.status === 'posted') throw new LedgerError('INVALID_STATE', `voucher #${voucherId} is posted; reverse it instead`)
    await tx.execute({ sql: 'DELETE FROM voucher_sources WHERE voucher_id = ?', args: [voucherId] })
    await tx.execute({ sql: 'DELETE FROM voucher_lines WHERE voucher_id = ?', args: [voucherId] })
    await tx.execute({ sql: 'DELETE FROM vouchers WHERE id = ?', args: [voucherId] })
    await appendAudit(tx, [{ at: isoNow(context), companyId, actorId: actor.userId, action: 'voucher.delete', entity: 'voucher', entityId: String(voucherId), payload: { status: row.status } }])
  })
}

/**
 * 红字冲销: posts a voucher with the same lines and negated amounts, dated
 * `date` (default: the original's date), checked against the reversal's own
 * period. The original is marked reversed; it never changes otherwise.
 */
export async function reverseVoucher(context: LedgerContext, actor: Actor, companyId: number, voucherId: number, options: { date?: string } = {}): Promise<VoucherResult> {
  const company = await getCompany(context, companyId)
  const at = isoNow(context)
  return context.db.write(async (tx) => {
    const row = await loadForUpdate(tx, companyId, voucherId)
    if (row.status !== 'posted') throw new LedgerError('INVALID_STATE', `voucher #${voucherId} is ${String(row.status)}; only posted vouchers are reversed (delete a draft instead)`)
    if (row.reversed_by !== null) throw new LedgerError('ALREADY_REVERSED', `voucher ${String(row.word)}-${String(row.number)} was already reversed by #${String(row.reversed_by)}`)
    if (row.reversal_of !== null) throw new LedgerError('INVALID_STATE', 'a reversal is not reversed again; post a new voucher instead')
    const date = options.date ?? String(row.date)
    const period = periodOfDate(date)
    await assertPeriodsOpen(tx, companyId, [period])
    const label = `${String(row.period)} ${String(row.word)}-${String(row.number)}`
    const summary = `冲销 ${label} 凭证`
    const lines = reversalLines(await readLines(context, tx, voucherId), summary)
    const numbers = await nextNumbers(tx, companyId, [`${period}\u0000${String(row.word)}`])
    const number = numbers.get(`${period}\u0000${String(row.word)}`) ?? 1
    const top = await tx.execute('SELECT COALESCE(MAX(id), 0) AS top FROM vouchers')
    const id = Number(top.rows[0]?.top ?? 0) + 1
    const total = -BigInt(row.total_minor as number)
    await tx.execute({
      sql: "INSERT INTO vouchers (id, company_id, period, word, number, date, status, summary, total_minor, maker_id, approver_id, approved_at, poster_id, posted_at, reversal_of, input_hash, source_kind, created_at) VALUES (?,?,?,?,?,?,'posted',?,?,?,?,?,?,?,?,?,'reversal',?)",
      args: [id, companyId, period, String(row.word), number, date, summary, total, actor.userId ?? 0, actor.userId, at, actor.userId, at, voucherId, hashInput({ reversalOf: voucherId, date }), at],
    })
    for (const statement of multiRowInsert('INSERT INTO voucher_lines (voucher_id, line_no, company_id, period, account_code, store, currency, side, amount_minor, original_minor, rate, summary) VALUES', 12, lines.map((line) => [id, line.lineNo, companyId, period, line.account, line.store, line.currency, line.side, line.amount, line.original, line.rate, line.summary]))) await tx.execute(statement)
    await tx.execute({ sql: 'UPDATE vouchers SET reversed_by = ? WHERE id = ?', args: [id, voucherId] })
    await applyBalances(tx, companyId, period, lines)
    await appendAudit(tx, [{ at, companyId, actorId: actor.userId, action: 'voucher.reverse', entity: 'voucher', entityId: String(id), payload: { status: 'posted', reversalOf: voucherId, period, word: String(row.word), number, total: formatAmount(total, company.baseCurrency), linesHash: linesHash(lines) } }])
    return { id, period, word: String(row.word), number, status: 'posted' as const, replayed: false }
  })
}
