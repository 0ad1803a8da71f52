import * as crypto from 'node:crypto'
import type { InValue, Transaction } from '@libsql/client'
import type { Account } from '../../shared/accounts.ts'
import { LedgerError } from '../../shared/errors.ts'
import { type Minor, convert, formatAmount, isCurrency, parseAmount } from '../../shared/money.ts'
import { DATE_PATTERN, daysInMonth, periodOfDate } from '../../shared/period.ts'
import { STORE_PATTERN, VOUCHER_WORDS, type ValidVoucher, type VoucherContext, type VoucherLine, type VoucherStatus, type VoucherWord, canonicalJson, reversalLines, validateVoucher } from '../../shared/voucher.ts'
import { jsonArgument, multiRowInsert } from '../db/connection.ts'
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
  /** one audit entry per voucher even when many are written at once (coalesced single-voucher requests) */
  readonly auditEach?: boolean
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

/** a write of at least this many vouchers is a bulk write (posting runs, imports of journals) */
const BULK_VOUCHERS = 200
/** ... or of this many sources (a day summary links every order of a store-day) */
const BULK_SOURCES = 400
/**
 * Page cache of the connection during a bulk write, KiB. The default 2 MB
 * thrashes once the idempotency and source indexes outgrow it (random keys);
 * 128 MB kept a 1M-order posting run ~25% faster.
 */
const BULK_CACHE_KIB = 131_072

/**
 * SHA-256 hex of a string. Node's one-shot crypto.hash (>= 20.12) gives the same
 * digest as createHash().update().digest() at ~1/3 of the cost for the short
 * texts hashed per voucher, which matters at two hashes per voucher in bulk.
 */
const sha256: (text: string) => string = typeof crypto.hash === 'function'
  ? (text) => crypto.hash('sha256', text, 'hex')
  : (text) => crypto.createHash('sha256').update(text).digest('hex')

export function hashInput(input: unknown): string {
  return sha256(canonicalJson(input))
}

/**
 * Identity of a request for idempotency: the validated voucher (so "113" and
 * "113.00", or reordered JSON keys, are the same input) plus its sources.
 * Text: head fields joined by U+0001; lines (their fields joined by U+0001)
 * joined by U+0002; sources (kind U+0001 id) joined by U+0002; the three parts
 * joined by U+0003. Stored as input_hash, so the text must never change.
 */
export function voucherHash(voucher: ValidVoucher, sources: ReadonlyArray<SourceRef>): string {
  let text = `${voucher.date}\u0001${voucher.word}\u0001${voucher.summary}\u0001${voucher.idempotencyKey ?? ''}\u0003`
  const lines = voucher.lines
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] as VoucherLine
    if (index > 0) text += '\u0002'
    text += `${line.account}\u0001${line.store}\u0001${line.currency}\u0001${line.side}\u0001${line.amount}\u0001${line.original}\u0001${line.rate ?? ''}\u0001${line.summary}`
  }
  text += '\u0003'
  for (let index = 0; index < sources.length; index += 1) {
    const source = sources[index] as SourceRef
    if (index > 0) text += '\u0002'
    text += `${source.kind}\u0001${source.id}`
  }
  // 附件数 joins the identity only when given, so the text of every earlier input is unchanged
  if (voucher.attachments) text += `\u0004${voucher.attachments}`
  return sha256(text)
}

/**
 * The immutability fingerprint of a posted voucher's lines, recorded in its
 * posting audit entry and recomputed by `cledger verify`: one row per line,
 * `lineNo|account|store|currency|side|amount|original|rate` joined by newlines.
 */
export function linesHash(lines: ReadonlyArray<Pick<VoucherLine, 'lineNo' | 'account' | 'store' | 'currency' | 'side' | 'amount' | 'original' | 'rate'>>): string {
  let text = ''
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] as VoucherLine
    if (index > 0) text += '\n'
    text += `${line.lineNo}|${line.account}|${line.store}|${line.currency}|${line.side}|${line.amount}|${line.original}|${line.rate ?? ''}`
  }
  return sha256(text)
}

/** Per-write memo of the bulk validator: dates and store codes already checked. */
export interface BulkMemo {
  readonly periods: Map<string, string>
  readonly stores: Set<string>
}

export function bulkMemo(): BulkMemo {
  return { periods: new Map(), stores: new Set() }
}

const VOUCHER_KEYS = new Set(['date', 'word', 'summary', 'idempotencyKey', 'lines'])
const LINE_KEYS = new Set(['account', 'store', 'currency', 'debit', 'credit', 'rate', 'summary'])
const WORDS: ReadonlySet<string> = new Set(VOUCHER_WORDS)
// Copies of voucherInputSchema's checks (shared/voucher.ts). test/ledger/bulk-validate
// compares this validator with validateVoucher on generated inputs around every limit.
const AMOUNT = /^-?\d{1,16}(\.\d{1,10})?$/
const RATE = /^\d{1,8}(\.\d{1,10})?$/
const CURRENCY = /^[A-Z]{3}$/

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

function periodOf(date: string, memo: BulkMemo): string | undefined {
  const known = memo.periods.get(date)
  if (known !== undefined) return known
  const match = DATE_PATTERN.exec(date)
  if (!match || Number(match[3]) > daysInMonth(Number(match[1]), Number(match[2]))) return undefined
  const period = date.slice(0, 7)
  memo.periods.set(date, period)
  return period
}

/**
 * The bulk path's validator: the same result as validateVoucher for an input it
 * accepts, `undefined` for anything else (then validateVoucher runs and throws
 * its usual error, so error codes and messages cannot differ). Hand-written
 * checks instead of zod: ~6x faster on posting runs, where every voucher is valid.
 */
export function tryValidateBulk(input: unknown, context: VoucherContext, memo: BulkMemo): ValidVoucher | undefined {
  if (!isPlainObject(input)) return undefined
  for (const key in input) if (!VOUCHER_KEYS.has(key)) return undefined
  const { date, word = '记', summary, idempotencyKey, lines: rawLines } = input
  if (typeof date !== 'string' || typeof word !== 'string' || !WORDS.has(word)) return undefined
  if (summary !== undefined && (typeof summary !== 'string' || summary.length > 500)) return undefined
  if (idempotencyKey !== undefined && (typeof idempotencyKey !== 'string' || idempotencyKey.length < 1 || idempotencyKey.length > 200)) return undefined
  if (!Array.isArray(rawLines) || rawLines.length < 2 || rawLines.length > 10_000) return undefined
  const period = periodOf(date, memo)
  if (period === undefined) return undefined
  const voucherSummary = summary ?? ''
  const base = context.baseCurrency
  const lines: VoucherLine[] = new Array(rawLines.length)
  let debit = 0n
  let credit = 0n
  for (let index = 0; index < rawLines.length; index += 1) {
    const line: unknown = rawLines[index]
    if (!isPlainObject(line)) return undefined
    for (const key in line) if (!LINE_KEYS.has(key)) return undefined
    const { account: code, store, currency: rawCurrency, debit: debitText, credit: creditText, rate, summary: lineSummary } = line
    if (typeof code !== 'string' || code.length === 0) return undefined
    if (store !== undefined && (typeof store !== 'string' || !(memo.stores.has(store) || (STORE_PATTERN.test(store) && memo.stores.add(store))))) return undefined
    if (rawCurrency !== undefined && (typeof rawCurrency !== 'string' || !CURRENCY.test(rawCurrency))) return undefined
    if (debitText !== undefined && (typeof debitText !== 'string' || !AMOUNT.test(debitText))) return undefined
    if (creditText !== undefined && (typeof creditText !== 'string' || !AMOUNT.test(creditText))) return undefined
    if (rate !== undefined && (typeof rate !== 'string' || !RATE.test(rate))) return undefined
    if (lineSummary !== undefined && (typeof lineSummary !== 'string' || lineSummary.length > 500)) return undefined
    const account: Account | undefined = context.account(code)
    if (!account || !account.isLeaf) return undefined
    const hasDebit = debitText !== undefined
    if (hasDebit === (creditText !== undefined)) return undefined
    const currency = rawCurrency ?? base
    if (!isCurrency(currency)) return undefined
    let original: Minor
    try {
      original = parseAmount((hasDebit ? debitText : creditText) as string, currency)
    } catch {
      return undefined
    }
    if (original === 0n) return undefined
    const foreign = currency !== base
    if (foreign ? rate === undefined : rate !== undefined && rate !== '1') return undefined
    const amount = foreign ? convert(original, currency, base, rate as string) : original
    if (hasDebit) debit += amount
    else credit += amount
    lines[index] = { lineNo: index + 1, account: account.code, store: (store as string | undefined) ?? '', currency, side: hasDebit ? 'debit' : 'credit', amount, original, rate: foreign ? (rate as string) : null, summary: (lineSummary as string | undefined) ?? voucherSummary }
  }
  if (debit !== credit) return undefined
  return { date, period, word: word as VoucherWord, summary: voucherSummary || (lines[0]?.summary ?? ''), idempotencyKey: (idempotencyKey as string | undefined) ?? null, lines }
}

/** validateVoucher through the bulk validator: identical results and errors. */
export function validateBulk(input: unknown, context: VoucherContext, memo: BulkMemo): ValidVoucher {
  return tryValidateBulk(input, context, memo) ?? validateVoucher(input, context)
}

async function prepare(context: LedgerContext, company: Company, requests: ReadonlyArray<VoucherRequest>): Promise<Prepared[]> {
  const chart = await loadChart(context, company.id)
  const voucherContext: VoucherContext = { baseCurrency: company.baseCurrency, account: (code) => chart.get(code) }
  // Bulk writes (posting runs, journal imports) take the hand-written validator;
  // small writes keep zod, which also names the problem for any invalid input.
  const memo = requests.length >= BULK_VOUCHERS ? bulkMemo() : null
  const prepared: Prepared[] = new Array(requests.length)
  for (let index = 0; index < requests.length; index += 1) {
    const request = requests[index] as VoucherRequest
    try {
      const voucher = memo ? validateBulk(request.input, voucherContext, memo) : validateVoucher(request.input, voucherContext)
      const sources = request.sources ?? []
      prepared[index] = { voucher, inputHash: voucherHash(voucher, sources), sources }
    } catch (error) {
      if (error instanceof LedgerError && requests.length > 1) {
        throw new LedgerError(error.code, `voucher ${index + 1}: ${error.message}`, { voucher: index + 1, details: error.details })
      }
      throw error
    }
  }
  return prepared
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
  const byKey = new Map<string, Prepared>()
  for (const item of prepared) {
    const key = item.voucher.idempotencyKey
    if (key === null) continue
    if (byKey.has(key)) throw new LedgerError('IDEMPOTENCY_CONFLICT', `idempotency key "${key}" appears twice in one request`)
    byKey.set(key, item)
  }
  const keys = [...byKey.keys()]
  const replays = new Map<string, VoucherResult>()
  // One statement per 5,000 keys through json_each (the IN list is probed on
  // vouchers_idempotency_unique), instead of one 500-placeholder statement per 500.
  for (let start = 0; start < keys.length; start += 5000) {
    const chunk = keys.slice(start, start + 5000)
    const existing = await tx.execute({ sql: 'SELECT id, period, word, number, status, idempotency_key, input_hash FROM vouchers WHERE company_id = ? AND idempotency_key IN (SELECT value FROM json_each(?))', args: [companyId, JSON.stringify(chunk)] })
    for (const row of existing.rows) {
      const key = String(row.idempotency_key)
      const item = byKey.get(key)
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

/**
 * Balance movements keyed period -> account -> store -> currency (nested maps,
 * so adding a line allocates nothing once its key exists).
 */
class BalanceDeltas {
  private readonly periods = new Map<string, Map<string, Map<string, Map<string, BalanceDelta>>>>()

  add(period: string, line: Pick<VoucherLine, 'account' | 'store' | 'currency' | 'side' | 'amount' | 'original'>): void {
    let accounts = this.periods.get(period)
    if (!accounts) this.periods.set(period, (accounts = new Map()))
    let stores = accounts.get(line.account)
    if (!stores) accounts.set(line.account, (stores = new Map()))
    let currencies = stores.get(line.store)
    if (!currencies) stores.set(line.store, (currencies = new Map()))
    let delta = currencies.get(line.currency)
    if (!delta) currencies.set(line.currency, (delta = { debit: 0n, credit: 0n, debitOriginal: 0n, creditOriginal: 0n }))
    if (line.side === 'debit') {
      delta.debit += line.amount
      delta.debitOriginal += line.original
    } else {
      delta.credit += line.amount
      delta.creditOriginal += line.original
    }
  }

  /** One multi-row upsert per chunk into the materialized balances. */
  async write(tx: Transaction, companyId: number): Promise<void> {
    const rows: InValue[][] = []
    for (const [period, accounts] of this.periods) {
      for (const [account, stores] of accounts) {
        for (const [store, currencies] of stores) {
          for (const [currency, delta] of currencies) rows.push([companyId, account, period, store, currency, delta.debit, delta.credit, delta.debitOriginal, delta.creditOriginal])
        }
      }
    }
    const suffix = ' ON CONFLICT (company_id, account_code, period, store, currency) DO UPDATE SET debit_minor = debit_minor + excluded.debit_minor, credit_minor = credit_minor + excluded.credit_minor, debit_original_minor = debit_original_minor + excluded.debit_original_minor, credit_original_minor = credit_original_minor + excluded.credit_original_minor'
    for (const statement of multiRowInsert('INSERT INTO balances (company_id, account_code, period, store, currency, debit_minor, credit_minor, debit_original_minor, credit_original_minor) VALUES', 9, rows, suffix)) {
      await tx.execute(statement)
    }
  }
}

/** Adds posted lines to the materialized balances with one multi-row upsert per chunk. */
export async function applyBalances(tx: Transaction, companyId: number, period: string | null, lines: ReadonlyArray<VoucherLine & { period?: string }> | ReadonlyArray<{ period: string; lines: ReadonlyArray<VoucherLine> }>): Promise<void> {
  const deltas = new BalanceDeltas()
  for (const item of lines) {
    if ('lines' in item) for (const line of item.lines) deltas.add(item.period, line)
    else deltas.add(item.period ?? period ?? '', item)
  }
  await deltas.write(tx, companyId)
}

async function registerStores(tx: Transaction, companyId: number, stores: Iterable<string>): Promise<void> {
  const codes = [...new Set(stores)].filter((store) => store !== '')
  for (const statement of multiRowInsert('INSERT OR IGNORE INTO stores (company_id, code, name) VALUES', 3, codes.map((code) => [companyId, code, code]))) await tx.execute(statement)
}

function storesOf(prepared: ReadonlyArray<Prepared>): Set<string> {
  const stores = new Set<string>()
  for (const item of prepared) for (const line of item.voucher.lines) stores.add(line.store)
  return stores
}

/** [id, period, word, number, total, linesHash] of a written voucher, as the batch audit entry lists it */
type VoucherAudit = [id: number, period: string, word: string, number: number | null, total: string, linesHash: string]

/**
 * One audit entry per voucher for small writes; one entry per write for bulk
 * posting (listing every voucher with its lines hash), so a 5,000-voucher run
 * adds one link to the chain, not 5,000. verify reads both shapes.
 */
function auditEntries(audits: ReadonlyArray<VoucherAudit>, sourceCounts: ReadonlyArray<number>, meta: { at: string; companyId: number; actorId: number | null; status: VoucherStatus; selfApproved: boolean; sourceKind: string; each: boolean }): AuditEntry[] {
  const action = meta.status === 'posted' ? 'voucher.post' : 'voucher.create'
  const selfApproved = meta.selfApproved ? true : undefined
  if (audits.length <= 10 || meta.each) {
    return audits.map(([id, period, word, number, total, linesHash], index) => ({
      at: meta.at, companyId: meta.companyId, actorId: meta.actorId, action, entity: 'voucher', entityId: String(id),
      payload: { status: meta.status, period, word, number, total, linesHash, sources: sourceCounts[index] || undefined, selfApproved },
    }))
  }
  const first = audits[0]?.[0] ?? 0
  const last = audits[audits.length - 1]?.[0] ?? 0
  // Keys in sorted order and only primitives in the rows: JSON.stringify gives
  // exactly canonicalJson(payload) without walking 5,000 rows to sort keys.
  const payload = { count: audits.length, selfApproved, sourceKind: meta.sourceKind, status: meta.status, vouchers: audits }
  return [{ at: meta.at, companyId: meta.companyId, actorId: meta.actorId, action: `${action}.batch`, entity: 'voucher', entityId: `${first}-${last}`, payload, payloadJson: JSON.stringify(payload) }]
}

/** What is the same for every voucher of one write (bound once per statement). */
interface VoucherWrite {
  readonly companyId: number
  readonly status: VoucherStatus
  readonly at: string
  readonly maker: number
  readonly approver: number | null
  readonly poster: number | null
  readonly sourceKind: string
  readonly baseCurrency: string
}

/**
 * Consecutive vouchers of one period and word with consecutive ids (a posting
 * day is one group), inserted with three statements. Each row is JSON handed to
 * json_each, where SQLite's cost is mostly one `->>` per column and row (~0.5 µs
 * each). So ids and numbers come from the array position (`?base + key`), line
 * numbers from the position of the line in its voucher; period, word, company,
 * status, actors and times are bound once; lines and sources are nested per
 * voucher; a line carries currency and rate only when it is not in the base
 * currency. Voucher lines take 6 extractions instead of 12 (8 in a group with
 * foreign-currency lines), vouchers 5 instead of 18, sources none instead of 4.
 * bigints travel as decimal strings (CAST back), so JSON.stringify needs no replacer.
 */
interface WriteGroup {
  readonly firstId: number
  readonly period: string
  readonly word: string
  /** number of the first voucher when posting (the rest follow), else null */
  readonly firstNumber: number | null
  readonly vouchers: InValue[][]
  readonly lineRows: InValue[][][]
  readonly sources: Array<Record<string, string[]>>
  sourceCount: number
  lines: number
  foreign: boolean
}

const GROUP_VOUCHERS = 5000
const GROUP_LINES = 20_000

function newGroup(firstId: number, period: string, word: string, firstNumber: number | null): WriteGroup {
  return { firstId, period, word, firstNumber, vouchers: [], lineRows: [], sources: [], sourceCount: 0, lines: 0, foreign: false }
}

const INSERT_VOUCHERS = `INSERT INTO vouchers (id, company_id, period, word, number, date, status, summary, total_minor, maker_id, approver_id, approved_at, poster_id, posted_at, idempotency_key, input_hash, source_kind, created_at, attachments)
  SELECT ?2 + key, ?3, ?4, ?5, ?6 + key, value->>0, ?7, value->>1, CAST(value->>2 AS INTEGER), ?8, ?9, ?10, ?11, ?12, value->>3, value->>4, ?13, ?14, COALESCE(CAST(value->>5 AS INTEGER), 0) FROM json_each(?1)`
const LINE_COLUMNS = 'INSERT INTO voucher_lines (voucher_id, line_no, company_id, period, account_code, store, currency, side, amount_minor, original_minor, rate, summary)'
/** lines of a group all in the base currency (?5) */
const INSERT_BASE_LINES = `${LINE_COLUMNS}
  SELECT ?2 + v.key, l.key + 1, ?3, ?4, l.value->>0, l.value->>1, ?5, l.value->>2, CAST(l.value->>3 AS INTEGER), CAST(l.value->>4 AS INTEGER), NULL, l.value->>5 FROM json_each(?1) AS v, json_each(v.value) AS l`
/** lines of a group with foreign-currency lines, which carry [6] currency and [7] rate */
const INSERT_LINES = `${LINE_COLUMNS}
  SELECT ?2 + v.key, l.key + 1, ?3, ?4, l.value->>0, l.value->>1, COALESCE(l.value->>6, ?5), l.value->>2, CAST(l.value->>3 AS INTEGER), CAST(l.value->>4 AS INTEGER), l.value->>7, l.value->>5 FROM json_each(?1) AS v, json_each(v.value) AS l`
/** sources of a voucher as `{ kind: [id, ...] }`: kind and id come out of json_each with no `->>` */
const INSERT_SOURCES = `INSERT INTO voucher_sources (voucher_id, company_id, source_kind, source_id)
  SELECT ?2 + v.key, ?3, k.key, s.value FROM json_each(?1) AS v, json_each(v.value) AS k, json_each(k.value) AS s`

async function insertGroup(tx: Transaction, write: VoucherWrite, group: WriteGroup): Promise<void> {
  const { companyId, status, at } = write
  await tx.execute({ sql: INSERT_VOUCHERS, args: [jsonArgument(group.vouchers), group.firstId, companyId, group.period, group.word, group.firstNumber, status, write.maker, write.approver, status === 'draft' ? null : at, write.poster, status === 'posted' ? at : null, write.sourceKind, at] })
  await tx.execute({ sql: group.foreign ? INSERT_LINES : INSERT_BASE_LINES, args: [jsonArgument(group.lineRows), group.firstId, companyId, group.period, write.baseCurrency] })
  if (group.sourceCount > 0) await tx.execute({ sql: INSERT_SOURCES, args: [jsonArgument(group.sources), group.firstId, companyId] })
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
    let sourceCount = 0
    for (const item of fresh) sourceCount += item.sources.length
    const bulk = fresh.length >= BULK_VOUCHERS || sourceCount >= BULK_SOURCES
    if (bulk) await tx.execute(`PRAGMA cache_size = -${BULK_CACHE_KIB}`)
    else await assertSourcesUnposted(tx, companyId, fresh)
    await registerStores(tx, companyId, storesOf(fresh))
    const status: VoucherStatus = options.mode === 'post' ? 'posted' : options.mode === 'approve' ? 'approved' : 'draft'
    const numbers = status === 'posted' ? await nextNumbers(tx, companyId, fresh.map((item) => `${item.voucher.period}\u0000${item.voucher.word}`)) : new Map<string, number>()
    const top = await tx.execute('SELECT COALESCE(MAX(id), 0) AS top FROM vouchers')
    let nextId = Number(top.rows[0]?.top ?? 0) + 1
    const created: VoucherResult[] = new Array(fresh.length)
    const audits: VoucherAudit[] = new Array(fresh.length)
    const sourceCounts: number[] = new Array(fresh.length)
    const deltas = new BalanceDeltas()
    const write: VoucherWrite = {
      companyId, status, at, maker: actor.userId ?? 0, approver: status === 'draft' ? null : actor.userId, poster: status === 'posted' ? actor.userId : null, sourceKind: options.sourceKind ?? 'manual', baseCurrency: company.baseCurrency,
    }
    let group: WriteGroup = newGroup(nextId, '', '', null)
    const flush = async () => {
      if (group.vouchers.length === 0) return
      try {
        await insertGroup(tx, write, group)
      } catch (error) {
        // The unique index of voucher_sources also refuses a source named twice in
        // this request; assertSourcesUnposted checks that first, then the ledger.
        if (bulk && /UNIQUE constraint failed: voucher_sources/.test(String((error as Error).message))) await assertSourcesUnposted(tx, companyId, fresh)
        throw error
      }
    }
    for (let index = 0; index < fresh.length; index += 1) {
      const item = fresh[index] as Prepared
      const { voucher } = item
      const numberKey = `${voucher.period}\u0000${voucher.word}`
      const number = status === 'posted' ? (numbers.get(numberKey) ?? 1) : null
      if (number !== null) numbers.set(numberKey, number + 1)
      if (voucher.period !== group.period || voucher.word !== group.word || group.vouchers.length >= GROUP_VOUCHERS || group.lines >= GROUP_LINES) {
        await flush()
        group = newGroup(nextId, voucher.period, voucher.word, number)
      }
      const id = nextId++
      // ids and numbers are written as the group's first plus the position
      if (id !== group.firstId + group.vouchers.length || (number !== null && number !== (group.firstNumber ?? 0) + group.vouchers.length)) throw new Error('invariant violated: ids and numbers of a group are consecutive')
      let total = 0n
      const lines: InValue[][] = new Array(voucher.lines.length)
      for (let lineIndex = 0; lineIndex < voucher.lines.length; lineIndex += 1) {
        const line = voucher.lines[lineIndex] as VoucherLine
        // line_no is written as the line's position (json_each key + 1)
        if (line.lineNo !== lineIndex + 1) throw new Error(`invariant violated: line ${lineIndex + 1} is numbered ${line.lineNo}`)
        if (line.side === 'debit') total += line.amount
        if (status === 'posted') deltas.add(voucher.period, line)
        const amount = line.amount.toString()
        const row: InValue[] = [line.account, line.store, line.side, amount, line.original === line.amount ? amount : line.original.toString(), line.summary]
        if (line.currency !== company.baseCurrency || line.rate !== null) {
          row.push(line.currency, line.rate)
          group.foreign = true
        }
        lines[lineIndex] = row
      }
      group.lines += lines.length
      group.lineRows.push(lines)
      group.vouchers.push(voucher.attachments ? [voucher.date, voucher.summary, total.toString(), voucher.idempotencyKey, item.inputHash, voucher.attachments] : [voucher.date, voucher.summary, total.toString(), voucher.idempotencyKey, item.inputHash])
      const byKind: Record<string, string[]> = Object.create(null)
      for (const source of item.sources) (byKind[source.kind] ??= []).push(source.id)
      group.sources.push(byKind)
      group.sourceCount += item.sources.length
      created[index] = { id, period: voucher.period, word: voucher.word, number, status, replayed: false }
      audits[index] = [id, voucher.period, voucher.word, number, formatAmount(total, company.baseCurrency), linesHash(voucher.lines)]
      sourceCounts[index] = item.sources.length
    }
    await flush()
    if (status === 'posted') await deltas.write(tx, companyId)
    await appendAudit(tx, auditEntries(audits, sourceCounts, { at, companyId, actorId: actor.userId, status, selfApproved: options.selfApprove === true && status !== 'draft', sourceKind: options.sourceKind ?? 'manual', each: options.auditEach === true }))
    let next = 0
    return prepared.map((item) => {
      const replay = item.voucher.idempotencyKey === null ? undefined : replays.get(item.voucher.idempotencyKey)
      // fresh keeps the order of prepared, so the created results follow in turn
      const result = replay ?? created[next++]
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
  /** 附件数 */
  readonly attachments: number
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
    attachments: Number(row.attachments ?? 0),
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

/**
 * The original of a posted reversal: marked reversed by it, and its sources kept
 * under '<kind>~reversed:<reversal id>' so the source records are free to be
 * posted again (issue #16.6).
 */
async function markReversed(tx: Transaction, companyId: number, originalId: number, reversalId: number): Promise<void> {
  const original = await tx.execute({ sql: 'SELECT reversed_by, word, number FROM vouchers WHERE id = ? AND company_id = ?', args: [originalId, companyId] })
  const row = original.rows[0]
  if (row && row.reversed_by !== null) throw new LedgerError('ALREADY_REVERSED', `voucher ${String(row.word)}-${String(row.number)} was already reversed by #${String(row.reversed_by)}`)
  await tx.execute({ sql: 'UPDATE vouchers SET reversed_by = ? WHERE id = ?', args: [reversalId, originalId] })
  await tx.execute({ sql: "UPDATE voucher_sources SET source_kind = source_kind || '~reversed:' || ? WHERE voucher_id = ? AND company_id = ?", args: [String(reversalId), originalId, companyId] })
}

async function postInTransaction(context: LedgerContext, tx: Transaction, actor: Actor, company: Company, row: Record<string, unknown>, at: string): Promise<number> {
  const voucherId = Number(row.id)
  const period = String(row.period)
  const word = String(row.word)
  await assertPeriodsOpen(tx, company.id, [period])
  const numbers = await nextNumbers(tx, company.id, [`${period}\u0000${word}`])
  const number = numbers.get(`${period}\u0000${word}`) ?? 1
  await tx.execute({ sql: "UPDATE vouchers SET status = 'posted', number = ?, poster_id = ?, posted_at = ? WHERE id = ?", args: [number, actor.userId, at, voucherId] })
  if (row.reversal_of !== null && row.reversal_of !== undefined) await markReversed(tx, company.id, Number(row.reversal_of), voucherId)
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

/**
 * 反审核: takes an approved, not yet posted voucher back to draft (approver or
 * admin; audited with the reason). A posted voucher is corrected by 红字冲销 instead.
 */
export async function unapproveVoucher(context: LedgerContext, actor: Actor, companyId: number, voucherId: number, reason = ''): Promise<VoucherResult> {
  const at = isoNow(context)
  return context.db.write(async (tx) => {
    const row = await loadForUpdate(tx, companyId, voucherId)
    if (row.status !== 'approved') {
      const how = row.status === 'posted' ? 'posted vouchers are corrected by 红字冲销 (reverse)' : 'only approved vouchers can be un-approved'
      throw new LedgerError('INVALID_STATE', `voucher #${voucherId} is ${String(row.status)}: ${how} / 凭证 #${voucherId} 状态为 ${String(row.status)}，只能对已审核未记账的凭证反审核`)
    }
    await assertPeriodsOpen(tx, companyId, [String(row.period)])
    await tx.execute({ sql: "UPDATE vouchers SET status = 'draft', approver_id = NULL, approved_at = NULL WHERE id = ? AND status = 'approved'", args: [voucherId] })
    await appendAudit(tx, [{ at, companyId, actorId: actor.userId, action: 'voucher.unapprove', entity: 'voucher', entityId: String(voucherId), payload: { approverId: row.approver_id === null || row.approver_id === undefined ? null : Number(row.approver_id), reason } }])
    return { id: voucherId, period: String(row.period), word: String(row.word), number: null, status: 'draft', replayed: false }
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
export async function reverseVoucher(context: LedgerContext, actor: Actor, companyId: number, voucherId: number, options: { date?: string; draft?: boolean } = {}): Promise<VoucherResult> {
  const company = await getCompany(context, companyId)
  const at = isoNow(context)
  // issue #16.6: a reversal can go through approval like any other voucher (option, or company setting reversalApproval)
  const draft = options.draft ?? company.settings.reversalApproval === true
  return context.db.write(async (tx) => {
    const row = await loadForUpdate(tx, companyId, voucherId)
    if (row.status !== 'posted') throw new LedgerError('INVALID_STATE', `voucher #${voucherId} is ${String(row.status)}; only posted vouchers are reversed (delete a draft instead)`)
    if (row.reversed_by !== null) throw new LedgerError('ALREADY_REVERSED', `voucher ${String(row.word)}-${String(row.number)} was already reversed by #${String(row.reversed_by)}`)
    if (row.reversal_of !== null) throw new LedgerError('INVALID_STATE', 'a reversal is not reversed again; post a new voucher instead')
    const pending = await tx.execute({ sql: "SELECT id FROM vouchers WHERE company_id = ? AND reversal_of = ? AND status != 'posted'", args: [companyId, voucherId] })
    if (pending.rows[0]) throw new LedgerError('ALREADY_REVERSED', `voucher ${String(row.word)}-${String(row.number)} has a reversal #${String(pending.rows[0].id)} waiting for approval`)
    const date = options.date ?? String(row.date)
    const period = periodOfDate(date)
    await assertPeriodsOpen(tx, companyId, [period])
    const label = `${String(row.period)} ${String(row.word)}-${String(row.number)}`
    const summary = `冲销 ${label} 凭证`
    const lines = reversalLines(await readLines(context, tx, voucherId), summary)
    if (draft) {
      const top = await tx.execute('SELECT COALESCE(MAX(id), 0) AS top FROM vouchers')
      const id = Number(top.rows[0]?.top ?? 0) + 1
      const total = -BigInt(row.total_minor as number)
      await tx.execute({
        sql: "INSERT INTO vouchers (id, company_id, period, word, number, date, status, summary, total_minor, maker_id, reversal_of, input_hash, source_kind, created_at) VALUES (?,?,?,?,NULL,?,'draft',?,?,?,?,?,'reversal',?)",
        args: [id, companyId, period, String(row.word), date, summary, total, actor.userId ?? 0, voucherId, hashInput({ reversalOf: voucherId, date }), at],
      })
      for (const statement of multiRowInsert('INSERT INTO voucher_lines (voucher_id, line_no, company_id, period, account_code, store, currency, side, amount_minor, original_minor, rate, summary) VALUES', 12, lines.map((line) => [id, line.lineNo, companyId, period, line.account, line.store, line.currency, line.side, line.amount, line.original, line.rate, line.summary]))) await tx.execute(statement)
      await appendAudit(tx, [{ at, companyId, actorId: actor.userId, action: 'voucher.reverse', entity: 'voucher', entityId: String(id), payload: { status: 'draft', reversalOf: voucherId, period, word: String(row.word), total: formatAmount(total, company.baseCurrency), linesHash: linesHash(lines) } }])
      return { id, period, word: String(row.word), number: null, status: 'draft' as const, replayed: false }
    }
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
    await markReversed(tx, companyId, voucherId, id)
    await applyBalances(tx, companyId, period, lines)
    await appendAudit(tx, [{ at, companyId, actorId: actor.userId, action: 'voucher.reverse', entity: 'voucher', entityId: String(id), payload: { status: 'posted', reversalOf: voucherId, period, word: String(row.word), number, total: formatAmount(total, company.baseCurrency), linesHash: linesHash(lines) } }])
    return { id, period, word: String(row.word), number, status: 'posted' as const, replayed: false }
  })
}
