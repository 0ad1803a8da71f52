import type { Account } from '../../shared/accounts.ts'
import { type Minor, formatAmount } from '../../shared/money.ts'
import type { AcceptedDifference, Held, HoldVerdict, PayoutLink, PayoutTiming, SourceItem } from '../../shared/posting/index.ts'
import { type BankTxn, naturalKey } from '../../shared/records.ts'
import { listBankTxns } from '../imports/query.ts'
import type { LedgerContext } from '../ledger/context.ts'
import { matchingTablesExist, selectVerdictRows } from './queries.ts'

/**
 * Matching's verdicts for posting (service/db/schema/matching.ts).
 *
 * - Items in an open exception or a merely suggested match wait; items of an
 *   ignored exception never post (IGNORED). Orders wait only for NEEDS_APPROVAL
 *   or DUPLICATE_ORDER (a sale is recognised whether or not the money has come in).
 * - Settlement items of a confirmed match post, and the first voucher that posts
 *   them links the match as source ('match', id) so unmatching can reverse it.
 * - A difference matching accepted — a confirmed match that carries one (company
 *   tolerance, a tolerance rule, a manual or approved match) or a resolved
 *   AMOUNT_MISMATCH — posts as it is, to the account the rule named or else the
 *   company's difference account; posting's own tolerance is not asked again.
 * - Payouts ('bank' timing): a confirmed payout↔bank match gives the receipt's
 *   date and bank account; an open MISSING_PAYMENT or a suggested match holds the
 *   payout (NOT_IN_BANK / NOT_MATCHED); a resolved MISSING_PAYMENT posts it on
 *   its own date. With 'channel' timing payout-level results do not hold payouts.
 *
 * Items matching never saw post as before.
 */
export interface MatchingVerdicts {
  readonly hold: (source: SourceItem) => HoldVerdict | undefined
  readonly confirmedMatchOf: (source: SourceItem) => number | undefined
  readonly accepted: (source: SourceItem) => AcceptedDifference | undefined
  readonly payoutLink: (payoutKey: string) => PayoutLink | undefined
}

export interface VerdictOptions {
  readonly payouts: PayoutTiming
  /** bank account (as imported) -> ledger account */
  readonly bankAccounts: Readonly<Record<string, string>>
  readonly chart: ReadonlyMap<string, Account>
}

const NONE: MatchingVerdicts = { hold: () => undefined, confirmedMatchOf: () => undefined, accepted: () => undefined, payoutLink: () => undefined }
const ORDER_BLOCKING = new Set(['NEEDS_APPROVAL', 'DUPLICATE_ORDER'])
const itemKey = (kind: unknown, ref: unknown): string => `${String(kind)}\u0000${String(ref)}`
const money = (value: unknown): Minor => BigInt(value as number | bigint | string) as Minor

function reasonOf(type: string): Held['reason'] {
  if (type === 'NEEDS_APPROVAL') return 'NEEDS_APPROVAL'
  if (type === 'AMOUNT_MISMATCH' || type === 'OVER_REFUND') return 'AMOUNT_MISMATCH'
  return 'NOT_MATCHED'
}

/** Words for an item of an open or ignored exception. */
function exceptionVerdict(row: Record<string, unknown>): HoldVerdict {
  const id = String(row.id)
  const type = String(row.type)
  const why = String(row.why ?? '')
  if (String(row.status) === 'ignored') {
    const reason = row.decision_reason === null || row.decision_reason === undefined ? 'by a rule' : `: "${String(row.decision_reason)}"`
    return { reason: 'IGNORED', message: `exception #${id} ${type} was ignored${reason}; not posted` }
  }
  if (type === 'NEEDS_APPROVAL') return { reason: 'NEEDS_APPROVAL', message: `waits for an approver (exception #${id} NEEDS_APPROVAL${row.required_role ? `, role ${String(row.required_role)}` : ''})` }
  if (type === 'MISSING_PAYMENT' && String(row.level) === 'payout') return { reason: 'NOT_IN_BANK', message: `payout not in bank: ${why} (exception #${id} MISSING_PAYMENT open)` }
  return { reason: reasonOf(type), message: `exception #${id} ${type} is open: ${why}` }
}

/** Where a difference accepted by a rule goes: the named account if it is a leaf, else a reason to wait. */
function namedAccount(code: string | undefined, chart: ReadonlyMap<string, Account>): { account?: string } | { problem: string } {
  if (code === undefined) return {}
  const account = chart.get(code)
  if (account?.isLeaf) return { account: code }
  return { problem: `the difference account ${code} ${account ? 'is not a leaf account' : 'is not in the chart'}; name a leaf account in the matching rule or tolerance` }
}

interface PayoutMatch { readonly id: number; readonly payouts: string[]; readonly banks: string[] }

async function payoutLinks(context: LedgerContext, companyId: number, matches: ReadonlyArray<PayoutMatch>, options: VerdictOptions): Promise<Map<string, PayoutLink>> {
  const links = new Map<string, PayoutLink>()
  if (matches.length === 0) return links
  const lines = new Map<string, BankTxn>()
  for (const line of await listBankTxns(context.db, companyId)) lines.set(naturalKey({ kind: 'bankTxn', record: line }), line)
  for (const match of matches) {
    const found = match.banks.map((key) => lines.get(key)).filter((line) => line !== undefined)
    if (found.length === 0 || found.length !== match.banks.length) continue
    const date = found.map((line) => line.valueDate ?? line.occurredAt.slice(0, 10)).sort().at(-1)
    // One payout over several receipts: each part to its account. Several payouts in one receipt: each payout whole.
    const receipts = found.map((line) => ({ bankAccount: line.account, account: options.bankAccounts[line.account], ...(match.payouts.length === 1 ? { amount: line.amount } : {}) }))
    for (const payout of match.payouts) links.set(payout, { date, receipts, bankTxns: match.banks })
  }
  return links
}

export async function matchingVerdicts(context: LedgerContext, companyId: number, options: VerdictOptions): Promise<MatchingVerdicts> {
  if (!(await matchingTablesExist(context.db))) return NONE
  const [matchRows, exceptionRows] = await selectVerdictRows(context.db, companyId)
  const bankTiming = options.payouts === 'bank'
  const held = new Map<string, HoldVerdict>()
  const confirmed = new Map<string, number>()
  const accepted = new Map<string, AcceptedDifference>()
  const resolvedPayouts = new Set<string>()
  const payoutMatches = new Map<number, PayoutMatch>()
  for (const row of matchRows.rows) {
    const key = itemKey(row.item_kind, row.item_ref)
    const id = Number(row.id)
    const payoutLevel = String(row.level) === 'payout'
    if (row.status !== 'confirmed') {
      if (row.item_kind !== 'order' && (!payoutLevel || bankTiming)) held.set(key, { reason: 'NOT_MATCHED', message: `match #${id} (${String(row.rule)}) is a suggestion: confirm it to post` })
      continue
    }
    confirmed.set(key, id)
    if (payoutLevel) {
      const match = payoutMatches.get(id) ?? { id, payouts: [], banks: [] }
      if (row.item_kind === 'bankTxn') match.banks.push(String(row.item_ref))
      else if (row.item_kind === 'settlementTxn') match.payouts.push(String(row.item_ref))
      payoutMatches.set(id, match)
      continue
    }
    const difference = money(row.difference_minor)
    // A follow-up group (`order:<key>+<txn>`) measures only its own txns against nothing: not a settlement difference.
    if (difference === 0n || row.item_kind !== 'settlementTxn' || String(row.key).includes('+')) continue
    const named = namedAccount(row.difference_account === null ? undefined : String(row.difference_account), options.chart)
    if ('problem' in named) held.set(key, { reason: 'AMOUNT_MISMATCH', message: `match #${id}: difference ${formatAmount(difference, String(row.currency))} accepted, but ${named.problem}` })
    else accepted.set(key, { difference, ...named, by: `match #${id} (${String(row.origin) === 'auto' ? `rule ${String(row.rule)}` : String(row.origin)})` })
  }
  for (const row of exceptionRows.rows) {
    const type = String(row.type)
    const key = itemKey(row.item_kind, row.item_ref)
    const payoutLevel = String(row.level) === 'payout'
    if (payoutLevel && !bankTiming) continue
    if (String(row.status) === 'resolved') {
      // only the figure the person accepted (rows resolved before it was stored: their difference, which a run no longer changes while resolved)
      if (type === 'AMOUNT_MISMATCH' && row.item_kind === 'settlementTxn') {
        // the account the person chose when resolving, if any (checked as a leaf then; checked again here in case the chart changed)
        const named = namedAccount(row.accepted_account === null || row.accepted_account === undefined ? undefined : String(row.accepted_account), options.chart)
        if ('problem' in named) held.set(key, { reason: 'AMOUNT_MISMATCH', message: `exception #${String(row.id)} resolved, but ${named.problem}` })
        else accepted.set(key, { difference: money(row.accepted_difference_minor ?? row.difference_minor), ...named, by: `exception #${String(row.id)} resolved` })
      }
      if (type === 'MISSING_PAYMENT' && payoutLevel && row.item_kind === 'settlementTxn') resolvedPayouts.add(String(row.item_ref))
      continue
    }
    if (row.item_kind === 'order' && !ORDER_BLOCKING.has(type)) continue
    const current = held.get(key)
    if (current?.reason !== 'NEEDS_APPROVAL' && current?.reason !== 'IGNORED') held.set(key, exceptionVerdict(row as Record<string, unknown>))
  }
  const links = bankTiming ? await payoutLinks(context, companyId, [...payoutMatches.values()], options) : new Map<string, PayoutLink>()
  return {
    hold: (source) => held.get(itemKey(source.kind, source.id)),
    confirmedMatchOf: (source) => (source.kind === 'settlementTxn' ? confirmed.get(itemKey(source.kind, source.id)) : undefined),
    accepted: (source) => accepted.get(itemKey(source.kind, source.id)),
    // A payout a person accepted without a bank receipt posts on its own date into the store's bank account.
    payoutLink: (payoutKey) => links.get(payoutKey) ?? (resolvedPayouts.has(payoutKey) ? { receipts: [], bankTxns: [] } : undefined),
  }
}
