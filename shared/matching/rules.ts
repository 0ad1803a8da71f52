import { z } from 'zod'
import { LedgerError } from '../errors.ts'
import { type Minor, parseAmount } from '../money.ts'
import { CHANNELS, SETTLEMENT_KINDS } from '../records.ts'
import { EXCEPTION_TYPES, type ExceptionType, type GroupResult } from './types.ts'

/**
 * Matching settings and custom rules: data in company settings (`settings.matching`),
 * validated here. Money in rules is a decimal string in the record's currency.
 *
 * Rules run in order after the built-in classification of a group; the first rule
 * whose conditions hold and whose action applies to the result fires, and the result
 * records it (`rule: 'custom:<id>'`).
 *
 * @example
 * parseMatchingSettings({ rules: [{ id: 'big-refunds', when: { kind: ['refund'], amountMin: '5000.00' }, then: { action: 'requireApproval', role: 'approver' } }] })
 */
const Decimal = z.string().regex(/^\d{1,16}(\.\d{1,6})?$/, 'expected a non-negative decimal string like "5000.00"')
const AccountCode = z.string().regex(/^\d{4}(\.\d{2})*$/, 'expected an account code like 5603 or 1012.01')

export const RuleConditionSchema = z.object({
  channel: z.array(z.enum(CHANNELS)).min(1).optional(),
  store: z.array(z.string()).min(1).optional(),
  /** Result type: an exception type, or MATCH for matches. */
  type: z.array(z.union([z.enum(EXCEPTION_TYPES), z.literal('MATCH')])).min(1).optional(),
  /** The group holds a settlement txn of one of these kinds; amount conditions then look at those txns. */
  kind: z.array(z.enum(SETTLEMENT_KINDS)).min(1).optional(),
  amountMin: Decimal.optional(),
  amountMax: Decimal.optional(),
  /** Absolute difference bounds. */
  differenceMin: Decimal.optional(),
  differenceMax: Decimal.optional(),
  ageDaysMin: z.number().int().min(0).optional(),
  ageDaysMax: z.number().int().min(0).optional(),
}).strict()

export const RuleActionSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('raise'), type: z.enum(EXCEPTION_TYPES) }).strict(),
  z.object({ action: z.literal('requireApproval'), role: z.enum(['admin', 'accountant', 'approver']) }).strict(),
  z.object({ action: z.literal('ignore') }).strict(),
  z.object({ action: z.literal('tolerance'), maxDifference: Decimal, account: AccountCode }).strict(),
])

export const RuleSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/),
  description: z.string().max(500).optional(),
  when: RuleConditionSchema.default({}),
  then: RuleActionSchema,
}).strict()

export const MatchingSettingsSchema = z.object({
  /** Company tolerance (default 0.00) and the account a tolerated difference posts to. */
  tolerance: z.object({ amount: Decimal, account: AccountCode }).default({ amount: '0.00', account: '5603' }),
  /** A completed order without money after this many days is MISSING_PAYMENT. */
  missingPaymentDays: z.number().int().min(0).max(365).default(15),
  /** Bank line date minus payout date, in days, accepted for payout matching. */
  payoutWindowDays: z.number().int().min(0).max(60).default(5),
  /** Own-store orders (no platform key) match on amount + buyer + time window. */
  ownStore: z.object({
    channels: z.array(z.enum(CHANNELS)).default(['other']),
    stores: z.array(z.string()).default([]),
    windowHours: z.number().int().min(1).max(24 * 30).default(72),
  }).default({ channels: ['other'], stores: [], windowHours: 72 }),
  /** Automatic matches at or above this confidence are confirmed; the rest are suggestions. */
  autoConfirmConfidence: z.number().int().min(0).max(100).default(90),
  rules: z.array(RuleSchema).max(500).default([]),
}).strict()

export type Rule = z.infer<typeof RuleSchema>
export type RuleAction = z.infer<typeof RuleActionSchema>
export type MatchingSettings = z.infer<typeof MatchingSettingsSchema>

/** Validates `settings.matching`; refuses unknown fields and duplicate rule ids. */
export function parseMatchingSettings(value: unknown): MatchingSettings {
  const parsed = MatchingSettingsSchema.safeParse(value ?? {})
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new LedgerError('VALIDATION', `matching settings ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`, { issues: parsed.error.issues })
  }
  const ids = new Set<string>()
  for (const rule of parsed.data.rules) {
    if (ids.has(rule.id)) throw new LedgerError('VALIDATION', `matching rule id "${rule.id}" is used twice`)
    ids.add(rule.id)
  }
  return parsed.data
}

function abs(value: bigint): bigint {
  return value < 0n ? -value : value
}

function amountOf(text: string, currency: string): Minor {
  return parseAmount(text, currency)
}

/** The amount a rule condition looks at: the largest |amount| among txns of the named kinds, else of the group. */
export function conditionAmount(result: GroupResult, kinds: ReadonlyArray<string> | undefined): bigint | null {
  let best: bigint | null = null
  for (const txn of result.settlements) {
    if (kinds && !kinds.includes(txn.kind)) continue
    const value = abs(txn.amount)
    if (best === null || value > best) best = value
  }
  if (kinds) return best
  for (const bank of result.bank) if (best === null || abs(bank.amount) > best) best = abs(bank.amount)
  for (const order of result.orders) if (best === null || order.gross > best) best = order.gross
  return best ?? 0n
}

export function ageInDays(date: string, asOf: string): number {
  return Math.max(0, Math.floor((Date.parse(`${asOf.slice(0, 10)}T00:00:00Z`) - Date.parse(`${date.slice(0, 10)}T00:00:00Z`)) / 86_400_000))
}

/** True when every condition of `rule` holds for `result`. */
export function ruleHolds(rule: Rule, result: GroupResult, asOf: string): boolean {
  const when = rule.when
  if (when.channel && !when.channel.includes(result.channel)) return false
  if (when.store && !when.store.includes(result.store)) return false
  if (when.type && !when.type.includes(result.outcome === 'match' ? 'MATCH' : result.type)) return false
  if (when.kind || when.amountMin !== undefined || when.amountMax !== undefined) {
    const amount = conditionAmount(result, when.kind)
    if (amount === null) return false
    if (when.amountMin !== undefined && amount < amountOf(when.amountMin, result.currency)) return false
    if (when.amountMax !== undefined && amount > amountOf(when.amountMax, result.currency)) return false
  }
  const difference = abs(result.difference)
  if (when.differenceMin !== undefined && difference < amountOf(when.differenceMin, result.currency)) return false
  if (when.differenceMax !== undefined && difference > amountOf(when.differenceMax, result.currency)) return false
  if (when.ageDaysMin !== undefined || when.ageDaysMax !== undefined) {
    const age = ageInDays(result.date, asOf)
    if (when.ageDaysMin !== undefined && age < when.ageDaysMin) return false
    if (when.ageDaysMax !== undefined && age > when.ageDaysMax) return false
  }
  return true
}

/** Whether an action can change this kind of result (first applicable holding rule wins). */
export function actionApplies(action: RuleAction, result: GroupResult): boolean {
  switch (action.action) {
    case 'raise':
      return result.outcome === 'match' || result.type !== action.type
    case 'requireApproval':
      return result.outcome === 'match'
    case 'ignore':
      return result.outcome === 'exception' && result.status === 'open'
    case 'tolerance':
      return result.outcome === 'exception' && result.type === 'AMOUNT_MISMATCH'
  }
}

export function isExceptionType(value: string): value is ExceptionType {
  return (EXCEPTION_TYPES as ReadonlyArray<string>).includes(value)
}
