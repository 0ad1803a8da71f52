import type { Minor } from '../money.ts'
import { type Order, type SettlementTxn } from '../records.ts'
import { groupKey, membersHash } from './fingerprint.ts'
import { type MatchingSettings, actionApplies, ruleHolds } from './rules.ts'
import { parseAmount } from '../money.ts'
import { BUILTIN_RULES, type BuiltinRule, type Decisions, type ExceptionResult, type ExceptionType, type Group, type GroupResult, type MatchResult } from './types.ts'
import type { MatchInput, MatchOutput } from './io.ts'
import { type OrderGroup, FAILED, NO_ORDERS, NO_BANK, dayNumber, txnRef, txnsByRef, ordersByRef, differenceOf, largestAmount, matchOf, exceptionOf, earliest } from './engine-parts.ts'

/**
 * The state of one matching run and the steps every level shares (grouping,
 * tolerance, results, custom rules); engine.ts adds the order and payout levels.
 */
export class RunState {
  readonly output: MatchOutput = { matches: [], exceptions: [], pending: [], skipped: [] }
  protected readonly settings: MatchingSettings
  protected readonly asOf: string
  protected readonly asOfDay: number
  protected readonly decisions: Decisions
  protected readonly pinned: ReadonlySet<string> | null
  protected readonly rejected: ReadonlySet<string> | null
  protected readonly payouts: SettlementTxn[] = []
  protected readonly tolerance: Map<string, bigint> = new Map()
  protected readonly noRules: boolean
  /** Status of an automatic match per built-in rule (confidence vs autoConfirmConfidence). */
  protected readonly statusOf: (rule: BuiltinRule) => MatchResult['status']
  protected lastDescription = ''
  protected lastFailed = false
  protected lastDate = ''

  constructor(protected readonly input: MatchInput) {
    this.settings = input.settings
    this.asOf = input.asOf
    this.asOfDay = dayNumber(input.asOf)
    this.decisions = input.decisions ?? {}
    this.pinned = this.decisions.pinnedRefs && this.decisions.pinnedRefs.size > 0 ? this.decisions.pinnedRefs : null
    this.rejected = this.decisions.rejectedPairs && this.decisions.rejectedPairs.size > 0 ? this.decisions.rejectedPairs : null
    this.noRules = this.settings.rules.length === 0
    const threshold = this.settings.autoConfirmConfidence
    this.statusOf = (rule) => (BUILTIN_RULES[rule] >= threshold ? 'confirmed' : 'suggested')
  }

  /** Same as ageInDays(date, asOf), with asOf parsed once. */
  protected age(date: string): number {
    const days = this.asOfDay - dayNumber(date)
    return days > 0 ? days : 0
  }

  /** createdAt.slice(0, 10), reusing the previous string while rows stay on the same day. */
  protected dateOf(createdAt: string): string {
    const last = this.lastDate
    if (last.length === 10 && createdAt.startsWith(last)) return last
    const date = createdAt.slice(0, 10)
    this.lastDate = date
    return date
  }

  /** FAILED.test with a one-entry cache: payment descriptions repeat from row to row. */
  protected failedText(description: string): boolean {
    if (description !== this.lastDescription) {
      this.lastDescription = description
      this.lastFailed = FAILED.test(description)
    }
    return this.lastFailed
  }


  protected orderGroup(group: OrderGroup, order: Order | null, difference: Minor): Group {
    const first = order ?? group.txns[0]
    // Items stay in arrival order here (sorting 1M small groups costs more than the join); groupItems() sorts for keys and hashes.
    const sortedTxns = group.followUp && group.txns.length > 1 ? txnsByRef(group.txns) : group.txns
    const orders = group.orders.length > 1 ? ordersByRef(group.orders) : group.orders
    return {
      level: 'order', anchor: group.followUp ? `${group.key}+${txnRef(sortedTxns[0] ?? (group.txns[0] as SettlementTxn))}` : group.key,
      orders, settlements: sortedTxns, bank: NO_BANK,
      channel: first?.channel ?? 'other', store: first?.store ?? '', currency: first?.currency ?? 'CNY',
      date: order ? order.createdAt.slice(0, 10) : earliest(group.txns), difference,
    }
  }


  protected withinTolerance(difference: bigint, currency: string): boolean {
    let limit = this.tolerance.get(currency)
    if (limit === undefined) {
      limit = parseAmount(this.settings.tolerance.amount, currency) as bigint
      this.tolerance.set(currency, limit)
    }
    return (difference < 0n ? -difference : difference) <= limit
  }

  protected txnGroup(level: 'order' | 'charge', anchor: string, txns: ReadonlyArray<SettlementTxn>): Group {
    const sorted = txns.length > 1 ? txnsByRef(txns) : txns
    const first = sorted[0] as SettlementTxn
    return { level, anchor, orders: NO_ORDERS, settlements: sorted, bank: NO_BANK, channel: first.channel, store: first.store, currency: first.currency, date: earliest(sorted), difference: differenceOf(sorted, NO_ORDERS) }
  }

  // -------------------------------------------------------------------------
  // Own-store orders without a key, and what is left over
  // -------------------------------------------------------------------------

  // -------------------------------------------------------------------------
  // Results and custom rules
  // -------------------------------------------------------------------------

  protected match(group: Group, rule: BuiltinRule, why: string, differenceAccount?: string): MatchResult {
    return matchOf(group, differenceAccount === undefined ? rule : 'tolerance', why, BUILTIN_RULES[rule], this.statusOf(rule), differenceAccount)
  }

  protected exception(group: Group, type: ExceptionType, rule: string, why: string): ExceptionResult {
    return exceptionOf(group, type, 'open', rule, why, largestAmount(group) as Minor, this.age(group.date), undefined)
  }

  protected emit(result: GroupResult): void {
    const final = this.noRules ? result : this.applyRules(result)
    if (final.outcome === 'match') this.output.matches.push(final)
    else this.output.exceptions.push(final)
  }

  protected applyRules(result: GroupResult): GroupResult {
    for (const rule of this.settings.rules) {
      if (!actionApplies(rule.then, result) || !ruleHolds(rule, result, this.asOf)) continue
      const fired = `custom:${rule.id}`
      const action = rule.then
      switch (action.action) {
        case 'raise':
          return this.exception(result, action.type, fired, `rule ${rule.id} raised ${action.type} (${result.outcome === 'match' ? `was a match by ${result.rule}` : `was ${result.type}`})`)
        case 'ignore':
          if (result.outcome !== 'exception') continue
          return exceptionOf(result, result.type, 'ignored', fired, `rule ${rule.id} auto-ignores this (${result.why})`, result.amount, result.ageDays, result.requiredRole)
        case 'tolerance': {
          const limit = parseAmount(action.maxDifference, result.currency) as bigint
          const difference = result.difference < 0n ? -result.difference : result.difference
          if (difference > limit) continue
          return matchOf(result, fired, `rule ${rule.id}: difference ${result.difference} within ${action.maxDifference}, posts to ${action.account}`, BUILTIN_RULES.tolerance, this.statusOf('tolerance'), action.account)
        }
        case 'requireApproval': {
          if (result.outcome !== 'match') continue
          const approvedHash = this.decisions.approvals?.get(groupKey(result))
          if (approvedHash !== undefined && approvedHash === membersHash(result)) {
            return matchOf(result, 'approved', `approved (rule ${rule.id} requires ${action.role}); ${result.why}`, result.confidence, 'confirmed', result.differenceAccount)
          }
          const needs = this.exception(result, 'NEEDS_APPROVAL', fired, `rule ${rule.id}: needs approval by ${action.role} before posting (${result.why})`)
          return exceptionOf(needs, needs.type, needs.status, needs.rule, needs.why, needs.amount, needs.ageDays, action.role)
        }
      }
    }
    return result
  }
}

/** A match over a group's own fields (a result re-classified by a rule must not carry the old outcome's fields). One object, no spreads. */
