import { z } from 'zod'
import { CHANNELS, type Channel } from '../../shared/records.ts'
import { LedgerError } from '../../shared/errors.ts'
import { type Minor, ZERO, parseAmount } from '../../shared/money.ts'
import { type AccountOverrides, DEFAULT_TAX_RATES, GRANULARITIES, type MappingProblem, PAYOUT_TIMINGS, POSTING_ROLES, type StoreProfile, type TaxRateRow, defaultTaxCode, resolveAccounts, taxRateOn, validateMapping } from '../../shared/posting/index.ts'
import { type Actor, type LedgerContext } from '../ledger/context.ts'
import { type Company, getCompany, loadChart, updateCompanySettings } from '../ledger/company.ts'
import { isChannel, listStores } from '../ledger/stores.ts'
import { selectTaxRates } from './queries.ts'

/**
 * Posting settings live in the company settings JSON under `posting`:
 * recognition (completed|shipped), default granularity, tolerance, the
 * auto-approval rule, company-wide account overrides and per-store profiles.
 */
const overridesSchema = z.object(Object.fromEntries(POSTING_ROLES.map((role) => [role, z.string().optional()]))).strict()
const amount = z.string().regex(/^\d{1,16}(\.\d{1,6})?$/, 'amount must be a decimal string like "500.00"')

export const postingSettingsSchema = z.object({
  recognition: z.enum(['completed', 'shipped']).default('completed'),
  granularity: z.enum(GRANULARITIES).default('order'),
  /** settlement difference accepted and posted to differenceLoss/differenceGain */
  tolerance: amount.default('0'),
  /** vouchers with a total up to maxTotal are approved by rule (audited); the rest stay drafts */
  autoApprove: z.object({ maxTotal: amount }).nullable().default(null),
  /** 'bank': a payout posts when matched to its bank receipt, on the receipt date; 'channel': on the platform's payout date */
  payouts: z.enum(PAYOUT_TIMINGS).default('bank'),
  /** bank account as it appears on imported statements (the import's store) -> ledger account; default: the store's bank account */
  bankAccounts: z.record(z.string().min(1), z.string()).default({}),
  accounts: overridesSchema.default({}),
  stores: z.record(z.string(), z.object({
    name: z.string().optional(),
    channel: z.enum(CHANNELS).optional(),
    taxCode: z.string().optional(),
    accounts: overridesSchema.default({}),
  }).strict()).default({}),
}).strict()

export type PostingSettings = z.output<typeof postingSettingsSchema>

export function postingSettings(company: Company): PostingSettings {
  const parsed = postingSettingsSchema.safeParse(company.settings.posting ?? {})
  if (!parsed.success) throw new LedgerError('VALIDATION', `company ${company.code} posting settings: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? ''}`)
  return parsed.data
}

export function toleranceOf(company: Company, settings: PostingSettings): Minor {
  return settings.tolerance === '0' ? ZERO : parseAmount(settings.tolerance, company.baseCurrency)
}

export async function loadTaxRates(context: LedgerContext): Promise<TaxRateRow[]> {
  const stored = (await selectTaxRates(context.db)).map((row) => ({ code: row.code, rate: row.rate, taxpayerType: row.taxpayerType as TaxRateRow['taxpayerType'], validFrom: row.validFrom, validTo: row.validTo, note: row.note }))
  // codes added to DEFAULT_TAX_RATES after the table was seeded (ZERO_RATED, EXEMPT) come from the defaults
  const known = new Set(stored.map((row) => row.code))
  return [...stored, ...DEFAULT_TAX_RATES.filter((row) => !known.has(row.code))]
}

interface StoreRow {
  readonly code: string
  readonly name: string
  readonly channel: string
  readonly vatRate: string | null
  readonly bankAccount: string | null
  readonly overrides: AccountOverrides
}

async function storeRows(context: LedgerContext, companyId: number): Promise<StoreRow[]> {
  return (await listStores(context, companyId)).map((store) => ({ code: store.code, name: store.name, channel: store.channel, vatRate: store.taxCode, bankAccount: store.bankAccount, overrides: store.overrides as AccountOverrides }))
}

/**
 * Every store's posting profile (accounts resolved, VAT by date) and the
 * mapping problems found (unknown or non-leaf accounts). A store posts with its
 * channel's default profile (every channel has one) unless the store registry
 * (`cledger store set`) or the legacy `posting.stores` settings override roles.
 * Precedence per role: the store's overrides, its bank account (role `bank`),
 * `posting.stores.<code>.accounts`, `posting.accounts`, the channel default.
 */
export async function loadStoreProfiles(context: LedgerContext, company: Company): Promise<{ profiles: Map<string, StoreProfile>; problems: MappingProblem[] }> {
  const settings = postingSettings(company)
  const [rows, rates, chart] = await Promise.all([storeRows(context, company.id), loadTaxRates(context), loadChart(context, company.id)])
  const codes = new Set([...rows.map((row) => row.code), ...Object.keys(settings.stores)])
  const profiles = new Map<string, StoreProfile>()
  const problems: MappingProblem[] = []
  for (const code of codes) {
    const row = rows.find((candidate) => candidate.code === code)
    const configured = settings.stores[code]
    const channelText = (row?.channel || configured?.channel) ?? 'other'
    const channel: Channel = isChannel(channelText) ? channelText : 'other'
    const taxCode = configured?.taxCode ?? (row?.vatRate && !/^\d/.test(row.vatRate) ? row.vatRate : undefined) ?? defaultTaxCode(company.taxpayerType)
    const fixedRate = configured?.taxCode === undefined && row?.vatRate && /^\d/.test(row.vatRate) ? row.vatRate : undefined
    const storeOverrides: AccountOverrides = { ...(configured?.accounts ?? {}) as AccountOverrides, ...(row?.bankAccount ? { bank: row.bankAccount } : {}), ...(row?.overrides ?? {}) }
    let accounts
    try {
      accounts = resolveAccounts(company.chartTemplate, company.taxpayerType, channel, settings.accounts as AccountOverrides, storeOverrides)
    } catch (error) {
      if (error instanceof LedgerError) {
        problems.push({ store: code, role: 'wallet', account: '', problem: 'UNKNOWN_ACCOUNT' })
        continue
      }
      throw error
    }
    problems.push(...validateMapping(code, accounts, chart))
    const name = row && row.name !== row.code ? row.name : configured?.name ?? row?.name ?? code
    profiles.set(code, { code, name, channel, accounts, vatRateOn: (date) => fixedRate ?? taxRateOn(rates, taxCode, date) })
  }
  return { profiles, problems }
}

/** Saves posting settings after checking every mapped account exists and is a leaf. */
export async function updatePostingSettings(context: LedgerContext, actor: Actor, companyId: number, patch: Record<string, unknown>): Promise<PostingSettings> {
  const company = await getCompany(context, companyId)
  const merged = postingSettingsSchema.parse({ ...(company.settings.posting ?? {}), ...patch })
  const candidate = { ...company, settings: { ...company.settings, posting: merged } }
  const { problems } = await loadStoreProfiles(context, candidate)
  // Company-wide overrides are checked on their own too: with no store yet they
  // would otherwise wait, unchecked, for the first store to use them.
  const chart = await loadChart(context, companyId)
  for (const [role, code] of Object.entries(merged.accounts)) {
    if (code === undefined) continue
    const account = chart.get(code)
    if (!account || !account.isLeaf) problems.push({ store: '*', role: role as MappingProblem['role'], account: code, problem: account ? 'NON_LEAF_ACCOUNT' : 'UNKNOWN_ACCOUNT' })
  }
  for (const [bankAccount, code] of Object.entries(merged.bankAccounts)) {
    const account = chart.get(code)
    if (!account || !account.isLeaf) problems.push({ store: `bank ${bankAccount}`, role: 'bank', account: code, problem: account ? 'NON_LEAF_ACCOUNT' : 'UNKNOWN_ACCOUNT' })
  }
  if (problems.length) throw new LedgerError('UNKNOWN_ACCOUNT', `posting mapping: ${problems.map((p) => `${p.store}.${p.role} -> ${p.account || '?'} (${p.problem})`).join('; ')}`, problems)
  await updateCompanySettings(context, actor, companyId, { posting: merged })
  return merged
}
