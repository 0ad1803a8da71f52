import type { Client, Transaction } from '@libsql/client'
import { isProfitAndLoss } from '../../shared/accounts.ts'
import { LedgerError } from '../../shared/errors.ts'
import { formatAmount } from '../../shared/money.ts'
import { assertPeriod, lastDayOfPeriod } from '../../shared/period.ts'
import type { VoucherInput } from '../../shared/voucher.ts'
import { appendAudit } from './audit.ts'
import { type Company, getCompany, loadChart } from './company.ts'
import { type Actor, type LedgerContext, isoNow } from './context.ts'
import { prepareVouchers, writeInTransaction } from './vouchers.ts'
import { netByAccountAndStore } from './balances.ts'

export interface PeriodInfo {
  readonly period: string
  readonly status: 'open' | 'closed'
  readonly closedAt: string | null
  readonly vouchers: number
  readonly drafts: number
}

export async function listPeriods(context: LedgerContext, companyId: number): Promise<PeriodInfo[]> {
  const result = await context.db.client.execute({
    sql: `SELECT p.period, p.status, p.closed_at,
      (SELECT COUNT(*) FROM vouchers v WHERE v.company_id = p.company_id AND v.period = p.period) AS vouchers,
      (SELECT COUNT(*) FROM vouchers v WHERE v.company_id = p.company_id AND v.period = p.period AND v.status != 'posted') AS drafts
      FROM periods p WHERE p.company_id = ? ORDER BY p.period`,
    args: [companyId],
  })
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

/** A step run inside the closing transaction before 结转损益 (e.g. FX revaluation from service/posting). */
export type CloseHook = (context: LedgerContext, tx: Transaction, actor: Actor, company: Company, period: string) => Promise<void>
const closeHooks = new Map<string, CloseHook>()
/** Registers a close step once under a name (idempotent). */
export function registerCloseHook(name: string, hook: CloseHook): void {
  closeHooks.set(name, hook)
}

async function setStatus(tx: Transaction, companyId: number, period: string, status: 'open' | 'closed', actor: Actor, at: string): Promise<void> {
  await tx.execute({ sql: 'INSERT OR IGNORE INTO periods (company_id, period, status) VALUES (?, ?, ?)', args: [companyId, period, 'open'] })
  await tx.execute({ sql: 'UPDATE periods SET status = ?, closed_by = ?, closed_at = ? WHERE company_id = ? AND period = ?', args: [status, status === 'closed' ? actor.userId : null, status === 'closed' ? at : null, companyId, period] })
}

// ---------------------------------------------------------------------------
// 结账检查: what keeps a period from closing
// ---------------------------------------------------------------------------

export const BLOCKER_KINDS = ['open_exceptions', 'held_items', 'drafts', 'payouts_not_in_bank', 'unposted_records'] as const
export type BlockerKind = (typeof BLOCKER_KINDS)[number]

/** One kind of open item in a period, with a count, words in both languages and up to 50 rows (ids/refs). */
export interface CloseBlocker {
  readonly kind: BlockerKind
  readonly count: number
  readonly message: { readonly zh: string; readonly en: string }
  readonly items: ReadonlyArray<Record<string, unknown>>
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

async function draftBlocker(runner: Transaction | Client, companyId: number, period: string): Promise<CloseBlocker | null> {
  const result = await runner.execute({
    sql: "SELECT id, date, word, status, summary, (SELECT COUNT(*) FROM vouchers WHERE company_id = ? AND period = ? AND status != 'posted') AS n FROM vouchers WHERE company_id = ? AND period = ? AND status != 'posted' ORDER BY id LIMIT ?",
    args: [companyId, period, companyId, period, BLOCKER_ITEM_LIMIT],
  })
  const count = Number(result.rows[0]?.n ?? 0)
  if (count === 0) return null
  return {
    kind: 'drafts', count,
    message: { zh: `本期有 ${count} 张凭证未记账（草稿或已审核未过账），请审核记账或删除`, en: `${count} voucher(s) of the period not yet posted (drafts or approved); approve and post or delete them` },
    items: result.rows.map((row) => ({ id: Number(row.id), date: String(row.date), word: String(row.word), status: String(row.status), summary: row.summary === null ? '' : String(row.summary) })),
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

async function isAdmin(context: LedgerContext, actor: Actor, companyId: number): Promise<boolean> {
  if (actor.userId === null) return false
  const result = await context.db.client.execute({ sql: "SELECT 1 FROM memberships WHERE company_id = ? AND user_id = ? AND role = 'admin'", args: [companyId, actor.userId] })
  return result.rows.length > 0
}

/**
 * 结账: runs the close check and refuses (PERIOD_NOT_READY, the blockers in `details`)
 * while anything blocks; an admin may force past every blocker but drafts, with a reason
 * that goes into the audit entry together with the blockers. Then the close hooks (FX
 * revaluation), 结转损益 into 本年利润, and the period closed — in one transaction.
 * Closing a closed period is a no-op that says so.
 */
export async function closePeriod(context: LedgerContext, actor: Actor, companyId: number, period: string, options: CloseOptions = {}): Promise<{ period: string; closingVoucher: number | null; alreadyClosed: boolean; forced: boolean }> {
  assertPeriod(period)
  const status = await context.db.client.execute({ sql: 'SELECT status FROM periods WHERE company_id = ? AND period = ?', args: [companyId, period] })
  if (status.rows[0]?.status === 'closed') return { period, closingVoucher: null, alreadyClosed: true, forced: false }
  const reason = options.reason?.trim() ?? ''
  if (options.force) {
    if (!(await isAdmin(context, actor, companyId))) throw new LedgerError('FORBIDDEN', 'only an admin may force a close (强制结账仅限管理员)')
    if (reason === '') throw new LedgerError('VALIDATION', 'a forced close needs a reason (--reason)')
  }
  const check = await closeCheck(context, companyId, period)
  const drafts = check.blockers.filter((blocker) => blocker.kind === 'drafts')
  if (!check.ready && (!options.force || drafts.length > 0)) throw notReady(period, options.force ? drafts : check.blockers)
  const forced = options.force === true && !check.ready
  const company = await getCompany(context, companyId)
  const at = isoNow(context)
  const closingVoucher = await context.db.write(async (tx) => {
    // drafts can never be forced: a closed period refuses every write, so they could not be posted any more
    const late = await draftBlocker(tx, companyId, period)
    if (late) throw notReady(period, [late])
    for (const hook of closeHooks.values()) await hook(context, tx, actor, company, period)
    const closing = await profitAndLossClosing(context, companyId, period, tx)
    let voucherId: number | null = null
    if (closing) {
      const prepared = await prepareVouchers(context, company, [{ input: closing }])
      const [result] = await writeInTransaction(context, tx, actor, company, prepared, { mode: 'post', sourceKind: 'closing' })
      voucherId = result?.id ?? null
    }
    await setStatus(tx, companyId, period, 'closed', actor, at)
    const payload = forced ? { closingVoucher: voucherId, forced: true, reason, blockers: check.blockers } : { closingVoucher: voucherId }
    await appendAudit(tx, [{ at, companyId, actorId: actor.userId, action: 'period.close', entity: 'period', entityId: period, payload }])
    return voucherId
  })
  return { period, closingVoucher, alreadyClosed: false, forced }
}

/** 反结账: an audited admin act (the caller checks the role). */
export async function reopenPeriod(context: LedgerContext, actor: Actor, companyId: number, period: string, reason: string): Promise<void> {
  assertPeriod(period)
  if (!reason.trim()) throw new LedgerError('VALIDATION', 'reopening a period needs a reason')
  const at = isoNow(context)
  await context.db.write(async (tx) => {
    const status = await tx.execute({ sql: 'SELECT status FROM periods WHERE company_id = ? AND period = ?', args: [companyId, period] })
    if (status.rows[0]?.status !== 'closed') throw new LedgerError('INVALID_STATE', `period ${period} is not closed`)
    await setStatus(tx, companyId, period, 'open', actor, at)
    await appendAudit(tx, [{ at, companyId, actorId: actor.userId, action: 'period.reopen', entity: 'period', entityId: period, payload: { reason } }])
  })
}
