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
  const result = await runner.execute({
    sql: 'SELECT account_code, store, SUM(debit_minor) - SUM(credit_minor) AS net FROM balances WHERE company_id = ? AND period = ? GROUP BY account_code, store HAVING net != 0 ORDER BY account_code, store',
    args: [companyId, period],
  })
  const profitAccount = (company.settings.profitAccount as string | undefined) ?? '3103'
  const lines: NonNullable<VoucherInput['lines']> = []
  const netByStore = new Map<string, bigint>()
  for (const row of result.rows) {
    const account = chart.get(String(row.account_code))
    if (!account || !isProfitAndLoss(account)) continue
    const net = BigInt(row.net as number)
    const store = String(row.store)
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

/**
 * 结账: refuses while drafts or approved-but-unposted vouchers are open in the
 * period; posts 结转损益 into 本年利润; then marks the period closed. Closing a
 * closed period is a no-op that says so.
 */
export async function closePeriod(context: LedgerContext, actor: Actor, companyId: number, period: string): Promise<{ period: string; closingVoucher: number | null; alreadyClosed: boolean }> {
  assertPeriod(period)
  const status = await context.db.client.execute({ sql: 'SELECT status FROM periods WHERE company_id = ? AND period = ?', args: [companyId, period] })
  if (status.rows[0]?.status === 'closed') return { period, closingVoucher: null, alreadyClosed: true }
  const company = await getCompany(context, companyId)
  const at = isoNow(context)
  const closingVoucher = await context.db.write(async (tx) => {
    const open = await tx.execute({ sql: "SELECT COUNT(*) AS n FROM vouchers WHERE company_id = ? AND period = ? AND status != 'posted'", args: [companyId, period] })
    const drafts = Number(open.rows[0]?.n ?? 0)
    if (drafts > 0) throw new LedgerError('PERIOD_NOT_CLOSABLE', `period ${period} has ${drafts} voucher(s) not yet posted; approve and post or delete them first`, { drafts })
    for (const hook of closeHooks.values()) await hook(context, tx, actor, company, period)
    const closing = await profitAndLossClosing(context, companyId, period, tx)
    let voucherId: number | null = null
    if (closing) {
      const prepared = await prepareVouchers(context, company, [{ input: closing }])
      const [result] = await writeInTransaction(context, tx, actor, company, prepared, { mode: 'post', sourceKind: 'closing' })
      voucherId = result?.id ?? null
    }
    await setStatus(tx, companyId, period, 'closed', actor, at)
    await appendAudit(tx, [{ at, companyId, actorId: actor.userId, action: 'period.close', entity: 'period', entityId: period, payload: { closingVoucher: voucherId } }])
    return voucherId
  })
  return { period, closingVoucher, alreadyClosed: false }
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
