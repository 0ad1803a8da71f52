import { LedgerError } from '../../shared/errors.ts'
import { type Minor, ZERO, formatAmount, parseAmount } from '../../shared/money.ts'
import { type Entry, type Granularity, type Held, type HoldVerdict, type PostingInput, type Recognition, type SourceItem, type StoreProfile, type VoucherDraft, VAT_ACCOUNTS, boundedKey, checkPayouts, holdReasons, holdUnbankedPayouts, orderKeyOf, parseRefundMarker, planEntries, recognitionDate, taxRateOn, toVouchers, txnKeyOf, withFeeInputVat } from '../../shared/posting/index.ts'
import type { Actor, LedgerContext } from '../ledger/context.ts'
import { type Company, getCompany, loadChart } from '../ledger/company.ts'
import { writeVouchers } from '../ledger/vouchers.ts'
import { defaultAccountRoles } from '../../shared/accounts.ts'
import { costLines } from './inventory.ts'
import { withRealisedFx } from './realised.ts'
import { rateLookup } from './rates.ts'
import { matchingVerdicts } from './matches.ts'
import { loadRecords } from './records.ts'
import { loadStoreProfiles, loadTaxRates, postingSettings, toleranceOf } from './settings.ts'
import { vatSettings } from './vat-month-end.ts'
import { postedSourceRows, reversedKeyRows } from './queries.ts'

/**
 * A posting run: records -> entries (templates) -> vouchers (granularity) ->
 * writeVouchers, drafts unless the company's auto-approval rule covers them.
 * Incremental and idempotent: items already on a voucher (voucher_sources) are
 * not planned again, and every voucher carries an idempotency key, so a rerun
 * posts nothing new; a refund arriving later becomes a new voucher.
 */
export interface PostingRunOptions {
  readonly period?: string
  readonly store?: string
  readonly granularity?: Granularity
  readonly dryRun?: boolean
  /** records to post instead of the imported ones (demo, benchmark, tests) */
  readonly records?: PostingInput
  /** a verdict per source item that replaces matching's holds (NEEDS_APPROVAL, NOT_MATCHED) */
  readonly hold?: (source: SourceItem) => Held['reason'] | HoldVerdict | undefined
  /** vouchers per writeVouchers call (one transaction each) */
  readonly chunkSize?: number
}

export interface PlannedVoucher {
  readonly key: string
  readonly date: string
  readonly store: string
  readonly summary: string
  readonly total: string
  readonly lines: number
  readonly sources: number
  readonly approval: 'auto' | 'draft'
  /** the lines themselves, in a dry run only (the task pane shows them before anything is written) */
  readonly entries?: ReadonlyArray<{ readonly account: string; readonly store?: string; readonly currency?: string; readonly debit?: string; readonly credit?: string; readonly rate?: string; readonly summary?: string }>
  readonly id?: number
  readonly status?: string
  readonly number?: number | null
}

export interface PostingRunResult {
  readonly granularity: Granularity
  readonly dryRun: boolean
  readonly vouchers: PlannedVoucher[]
  readonly written: { vouchers: number; lines: number; posted: number; drafts: number; replayed: number }
  readonly held: Held[]
  /** each hold reason present, with its count and the fix in zh-CN and en */
  readonly holdReasons: ReturnType<typeof holdReasons>
  readonly uncosted: string[]
}

const key = (source: SourceItem): string => `${source.kind}\u0000${source.id}`

async function postedSources(context: LedgerContext, companyId: number): Promise<{ posted: Set<string>; refunds: Map<string, bigint> }> {
  const result = await postedSourceRows(context.db, companyId)
  const posted = new Set<string>()
  const refunds = new Map<string, bigint>()
  for (const row of result.rows) {
    const kind = String(row.source_kind)
    const id = String(row.source_id)
    posted.add(`${kind}\u0000${id}`)
    const marker = kind === 'orderRefund' ? parseRefundMarker(id) : null
    if (marker) refunds.set(marker.orderKey, (refunds.get(marker.orderKey) ?? 0n) + marker.amount)
  }
  return { posted, refunds }
}

/** The first voucher that posts a confirmed match's settlement items links the match (for reversal on unmatch). */
function linkMatches(drafts: VoucherDraft[], matchOf: (source: SourceItem) => number | undefined, posted: ReadonlySet<string>): void {
  const linked = new Set<number>()
  for (const draft of drafts) {
    for (const source of [...draft.sources]) {
      const match = matchOf(source)
      if (match === undefined || linked.has(match) || posted.has(`match\u0000${match}`)) continue
      linked.add(match)
      draft.sources.push({ kind: 'match', id: String(match) })
    }
  }
}

/**
 * The items that wait in a period: an order by the date its sale would be
 * recognised (else its creation), money by the date it moved. Items of other
 * kinds are always listed.
 */
function heldInPeriod(held: ReadonlyArray<Held>, records: PostingInput, period: string, recognition: Recognition): Held[] {
  if (held.length === 0) return []
  const wanted = new Set(held.map((item) => key(item.source)))
  const dates = new Map<string, string>()
  for (const order of records.orders) {
    const id = key({ kind: 'order', id: orderKeyOf(order) })
    if (wanted.has(id)) dates.set(id, recognitionDate(order, recognition) ?? order.createdAt.slice(0, 10))
  }
  for (const txn of records.txns) {
    const id = key({ kind: 'settlementTxn', id: txnKeyOf(txn) })
    if (wanted.has(id)) dates.set(id, txn.occurredAt.slice(0, 10))
  }
  return held.filter((item) => dates.get(key(item.source))?.startsWith(period) ?? true)
}

function inScope(entry: Entry, options: PostingRunOptions): boolean {
  return (options.period === undefined || entry.date.startsWith(options.period)) && (options.store === undefined || entry.store === options.store)
}

/**
 * Issue #16.3: stock is one pool per SKU for the company, so issues are costed
 * in date order across every store; a run for one store still costs the sold
 * lines of all stores (their costs are fixed in date order, not store by store).
 */
async function costLinesCompanyWide(context: LedgerContext, company: Company, records: PostingInput, options: PostingRunOptions, recognition: Recognition) {
  const all = options.store !== undefined && options.records === undefined ? await loadRecords(context, company.id, {}) : records
  return costLines(context, company.id, all.orders, all.orderLines ?? [], recognition, !options.dryRun)
}

/** Issue #16.5: platform charges with a 专票 (vat.feeTaxCodes) carry input VAT; general taxpayers only. */
async function feeInputVat(context: LedgerContext, company: Company, entries: Entry[], profiles: Map<string, StoreProfile>): Promise<Entry[]> {
  const codes = company.taxpayerType === 'general' ? vatSettings(company).feeTaxCodes ?? {} : {}
  if (Object.values(codes).every((code) => code === undefined)) return entries
  const rates = await loadTaxRates(context)
  return withFeeInputVat(entries, {
    baseCurrency: company.baseCurrency, inputVatAccount: VAT_ACCOUNTS.input, stores: profiles,
    rateOf: (role, date) => (codes[role] === undefined ? undefined : taxRateOn(rates, codes[role], date)),
  })
}

/**
 * Issue #16.6: after a posting voucher is reversed, its source records post
 * again. The new voucher cannot reuse the reversed one's idempotency key (that
 * would replay it), so it takes `#re<n>`, n = how many with that key were reversed.
 */
async function reKeyAfterReversal(context: LedgerContext, companyId: number, drafts: VoucherDraft[]): Promise<void> {
  const result = await reversedKeyRows(context.db, companyId)
  if (result.rows.length === 0) return
  const reversed = new Map<string, number>()
  for (const row of result.rows) {
    const base = String(row.idempotency_key).replace(/#re\d+$/, '')
    reversed.set(base, (reversed.get(base) ?? 0) + 1)
  }
  drafts.forEach((draft, index) => {
    const key = draft.input.idempotencyKey
    const count = key === undefined ? 0 : (reversed.get(key) ?? 0)
    if (count > 0) drafts[index] = { ...draft, input: { ...draft.input, idempotencyKey: boundedKey(`${key}#re${count}`) } }
  })
}

/** Plans a run without writing: the vouchers it would create and what waits. */
export async function planPosting(context: LedgerContext, company: Company, options: PostingRunOptions): Promise<{ drafts: VoucherDraft[]; held: Held[]; uncosted: string[]; granularity: Granularity; autoLimit: Minor | null }> {
  const settings = postingSettings(company)
  const { profiles, problems } = await loadStoreProfiles(context, company)
  if (problems.length) throw new LedgerError('UNKNOWN_ACCOUNT', `posting mapping: ${problems.map((p) => `${p.store}.${p.role} -> ${p.account || '?'} (${p.problem})`).join('; ')}`, problems)
  const records = options.records ?? (await loadRecords(context, company.id, { store: options.store }))
  const chart = await loadChart(context, company.id)
  const [{ posted, refunds }, rateOn, costs, verdicts] = await Promise.all([
    postedSources(context, company.id),
    rateLookup(context, company.id),
    costLinesCompanyWide(context, company, records, options, settings.recognition),
    matchingVerdicts(context, company.id, { payouts: settings.payouts, bankAccounts: settings.bankAccounts, chart }),
  ])
  const plan = planEntries({ ...records, issueCosts: costs.issueCosts, returnCosts: costs.returnCosts }, {
    policy: { baseCurrency: company.baseCurrency, recognition: settings.recognition, tolerance: toleranceOf(company, settings), rateOn, payouts: settings.payouts },
    stores: profiles,
    isPosted: (source) => posted.has(key(source)),
    refundedBefore: (orderKey) => (refunds.get(orderKey) ?? ZERO) as Minor,
    hold: options.hold ?? verdicts.hold,
    accepted: verdicts.accepted,
    payoutLink: verdicts.payoutLink,
  })
  const granularity = options.granularity ?? settings.granularity
  const scoped = (await feeInputVat(context, company, plan.entries, profiles)).filter((entry) => inScope(entry, options))
  // A2X-style: a payout posts only when Σ its items = the amount received (a payout not in the bank yet still counts here).
  const checked = granularity === 'payout' ? checkPayouts(scoped, (store) => profiles.get(store)?.accounts.wallet) : { entries: scoped, held: [] }
  const banked = holdUnbankedPayouts(checked.entries)
  const grouped = toVouchers(banked.entries, granularity, {
    baseCurrency: company.baseCurrency,
    storeName: (store) => profiles.get(store)?.name ?? store,
    roundingAccount: (store) => profiles.get(store)?.accounts.exchangeGainLoss ?? '5603.02',
  })
  // issue #16.2: money out of a foreign pool leaves at its carrying rate; the realised difference is booked now
  const drafts = await withRealisedFx(context, company, grouped, profiles, defaultAccountRoles(company.chartTemplate, company.taxpayerType).exchangeGainLoss)
  await reKeyAfterReversal(context, company.id, drafts)
  linkMatches(drafts, verdicts.confirmedMatchOf, posted)
  const waiting = [...plan.held, ...checked.held, ...banked.held].filter((item) => item.reason !== 'NOT_RECOGNISED' && (options.store === undefined || item.store === options.store))
  const held = options.period === undefined ? waiting : heldInPeriod(waiting, records, options.period, settings.recognition)
  const autoLimit = settings.autoApprove ? parseAmount(settings.autoApprove.maxTotal, company.baseCurrency) : null
  return { drafts, held, uncosted: costs.uncosted, granularity, autoLimit }
}

function describe(draft: VoucherDraft, approval: 'auto' | 'draft', baseCurrency: string, withLines = false): PlannedVoucher {
  const planned = { key: draft.input.idempotencyKey ?? '', date: draft.input.date, store: draft.store, summary: draft.input.summary ?? '', total: formatAmount(draft.total, baseCurrency), lines: draft.input.lines.length, sources: draft.sources.length, approval }
  return withLines ? { ...planned, entries: draft.input.lines.map((line) => ({ ...line })) } : planned
}

/**
 * Runs posting for a company. Errors: UNKNOWN_ACCOUNT / NON_LEAF_ACCOUNT (mapping),
 * PERIOD_CLOSED, IDEMPOTENCY_CONFLICT, DUPLICATE (from writeVouchers).
 */
export async function runPosting(context: LedgerContext, actor: Actor, companyId: number, options: PostingRunOptions = {}): Promise<PostingRunResult> {
  const company = await getCompany(context, companyId)
  const { drafts, held, uncosted, granularity, autoLimit } = await planPosting(context, company, options)
  const approval = (draft: VoucherDraft): 'auto' | 'draft' => (autoLimit !== null && draft.total <= autoLimit ? 'auto' : 'draft')
  const planned = drafts.map((draft) => describe(draft, approval(draft), company.baseCurrency, options.dryRun === true))
  const written = { vouchers: 0, lines: 0, posted: 0, drafts: 0, replayed: 0 }
  if (options.dryRun) return { granularity, dryRun: true, vouchers: planned, written, held, holdReasons: holdReasons(held), uncosted }
  const chunkSize = options.chunkSize ?? 2000
  const results: PlannedVoucher[] = []
  for (const mode of ['auto', 'draft'] as const) {
    const batch = drafts.filter((draft) => approval(draft) === mode)
    for (let start = 0; start < batch.length; start += chunkSize) {
      const chunk = batch.slice(start, start + chunkSize)
      const stored = await writeVouchers(context, actor, companyId, chunk.map((draft) => ({ input: draft.input, sources: draft.sources })), { mode: mode === 'auto' ? 'post' : 'draft', sourceKind: `posting.${granularity}`, selfApprove: mode === 'auto' })
      stored.forEach((result, index) => {
        const draft = chunk[index]
        if (!draft) return
        results.push({ ...describe(draft, mode, company.baseCurrency), id: result.id, status: result.status, number: result.number })
        if (result.replayed) written.replayed += 1
        else {
          written.vouchers += 1
          written.lines += draft.input.lines.length
          if (result.status === 'posted') written.posted += 1
          else written.drafts += 1
        }
      })
    }
  }
  results.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))
  return { granularity, dryRun: false, vouchers: results, written, held, holdReasons: holdReasons(held), uncosted }
}
