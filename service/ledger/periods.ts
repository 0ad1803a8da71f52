import type { Client, Transaction } from '@libsql/client'
import { isProfitAndLoss } from '../../shared/accounts.ts'
import { LedgerError } from '../../shared/errors.ts'
import { formatAmount } from '../../shared/money.ts'
import { assertPeriod, lastDayOfPeriod } from '../../shared/period.ts'
import type { VoucherInput } from '../../shared/voucher.ts'
import { type Approver, approversOf, selfApproval } from './approval.ts'
import { appendAudit } from './audit.ts'
import { type Company, getCompany, loadChart } from './company.ts'
import { type Actor, type LedgerContext, isoNow } from './context.ts'
import { prepareVouchers, writeInTransaction } from './vouchers.ts'
import { netByAccountAndStore } from './balances.ts'
import type { CloseBlockerItem } from '../../shared/api/companies.ts'
import { draftRows, isCompanyAdmin, latestClosingVoucherId, pendingPeriodEndRows, periodRows, periodStatusRow, setPeriodStatus } from './queries.ts'

export interface PeriodInfo {
  readonly period: string
  readonly status: 'open' | 'closed'
  readonly closedAt: string | null
  readonly vouchers: number
  readonly drafts: number
}

export async function listPeriods(context: LedgerContext, companyId: number): Promise<PeriodInfo[]> {
  const result = await periodRows(context.db.client, companyId)
  return result.rows.map((row) => ({ period: String(row.period), status: String(row.status) as 'open' | 'closed', closedAt: row.closed_at === null ? null : String(row.closed_at), vouchers: Number(row.vouchers), drafts: Number(row.drafts) }))
}

/**
 * The 结转损益 voucher for a period: every P&L leaf (per store) with a net
 * movement is brought to zero against 本年利润. Null when nothing to close.
 */
export async function profitAndLossClosing(context: LedgerContext, companyId: number, period: string, runner: Transaction | Client = context.db.client): Promise<VoucherInput | null> {
  const company = await getCompany(context, companyId)
  const chart = await loadChart(context, companyId)
  const nets = (await netByAccountAndStore(runner, companyId, { from: period, to: period })).filter((row) => row.net !== 0n)
  const profitAccount = (company.settings.profitAccount as string | undefined) ?? '3103'
  const lines: NonNullable<VoucherInput['lines']> = []
  const netByStore = new Map<string, bigint>()
  for (const row of nets) {
    const account = chart.get(row.account)
    if (!account || !isProfitAndLoss(account)) continue
    const { net, store } = row
    const amount = formatAmount(net >= 0n ? net : -net, company.baseCurrency)
    lines.push({ account: account.code, ...(store ? { store } : {}), ...(net >= 0n ? { credit: amount } : { debit: amount }), summary: `结转损益 ${period}` })
    netByStore.set(store, (netByStore.get(store) ?? 0n) + net)
  }
  for (const [store, net] of netByStore) {
    if (net === 0n) continue
    const amount = formatAmount(net >= 0n ? net : -net, company.baseCurrency)
    lines.push({ account: profitAccount, ...(store ? { store } : {}), ...(net >= 0n ? { debit: amount } : { credit: amount }), summary: `结转损益 ${period}` })
  }
  if (lines.length < 2) return null
  return { date: lastDayOfPeriod(period), word: '记', summary: `结转损益 ${period}`, lines }
}

/** How period-end vouchers are written: drafts for another user to approve, or posted at once (self-approval allowed). */
export interface PeriodEndWrite {
  readonly mode: 'draft' | 'post'
  /** posted by the maker under the self-approval rule or an admin's forced close (audited as self-approval) */
  readonly selfApprove: boolean
}

/**
 * A step run inside the closing transaction before 结转损益 (e.g. FX revaluation
 * from service/posting). It writes its vouchers as `write` says and returns the
 * id of the voucher it wrote, if any.
 */
export type CloseHook = (context: LedgerContext, tx: Transaction, actor: Actor, company: Company, period: string, write: PeriodEndWrite) => Promise<number | null | void>
const closeHooks = new Map<string, CloseHook>()
/** Registers a close step once under a name (idempotent). */
export function registerCloseHook(name: string, hook: CloseHook): void {
  closeHooks.set(name, hook)
}

/**
 * A period-end step with its own write transaction(s), run before the close hooks
 * (the VAT month-end of service/posting, when the company asks for it at close).
 * Returns the ids of the vouchers it wrote (replays excluded).
 */
export type PeriodEndStep = (context: LedgerContext, actor: Actor, company: Company, period: string, write: PeriodEndWrite) => Promise<number[]>
const periodEndSteps = new Map<string, PeriodEndStep>()
/** Registers a period-end step once under a name (idempotent). */
export function registerPeriodEndStep(name: string, step: PeriodEndStep): void {
  periodEndSteps.set(name, step)
}

/** Source kinds of the vouchers close makes (汇兑损益, 增值税月末, 结转损益): pending ones are 期末凭证待审核. */
export const PERIOD_END_KINDS = ['revaluation', 'vat.month-end', 'closing'] as const

async function setStatus(tx: Transaction, companyId: number, period: string, status: 'open' | 'closed', actor: Actor, at: string): Promise<void> {
  await setPeriodStatus(tx, companyId, period, status, status === 'closed' ? actor.userId : null, status === 'closed' ? at : null)
}

// ---------------------------------------------------------------------------
// 结账检查: what keeps a period from closing
// ---------------------------------------------------------------------------

export const BLOCKER_KINDS = ['open_exceptions', 'held_items', 'drafts', 'period_end_pending', 'payouts_not_in_bank', 'unposted_records'] as const
export type BlockerKind = (typeof BLOCKER_KINDS)[number]

/** One kind of open item in a period, with a count, words in both languages and up to 50 rows (ids/refs). */
export interface CloseBlocker {
  readonly kind: BlockerKind
  readonly count: number
  readonly message: { readonly zh: string; readonly en: string }
  readonly items: ReadonlyArray<CloseBlockerItem>
}

export interface CloseCheckResult {
  readonly period: string
  readonly ready: boolean
  readonly blockers: CloseBlocker[]
}

/** Rows listed per blocker (the count is always the full number). */
export const BLOCKER_ITEM_LIMIT = 50

/**
 * A check run by closeCheck besides the drafts check (matching and posting register
 * theirs, as revaluation registers its close hook, so the ledger core imports neither).
 */
export type CloseCheck = (context: LedgerContext, company: Company, period: string) => Promise<CloseBlocker[]>
const closeChecks = new Map<string, CloseCheck>()
/** Registers a close check once under a name (idempotent). */
export function registerCloseCheck(name: string, check: CloseCheck): void {
  closeChecks.set(name, check)
}

const PERIOD_END_SQL = `(${PERIOD_END_KINDS.map((kind) => `'${kind}'`).join(', ')})`

async function draftBlocker(runner: Transaction | Client, companyId: number, period: string): Promise<CloseBlocker | null> {
  const result = await draftRows(runner, companyId, period, PERIOD_END_SQL, BLOCKER_ITEM_LIMIT)
  const count = Number(result.rows[0]?.n ?? 0)
  if (count === 0) return null
  return {
    kind: 'drafts', count,
    message: { zh: `本期有 ${count} 张凭证未记账（草稿或已审核未过账），请审核记账或删除`, en: `${count} voucher(s) of the period not yet posted (drafts or approved); approve and post or delete them` },
    items: result.rows.map((row) => ({ id: Number(row.id), date: String(row.date), word: String(row.word), status: String(row.status), summary: row.summary === null ? '' : String(row.summary) })),
  }
}

/** A period-end voucher (汇兑损益, 增值税月末, 结转损益) waiting for approval, with who made it. */
export interface PendingVoucher {
  readonly id: number
  readonly date: string
  readonly word: string
  readonly status: string
  readonly sourceKind: string
  readonly summary: string
  readonly total: string
  readonly makerId: number
  readonly maker: string
}

async function pendingPeriodEnd(runner: Transaction | Client, company: Company, period: string): Promise<PendingVoucher[]> {
  const result = await pendingPeriodEndRows(runner, company.id, period, PERIOD_END_SQL)
  return result.rows.map((row) => ({
    id: Number(row.id), date: String(row.date), word: String(row.word), status: String(row.status), sourceKind: String(row.source_kind), summary: row.summary === null ? '' : String(row.summary),
    total: formatAmount(BigInt(Number(row.total_minor)), company.baseCurrency), makerId: Number(row.maker_id), maker: row.username === null ? `#${String(row.maker_id)}` : String(row.username),
  }))
}

/** Who may approve the pending vouchers: every approver user but the maker(s). */
function approverNames(approvers: ReadonlyArray<Approver>, pending: ReadonlyArray<PendingVoucher>): string[] {
  const makers = new Set(pending.map((voucher) => voucher.makerId))
  return approvers.filter((approver) => !makers.has(approver.userId) || pending.length === 0).map((approver) => `${approver.username} (${approver.role})`)
}

async function periodEndBlocker(context: LedgerContext, company: Company, period: string): Promise<CloseBlocker | null> {
  const pending = await pendingPeriodEnd(context.db.client, company, period)
  if (pending.length === 0) return null
  const names = approverNames(await approversOf(context, company.id), pending)
  const who = names.length ? names.join(', ') : null
  return {
    kind: 'period_end_pending', count: pending.length,
    message: {
      zh: `期末凭证待审核：${pending.length} 张（汇兑损益、增值税月末或结转损益），${who ? `请由 ${who} 审核` : '请添加一位审核人（approver）审核'}，然后再次结账`,
      en: `${pending.length} period-end voucher(s) pending approval (FX revaluation, VAT month-end or P&L closing); ${who ? `to be approved by ${who}` : 'add a user with the approver role to approve them'}, then close again`,
    },
    items: pending.slice(0, BLOCKER_ITEM_LIMIT).map((voucher) => ({ ...voucher, approvers: names })),
  }
}

/**
 * 结账检查: everything that keeps `period` from closing, by kind (drafts here; open
 * exceptions, held items, payouts not in the bank and unposted records from the
 * registered checks). `ready` when nothing blocks.
 * @example (await closeCheck(context, company.id, '2026-10')).blockers.map((b) => `${b.kind} ${b.count}`)
 */
export async function closeCheck(context: LedgerContext, companyId: number, period: string): Promise<CloseCheckResult> {
  assertPeriod(period)
  const company = await getCompany(context, companyId)
  const blockers: CloseBlocker[] = []
  for (const check of closeChecks.values()) blockers.push(...(await check(context, company, period)))
  const drafts = await draftBlocker(context.db.client, companyId, period)
  if (drafts) blockers.push(drafts)
  const pending = await periodEndBlocker(context, company, period)
  if (pending) blockers.push(pending)
  blockers.sort((a, b) => BLOCKER_KINDS.indexOf(a.kind) - BLOCKER_KINDS.indexOf(b.kind))
  return { period, ready: blockers.length === 0, blockers }
}

function notReady(period: string, blockers: ReadonlyArray<CloseBlocker>): LedgerError {
  const list = blockers.map((blocker) => `${blocker.kind} ${blocker.count}`).join(', ')
  return new LedgerError('PERIOD_NOT_READY', `period ${period} is not ready to close (结账检查未通过): ${list}`, { blockers })
}

export interface CloseOptions {
  /** Close despite open items other than drafts (admin only, with a reason; audited with the blockers). */
  readonly force?: boolean
  readonly reason?: string
}

export interface CloseResult {
  readonly period: string
  /** 'closed', or 'pending' while period-end vouchers wait for another user's approval */
  readonly status: 'closed' | 'pending'
  /** the posted 结转损益 voucher of the period (null: no P&L to close, or not closed yet) */
  readonly closingVoucher: number | null
  readonly alreadyClosed: boolean
  readonly forced: boolean
  /** period-end vouchers waiting for approval (status 'pending') */
  readonly pending: PendingVoucher[]
  /** who may approve them: approver users other than their maker, as `name (role)` */
  readonly approvers: string[]
  /** the rule that decided: period-end vouchers posted by their maker (self-approval) or drafts */
  readonly selfApproved: boolean
}

async function isAdmin(context: LedgerContext, actor: Actor, companyId: number): Promise<boolean> {
  if (actor.userId === null) return false
  return isCompanyAdmin(context.db.client, companyId, actor.userId)
}

async function latestClosingVoucher(runner: Transaction | Client, companyId: number, period: string): Promise<number | null> {
  return latestClosingVoucherId(runner, companyId, period)
}

/**
 * 结账: runs the close check and refuses (PERIOD_NOT_READY, the blockers in `details`)
 * while anything blocks; an admin may force past every blocker but drafts and pending
 * period-end vouchers, with a reason that goes into the audit entry with the blockers.
 *
 * Then the period-end vouchers: the period-end steps (VAT month-end when the company
 * asks for it at close), the close hooks (FX revaluation) and 结转损益 into 本年利润.
 * - Self-approval allowed (approval.ts: a dated company setting, else at most one
 *   approver user) or an admin's forced close: they are posted by the acting user
 *   (audited as self-approved) and the period closes in the same call; the hooks,
 *   结转损益 and the close share one transaction.
 * - Otherwise they are written as drafts of the acting user and the call returns
 *   status 'pending' with the vouchers and who may approve them (期末凭证待审核).
 *   Once they are posted, the next call writes 结转损益 (it depends on the posted
 *   revaluation and surcharges) as a draft; once that is posted, the next call closes.
 * Closing a closed period is a no-op that says so.
 */
export async function closePeriod(context: LedgerContext, actor: Actor, companyId: number, period: string, options: CloseOptions = {}): Promise<CloseResult> {
  assertPeriod(period)
  const status = await periodStatusRow(context.db.client, companyId, period)
  const base = { period, closingVoucher: null, alreadyClosed: false, forced: false, pending: [], approvers: [], selfApproved: false }
  if (status.rows[0]?.status === 'closed') return { ...base, status: 'closed', closingVoucher: await latestClosingVoucher(context.db.client, companyId, period), alreadyClosed: true }
  const reason = options.reason?.trim() ?? ''
  const admin = await isAdmin(context, actor, companyId)
  if (options.force) {
    if (!admin) throw new LedgerError('FORBIDDEN', 'only an admin may force a close (强制结账仅限管理员)')
    if (reason === '') throw new LedgerError('VALIDATION', 'a forced close needs a reason (--reason)')
  }
  const check = await closeCheck(context, companyId, period)
  // drafts and pending period-end vouchers are never forced: a closed period would refuse their posting
  const unforcible = check.blockers.filter((blocker) => blocker.kind === 'drafts' || blocker.kind === 'period_end_pending')
  const company = await getCompany(context, companyId)
  const policy = await selfApproval(context, company, lastDayOfPeriod(period))
  // waiting only for the approval of its own period-end vouchers: the close says so and what waits
  if (check.blockers.length > 0 && check.blockers.every((blocker) => blocker.kind === 'period_end_pending')) {
    const pending = await pendingPeriodEnd(context.db.client, company, period)
    return { ...base, status: 'pending', pending, approvers: approverNames(policy.approvers, pending) }
  }
  if (!check.ready && (!options.force || unforcible.length > 0)) throw notReady(period, options.force ? unforcible : check.blockers)
  // an admin's forced close takes the period-end vouchers on themself: that is a forced close too,
  // audited with the reason, even when nothing else blocks
  const selfApprove = policy.allowed || (options.force === true && admin)
  const forced = options.force === true && (!check.ready || !policy.allowed)
  const write: PeriodEndWrite = selfApprove ? { mode: 'post', selfApprove: true } : { mode: 'draft', selfApprove: false }
  const at = isoNow(context)
  const pendingResult = async (): Promise<CloseResult> => {
    const pending = await pendingPeriodEnd(context.db.client, company, period)
    return { ...base, status: 'pending', forced, pending, approvers: approverNames(policy.approvers, pending) }
  }

  const written: number[] = []
  for (const step of periodEndSteps.values()) written.push(...(await step(context, actor, company, period, write)))
  if (!selfApprove) {
    // revaluation drafts first: 结转损益 is computed from posted balances, so it waits for them
    await context.db.write(async (tx) => {
      for (const hook of closeHooks.values()) {
        const id = await hook(context, tx, actor, company, period, write)
        if (typeof id === 'number' && id > 0) written.push(id)
      }
    })
    if (written.length > 0) return pendingResult()
    const closing = await profitAndLossClosing(context, companyId, period)
    if (closing) {
      const prepared = await prepareVouchers(context, company, [{ input: closing }])
      await context.db.write((tx) => writeInTransaction(context, tx, actor, company, prepared, { mode: 'draft', sourceKind: 'closing' }))
      return pendingResult()
    }
  }
  const closingVoucher = await context.db.write(async (tx) => {
    // drafts can never be forced: a closed period refuses every write, so they could not be posted any more
    const late = await draftBlocker(tx, companyId, period)
    if (late) throw notReady(period, [late])
    if ((await pendingPeriodEnd(tx, company, period)).length > 0) throw notReady(period, check.blockers)
    let voucherId: number | null = null
    if (selfApprove) {
      for (const hook of closeHooks.values()) await hook(context, tx, actor, company, period, write)
      const closing = await profitAndLossClosing(context, companyId, period, tx)
      if (closing) {
        const prepared = await prepareVouchers(context, company, [{ input: closing }])
        const [result] = await writeInTransaction(context, tx, actor, company, prepared, { mode: 'post', sourceKind: 'closing', selfApprove: true })
        voucherId = result?.id ?? null
      }
    } else {
      voucherId = await latestClosingVoucher(tx, companyId, period)
    }
    await setStatus(tx, companyId, period, 'closed', actor, at)
    const payload = forced ? { closingVoucher: voucherId, forced: true, reason, blockers: check.blockers, ...(policy.allowed ? {} : { selfApproved: true }) } : { closingVoucher: voucherId }
    await appendAudit(tx, [{ at, companyId, actorId: actor.userId, action: 'period.close', entity: 'period', entityId: period, payload }])
    return voucherId
  })
  return { ...base, status: 'closed', closingVoucher, forced, selfApproved: selfApprove }
}

/**
 * 期末处理 without closing: the period-end vouchers that come before 结转损益
 * (the period-end steps and close hooks: VAT month-end when set, FX revaluation),
 * written as close would write them (drafts unless self-approval is allowed).
 * Returns the ids written. The demo runs it so its approver approves them.
 */
export async function preparePeriodEnd(context: LedgerContext, actor: Actor, companyId: number, period: string): Promise<number[]> {
  assertPeriod(period)
  const company = await getCompany(context, companyId)
  const policy = await selfApproval(context, company, lastDayOfPeriod(period))
  const write: PeriodEndWrite = policy.allowed ? { mode: 'post', selfApprove: true } : { mode: 'draft', selfApprove: false }
  const written: number[] = []
  for (const step of periodEndSteps.values()) written.push(...(await step(context, actor, company, period, write)))
  await context.db.write(async (tx) => {
    for (const hook of closeHooks.values()) {
      const id = await hook(context, tx, actor, company, period, write)
      if (typeof id === 'number' && id > 0) written.push(id)
    }
  })
  return written
}

/** 反结账: an audited admin act (the caller checks the role). */
export async function reopenPeriod(context: LedgerContext, actor: Actor, companyId: number, period: string, reason: string): Promise<void> {
  assertPeriod(period)
  if (!reason.trim()) throw new LedgerError('VALIDATION', 'reopening a period needs a reason')
  const at = isoNow(context)
  await context.db.write(async (tx) => {
    const status = await periodStatusRow(tx, companyId, period)
    if (status.rows[0]?.status !== 'closed') throw new LedgerError('INVALID_STATE', `period ${period} is not closed`)
    await setStatus(tx, companyId, period, 'open', actor, at)
    await appendAudit(tx, [{ at, companyId, actorId: actor.userId, action: 'period.reopen', entity: 'period', entityId: period, payload: { reason } }])
  })
}
