import { z } from 'zod'
import { normalizePeriod } from '../period.ts'
import { EXCEPTION_STATUSES, EXCEPTION_TYPES } from '../matching/types.ts'
import { decimal, okResponse, queryLimit } from './common.ts'

/**
 * Reconciliation: run matching, read matches and exceptions, and the decisions
 * a person makes (`/api/v1/companies/{code}/match|exceptions|reconcile`).
 */
export const scopeQuery = z.object({ period: z.string().transform((value) => normalizePeriod(value)).optional(), store: z.string().optional() })
export const reasonRequest = z.object({ reason: z.string().min(1).max(2000) })
export const resolutionRequest = reasonRequest.extend({ account: z.string().min(1).max(64).optional() })
export type ResolutionRequest = z.input<typeof resolutionRequest>

/** GET …/match: counts of matches per status and rule, exceptions per status and open type */
export const matchCountsResponse = z.strictObject({
  counts: z.strictObject({
    matches: z.record(z.string(), z.number().int()),
    matchesByRule: z.record(z.string(), z.number().int()),
    exceptions: z.record(z.string(), z.number().int()),
    openByType: z.record(z.string(), z.number().int()),
  }),
})
export type MatchCountsResponse = z.infer<typeof matchCountsResponse>

/** What a matching run changed. */
export const runCountsSchema = z.strictObject({
  matches: z.strictObject({ inserted: z.number().int(), updated: z.number().int(), unchanged: z.number().int(), unmatched: z.number().int() }),
  exceptions: z.strictObject({ raised: z.number().int(), updated: z.number().int(), unchanged: z.number().int(), cleared: z.number().int(), reopened: z.number().int() }),
  pending: z.number().int(),
  skipped: z.number().int(),
})

/** POST …/match/run */
export const matchRunRequest = z.object({ asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional() })
export type MatchRunRequest = z.input<typeof matchRunRequest>
export const matchRunResponse = z.strictObject({ run: runCountsSchema })
export type MatchRunResponse = z.infer<typeof matchRunResponse>

/** A record in a match or exception: its kind, natural key (`alipay|2088…|payment`), role and amount. */
export const matchItemSchema = z.strictObject({ kind: z.string(), ref: z.string(), role: z.string(), amount: decimal })
export type MatchItemDto = z.infer<typeof matchItemSchema>

export const matchSchema = z.strictObject({
  id: z.number().int(),
  key: z.string(),
  level: z.string(),
  rule: z.string(),
  why: z.string(),
  status: z.string(),
  origin: z.string(),
  confidence: z.number().int(),
  store: z.string(),
  period: z.string(),
  currency: z.string(),
  difference: decimal,
  differenceAccount: z.string().nullable(),
  items: z.array(matchItemSchema),
})
export type MatchDto = z.infer<typeof matchSchema>

/** GET …/match/matches?status=&limit= */
export const matchesQuery = scopeQuery.extend({ status: z.enum(['suggested', 'confirmed', 'unmatched']).optional(), limit: queryLimit(10_000).optional() })
export const matchesResponse = z.strictObject({ matches: z.array(matchSchema) })
export type MatchesResponse = z.infer<typeof matchesResponse>

/** POST …/match/manual (201): an order (its number) with settlement txns (their refs) */
export const manualMatchRequest = z.object({ order: z.string().min(1), txns: z.array(z.string().min(1)).min(1).max(1000), reason: z.string().max(2000).optional() })
export type ManualMatchRequest = z.input<typeof manualMatchRequest>
export const manualMatchResponse = z.strictObject({ matchId: z.number().int(), run: runCountsSchema })
export type ManualMatchResponse = z.infer<typeof manualMatchResponse>

/** POST …/match/matches/{id}/unmatch (reverses its posted vouchers) */
export const unmatchResponse = z.strictObject({ reversedVouchers: z.array(z.number().int()), run: runCountsSchema })
export type UnmatchResponse = z.infer<typeof unmatchResponse>

/** POST …/match/matches/{id}/confirm */
export const confirmRequest = z.object({ reason: z.string().max(2000).optional() })
export const confirmResponse = okResponse

/** One store and period of the reconciliation summary (amounts as decimal strings). */
export const summaryRowSchema = z.strictObject({
  store: z.string(),
  period: z.string(),
  currency: z.string(),
  orders: z.number().int(),
  ordersGross: decimal,
  paid: decimal,
  refunded: decimal,
  fees: decimal,
  payouts: decimal,
  bankReceived: decimal,
  difference: decimal,
  explainedByTolerance: decimal,
  explainedByOpenExceptions: decimal,
  acceptedByDecision: decimal,
  unexplained: decimal,
  openExceptions: z.number().int(),
})
export type SummaryRowDto = z.infer<typeof summaryRowSchema>
/** GET …/match/summary */
export const matchSummaryResponse = z.strictObject({ summary: z.array(summaryRowSchema) })
export type MatchSummaryResponse = z.infer<typeof matchSummaryResponse>

const figure = decimal.nullable()
/** One store and currency of 对账汇总 (null: the figure does not apply to the store). */
export const reconciliationRowSchema = z.strictObject({
  store: z.string(),
  channel: z.string(),
  currency: z.string(),
  orders: z.number().int(),
  expected: figure,
  received: figure,
  fees: figure,
  refunds: figure,
  payouts: figure,
  foundInBank: figure,
  difference: figure,
  walletMovement: figure,
  walletExpected: figure,
  walletDifference: figure,
  openExceptions: z.record(z.string(), z.number().int()),
  /** items posting holds back; null when posting cannot plan (a broken account mapping) */
  held: z.number().int().nullable(),
})
export type ReconciliationRowDto = z.infer<typeof reconciliationRowSchema>
/** GET …/reconcile?period=&store=: `drill` names the list routes behind each figure (paths under /api/v1; `POST …` entries are not lists) */
export const reconcileQuery = z.object({ period: z.string().transform((value) => normalizePeriod(value)), store: z.string().optional() })
export const reconcileRowSchema = reconciliationRowSchema.extend({ drill: z.record(z.string(), z.array(z.string())) })
export type ReconcileRowDto = z.infer<typeof reconcileRowSchema>
export const reconcileResponse = z.strictObject({ period: z.string(), stores: z.array(reconcileRowSchema) })
export type ReconcileResponse = z.infer<typeof reconcileResponse>

export const exceptionSchema = z.strictObject({
  id: z.number().int(),
  type: z.string(),
  status: z.string(),
  level: z.string(),
  rule: z.string(),
  why: z.string(),
  channel: z.string(),
  store: z.string(),
  currency: z.string(),
  period: z.string(),
  date: z.string(),
  ageDays: z.number().int(),
  orderKey: z.string().nullable(),
  amount: decimal,
  difference: decimal,
  /** the difference a person accepted when resolving */
  acceptedDifference: decimal.nullable(),
  /** the account a person chose for the accepted difference */
  acceptedAccount: z.string().nullable(),
  requiredRole: z.string().nullable(),
  decidedBy: z.number().int().nullable(),
  decidedAt: z.string().nullable(),
  decisionReason: z.string().nullable(),
  live: z.boolean(),
})
export type ExceptionDto = z.infer<typeof exceptionSchema>

/** GET …/exceptions?status=&type=&limit= */
export const exceptionsQuery = scopeQuery.extend({ status: z.enum(EXCEPTION_STATUSES).optional(), type: z.enum(EXCEPTION_TYPES).optional(), limit: queryLimit(10_000).optional() })
/** The filters a client sends. */
export type ExceptionsFilter = Pick<z.input<typeof exceptionsQuery>, 'period' | 'status' | 'type'>
export const exceptionsResponse = z.strictObject({ exceptions: z.array(exceptionSchema) })
export type ExceptionsResponse = z.infer<typeof exceptionsResponse>

/** A record offered for a manual match of an exception, ranked. */
export const candidateSchema = z.strictObject({
  /** `settlementTxn` for an order's exception, `order` for money without an order */
  kind: z.enum(['order', 'settlementTxn']),
  ref: z.string(),
  role: z.string(),
  /** an order's number (what a manual match takes), null for a txn */
  orderNo: z.string().nullable(),
  /** the order reference a txn carries, null for an order */
  orderRef: z.string().nullable(),
  channel: z.string(),
  store: z.string(),
  date: z.string(),
  amount: decimal,
  fits: z.array(z.enum(['key', 'amount'])),
  off: decimal,
  days: z.number().int(),
})
export type CandidateDto = z.infer<typeof candidateSchema>

export const exceptionEventSchema = z.strictObject({ at: z.string(), actorId: z.number().int().nullable(), action: z.string(), from: z.string().nullable(), to: z.string(), reason: z.string() })

/** Where resolving an open AMOUNT_MISMATCH books its difference (the default, which the person may change). */
export const treatmentSchema = z.strictObject({ account: z.string(), name: z.string(), nameEn: z.string(), default: z.string() })

export const exceptionDetailSchema = exceptionSchema.extend({
  items: z.array(matchItemSchema),
  events: z.array(exceptionEventSchema),
  candidates: z.array(candidateSchema),
  treatment: treatmentSchema.optional(),
})
export type ExceptionDetailDto = z.infer<typeof exceptionDetailSchema>
/** GET …/exceptions/{id} */
export const exceptionResponse = z.strictObject({ exception: exceptionDetailSchema })
export type ExceptionResponse = z.infer<typeof exceptionResponse>

/** POST …/exceptions/{id}/resolve|ignore|approve */
export const decisionResponse = z.strictObject({ status: z.string(), matchId: z.number().int().optional(), account: z.string().optional() })
export type DecisionResponse = z.infer<typeof decisionResponse>
