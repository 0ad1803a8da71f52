import type { Client, Transaction } from '@libsql/client'
import { defaultAccountRoles } from '../../shared/accounts.ts'
import { lastDayOfPeriod } from '../../shared/period.ts'
import { type ForeignBalance, revaluationVoucher, revaluations } from '../../shared/posting/index.ts'
import type { Company } from '../ledger/company.ts'
import type { Actor, LedgerContext } from '../ledger/context.ts'
import { type PeriodEndWrite, registerCloseHook } from '../ledger/periods.ts'
import { prepareVouchers, writeInTransaction } from '../ledger/vouchers.ts'
import { rateLookup } from './rates.ts'
import { registerVatAtClose } from './vat-month-end.ts'
import { foreignBalancesThrough } from '../ledger/balances.ts'
import { deleteRevaluation, revaluationLines, revaluationRounds, revaluationTotals, setRevaluation, staleRevaluations, upsertRevaluations } from './queries.ts'

/**
 * Period-end FX revaluation (期末汇兑损益), run by closePeriod before 结转损益:
 * every foreign-currency balance of a monetary account (cash 1001, bank 1002,
 * wallets 1012, receivables 1122, advances 1123/2203, other receivables 1221,
 * loans 2001, payables 2202, other payables 2241 and their sub-accounts; a
 * company may list its own under settings.fx.monetaryAccounts) is restated at
 * the last rate on or before the period end, per account x store x currency;
 * the difference goes to 财务费用-汇兑损益. Adjustments are remembered
 * (fx_revaluations), so the next close restates from the carried amount.
 */
export const DEFAULT_MONETARY_ACCOUNTS = ['1001', '1002', '1012', '1122', '1123', '1221', '2001', '2202', '2203', '2241'] as const

export function monetaryAccounts(company: Company): string[] {
  const configured = (company.settings.fx as { monetaryAccounts?: unknown } | undefined)?.monetaryAccounts
  if (Array.isArray(configured) && configured.every((code) => typeof code === 'string' && /^\d{4}(\.\d{2}){0,3}$/.test(code))) return configured as string[]
  return [...DEFAULT_MONETARY_ACCOUNTS]
}

/** SQL condition and arguments: account_code is one of `roots` or below one of them. */
export function withinAccounts(roots: ReadonlyArray<string>, column = 'account_code'): { sql: string; args: string[] } {
  if (roots.length === 0) return { sql: '0', args: [] }
  return { sql: `(${roots.map(() => `${column} = ? OR ${column} LIKE ?`).join(' OR ')})`, args: roots.flatMap((root) => [root, `${root}.%`]) }
}

/** Foreign balances of monetary accounts through `period` (inclusive), with the revaluations carried through `period`. */
export async function foreignBalances(tx: Transaction | Client, company: Company, period: string): Promise<ForeignBalance[]> {
  const within = withinAccounts(monetaryAccounts(company))
  const balances = await foreignBalancesThrough(tx, company.id, period, company.baseCurrency, within)
  // adjustments up to and including this period: a re-close after a reopen restates only what changed since
  const adjustments = await revaluationTotals(tx, company.id, period)
  const carried = new Map(adjustments.rows.map((row) => [`${row.account_code}\u0000${row.store}\u0000${row.currency}`, BigInt(Number(row.total))]))
  return balances.map((row) => ({ ...row, base: row.base + (carried.get(`${row.account}\u0000${row.store}\u0000${row.currency}`) ?? 0n) }))
}

export async function revaluePeriod(context: LedgerContext, tx: Transaction, actor: Actor, company: Company, period: string, write: PeriodEndWrite = { mode: 'post', selfApprove: false }): Promise<number | null> {
  await repairRevaluations(tx, company, period)
  const balances = await foreignBalances(tx, company, period)
  if (balances.length === 0) return null
  const date = lastDayOfPeriod(period)
  const rateOn = await rateLookup(context, company.id)
  const items = revaluations(balances, company.baseCurrency, (currency) => rateOn(currency, date))
  const overrides = (company.settings.posting as { accounts?: { exchangeGainLoss?: string } } | undefined)?.accounts
  const gainLoss = overrides?.exchangeGainLoss ?? defaultAccountRoles(company.chartTemplate, company.taxpayerType).exchangeGainLoss
  const input = revaluationVoucher(items, date, company.baseCurrency, () => gainLoss)
  if (!input) return null
  // the first close of a period keeps its key; each re-close after a reopen revalues what changed under the next key
  const round = await revaluationRounds(tx, company.id, period)
  const key = round === 0 ? `fx-revaluation:${period}` : `fx-revaluation:${period}#${round + 1}`
  const prepared = await prepareVouchers(context, company, [{ input: { ...input, idempotencyKey: key } }])
  const [result] = await writeInTransaction(context, tx, actor, company, prepared, { mode: write.mode, sourceKind: 'revaluation', selfApprove: write.selfApprove })
  const voucherId = result?.id ?? 0
  const rows = items.map((item) => [company.id, period, item.balance.account, item.balance.store, item.balance.currency, item.rate, item.adjustment, voucherId])
  await upsertRevaluations(tx, rows)
  return voucherId
}

const ADJUSTMENT_SUMMARY = /^期末汇兑调整 ([A-Z]{3}) @ /

/**
 * fx_revaluations rows of `period` whose voucher is gone (a revaluation draft
 * deleted instead of approved) are rebuilt from the revaluation vouchers of the
 * period that remain (drafts too): each adjustment line on the monetary account
 * names its currency in the summary (`期末汇兑调整 USD @ 7.1`). Without this a
 * deleted draft would leave its adjustment carried, and the next revaluation
 * would restate from a wrong carried amount.
 */
async function repairRevaluations(tx: Transaction, company: Company, period: string): Promise<void> {
  const stale = await staleRevaluations(tx, company.id, period)
  for (const row of stale.rows) {
    const [account, store, currency] = [String(row.account_code), String(row.store), String(row.currency)]
    const lines = await revaluationLines(tx, company.id, period, account, store)
    let adjustment = 0n
    let voucherId: number | null = null
    for (const line of lines.rows) {
      if (ADJUSTMENT_SUMMARY.exec(String(line.summary))?.[1] !== currency) continue
      const amount = BigInt(Number(line.amount_minor))
      adjustment += line.side === 'debit' ? amount : -amount
      voucherId = Number(line.voucher_id)
    }
    if (voucherId === null) await deleteRevaluation(tx, company.id, period, account, store, currency)
    else await setRevaluation(tx, company.id, period, account, store, currency, adjustment, voucherId)
  }
}

/** Plugs revaluation into period close (idempotent; called by the posting CLI and routes). */
export function registerRevaluation(): void {
  registerCloseHook('posting.fx-revaluation', (context, tx, actor, company, period, write) => revaluePeriod(context, tx, actor, company, period, write))
  registerVatAtClose()
}
