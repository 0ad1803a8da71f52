import { type Account, matchesAccountPattern } from '../../shared/accounts.ts'
import { isLedgerError } from '../../shared/errors.ts'
import { toExcelNumber } from '../../shared/money.ts'
import { previousPeriod } from '../../shared/period.ts'
import { loadChart } from '../ledger/company.ts'
import type { LedgerContext } from '../ledger/context.ts'
import { CallError, notAvailable } from './arguments.ts'
import { BalanceIndex, type Sums, subtract } from './balance-index.ts'
import type { BatchRequest, BatchResponse, CellScalar, CellValue, FunctionCall, FunctionResult } from './contract.ts'
import { type Membership, ledgerVersion, loadBalanceChanges, loadBalanceSlices, loadMemberships } from './load.ts'
import { type Plan, isLedgerPlan, planCall, subjectOf } from './plan.ts'
import { NO_ACCESS, canSee } from './visibility.ts'
import { type Permission, can } from '../auth/permissions.ts'
import { type Extras, evaluateExtra, loadExtras } from './extras.ts'

/*
 * Evaluates a batch of worksheet-function calls in a few queries regardless of
 * the number of calls and of the ledger's size: memberships once, then per
 * company the chart, the ledger version and (when it moved) one scan of the
 * materialized balances, plus one query per other table the batch touches;
 * then everything in memory. Every call gets its own result; one bad call
 * never fails the batch. Company: the call's, else the batch's, else the
 * caller's only one. Role checks: functions.evaluate in the permission table,
 * then visibility.ts per call.
 */

/** The permission-table entry (service/auth/permissions.ts) a role needs to use worksheet functions at all. */
export const FUNCTIONS_PERMISSION: Permission = 'functions.evaluate'

export interface FunctionCaller {
  readonly userId: number
}

type Planned =
  | { readonly id: string; readonly result: FunctionResult }
  | { readonly id: string; readonly membership: Membership; readonly plan: Plan }

export interface CompanyBook {
  readonly membership: Membership
  readonly chart: ReadonlyMap<string, Account>
  readonly index: BalanceIndex
  readonly extras: Extras
  /** account patterns already found in this batch (a report asks for the same accounts over and over) */
  readonly known: Set<string>
}

/** Periods follow the calendar in China (UTC+8), whatever the server's time zone. */
export function currentPeriodOf(now: Date): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 7)
}

export async function evaluateBatch(context: LedgerContext, caller: FunctionCaller, request: BatchRequest): Promise<BatchResponse> {
  const memberships = await loadMemberships(context, caller.userId)
  const currentPeriod = currentPeriodOf(context.now())
  const planned = request.calls.map((call) => planOne(call, request.company, memberships, currentPeriod))
  const books = await loadBooks(context, planned)
  const results = planned.map((item): FunctionResult => {
    if ('result' in item) return item.result
    const book = books.get(item.membership.companyId)
    if (!book) throw new Error('invariant violated: no book loaded for a planned call')
    try {
      return { id: item.id, value: evaluatePlan(book, item.plan) }
    } catch (error) {
      return errorResult(item.id, error)
    }
  })
  return { results }
}

function planOne(call: FunctionCall, batchCompany: string | undefined, memberships: ReadonlyMap<string, Membership>, currentPeriod: string): Planned {
  try {
    const code = call.company ?? batchCompany ?? (memberships.size === 1 ? [...memberships.keys()][0] : undefined)
    if (code === undefined) throw new CallError('#VALUE!', 'no company: pass company=CODE')
    const membership = memberships.get(code)
    if (!membership || !can(membership.role, FUNCTIONS_PERMISSION)) throw notAvailable(NO_ACCESS)
    const plan = planCall(call, currentPeriod)
    const subject = subjectOf(plan)
    if (subject !== null && !canSee(membership.role, subject)) throw notAvailable(NO_ACCESS)
    return { id: call.id, membership, plan }
  } catch (error) {
    return { id: call.id, result: errorResult(call.id, error) }
  }
}

function errorResult(id: string, error: unknown): FunctionResult {
  if (error instanceof CallError) return { id, error: error.error, message: error.message }
  if (isLedgerError(error)) return { id, error: error.code === 'NOT_FOUND' || error.code === 'UNKNOWN_ACCOUNT' ? '#N/A' : '#VALUE!', message: error.message }
  throw error
}

async function loadBooks(context: LedgerContext, planned: ReadonlyArray<Planned>): Promise<Map<number, CompanyBook>> {
  const groups = new Map<number, { membership: Membership; plans: Plan[] }>()
  for (const item of planned) {
    if ('result' in item) continue
    const group = groups.get(item.membership.companyId) ?? { membership: item.membership, plans: [] }
    group.plans.push(item.plan)
    groups.set(item.membership.companyId, group)
  }
  const books = await Promise.all([...groups.values()].map(async ({ membership, plans }): Promise<CompanyBook> => {
    const needsBalances = plans.some(isLedgerPlan)
    const [chart, index, extras] = await Promise.all([
      loadChart(context, membership.companyId),
      needsBalances ? cachedBalances(context, membership) : Promise.resolve<BalanceIndex | null>(null),
      loadExtras(context, membership, plans),
    ])
    return { membership, chart, index: index ?? new BalanceIndex([]), extras, known: new Set<string>() }
  }))
  return new Map(books.map((book) => [book.membership.companyId, book]))
}

/**
 * Balances change only with a ledger write, and Excel sends a workbook's cells
 * in many batches: keep each company's index (with its memoized series) until
 * the ledger version moves, then refresh only the (account, period) pairs the
 * writes in between touched (load.ts: loadBalanceChanges), falling back to a
 * full reload. Per open database, never shared between databases.
 */
const balanceCaches = new WeakMap<object, Map<number, { version: number; index: BalanceIndex }>>()
const CACHED_COMPANIES_MAX = 16

async function cachedBalances(context: LedgerContext, membership: Membership): Promise<BalanceIndex> {
  const version = await ledgerVersion(context)
  let cache = balanceCaches.get(context.db)
  if (!cache) {
    cache = new Map()
    balanceCaches.set(context.db, cache)
  }
  const hit = cache.get(membership.companyId)
  if (hit && hit.version === version) return hit.index
  let index: BalanceIndex | null = null
  if (hit && hit.version < version) {
    const changes = await loadBalanceChanges(context, membership.companyId, membership.baseCurrency, hit.version, version)
    if (changes.kind === 'changes') index = changes.changed.size === 0 ? hit.index : hit.index.withChanges(changes.changed, changes.fresh)
  }
  index ??= new BalanceIndex(await loadBalanceSlices(context, membership.companyId, membership.baseCurrency))
  // a concurrent batch may have cached a later version meanwhile: keep the newest
  const current = cache.get(membership.companyId)
  if (current && current.version > version) return index
  cache.delete(membership.companyId)
  cache.set(membership.companyId, { version, index })
  if (cache.size > CACHED_COMPANIES_MAX) {
    const oldest = cache.keys().next()
    if (!oldest.done) cache.delete(oldest.value)
  }
  return index
}

/** Drops cached balances of a database (benchmarks measure cold batches with it). */
export function clearBalanceCache(context: LedgerContext): void {
  balanceCaches.delete(context.db)
}

function evaluatePlan(book: CompanyBook, plan: Plan): CellValue {
  switch (plan.fn) {
    case 'BALANCE': {
      assertKnownAccount(book, plan.account.text)
      const sums = book.index.cumulative(plan.account.text, plan.period, { store: plan.store, currency: plan.currency })
      if (plan.currency !== null) return toExcelNumber(sums.debitOriginal - sums.creditOriginal, plan.currency)
      return toExcelNumber(sums.debit - sums.credit, book.membership.baseCurrency)
    }
    case 'ACTIVITY': case 'DEBITS': case 'CREDITS': {
      assertKnownAccount(book, plan.account.text)
      const filter = { store: plan.store, currency: null }
      const movement = subtract(book.index.cumulative(plan.account.text, plan.to, filter), book.index.cumulative(plan.account.text, previousPeriod(plan.from), filter))
      return toExcelNumber(pick(plan.fn, movement), book.membership.baseCurrency)
    }
    case 'TB':
      return trialBalanceCells(book, plan.period, plan.store)
    case 'ACCOUNTNAME': {
      const account = book.chart.get(plan.account.text)
      if (!account) throw notAvailable(`unknown account ${plan.account.text}`)
      return account.name
    }
    case 'MATCHRATE': case 'UNMATCHED': case 'ORDER': case 'FX': case 'INVOICED': case 'UNINVOICED':
      return evaluateExtra(book.extras, plan)
  }
}

function pick(fn: 'ACTIVITY' | 'DEBITS' | 'CREDITS', movement: Sums): bigint {
  if (fn === 'DEBITS') return movement.debit
  if (fn === 'CREDITS') return movement.credit
  return movement.debit - movement.credit
}

function assertKnownAccount(book: CompanyBook, pattern: string): void {
  if (book.known.has(pattern)) return
  if (!pattern.endsWith('*')) {
    if (!book.chart.has(pattern) && book.index.leavesOf(pattern).length === 0) throw notAvailable(`unknown account ${pattern}`)
  } else if (!someAccountMatches(book, pattern) && book.index.leavesOf(pattern).length === 0) {
    throw notAvailable(`no account matches ${pattern}`)
  }
  book.known.add(pattern)
}

function someAccountMatches(book: CompanyBook, pattern: string): boolean {
  for (const code of book.chart.keys()) if (matchesAccountPattern(code, pattern)) return true
  return false
}

export const TB_HEADER: CellScalar[] = ['code', 'name', 'debit', 'credit']

/**
 * Closing balances (期末余额) at `period`, split into debit and credit columns,
 * for every account with movements up to then, parents rolled up; rows the
 * caller may not see are left out.
 */
function trialBalanceCells(book: CompanyBook, period: string, store: string | null): CellScalar[][] {
  const closing = new Map<string, bigint>()
  for (const leaf of book.index.accountsWithBalances()) {
    const sums = book.index.cumulative(leaf, period, { store, currency: null })
    if (sums.debit === 0n && sums.credit === 0n) continue
    for (let code: string | null = leaf; code !== null; code = book.chart.get(code)?.parent ?? null) {
      closing.set(code, (closing.get(code) ?? 0n) + sums.debit - sums.credit)
      if (!book.chart.has(code)) break
    }
  }
  const currency = book.membership.baseCurrency
  const rows: CellScalar[][] = [TB_HEADER]
  for (const code of [...closing.keys()].sort()) {
    if (!canSee(book.membership.role, { kind: 'account', stem: code })) continue
    const balance = closing.get(code) ?? 0n
    rows.push([code, book.chart.get(code)?.name ?? '', toExcelNumber(balance > 0n ? balance : 0n, currency), toExcelNumber(balance < 0n ? -balance : 0n, currency)])
  }
  return rows
}
