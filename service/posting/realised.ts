import { isWithin } from '../../shared/accounts.ts'
import { type Pool, type StoreProfile, type VoucherDraft, applyCarryingRates, poolKey } from '../../shared/posting/index.ts'
import type { Company } from '../ledger/company.ts'
import type { LedgerContext } from '../ledger/context.ts'
import { monetaryAccounts, withinAccounts } from './revaluation.ts'
import { foreignLinePools, revaluationTotals } from './queries.ts'

/**
 * The foreign pools of monetary accounts as the ledger holds them now: every
 * voucher line (drafts too: they post later in this order) plus the
 * revaluation adjustments carried in fx_revaluations.
 */
export async function carriedPools(context: LedgerContext, company: Company): Promise<Map<string, Pool>> {
  const within = withinAccounts(monetaryAccounts(company))
  const lines = await foreignLinePools(context.db, company.id, company.baseCurrency, within)
  const pools = new Map<string, Pool>()
  for (const row of lines.rows) pools.set(poolKey(String(row.account_code), String(row.store), String(row.currency)), { original: BigInt(Number(row.original)), base: BigInt(Number(row.base)) })
  const adjustments = await revaluationTotals(context.db.client, company.id)
  for (const row of adjustments.rows) {
    const key = poolKey(String(row.account_code), String(row.store), String(row.currency))
    const pool = pools.get(key) ?? { original: 0n, base: 0n }
    pool.base += BigInt(Number(row.total))
    pools.set(key, pool)
  }
  return pools
}

/** Drafts with money out of foreign pools at the carrying rate and the realised difference on 汇兑损益. */
export async function withRealisedFx(context: LedgerContext, company: Company, drafts: ReadonlyArray<VoucherDraft>, profiles: ReadonlyMap<string, StoreProfile>, fallbackGainLoss: string): Promise<VoucherDraft[]> {
  const foreign = drafts.some((draft) => draft.input.lines.some((line) => line.currency !== undefined && line.currency !== company.baseCurrency))
  if (!foreign) return [...drafts]
  const roots = monetaryAccounts(company)
  return applyCarryingRates(drafts, {
    baseCurrency: company.baseCurrency,
    isMonetary: (account) => roots.some((root) => isWithin(account, root)),
    pools: await carriedPools(context, company),
    gainLoss: (store) => profiles.get(store)?.accounts.exchangeGainLoss ?? fallbackGainLoss,
  })
}
