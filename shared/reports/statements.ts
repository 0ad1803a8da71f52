import { type AccountType, isWithin } from '../accounts.ts'
import { invariant } from '../errors.ts'
import type { CashFlowCategory, CashFlowLayout, CashFlowLine, Side, StatementLine } from './layouts.ts'

/**
 * Pure evaluation of statement layouts over balances. Balances are detail
 * balances (明细): leaf account -> store -> amount in base minor units, debit
 * positive. Line values come back positive on the line's side.
 */
export type DetailBalances = ReadonlyMap<string, ReadonlyMap<string, bigint>>

/** Type of an account code: from the chart, else from its first digit (5/6 are P&L). */
export type TypeOf = (code: string) => AccountType

const FIRST_DIGIT_TYPES: Record<string, AccountType> = { '1': 'asset', '2': 'liability', '3': 'equity', '4': 'cost', '5': 'profitLoss', '6': 'profitLoss' }

export function typeByFirstDigit(code: string): AccountType {
  const type = FIRST_DIGIT_TYPES[code[0] ?? '']
  invariant(type !== undefined, `account code ${code} has no type`)
  return type
}

function withinAny(code: string, accounts: ReadonlyArray<string>): boolean {
  return accounts.some((account) => isWithin(code, account))
}

/** Every account code any term of the layout names (the rest goes to `rest` lines). */
export function namedAccounts(lines: ReadonlyArray<StatementLine>): string[] {
  return lines.flatMap((line) => (line.terms ?? []).flatMap((term) => term.accounts))
}

/**
 * Evaluates lines: account terms, catch-all `rest`, then `sum` lines (any order).
 * @example evaluateLines(layout.balanceSheet.assets, balances, { named, typeOf }).get('totalAssets')
 */
export function evaluateLines(lines: ReadonlyArray<StatementLine>, balances: DetailBalances, options: { named: ReadonlyArray<string>; typeOf: TypeOf; preset?: ReadonlyMap<string, bigint> }): Map<string, bigint> {
  const byKey = new Map(lines.map((line) => [line.key, line]))
  const values = new Map<string, bigint>()
  const evaluate = (key: string, seen: ReadonlySet<string>): bigint => {
    const known = values.get(key)
    if (known !== undefined) return known
    const line = byKey.get(key)
    invariant(line !== undefined, `statement line ${key} is not in the layout`)
    invariant(!seen.has(key), `statement line ${key} refers to itself`)
    let value = lineFromAccounts(line, balances, options) + (options.preset?.get(key) ?? 0n)
    for (const part of line.sum ?? []) {
      const negative = part.startsWith('-')
      const amount = evaluate(negative ? part.slice(1) : part, new Set([...seen, key]))
      value += negative ? -amount : amount
    }
    values.set(key, value)
    return value
  }
  for (const line of lines) evaluate(line.key, new Set())
  return values
}

function onSide(side: Side | undefined, debitPositive: bigint): bigint {
  return side === 'credit' ? -debitPositive : debitPositive
}

function lineFromAccounts(line: StatementLine, balances: DetailBalances, options: { named: ReadonlyArray<string>; typeOf: TypeOf }): bigint {
  let value = 0n
  for (const term of line.terms ?? []) {
    let amount = 0n
    if (term.part === 'groupDebit') {
      let net = 0n
      for (const [code, stores] of balances) if (withinAny(code, term.accounts)) for (const balance of stores.values()) net += balance
      amount = net > 0n ? net : 0n
      value += (term.sign ?? 1) === 1 ? amount : -amount
      continue
    }
    for (const [code, stores] of balances) {
      if (!withinAny(code, term.accounts)) continue
      for (const balance of stores.values()) {
        if (term.part === 'debit') amount += balance > 0n ? balance : 0n
        else if (term.part === 'credit') amount += balance < 0n ? -balance : 0n
        else amount += onSide(line.side, balance)
      }
    }
    value += (term.sign ?? 1) === 1 ? amount : -amount
  }
  if (line.rest) {
    for (const [code, stores] of balances) {
      if (withinAny(code, options.named) || !line.rest.includes(options.typeOf(code))) continue
      for (const balance of stores.values()) value += onSide(line.side, balance)
    }
  }
  return value
}

/* Cash flow (direct method) */

export interface CashVoucherLine {
  readonly account: string
  readonly side: Side
  /** base minor units; negative for red-ink reversals */
  readonly amount: bigint
}

export function isCashAccount(layout: Pick<CashFlowLayout, 'cashAccounts'>, code: string): boolean {
  return withinAny(code, layout.cashAccounts)
}

/** The rule of the longest account code that contains `code`, else the fallback. */
export function cashFlowRuleFor(layout: Pick<CashFlowLayout, 'rules' | 'fallback'>, code: string) {
  let best = layout.fallback
  let bestLength = -1
  for (const rule of layout.rules) {
    for (const account of rule.accounts) {
      if (isWithin(code, account) && account.length > bestLength) {
        best = rule
        bestLength = account.length
      }
    }
  }
  return best
}

/**
 * Classifies one voucher's cash effect by counter-account: every non-cash line
 * of a voucher that touches cash moves cash by minus its own signed amount
 * (Σ non-cash = -Σ cash, since the voucher balances). Transfers between cash
 * accounts have no non-cash line and so no flow. Returns net inflow per category.
 * @example settlement Dr 1012.01 102, Dr 5601.01 10, Dr 5603.01 1 / Cr 1122 113 -> salesReceipts +113, otherOperatingIn -11
 */
export function classifyCashVoucher(layout: Pick<CashFlowLayout, 'cashAccounts' | 'rules' | 'fallback'>, lines: ReadonlyArray<CashVoucherLine>): Map<CashFlowCategory, bigint> {
  const flows = new Map<CashFlowCategory, bigint>()
  if (!lines.some((line) => isCashAccount(layout, line.account))) return flows
  for (const line of lines) {
    if (isCashAccount(layout, line.account)) continue
    const cashEffect = line.side === 'debit' ? -line.amount : line.amount
    if (cashEffect === 0n) continue
    const rule = cashFlowRuleFor(layout, line.account)
    const category = cashEffect > 0n ? rule.inflow : rule.outflow
    flows.set(category, (flows.get(category) ?? 0n) + cashEffect)
  }
  return flows
}

/** Line values of the cash-flow statement from net inflows per category and the opening cash. */
export function evaluateCashFlow(layout: CashFlowLayout, flows: ReadonlyMap<CashFlowCategory, bigint>, openingCash: bigint): Map<string, bigint> {
  const direct = new Map<string, bigint>()
  for (const line of layout.lines) {
    direct.set(line.key, cashLineValue(line, flows, openingCash))
  }
  const withSums: StatementLine[] = layout.lines.map((line) => ({ key: line.key, name: line.name, nameEn: line.nameEn, ...(line.sum ? { sum: line.sum } : {}) }))
  return evaluateLines(withSums, new Map(), { named: [], typeOf: typeByFirstDigit, preset: direct })
}

function cashLineValue(line: CashFlowLine, flows: ReadonlyMap<CashFlowCategory, bigint>, openingCash: bigint): bigint {
  if (line.cash === 'opening') return openingCash
  let value = 0n
  for (const category of line.inflows ?? []) value += flows.get(category) ?? 0n
  for (const category of line.outflows ?? []) value -= flows.get(category) ?? 0n
  return value
}
