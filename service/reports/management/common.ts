import { formatAmount } from '../../../shared/money.ts'
import { type Formula, type Report, type ReportCheck } from '../../../shared/reports/report.ts'
import { type Company } from '../../ledger/company.ts'
import type { LedgerContext } from '../../ledger/context.ts'
import { storeRows } from '../data.ts'

/** What the management reports share: options, checks, headers and the 借/贷/平 direction. */
export interface ManagementOptions {
  readonly period: string
  readonly store?: string
  readonly account?: string
}

export function toBigInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value
  if (typeof value === 'number') return BigInt(value)
  if (typeof value === 'string') return BigInt(value)
  return 0n
}

export function check(key: string, label: string, expected: bigint, actual: bigint, currency: string): ReportCheck {
  return { key, label, ok: expected === actual, expected: formatAmount(expected, currency), actual: formatAmount(actual, currency) }
}

export function header(company: Company, period: string): Pick<Report, 'company' | 'period' | 'currency'> {
  return { company: { code: company.code, name: company.name }, period, currency: company.baseCurrency }
}

export function rangeTotals(columns: ReadonlyArray<string>, from: number, to: number): Record<string, Formula> {
  return Object.fromEntries(columns.map((column) => [column, { kind: 'range', column, from, to } satisfies Formula]))
}

/** 借 / 贷 / 平 and the unsigned balance, as Chinese ledgers print it. */
export function direction(balance: bigint): { direction: string; amount: bigint } {
  if (balance === 0n) return { direction: '平', amount: 0n }
  return balance > 0n ? { direction: '借', amount: balance } : { direction: '贷', amount: -balance }
}

/** Store code -> name and channel, for report rows. */
export async function storeNames(context: LedgerContext, companyId: number): Promise<Map<string, { name: string; channel: string }>> {
  return new Map((await storeRows(context, companyId)).map((row) => [row.code, { name: row.name, channel: row.channel }]))
}
