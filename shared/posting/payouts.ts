import { formatAmount } from '../money.ts'
import type { Entry, Held } from './types.ts'

/**
 * A2X-style payout check, before posting: the money a payout (提现 / Shopify
 * payout) takes out of the platform wallet must equal the wallet movements of
 * the entries that make it up (settlements net of commission and fees, refunds,
 * charges). Checked per store + payout reference over the whole payout, before
 * the payout granularity splits it by month. Amounts in the wallet's own
 * currency (original), so rounding of foreign lines cannot trip it.
 *
 * A payout whose Σ lines != amount received is refused: all its entries are
 * held (AMOUNT_MISMATCH) with both amounts in the message. A payout planned
 * alone (its items were posted in an earlier run) is not re-checked.
 */
export interface PayoutCheck {
  readonly entries: Entry[]
  readonly held: Held[]
}

export function checkPayouts(entries: ReadonlyArray<Entry>, walletOf: (store: string) => string | undefined): PayoutCheck {
  const groups = new Map<string, Entry[]>()
  for (const entry of entries) {
    if (entry.payoutRef === undefined) continue
    const key = `${entry.store}\u0000${entry.payoutRef}`
    const group = groups.get(key)
    if (group) group.push(entry)
    else groups.set(key, [entry])
  }
  const refused = new Set<Entry>()
  const held: Held[] = []
  for (const group of groups.values()) {
    const payouts = group.filter((entry) => entry.kind === 'payout')
    const items = group.filter((entry) => entry.kind !== 'payout')
    const first = group[0]
    if (payouts.length === 0 || items.length === 0 || !first) continue
    const wallet = walletOf(first.store)
    if (wallet === undefined) continue
    const net = (list: ReadonlyArray<Entry>): bigint => {
      let sum = 0n
      for (const entry of list) for (const line of entry.lines) if (line.account === wallet) sum += line.side === 'debit' ? line.original : -line.original
      return sum
    }
    const currency = first.lines.find((line) => line.account === wallet)?.currency ?? ''
    const collected = net(items)
    const paidOut = -net(payouts)
    if (collected === paidOut) continue
    for (const entry of group) refused.add(entry)
    const payoutRef = first.payoutRef ?? ''
    for (const payout of payouts) {
      for (const source of payout.sources) {
        held.push({
          source, store: first.store, reason: 'AMOUNT_MISMATCH',
          message: `payout ${payoutRef}: received ${formatAmount(paidOut, currency)} but its ${items.length} item(s) add up to ${formatAmount(collected, currency)} (difference ${formatAmount(paidOut - collected, currency)}); nothing of it is posted`,
        })
      }
    }
  }
  return refused.size === 0 ? { entries: [...entries], held } : { entries: entries.filter((entry) => !refused.has(entry)), held }
}

/**
 * Takes the payouts planned `awaitingBank` out of the entries (after the payout
 * check has compared them with their items) and reports each as NOT_IN_BANK.
 * @example holdUnbankedPayouts(plan.entries).held[0]?.reason === 'NOT_IN_BANK'
 */
export function holdUnbankedPayouts(entries: ReadonlyArray<Entry>): PayoutCheck {
  const held: Held[] = []
  const kept: Entry[] = []
  for (const entry of entries) {
    if (entry.awaitingBank === undefined) {
      kept.push(entry)
      continue
    }
    const source = entry.sources[0]
    if (source) held.push({ source, store: entry.store, reason: 'NOT_IN_BANK', message: entry.awaitingBank })
  }
  return { entries: kept, held }
}
