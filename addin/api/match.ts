import type { CandidateDto, DecisionResponse, ExceptionsFilter, ExceptionDetailDto, ExceptionDto, ExceptionResponse, ExceptionsResponse, ManualMatchRequest, MatchCountsResponse, MatchItemDto, MatchRunRequest, ResolutionRequest, ReconcileResponse, ReconcileRowDto } from '../../shared/api/match.ts'
import { type Transport, companyPath, query, segment } from './core.ts'

/**
 * Reconciliation in the pane (shared/api/match.ts). The pane shows exceptions
 * in its own view: the order on one side, money on the other, candidates to
 * pick; the mapping from the service's one shape is below.
 */
export type ReconcileRow = ReconcileRowDto
export type { ExceptionsFilter }

export interface MatchSummary {
  /** matches per status */
  readonly counts: Readonly<Record<string, number>>
  /** open exceptions per type */
  readonly exceptions?: Readonly<Record<string, number>>
}

export interface MatchException {
  readonly id: number
  readonly type: string
  readonly status: string
  /** the order key the exception is about (null for money without an order) */
  readonly orderNo?: string | null
  readonly store?: string | null
  readonly amount?: string | null
  readonly difference?: string | null
  /** why the engine raised it */
  readonly message?: string | null
  /** why a person decided it */
  readonly reason?: string | null
}

export interface MoneyLine {
  /** The record's natural key (`alipay|2024…|payment`), which a manual match accepts. */
  readonly id?: string
  /** payment, refund, fee, commission, payout, bank … (or the record kind when the role says nothing more). */
  readonly kind?: string
  /** Where the record came from: `alipay`, `taobao`, `bank:ICBC-6222` … */
  readonly source?: string | null
  readonly tradeNo?: string | null
  readonly date?: string | null
  readonly amount: string
  readonly description?: string | null
  /** A candidate order (for money without an order): the order number `match manual` takes. */
  readonly orderNo?: string | null
}

export interface ExceptionDetail {
  readonly exception: MatchException
  /** Facts of the order side (order number, channel, store, date, amount, difference). */
  readonly order: Readonly<Record<string, string | number | null>> | null
  /** The order records in the exception: none for money without an order. */
  readonly orders?: readonly MoneyLine[]
  /** Settlement and bank records in the exception. */
  readonly money: readonly MoneyLine[]
  readonly candidates?: readonly MoneyLine[]
  /** Where resolving books the difference (open AMOUNT_MISMATCH): the default account, which the person may change. */
  readonly treatment?: { readonly account: string; readonly name?: string; readonly nameEn?: string }
}

export type ExceptionAction = 'resolve' | 'ignore' | 'approve'

export interface MatchApi {
  /** Runs matching, then reads the counts of the period. */
  runMatch(company: string, period: string): Promise<MatchSummary>
  /** The counts of GET /match without running matching (after a decision). */
  matchSummary(company: string, period: string): Promise<MatchSummary>
  exceptions(company: string, query: ExceptionsFilter): Promise<MatchException[]>
  exceptionDetail(company: string, id: string | number): Promise<ExceptionDetail>
  /** `account`: where a resolved difference is booked (a leaf account; the company default when absent). */
  actOnException(company: string, id: string | number, action: ExceptionAction, reason: string, options?: { account?: string }): Promise<{ status: string }>
  /** Matches an order (by its order key) with settlement transactions (by their refs) by hand. */
  manualMatch(company: string, orderKey: string, moneyRefs: readonly (string | number)[], reason: string): Promise<{ status: string }>
  /** 对账汇总 per store and currency, with the list routes behind each figure. */
  reconcile(company: string, period: string): Promise<ReconcileRow[]>
}

function summaryOf(body: MatchCountsResponse): MatchSummary {
  return { counts: body.counts.matches, exceptions: body.counts.openByType }
}

/** The pane's view of an exception: the order key as `orderNo`, the engine's why as `message`, the decision's reason as `reason`. */
export function exceptionView(exception: ExceptionDto): MatchException {
  return {
    id: exception.id, type: exception.type, status: exception.status, orderNo: exception.orderKey, store: exception.store,
    amount: exception.amount, difference: exception.difference, message: exception.why, reason: exception.decisionReason,
  }
}

/** `alipay|2024030100000000010|payment` -> source `alipay`, id `2024030100000000010`; other refs stay whole. */
function splitRef(ref: string): { source: string | null; id: string } {
  const parts = ref.split('|')
  return parts.length === 3 ? { source: parts[0] ?? null, id: parts[1] ?? ref } : { source: null, id: ref }
}

/** A record of the exception: its role names the money kind (payment, fee, bank …); an order's role is `order`. */
function itemLine(item: MatchItemDto): MoneyLine {
  const split = splitRef(item.ref)
  return { id: item.ref, kind: item.role === 'order' ? item.kind : item.role, source: split.source ?? undefined, tradeNo: split.id, amount: item.amount }
}

/** A ranked candidate: a txn for an order's exception, an order (with the number a manual match takes) for money without one. */
function candidateLine(candidate: CandidateDto): MoneyLine {
  const split = splitRef(candidate.ref)
  return {
    id: candidate.ref, kind: candidate.role, source: split.source ?? candidate.channel, tradeNo: candidate.orderNo ?? split.id, date: candidate.date, amount: candidate.amount,
    ...(candidate.kind === 'order' ? { orderNo: candidate.orderNo } : {}),
  }
}

/** GET /exceptions/:id in the pane's view: order items on the order side, settlement and bank items on the money side. */
export function exceptionDetailOf(exception: ExceptionDetailDto): ExceptionDetail {
  const isOrder = (item: MatchItemDto) => item.kind === 'order' || item.kind === 'orderLine'
  const order: Record<string, string | number | null> = {}
  for (const key of ['orderKey', 'channel', 'store', 'date', 'amount', 'difference'] as const) {
    const value = exception[key]
    if (value !== null) order[key] = value
  }
  return {
    exception: exceptionView(exception),
    order,
    ...(exception.treatment === undefined ? {} : { treatment: { account: exception.treatment.account, name: exception.treatment.name, nameEn: exception.treatment.nameEn } }),
    orders: exception.items.filter(isOrder).map(itemLine),
    money: exception.items.filter((item) => !isOrder(item)).map(itemLine),
    candidates: exception.candidates.map(candidateLine),
  }
}

export function matchApi({ request }: Transport): MatchApi {
  const counts = async (code: string, period: string) => summaryOf(await request<MatchCountsResponse>('GET', `${companyPath(code)}/match${query({ period })}`))
  return {
    async runMatch(code, period) {
      await request('POST', `${companyPath(code)}/match/run`, {} satisfies MatchRunRequest)
      return counts(code, period)
    },
    matchSummary: counts,
    async exceptions(code, filter) {
      return (await request<ExceptionsResponse>('GET', `${companyPath(code)}/exceptions${query(filter)}`)).exceptions.map(exceptionView)
    },
    async exceptionDetail(code, id) {
      return exceptionDetailOf((await request<ExceptionResponse>('GET', `${companyPath(code)}/exceptions/${segment(id)}`)).exception)
    },
    async actOnException(code, id, action, reason, options = {}) {
      const body: ResolutionRequest = options.account === undefined || options.account === '' ? { reason } : { reason, account: options.account }
      const decided = await request<DecisionResponse>('POST', `${companyPath(code)}/exceptions/${segment(id)}/${action}`, body)
      return { status: decided.status }
    },
    async manualMatch(code, orderKey, moneyRefs, reason) {
      const body: ManualMatchRequest = { order: orderKey, txns: moneyRefs.map(String), reason }
      await request('POST', `${companyPath(code)}/match/manual`, body)
      return { status: 'matched' }
    },
    async reconcile(code, period) {
      return (await request<ReconcileResponse>('GET', `${companyPath(code)}/reconcile${query({ period })}`)).stores
    },
  }
}
