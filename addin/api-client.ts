/**
 * Typed client of the companion service's HTTP API (`/api/v1`), used by the task pane.
 *
 * Amounts stay decimal strings (`"1234.50"`) all the way to the Excel adapter.
 * Every failure becomes an {@link ApiError} with a `kind` the UI can act on:
 * `network` (service down), `unauthorized` (401), `forbidden` (403),
 * `validation` (400/422 with field details), `notAvailable` (the route does not
 * exist on this service yet: a 404 that is not a JSON error body), `notFound`,
 * `conflict`, `server`.
 */

// 1. Shapes of the contract ------------------------------------------------------

export type Role = 'admin' | 'accountant' | 'approver' | 'sales' | 'auditor'

export interface User {
  readonly id: number
  readonly username: string
  readonly displayName: string
}

export interface Company {
  readonly id: number
  readonly code: string
  readonly name: string
  readonly role: Role
  readonly baseCurrency: string
}

export interface Session {
  readonly token: string
  readonly user: User
  readonly companies: readonly Company[]
}

export interface Account {
  readonly code: string
  readonly name: string
  readonly nameEn: string
  readonly level?: number
  readonly isLeaf: boolean
  readonly type?: string
}

export interface Period {
  readonly period: string
  readonly status: string
  readonly closedAt?: string | null
  readonly vouchers?: number
  readonly drafts?: number
}

/** One thing that keeps a period from closing (GET …/periods/:period/close-check). */
export interface CloseBlocker {
  readonly kind: string
  readonly count: number
  readonly message?: { readonly zh: string; readonly en: string }
  readonly items?: readonly unknown[]
}

export interface CloseCheck {
  readonly period: string
  readonly ready: boolean
  readonly blockers: readonly CloseBlocker[]
}

export interface CloseResult {
  readonly period: string
  readonly closingVoucher?: number | null
  readonly alreadyClosed?: boolean
  /** 'pending' while period-end vouchers wait for another user's approval (期末凭证待审核) */
  readonly status?: 'closed' | 'pending'
  readonly pending?: ReadonlyArray<{ readonly id: number }>
  /** who may approve them, as `name (role)` */
  readonly approvers?: ReadonlyArray<string>
}

/** Reports the service builds besides the trial balance (GET …/reports/<name>?period=). */
export const REPORTS = ['income-statement', 'balance-sheet', 'cash-flow', 'reconciliation', 'ar-aging', 'channel-profit', 'voucher-register', 'account-detail'] as const
export type ReportName = (typeof REPORTS)[number]

export interface ReportColumn {
  readonly key: string
  readonly label: string
  readonly kind: string
}

export interface ReportCheck {
  readonly key: string
  readonly label: string
  readonly ok: boolean
  readonly expected: string
  readonly actual: string
}

/** A report as JSON: amounts are decimal strings, integers numbers. */
export interface ReportData {
  readonly report: string
  readonly title: string
  readonly titleEn?: string
  readonly formCode?: string | null
  readonly period: string
  readonly dateLabel?: string
  readonly currency: string
  readonly columns: readonly ReportColumn[]
  readonly rows: readonly Readonly<Record<string, string | number | null>>[]
  readonly checks: readonly ReportCheck[]
  readonly balanced: boolean
  readonly notes: readonly string[]
  readonly chart?: { readonly title: string; readonly categories: readonly string[]; readonly series: readonly { readonly name: string; readonly values: readonly string[] }[] }
}

/** One worksheet-function call for the batch endpoint, e.g. `{id:'A1', fn:'BALANCE', args:['1122','2026-10']}`. */
export interface FunctionCallInput {
  readonly id: string
  readonly fn: string
  readonly args: readonly (string | number | boolean | null)[]
}

export type FunctionCallResult =
  | { readonly id: string; readonly value: string | number | boolean | null }
  | { readonly id: string; readonly error: string; readonly message: string }

export interface TrialBalanceRow {
  readonly code: string
  readonly name: string
  readonly nameEn: string
  readonly level: number
  readonly isLeaf: boolean
  readonly openingDebit: string
  readonly openingCredit: string
  readonly debit: string
  readonly credit: string
  readonly closingDebit: string
  readonly closingCredit: string
  readonly balance: string
}

export interface TrialBalance {
  readonly rows: readonly TrialBalanceRow[]
  readonly totals: Partial<Record<'openingDebit' | 'openingCredit' | 'debit' | 'credit' | 'closingDebit' | 'closingCredit', string>>
  readonly balanced: boolean
}

export interface ImportReject {
  readonly row: number
  readonly reason: string
  readonly raw?: string
}

export interface ImportSummary {
  readonly id?: string | number
  readonly fileName?: string
  readonly format: string
  readonly read: number
  readonly imported: number
  readonly duplicates: number
  readonly rejected: number
  readonly rejects?: readonly ImportReject[]
}

export interface MatchSummary {
  readonly counts: Readonly<Record<string, number>>
  readonly exceptions?: Readonly<Record<string, number>>
}

export interface MatchException {
  readonly id: string | number
  readonly type: string
  readonly status: string
  readonly orderNo?: string | null
  readonly store?: string | null
  readonly amount?: string | null
  readonly difference?: string | null
  readonly message?: string | null
  readonly reason?: string | null
}

export interface MoneyLine {
  /** The record's natural key (`alipay|2024…|payment`), which a manual match accepts. */
  readonly id?: string | number
  /** payment, refund, fee, commission, payout, bank … (or the record kind when the role says nothing more). */
  readonly kind?: string
  /** Where the record came from: `alipay`, `taobao`, `bank:ICBC-6222` … */
  readonly source?: string | null
  readonly tradeNo?: string | null
  readonly date?: string | null
  readonly amount: string
  readonly description?: string | null
  /** A candidate order (for money without an order): the order number `match manual` takes. */
  readonly orderNo?: string | null
}

export interface ExceptionDetail {
  readonly exception: MatchException
  /** Facts of the order side (order number, store, date, amount, difference …). */
  readonly order: Readonly<Record<string, string | number | null>> | null
  /** The order records in the exception (items of kind `order`): none for money without an order. */
  readonly orders?: readonly MoneyLine[]
  /** Settlement and bank records in the exception (items of kind `settlementTxn` / `bankTxn`). */
  readonly money: readonly MoneyLine[]
  readonly candidates?: readonly MoneyLine[]
  /** Where resolving books the difference (open AMOUNT_MISMATCH): the default account, which the person may change. */
  readonly treatment?: { readonly account: string; readonly name?: string; readonly nameEn?: string }
}

export type ExceptionAction = 'resolve' | 'ignore' | 'approve'

export interface VoucherLine {
  readonly accountCode: string
  readonly accountName?: string
  /** 辅助核算: the store the line is booked for */
  readonly store?: string
  readonly summary?: string
  readonly debit: string
  readonly credit: string
}

export interface Voucher {
  readonly id?: string | number
  readonly number?: string | number | null
  readonly word?: string
  readonly date: string
  readonly period?: string
  readonly status?: string
  readonly summary?: string
  readonly total?: string
  readonly store?: string
  /** Number of lines. */
  readonly lineCount?: number
  /** In a posting preview: `auto` (posts at once) or `draft` (waits for an approver). */
  readonly approval?: string
  readonly lines: readonly VoucherLine[]
}

/** A record a posting run leaves out, and why (open exception, not matched, no profile …). */
export interface HeldItem {
  readonly reason: string
  readonly message: string
  readonly ref: string
  /** the reason in both languages, when the service gives it */
  readonly messages?: { readonly zh: string; readonly en: string }
  readonly store?: string
}

export interface PostingPreview {
  readonly vouchers: readonly Voucher[]
  readonly held?: readonly HeldItem[]
}

export interface PostingRun {
  readonly vouchers: number
  readonly lines: number
}

/** A sign-in session or API token of the signed-in user (never its secret). */
export interface TokenInfo {
  readonly id: number
  readonly kind: 'session' | 'api'
  readonly name: string
  readonly createdAt: string
  readonly expiresAt: string
  readonly lastUsedAt: string | null
  /** the token this pane signed in with */
  readonly current: boolean
}

/** A freshly minted API token: the secret is shown once. */
export interface MintedToken {
  readonly id: number
  readonly token: string
  readonly expiresAt: string
}

/** A user with a role in the company (users.manage). */
export interface CompanyUser {
  readonly id: number
  readonly username: string
  readonly displayName: string
  readonly role: string
  readonly disabled: boolean
  readonly locked: boolean
}

/** A store (店铺): channel, tax code, bank account and posting-role overrides. */
export interface StoreInfo {
  readonly code: string
  readonly name: string
  readonly channel: string
  readonly taxCode: string | null
  readonly bankAccount: string | null
  readonly overrides: Readonly<Record<string, string>>
  readonly createdAt?: string
}

export interface StoreChange {
  readonly name?: string
  readonly channel?: string
  readonly taxCode?: string | null
  readonly bankAccount?: string | null
  readonly overrides?: Readonly<Record<string, string>>
}

/** What a mapping profile can map, per record kind (GET …/import-profiles). */
export interface ProfileFields {
  readonly profiles: ReadonlyArray<{ readonly name: string; readonly record: string; readonly columns: Readonly<Record<string, string>> }>
  readonly fields: Readonly<Record<string, ReadonlyArray<{ readonly field: string; readonly required: boolean }>>>
}

export interface ProfileInput {
  readonly record: 'settlementTxn' | 'bankTxn' | 'order'
  readonly channel?: string
  readonly currency?: string
  readonly columns: Readonly<Record<string, string>>
}

/** One store and currency of 对账汇总 (GET …/reconcile); amounts as decimal strings. */
export interface ReconcileRow {
  readonly store: string
  readonly channel: string
  readonly currency: string
  readonly orders: number
  readonly expected: string | null
  readonly received: string | null
  readonly fees: string | null
  readonly refunds: string | null
  readonly payouts: string | null
  readonly foundInBank: string | null
  readonly difference: string | null
  readonly walletMovement: string | null
  readonly openExceptions: Readonly<Record<string, number>>
  readonly held: number
  /** the list routes behind each figure (paths under /api/v1; `POST …` entries are not lists) */
  readonly drill: Readonly<Record<string, readonly string[]>>
}

/** An order, bill line, bank line or voucher, as drill-down and search show it (amounts as decimal strings). */
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
  readonly voucher?: string
}

export interface VoucherSource {
  readonly kind: string
  readonly id: string
  readonly records: readonly SourceRecord[]
}

export interface SearchResult {
  readonly orders: readonly SourceRecord[]
  readonly settlementTxns: readonly SourceRecord[]
  readonly bankTxns: readonly SourceRecord[]
  readonly vouchers: readonly SourceRecord[]
}

export interface CompanySettings {
  readonly tolerance?: string
  readonly mappings?: Readonly<Record<string, string>>
  readonly rules?: readonly string[]
}

// 2. Errors ----------------------------------------------------------------------

export type ApiErrorKind =
  | 'network' | 'unauthorized' | 'forbidden' | 'validation' | 'notAvailable' | 'notFound' | 'conflict' | 'server'

export class ApiError extends Error {
  readonly kind: ApiErrorKind
  readonly status: number
  readonly code: string
  readonly details: unknown

  constructor(kind: ApiErrorKind, status: number, code: string, message: string, details?: unknown) {
    super(message)
    this.name = 'ApiError'
    this.kind = kind
    this.status = status
    this.code = code
    this.details = details
  }

  /**
   * Field-level messages from a validation error, keyed by field name. Accepts
   * `details.fields: {name: msg}`, zod-style `details.issues: [{path, message}]`
   * and `details: [{path, message}]`.
   */
  fieldErrors(): Record<string, string> {
    const result: Record<string, string> = {}
    const details = this.details
    if (!isRecord(details) && !Array.isArray(details)) return result
    const fields = isRecord(details) ? details.fields : undefined
    if (isRecord(fields)) {
      for (const [name, message] of Object.entries(fields)) {
        if (typeof message === 'string') result[name] = message
      }
    }
    const issues = Array.isArray(details) ? details : isRecord(details) ? (Array.isArray(fields) ? fields : details.issues) : undefined
    if (Array.isArray(issues)) {
      for (const issue of issues) {
        if (!isRecord(issue) || typeof issue.message !== 'string') continue
        const path = Array.isArray(issue.path) ? issue.path.map(String).join('.') : typeof issue.path === 'string' ? issue.path : ''
        if (path !== '' && result[path] === undefined) result[path] = issue.message
      }
    }
    return result
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function kindOfStatus(status: number): ApiErrorKind {
  if (status === 401) return 'unauthorized'
  if (status === 403) return 'forbidden'
  if (status === 404) return 'notFound'
  if (status === 409) return 'conflict'
  if (status === 400 || status === 413 || status === 415 || status === 422) return 'validation'
  return 'server'
}

async function errorFromResponse(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '')
  let body: unknown = undefined
  try {
    body = text === '' ? undefined : JSON.parse(text)
  } catch {
    body = undefined
  }
  const error = isRecord(body) && isRecord(body.error) ? body.error : undefined
  if (error === undefined) {
    // A 404 without our JSON error body means the route itself is missing.
    if (response.status === 404 || response.status === 405) {
      return new ApiError('notAvailable', response.status, 'NOT_AVAILABLE', 'endpoint not available on this service')
    }
    return new ApiError(kindOfStatus(response.status), response.status, `HTTP_${response.status}`, text.slice(0, 200) || response.statusText)
  }
  const code = typeof error.code === 'string' ? error.code : `HTTP_${response.status}`
  const message = typeof error.message === 'string' ? error.message : response.statusText
  // The service answers unknown routes with {"error":{"code":"NOT_FOUND","message":"no route GET /api/..."}}.
  if (response.status === 404 && /^no route /.test(message)) {
    return new ApiError('notAvailable', 404, 'NOT_AVAILABLE', message)
  }
  return new ApiError(kindOfStatus(response.status), response.status, code, message, error.details)
}

// 3. The client ------------------------------------------------------------------

export interface UploadProgress {
  readonly loaded: number
  readonly total: number
}

/**
 * Where an import stands. `upload`: the files are on their way (percent only
 * when the transport can count bytes); `parse`: the service reads, checks and
 * writes the rows of file `fileIndex` of `files`; `insert`: it writes the last
 * rows and commits. Counts run over all files of the upload.
 */
export interface ImportProgress {
  readonly phase: 'upload' | 'parse' | 'insert'
  /** 0-100, or null while unknown (show an indeterminate bar). */
  readonly percent: number | null
  readonly file: string | null
  readonly fileIndex: number
  readonly files: number
  readonly rows: number
  readonly records: number
  readonly rejects: number
}

export interface ServerEvent {
  readonly event: string
  readonly data: string
}

/**
 * Reads a `text/event-stream` body event by event with a stream reader (an
 * EventSource cannot POST or send a bearer token). Comments (`: keep-alive`)
 * and events without a name are skipped; `\r\n` line ends are accepted.
 * @example await readServerEvents(response.body, (event) => console.log(event.event, JSON.parse(event.data)))
 */
export async function readServerEvents(body: ReadableStream<Uint8Array>, onEvent: (event: ServerEvent) => void): Promise<void> {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  const dispatch = (block: string) => {
    let event = ''
    const data: string[] = []
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith('event:')) event = line.slice(6).trim()
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''))
    }
    if (event !== '') onEvent({ event, data: data.join('\n') })
  }
  for (;;) {
    const { done, value } = await reader.read()
    buffer += done ? decoder.decode() : decoder.decode(value, { stream: true })
    const blocks = buffer.split(/\r?\n\r?\n/)
    buffer = blocks.pop() ?? ''
    for (const block of blocks) dispatch(block)
    if (done) {
      if (buffer.trim() !== '') dispatch(buffer)
      return
    }
  }
}

export interface LedgerApi {
  login(username: string, password: string): Promise<Session>
  /** Any JSON call under /api/v1 (feature clients such as addin/invoices-api.ts build on it); absent in fakes. */
  call?(method: string, path: string, body?: unknown): Promise<unknown>
  companies(): Promise<Company[]>
  accounts(company: string): Promise<Account[]>
  periods(company: string): Promise<Period[]>
  trialBalance(company: string, period: string): Promise<TrialBalance>
  vouchers(company: string, query: { period?: string; status?: string }): Promise<Voucher[]>
  voucher(company: string, id: string | number): Promise<Voucher>
  approveVoucher(company: string, id: string | number): Promise<Voucher>
  /**
   * Uploads and imports files. Progress comes from the service's event stream
   * on the same request (fetch + stream reader); a service that answers plain
   * JSON is read as before, and without streams in the page the upload goes
   * through XHR with upload progress only.
   */
  /** `force`: import files whose rows contradict their own running balance or stated totals (refused otherwise). */
  uploadImport(company: string, files: readonly File[], options: { store?: string; force?: boolean; onProgress?: (progress: ImportProgress) => void }): Promise<ImportSummary[]>
  importRejects(company: string, id: string | number): Promise<ImportReject[]>
  runMatch(company: string, period: string): Promise<MatchSummary>
  /** The counts of GET /match without running matching (after a decision). */
  matchSummary(company: string, period: string): Promise<MatchSummary>
  exceptions(company: string, query: { status?: string; type?: string; period?: string }): Promise<MatchException[]>
  exceptionDetail(company: string, id: string | number): Promise<ExceptionDetail>
  /** `account`: where a resolved difference is booked (a leaf account; the company default when absent). */
  actOnException(company: string, id: string | number, action: ExceptionAction, reason: string, options?: { account?: string }): Promise<{ status: string }>
  /** Matches an order (by its order key) with settlement transactions (by their refs) by hand. */
  manualMatch(company: string, orderKey: string, moneyRefs: readonly (string | number)[], reason: string): Promise<{ status: string }>
  previewPosting(company: string, period: string): Promise<PostingPreview>
  runPosting(company: string, period: string): Promise<PostingRun>
  settings(company: string): Promise<CompanySettings>
  saveSettings(company: string, settings: CompanySettings): Promise<CompanySettings>
  /** What keeps the period from closing (h-close's route; `notAvailable` on older services). */
  closeCheck(company: string, period: string): Promise<CloseCheck>
  /** 结账; `force` with a reason closes despite blockers (admin, on services that support it). */
  closePeriod(company: string, period: string, options?: { force?: boolean; reason?: string }): Promise<CloseResult>
  /** 反结账 (admin, audited). */
  reopenPeriod(company: string, period: string, reason: string): Promise<void>
  /** `account`: the account of a 明细账 (account-detail), its sub-accounts included. */
  report(company: string, name: ReportName, period: string, options?: { account?: string }): Promise<ReportData>
  /** 红字冲销 of a posted voucher. */
  reverseVoucher(company: string, id: string | number): Promise<Voucher>
  /** Periods (YYYY-MM) of imported records, newest batch first: of the batches given, or of the latest batches. */
  importedPeriods(company: string, batchIds?: readonly (string | number)[]): Promise<string[]>
  /** Evaluates LEDGER.* calls through POST /functions/batch, as the worksheet functions do. */
  evaluateFunctions(company: string, calls: readonly FunctionCallInput[]): Promise<FunctionCallResult[]>
  /** the signed-in user's live tokens (sessions and API tokens) and the longest API token life */
  tokens(): Promise<{ tokens: TokenInfo[]; maxDays: number }>
  /** mints an API token; the service asks for the password again */
  createToken(options: { name: string; days?: number; password: string }): Promise<MintedToken>
  revokeToken(id: number): Promise<void>
  users(company: string): Promise<CompanyUser[]>
  setUserDisabled(company: string, username: string, disabled: boolean): Promise<void>
  unlockUser(company: string, username: string): Promise<void>
  stores(company: string): Promise<StoreInfo[]>
  addStore(company: string, store: StoreChange & { code: string; channel: string }): Promise<StoreInfo>
  updateStore(company: string, code: string, change: StoreChange): Promise<StoreInfo>
  importProfiles(company: string): Promise<ProfileFields>
  reconcile(company: string, period: string): Promise<ReconcileRow[]>
  voucherSources(company: string, id: string | number): Promise<VoucherSource[]>
  /** 反审核: an approved, unposted voucher back to draft */
  unapproveVoucher(company: string, id: string | number, reason: string): Promise<Voucher>
  search(company: string, q: string): Promise<SearchResult>
  /** GET a list route the service named (a `drill` path under /api/v1): its rows */
  drillRows(path: string, limit?: number): Promise<Record<string, unknown>[]>
  saveImportProfile(company: string, name: string, profile: ProfileInput): Promise<void>
}

/** Sends one multipart upload and reports progress; fetch cannot report upload progress, XHR can. */
export type UploadTransport = (request: {
  url: string
  headers: Record<string, string>
  body: FormData
  onProgress?: (progress: UploadProgress) => void
}) => Promise<Response>

export interface ApiClientOptions {
  readonly baseUrl: string
  readonly getToken: () => string | null
  readonly fetch?: typeof fetch
  readonly upload?: UploadTransport
  /** Progress of imports over the event stream (default: when the page has ReadableStream). */
  readonly streamImports?: boolean
  /** Waits between two polls of an import job whose stream broke off (default 1 s). */
  readonly pollIntervalMs?: number
  /** Called on every 401 so the store can drop the session. */
  readonly onUnauthorized?: () => void
}

export function xhrUpload(request: Parameters<UploadTransport>[0]): Promise<Response> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', request.url)
    for (const [name, value] of Object.entries(request.headers)) xhr.setRequestHeader(name, value)
    xhr.upload.onprogress = (event) => request.onProgress?.({ loaded: event.loaded, total: event.lengthComputable ? event.total : 0 })
    xhr.onload = () => resolve(new Response(xhr.responseText, { status: xhr.status, headers: { 'content-type': xhr.getResponseHeader('content-type') ?? '' } }))
    xhr.onerror = () => reject(new TypeError('network error'))
    xhr.send(request.body)
  })
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '')
}

function query(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams()
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(name, value)
  const text = search.toString()
  return text === '' ? '' : `?${text}`
}

/** Unwraps `{items:[...]}`, `{<key>:[...]}` or a bare array, whichever the route returns. */
function listOf<T>(body: unknown, key: string): T[] {
  if (Array.isArray(body)) return body as T[]
  if (isRecord(body)) {
    const value = body[key] ?? body.items ?? body.data
    if (Array.isArray(value)) return value as T[]
  }
  return []
}

/**
 * Voucher lines arrive either as the ledger stores them (`{account, side, amount}`)
 * or already split (`{accountCode, debit, credit}`); the pane uses the split form.
 */
export function normalizeVoucher(raw: unknown): Voucher {
  const record = isRecord(raw) ? raw : {}
  const text = (value: unknown) => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined)
  const lines = Array.isArray(record.lines) ? record.lines : []
  return {
    id: typeof record.id === 'number' || typeof record.id === 'string' ? record.id : undefined,
    number: typeof record.number === 'number' || typeof record.number === 'string' ? record.number : null,
    word: text(record.word),
    date: text(record.date) ?? '',
    period: text(record.period),
    status: text(record.status),
    summary: text(record.summary),
    total: text(record.total),
    store: text(record.store),
    ...(text(record.approval) === undefined ? {} : { approval: text(record.approval) }),
    lineCount: typeof record.lines === 'number' ? record.lines : lines.length,
    // A posting preview carries its lines as `entries` (the count stays in `lines`).
    lines: (lines.length === 0 && Array.isArray(record.entries) ? record.entries : lines).map((line): VoucherLine => {
      const item = isRecord(line) ? line : {}
      const amount = text(item.amount) ?? ''
      const side = text(item.side)
      return {
        accountCode: text(item.accountCode) ?? text(item.account) ?? '',
        accountName: text(item.accountName),
        ...(text(item.store) !== undefined && text(item.store) !== '' ? { store: text(item.store) } : {}),
        summary: text(item.summary),
        debit: text(item.debit) ?? (side === 'debit' ? amount : ''),
        credit: text(item.credit) ?? (side === 'credit' ? amount : ''),
      }
    }),
  }
}

function objectOf<T>(body: unknown, key: string): T {
  if (isRecord(body) && isRecord(body[key])) return body[key] as T
  return body as T
}

const textOf = (value: unknown): string | undefined => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined)

/** `{counts:{matches, exceptions, openByType}}` from GET /match, or an already flat summary. */
function matchSummaryOf(body: unknown): MatchSummary {
  const counts = isRecord(body) && isRecord(body.counts) ? body.counts : {}
  const numbers = (value: unknown): Record<string, number> =>
    isRecord(value) ? Object.fromEntries(Object.entries(value).map(([key, count]) => [key, Number(count)])) : {}
  if (isRecord(counts.matches)) return { counts: numbers(counts.matches), exceptions: numbers(counts.openByType) }
  return { counts: numbers(counts), exceptions: isRecord(body) ? numbers(body.exceptions) : {} }
}

/** The service's exception view: orderKey / why; the pane's: orderNo / message. */
export function normalizeException(raw: unknown): MatchException {
  const record = isRecord(raw) ? raw : {}
  return {
    id: typeof record.id === 'number' || typeof record.id === 'string' ? record.id : '',
    type: textOf(record.type) ?? '',
    status: textOf(record.status) ?? '',
    orderNo: textOf(record.orderNo) ?? textOf(record.orderKey) ?? null,
    store: textOf(record.store) ?? null,
    amount: textOf(record.amount) ?? null,
    difference: textOf(record.difference) ?? null,
    message: textOf(record.message) ?? textOf(record.why) ?? null,
    reason: textOf(record.reason) ?? textOf(record.decisionReason) ?? null,
  }
}

/** `alipay|2024030100000000010|payment` -> source `alipay`, id `2024030100000000010`; other refs stay whole. */
function splitRef(ref: string): { source: string | null; id: string } {
  const parts = ref.split('|')
  return parts.length === 3 ? { source: parts[0] ?? null, id: parts[1] ?? ref } : { source: null, id: ref }
}

/**
 * One exception with its items, as GET /exceptions/:id returns them
 * (service/matching/queries.ts getException): `items: [{kind, ref, role, amount}]`
 * where kind is `order`, `settlementTxn` or `bankTxn` and role is `order`, the
 * txn kind (payment, refund, fee, payout …) or `bank`. Order items go on the
 * order side, settlement and bank items on the money side. `candidates` (ranked
 * by the service for open MISSING_PAYMENT / ORPHAN_PAYMENT / AMOUNT_MISMATCH)
 * are txns for an order's exception and orders for money without one; items
 * with role `candidate` (older services) are offered too.
 */
function exceptionDetailOf(raw: unknown): ExceptionDetail {
  const record = isRecord(raw) ? raw : {}
  if (isRecord(record.exception)) return raw as ExceptionDetail
  const exception = normalizeException(record)
  const items = (Array.isArray(record.items) ? record.items : []).filter(isRecord)
  const line = (item: Record<string, unknown>): MoneyLine => {
    const ref = textOf(item.ref)
    const split = ref === undefined ? undefined : splitRef(ref)
    const role = textOf(item.role)
    const kind = role === undefined || ['order', 'candidate', 'subject'].includes(role) ? textOf(item.kind) : role
    return { id: ref, kind, source: split?.source ?? undefined, tradeNo: split?.id ?? null, amount: textOf(item.amount) ?? '' }
  }
  const isOrder = (item: Record<string, unknown>) => textOf(item.kind) === 'order' || textOf(item.kind) === 'orderLine'
  const isCandidate = (item: Record<string, unknown>) => textOf(item.role) === 'candidate'
  const order: Record<string, string | number | null> = {}
  for (const key of ['orderKey', 'channel', 'store', 'date', 'amount', 'difference']) {
    const value = record[key]
    if (typeof value === 'string' || typeof value === 'number') order[key] = value
  }
  const treatment = isRecord(record.treatment) && typeof record.treatment.account === 'string'
    ? { account: record.treatment.account, name: textOf(record.treatment.name), nameEn: textOf(record.treatment.nameEn) }
    : undefined
  return {
    exception,
    order,
    ...(treatment === undefined ? {} : { treatment }),
    orders: items.filter((item) => isOrder(item) && !isCandidate(item)).map(line),
    money: items.filter((item) => !isOrder(item) && !isCandidate(item)).map(line),
    candidates: [
      ...items.filter((item) => !isOrder(item) && isCandidate(item)).map(line),
      ...(Array.isArray(record.candidates) ? record.candidates : []).filter(isRecord).map(candidateLine),
    ],
  }
}

/** A ranked candidate of GET /exceptions/:id: `{kind, ref, role, orderNo, orderRef, date, amount, …}`. */
function candidateLine(item: Record<string, unknown>): MoneyLine {
  const ref = textOf(item.ref)
  const split = ref === undefined ? undefined : splitRef(ref)
  const orderNo = textOf(item.orderNo) ?? null
  return {
    id: ref, kind: textOf(item.role) ?? textOf(item.kind), source: split?.source ?? textOf(item.channel) ?? null,
    tradeNo: orderNo ?? split?.id ?? null, date: textOf(item.date) ?? null, amount: textOf(item.amount) ?? '',
    ...(textOf(item.kind) === 'order' ? { orderNo } : {}),
  }
}

/** Items a posting run holds back: `held: [{source: {kind, id}, reason, message}]`. */
function heldOf(body: unknown): HeldItem[] {
  const held = isRecord(body) && Array.isArray(body.held) ? body.held : []
  return held.filter(isRecord).map((item) => {
    const message = item.message
    const both = isRecord(message) && typeof message.zh === 'string' && typeof message.en === 'string' ? { zh: message.zh, en: message.en } : undefined
    return {
      reason: textOf(item.reason) ?? '',
      message: both?.en ?? textOf(message) ?? '',
      ref: isRecord(item.source) ? textOf(item.source.id) ?? '' : '',
      ...(both === undefined ? {} : { messages: both }),
      ...(textOf(item.store) === undefined ? {} : { store: textOf(item.store) }),
    }
  })
}

function statusOf(body: unknown, fallback = ''): { status: string } {
  return { status: isRecord(body) && typeof body.status === 'string' ? body.status : fallback }
}

/**
 * The pane's settings view of the company record: tolerance and account
 * mappings are the posting settings (`settings.posting.tolerance`,
 * `settings.posting.accounts`), rules are the matching rules
 * (`settings.matching.rules`), one JSON object per line in the pane.
 */
function settingsOf(body: unknown): CompanySettings {
  const company = isRecord(body) && isRecord(body.company) ? body.company : undefined
  const settings = company !== undefined && isRecord(company.settings) ? company.settings : {}
  const posting = isRecord(settings.posting) ? settings.posting : {}
  const matching = isRecord(settings.matching) ? settings.matching : {}
  const accounts = isRecord(posting.accounts) ? posting.accounts : {}
  return {
    tolerance: typeof posting.tolerance === 'string' ? posting.tolerance : undefined,
    mappings: Object.fromEntries(Object.entries(accounts).filter((entry): entry is [string, string] => typeof entry[1] === 'string')),
    rules: Array.isArray(matching.rules) ? matching.rules.map((rule) => JSON.stringify(rule)) : [],
  }
}

/** The PATCH body: the service merges `posting` and `matching` into what is stored and validates both. */
function settingsPatch(settings: CompanySettings): Record<string, unknown> {
  const rules = (settings.rules ?? []).map((line, index) => {
    try {
      return JSON.parse(line) as unknown
    } catch {
      throw new ApiError('validation', 400, 'VALIDATION', `rule ${index + 1} is not JSON`, { fields: [{ path: 'rules', message: `rule ${index + 1} is not a JSON object like {"id":"small","when":{"differenceMax":"1.00"},"then":{"action":"ignore"}}` }] })
    }
  })
  return {
    posting: { ...(settings.tolerance === undefined ? {} : { tolerance: settings.tolerance }), accounts: settings.mappings ?? {} },
    ...(settings.rules === undefined ? {} : { matching: { rules } }),
  }
}

function startOf(files: number): ImportProgress {
  return { phase: 'upload', percent: null, file: null, fileIndex: 0, files, rows: 0, records: 0, rejects: 0 }
}

function importProgressOf(data: Record<string, unknown>): ImportProgress {
  const count = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0)
  const phase = data.phase === 'parse' || data.phase === 'insert' ? data.phase : 'upload'
  return {
    phase,
    percent: typeof data.percent === 'number' ? Math.max(0, Math.min(100, data.percent)) : null,
    file: typeof data.file === 'string' ? data.file : null,
    fileIndex: count(data.fileIndex), files: count(data.files), rows: count(data.rows), records: count(data.records), rejects: count(data.rejects),
  }
}

/** The error of an SSE `error` event or a failed job, mapped like the same error on a plain response. */
function apiErrorOf(data: unknown): ApiError {
  const error = isRecord(data) && isRecord(data.error) ? data.error : {}
  const code = typeof error.code === 'string' ? error.code : 'INTERNAL'
  const status = isRecord(data) && typeof data.status === 'number' ? data.status : STATUS_OF_CODE[code] ?? 500
  return new ApiError(kindOfStatus(status), status, code, typeof error.message === 'string' ? error.message : code, error.details)
}

/** HTTP statuses of the service's error codes that an import can end with (a failed job carries only the code). */
const STATUS_OF_CODE: Record<string, number> = { BAD_REQUEST: 400, VALIDATION: 400, NOT_FOUND: 404, UNAUTHORIZED: 401, FORBIDDEN: 403, PAYLOAD_TOO_LARGE: 413, UNSUPPORTED_FORMAT: 415, BUSY: 503 }

function importSummariesOf(body: unknown): ImportSummary[] {
  const list = listOf<ImportSummary>(body, 'imports')
  if (list.length > 0) return list
  const files = listOf<ImportSummary>(body, 'files')
  return files.length > 0 ? files : [body as ImportSummary]
}

/**
 * @example
 * const api = createApiClient({ baseUrl: 'http://localhost:8787', getToken: () => store.getState().session?.token ?? null })
 * const tb = await api.trialBalance('DEMO', '2026-10')
 */
export function createApiClient(options: ApiClientOptions): LedgerApi {
  const fetcher = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init))
  const upload = options.upload ?? xhrUpload
  const base = () => `${trimSlash(options.baseUrl)}/api/v1`

  function headers(json: boolean): Record<string, string> {
    const result: Record<string, string> = { accept: 'application/json' }
    if (json) result['content-type'] = 'application/json'
    const token = options.getToken()
    if (token !== null) result.authorization = `Bearer ${token}`
    return result
  }

  async function settle(response: Response): Promise<unknown> {
    if (!response.ok) {
      const error = await errorFromResponse(response)
      if (error.kind === 'unauthorized') options.onUnauthorized?.()
      throw error
    }
    if (response.status === 204) return undefined
    const text = await response.text()
    return text === '' ? undefined : JSON.parse(text)
  }

  async function request(method: string, path: string, body?: unknown): Promise<unknown> {
    let response: Response
    try {
      response = await fetcher(`${base()}${path}`, {
        method,
        headers: headers(body !== undefined),
        body: body === undefined ? undefined : JSON.stringify(body),
      })
    } catch (cause) {
      throw new ApiError('network', 0, 'NETWORK', cause instanceof Error ? cause.message : 'network error')
    }
    return settle(response)
  }

  const company = (code: string) => `/companies/${encodeURIComponent(code)}`

  /** The plain POST through the upload transport (XHR: upload progress, then the 201 body). */
  async function plainImport(url: string, form: FormData, files: number, onProgress?: (progress: ImportProgress) => void): Promise<unknown> {
    let response: Response
    try {
      response = await upload({
        url, headers: headers(false), body: form,
        onProgress: ({ loaded, total }) => onProgress?.({ ...startOf(files), percent: total > 0 ? Math.round((loaded / total) * 100) : null }),
      })
    } catch (cause) {
      throw new ApiError('network', 0, 'NETWORK', cause instanceof Error ? cause.message : 'network error')
    }
    return settle(response)
  }

  /**
   * The POST with `Accept: text/event-stream`: progress events, then `done`
   * (the 201 body) or `error`. If the stream breaks off after the job event,
   * the import is still running on the service: poll the job for its end.
   */
  async function streamedImport(url: string, form: FormData, files: number, onProgress?: (progress: ImportProgress) => void): Promise<unknown> {
    onProgress?.({ ...startOf(files), percent: null })
    let response: Response
    try {
      response = await fetcher(url, { method: 'POST', headers: { ...headers(false), accept: 'text/event-stream' }, body: form })
    } catch (cause) {
      throw new ApiError('network', 0, 'NETWORK', cause instanceof Error ? cause.message : 'network error')
    }
    if (!response.ok || !(response.headers.get('content-type') ?? '').startsWith('text/event-stream') || response.body === null) return settle(response)
    let location: string | null = null
    let outcome: { done: unknown } | { error: ApiError } | null = null
    try {
      await readServerEvents(response.body, (event) => {
        const data: unknown = JSON.parse(event.data)
        if (event.event === 'job' && isRecord(data) && typeof data.location === 'string') location = data.location
        else if (event.event === 'progress' && isRecord(data)) onProgress?.(importProgressOf(data))
        else if (event.event === 'done') outcome = { done: data }
        else if (event.event === 'error') outcome = { error: apiErrorOf(data) }
      })
    } catch {
      // The connection dropped mid-stream; the job below says how the import ended.
    }
    const ended = outcome as { done: unknown } | { error: ApiError } | null
    if (ended !== null) {
      if ('error' in ended) throw ended.error
      return ended.done
    }
    if (location === null) throw new ApiError('network', 0, 'NETWORK', 'the import stream ended before the import started')
    return pollJob(location, onProgress)
  }

  async function pollJob(location: string, onProgress?: (progress: ImportProgress) => void): Promise<unknown> {
    const path = location.replace(/^\/api\/v1/, '')
    for (;;) {
      const job = await request('GET', path)
      if (!isRecord(job)) throw new ApiError('network', 0, 'NETWORK', 'unreadable import job')
      if (job.status === 'done') return { imports: job.imports }
      if (job.status === 'error') throw apiErrorOf(job)
      if (isRecord(job.progress)) onProgress?.(importProgressOf(job.progress))
      await new Promise((resolve) => setTimeout(resolve, options.pollIntervalMs ?? 1000))
    }
  }

  return {
    async login(username, password) {
      return (await request('POST', '/auth/login', { username, password })) as Session
    },
    async companies() {
      return listOf<Company>(await request('GET', '/companies'), 'companies')
    },
    async accounts(code) {
      return listOf<Account>(await request('GET', `${company(code)}/accounts`), 'accounts')
    },
    async periods(code) {
      return listOf<Period>(await request('GET', `${company(code)}/periods`), 'periods')
    },
    async trialBalance(code, period) {
      return (await request('GET', `${company(code)}/reports/trial-balance${query({ period })}`)) as TrialBalance
    },
    async vouchers(code, filter) {
      return listOf<unknown>(await request('GET', `${company(code)}/vouchers${query(filter)}`), 'vouchers').map(normalizeVoucher)
    },
    async voucher(code, id) {
      return normalizeVoucher(objectOf<unknown>(await request('GET', `${company(code)}/vouchers/${encodeURIComponent(String(id))}`), 'voucher'))
    },
    async approveVoucher(code, id) {
      return normalizeVoucher(objectOf<unknown>(await request('POST', `${company(code)}/vouchers/${encodeURIComponent(String(id))}/approve`), 'voucher'))
    },
    async uploadImport(code, files, { store, force, onProgress }) {
      const form = new FormData()
      for (const file of files) form.append('file', file, file.name)
      if (store !== undefined && store !== '') form.append('store', store)
      if (force === true) form.append('force', 'true')
      const url = `${base()}${company(code)}/imports`
      const streaming = options.streamImports ?? typeof ReadableStream !== 'undefined'
      const body = streaming ? await streamedImport(url, form, files.length, onProgress) : await plainImport(url, form, files.length, onProgress)
      return importSummariesOf(body)
    },
    async importRejects(code, id) {
      return listOf<ImportReject>(await request('GET', `${company(code)}/imports/${encodeURIComponent(String(id))}/rejects`), 'rejects')
    },
    async runMatch(code, period) {
      await request('POST', `${company(code)}/match/run`, {})
      return matchSummaryOf(await request('GET', `${company(code)}/match${query({ period })}`))
    },
    async matchSummary(code, period) {
      return matchSummaryOf(await request('GET', `${company(code)}/match${query({ period })}`))
    },
    async exceptions(code, filter) {
      return listOf<unknown>(await request('GET', `${company(code)}/exceptions${query(filter)}`), 'exceptions').map(normalizeException)
    },
    async exceptionDetail(code, id) {
      return exceptionDetailOf(objectOf<unknown>(await request('GET', `${company(code)}/exceptions/${encodeURIComponent(String(id))}`), 'exception'))
    },
    async actOnException(code, id, action, reason, actOptions = {}) {
      const body = actOptions.account === undefined || actOptions.account === '' ? { reason } : { reason, account: actOptions.account }
      return statusOf(await request('POST', `${company(code)}/exceptions/${encodeURIComponent(String(id))}/${action}`, body))
    },
    async manualMatch(code, orderKey, moneyRefs, reason) {
      return statusOf(await request('POST', `${company(code)}/match/manual`, { order: orderKey, txns: moneyRefs.map(String), reason }), 'matched')
    },
    async previewPosting(code, period) {
      const body = await request('POST', `${company(code)}/posting/preview`, { period })
      return { vouchers: listOf<unknown>(body, 'vouchers').map(normalizeVoucher), held: heldOf(body) }
    },
    async runPosting(code, period) {
      const body = await request('POST', `${company(code)}/posting/run`, { period })
      const written = isRecord(body) && isRecord(body.written) ? body.written : isRecord(body) ? body : {}
      return { vouchers: Number(written.vouchers ?? 0), lines: Number(written.lines ?? 0) }
    },
    async settings(code) {
      return settingsOf(await request('GET', company(code)))
    },
    async saveSettings(code, settings) {
      return settingsOf(await request('PATCH', `${company(code)}/settings`, settingsPatch(settings)))
    },
    async closeCheck(code, period) {
      const body = await request('GET', `${company(code)}/periods/${encodeURIComponent(period)}/close-check`)
      const record = isRecord(body) ? body : {}
      return {
        period: textOf(record.period) ?? period,
        ready: record.ready === true,
        blockers: (Array.isArray(record.blockers) ? record.blockers : []).filter(isRecord).map((item) => ({
          kind: textOf(item.kind) ?? '',
          count: Number(item.count ?? 0),
          ...(isRecord(item.message) && typeof item.message.zh === 'string' && typeof item.message.en === 'string' ? { message: { zh: item.message.zh, en: item.message.en } } : {}),
          items: Array.isArray(item.items) ? item.items : [],
        })),
      }
    },
    async closePeriod(code, period, closeOptions = {}) {
      const body = await request('POST', `${company(code)}/periods/${encodeURIComponent(period)}/close`, closeOptions.force === true ? { force: true, reason: closeOptions.reason ?? '' } : {})
      const record = isRecord(body) ? body : {}
      return { period: textOf(record.period) ?? period, closingVoucher: typeof record.closingVoucher === 'number' ? record.closingVoucher : null, alreadyClosed: record.alreadyClosed === true }
    },
    async reopenPeriod(code, period, reason) {
      await request('POST', `${company(code)}/periods/${encodeURIComponent(period)}/reopen`, { reason })
    },
    async report(code, name, period, reportOptions = {}) {
      return (await request('GET', `${company(code)}/reports/${name}${query({ period, account: reportOptions.account })}`)) as ReportData
    },
    async reverseVoucher(code, id) {
      return normalizeVoucher(objectOf<unknown>(await request('POST', `${company(code)}/vouchers/${encodeURIComponent(String(id))}/reverse`, {}), 'voucher'))
    },
    async importedPeriods(code, batchIds) {
      const ids = batchIds ?? listOf<Record<string, unknown>>(await request('GET', `${company(code)}/imports`), 'imports').slice(0, 5).map((batch) => textOf(batch.id) ?? '').filter((id) => id !== '')
      const found: string[] = []
      for (const id of ids) {
        for (const [path, key] of [['orders', 'orders'], ['txns', 'txns'], ['bank-txns', 'bankTxns']] as const) {
          const rows = listOf<Record<string, unknown>>(await request('GET', `${company(code)}/${path}${query({ batchId: String(id), limit: '1' })}`), key)
          const row = rows[0]
          const date = row === undefined ? undefined : [row.occurredAt, row.date, row.createdAt, row.paidAt, row.postedAt].map(textOf).find((value) => value !== undefined && /^\d{4}-\d{2}/.test(value))
          if (date !== undefined) {
            found.push(date.slice(0, 7))
            break
          }
        }
      }
      return found.filter((period, index) => found.indexOf(period) === index)
    },
    call: request,
    async evaluateFunctions(code, calls) {
      const body = await request('POST', '/functions/batch', { company: code, calls })
      return listOf<FunctionCallResult>(body, 'results')
    },
    async tokens() {
      const body = await request('GET', '/auth/tokens')
      const tokens = listOf<Record<string, unknown>>(body, 'tokens').map((item) => ({
        id: Number(item.id), kind: item.kind === 'api' ? 'api' as const : 'session' as const, name: textOf(item.name) ?? '',
        createdAt: textOf(item.createdAt) ?? '', expiresAt: textOf(item.expiresAt) ?? '', lastUsedAt: textOf(item.lastUsedAt) ?? null, current: item.current === true,
      }))
      return { tokens, maxDays: isRecord(body) && typeof body.maxDays === 'number' ? body.maxDays : 90 }
    },
    async createToken({ name, days, password }) {
      // A wrong password answers 401 like an ended session; only the latter may sign the pane out.
      let response: Response
      try {
        response = await fetcher(`${base()}/auth/tokens`, { method: 'POST', headers: headers(true), body: JSON.stringify(days === undefined ? { name, password } : { name, days, password }) })
      } catch (cause) {
        throw new ApiError('network', 0, 'NETWORK', cause instanceof Error ? cause.message : 'network error')
      }
      if (response.status === 401) {
        const refused = await errorFromResponse(response)
        const alive = await fetcher(`${base()}/auth/me`, { method: 'GET', headers: headers(false) }).then((me) => me.ok, () => false)
        if (alive) throw new ApiError('validation', 401, 'WRONG_PASSWORD', refused.message, { fields: { password: refused.message } })
        options.onUnauthorized?.()
        throw refused
      }
      const body = await settle(response)
      const record = isRecord(body) ? body : {}
      return { id: Number(record.id), token: textOf(record.token) ?? '', expiresAt: textOf(record.expiresAt) ?? '' }
    },
    async revokeToken(id) {
      await request('DELETE', `/auth/tokens/${encodeURIComponent(String(id))}`)
    },
    async users(code) {
      return listOf<CompanyUser>(await request('GET', `${company(code)}/users`), 'users')
    },
    async setUserDisabled(code, username, disabled) {
      await request('POST', `${company(code)}/users/${encodeURIComponent(username)}/${disabled ? 'disable' : 'enable'}`)
    },
    async unlockUser(code, username) {
      await request('POST', `${company(code)}/users/${encodeURIComponent(username)}/unlock`)
    },
    async stores(code) {
      return listOf<StoreInfo>(await request('GET', `${company(code)}/stores`), 'stores')
    },
    async addStore(code, store) {
      return objectOf<StoreInfo>(await request('POST', `${company(code)}/stores`, store), 'store')
    },
    async updateStore(code, storeCode, change) {
      return objectOf<StoreInfo>(await request('PATCH', `${company(code)}/stores/${encodeURIComponent(storeCode)}`, change), 'store')
    },
    async importProfiles(code) {
      const body = await request('GET', `${company(code)}/import-profiles`)
      const record = isRecord(body) ? body : {}
      return { profiles: listOf<ProfileFields['profiles'][number]>(record, 'profiles'), fields: isRecord(record.fields) ? record.fields as ProfileFields['fields'] : {} }
    },
    async unapproveVoucher(code, id, reason) {
      return normalizeVoucher(objectOf<unknown>(await request('POST', `${company(code)}/vouchers/${encodeURIComponent(String(id))}/unapprove`, { reason }), 'voucher'))
    },
    async voucherSources(code, id) {
      return listOf<VoucherSource>(await request('GET', `${company(code)}/vouchers/${encodeURIComponent(String(id))}/sources`), 'sources')
    },
    async search(code, q) {
      const body = await request('GET', `${company(code)}/search${query({ q })}`)
      const record = isRecord(body) ? body : {}
      return { orders: listOf<SourceRecord>(record.orders, 'orders'), settlementTxns: listOf<SourceRecord>(record.settlementTxns, 'settlementTxns'), bankTxns: listOf<SourceRecord>(record.bankTxns, 'bankTxns'), vouchers: listOf<SourceRecord>(record.vouchers, 'vouchers') }
    },
    async reconcile(code, period) {
      return listOf<ReconcileRow>(await request('GET', `${company(code)}/reconcile${query({ period })}`), 'stores')
    },
    async drillRows(path, limit = 200) {
      if (!path.startsWith('/companies/')) throw new ApiError('validation', 400, 'BAD_REQUEST', `not a list route: ${path}`)
      const body = await request('GET', `${path}${path.includes('?') ? '&' : '?'}limit=${limit}`)
      const list = isRecord(body) ? Object.values(body).find((value) => Array.isArray(value)) : Array.isArray(body) ? body : undefined
      return Array.isArray(list) ? list.filter(isRecord) : []
    },
    async saveImportProfile(code, name, profile) {
      await request('PUT', `${company(code)}/import-profiles/${encodeURIComponent(name)}`, profile)
    },
  }
}
