import type { FunctionArgument, FunctionCall } from './contract.ts'
import {
  type AccountPattern, CallError, accountArgument, assertArity, badValue, currencyArgument, dateArgument,
  optionalTextArgument, periodArgument, rateArgument, requiredStoreArgument, storeArgument, textArgument,
} from './arguments.ts'
import type { Subject } from './visibility.ts'

/**
 * Turns one call's raw arguments into a typed plan, or a CallError. Pure: the
 * evaluator then loads data for all plans of a batch at once.
 */
export type Plan =
  | { readonly fn: 'BALANCE'; readonly account: AccountPattern; readonly period: string; readonly store: string | null; readonly currency: string | null }
  | { readonly fn: 'ACTIVITY' | 'DEBITS' | 'CREDITS'; readonly account: AccountPattern; readonly from: string; readonly to: string; readonly store: string | null }
  | { readonly fn: 'TB'; readonly period: string; readonly store: string | null }
  | { readonly fn: 'ACCOUNTNAME'; readonly account: AccountPattern }
  | { readonly fn: 'MATCHRATE'; readonly store: string; readonly period: string }
  | { readonly fn: 'UNMATCHED'; readonly store: string; readonly period: string; readonly type: string | null }
  | { readonly fn: 'ORDER'; readonly orderNo: string; readonly field: string }
  | { readonly fn: 'FX'; readonly currency: string; readonly date: string }
  /** 已开票 / 未开票收入 of a month (invoices issued in it), optionally one VAT rate ('0.13', 'exempt') */
  | { readonly fn: 'INVOICED' | 'UNINVOICED'; readonly period: string; readonly rate: string | null }

export type LedgerPlan = Extract<Plan, { fn: 'BALANCE' | 'ACTIVITY' | 'DEBITS' | 'CREDITS' | 'TB' }>

type Planner = (args: ReadonlyArray<FunctionArgument>, currentPeriod: string) => Plan

const PLANNERS: Readonly<Record<string, Planner>> = {
  BALANCE: (args, currentPeriod) => {
    assertArity(args, 'BALANCE', 4)
    return { fn: 'BALANCE', account: accountArgument(args[0]), period: periodArgument(args[1], 'period', currentPeriod), store: storeArgument(args[2]), currency: currencyArgument(args[3]) }
  },
  ACTIVITY: (args) => movementPlan('ACTIVITY', args),
  DEBITS: (args) => movementPlan('DEBITS', args),
  CREDITS: (args) => movementPlan('CREDITS', args),
  TB: (args, currentPeriod) => {
    assertArity(args, 'TB', 2)
    return { fn: 'TB', period: periodArgument(args[0], 'period', currentPeriod), store: storeArgument(args[1]) }
  },
  ACCOUNTNAME: (args) => {
    assertArity(args, 'ACCOUNTNAME', 1)
    const account = accountArgument(args[0], 'code')
    if (account.isPrefix) throw badValue(`ACCOUNTNAME needs one account code, not the pattern "${account.text}"`)
    return { fn: 'ACCOUNTNAME', account }
  },
  MATCHRATE: (args) => {
    assertArity(args, 'MATCHRATE', 2)
    return { fn: 'MATCHRATE', store: requiredStoreArgument(args[0]), period: periodArgument(args[1], 'period') }
  },
  UNMATCHED: (args) => {
    assertArity(args, 'UNMATCHED', 3)
    return { fn: 'UNMATCHED', store: requiredStoreArgument(args[0]), period: periodArgument(args[1], 'period'), type: optionalTextArgument(args[2]) }
  },
  ORDER: (args) => {
    assertArity(args, 'ORDER', 2)
    return { fn: 'ORDER', orderNo: textArgument(args[0], 'order_no'), field: textArgument(args[1], 'field').toLowerCase() }
  },
  FX: (args) => {
    assertArity(args, 'FX', 2)
    const currency = currencyArgument(args[0])
    if (currency === null) throw badValue('currency is required')
    return { fn: 'FX', currency, date: dateArgument(args[1], 'date') }
  },
  INVOICED: (args, currentPeriod) => invoicePlan('INVOICED', args, currentPeriod),
  UNINVOICED: (args, currentPeriod) => invoicePlan('UNINVOICED', args, currentPeriod),
}

function invoicePlan(fn: 'INVOICED' | 'UNINVOICED', args: ReadonlyArray<FunctionArgument>, currentPeriod: string): Plan {
  assertArity(args, fn, 2)
  return { fn, period: periodArgument(args[0], 'period', currentPeriod), rate: rateArgument(args[1]) }
}

function movementPlan(fn: 'ACTIVITY' | 'DEBITS' | 'CREDITS', args: ReadonlyArray<FunctionArgument>): Plan {
  assertArity(args, fn, 4)
  const account = accountArgument(args[0])
  const from = periodArgument(args[1], 'from')
  const to = periodArgument(args[2], 'to', from)
  if (to < from) throw badValue(`to ${to} is before from ${from}`)
  return { fn, account, from, to, store: storeArgument(args[3]) }
}

/** @throws CallError (#VALUE!) for unknown functions and unreadable arguments */
export function planCall(call: Pick<FunctionCall, 'fn' | 'args'>, currentPeriod: string): Plan {
  const planner = PLANNERS[call.fn.toUpperCase().replace(/^LEDGER\./, '')]
  if (!planner) throw new CallError('#VALUE!', `unknown function ${call.fn}`)
  return planner(call.args, currentPeriod)
}

export function isLedgerPlan(plan: Plan): plan is LedgerPlan {
  return plan.fn === 'BALANCE' || plan.fn === 'ACTIVITY' || plan.fn === 'DEBITS' || plan.fn === 'CREDITS' || plan.fn === 'TB'
}

/** What a plan reveals, for the visibility rule. TB is filtered row by row instead. */
export function subjectOf(plan: Plan): Subject | null {
  switch (plan.fn) {
    case 'BALANCE': case 'ACTIVITY': case 'DEBITS': case 'CREDITS': case 'ACCOUNTNAME':
      return { kind: 'account', stem: plan.account.stem }
    case 'INVOICED': case 'UNINVOICED':
      // figures of 主营业务收入
      return { kind: 'account', stem: '5001' }
    case 'MATCHRATE': case 'UNMATCHED':
      return { kind: 'matching' }
    case 'ORDER':
      return { kind: 'order' }
    case 'FX':
      return { kind: 'rates' }
    case 'TB':
      return null
  }
}

/** The last period a ledger plan reads. */
export function lastPeriodOf(plan: LedgerPlan): string {
  return plan.fn === 'BALANCE' || plan.fn === 'TB' ? plan.period : plan.to
}
