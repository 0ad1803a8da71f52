import { formatAmount } from '../money.ts'
import type { LineStyle } from './layouts.ts'

/**
 * The one tabular model every report produces and every renderer (table, csv,
 * json, xlsx, pdf) consumes. Amount cells are bigint minor units of the
 * report's currency; ratios are decimal strings (`{ ratio: '0.2345' }`).
 */
export type Ratio = { readonly ratio: string }
export type CellValue = string | bigint | number | Ratio | null
export type ColumnKind = 'text' | 'amount' | 'integer' | 'ratio'

export interface ReportColumn {
  readonly key: string
  readonly label: string
  readonly kind: ColumnKind
  /** display width in CJK-aware character cells (xlsx/pdf scale from it) */
  readonly width?: number
}

/** A cell computed from other cells: xlsx writes it as a formula, other formats show the value. */
export type Formula =
  | { readonly kind: 'terms'; readonly terms: ReadonlyArray<{ readonly row: number; readonly column: string; readonly sign: 1 | -1 }> }
  | { readonly kind: 'range'; readonly column: string; readonly from: number; readonly to: number }

export interface ReportRow {
  readonly cells: Readonly<Record<string, CellValue>>
  readonly style?: LineStyle
  readonly indent?: number
  readonly formulas?: Readonly<Record<string, Formula>>
}

export interface ReportCheck {
  readonly key: string
  readonly label: string
  readonly ok: boolean
  readonly expected: string
  readonly actual: string
}

export interface ChartSpec {
  readonly title: string
  readonly categories: ReadonlyArray<string>
  readonly series: ReadonlyArray<{ readonly name: string; readonly values: ReadonlyArray<bigint> }>
}

export const REPORT_NAMES = [
  'trial-balance', 'balance-sheet', 'income-statement', 'cash-flow', 'ar-aging', 'channel-profit',
  'general-ledger', 'account-detail', 'voucher-register', 'reconciliation', 'sku-profit', 'bank-journal', 'invoice-reconciliation',
] as const
export type ReportName = (typeof REPORT_NAMES)[number]

export interface Report {
  readonly name: ReportName
  readonly title: string
  readonly titleEn: string
  /** e.g. 会小企01表 */
  readonly formCode?: string
  readonly company: { readonly code: string; readonly name: string }
  readonly period: string
  /** header line under the title, e.g. 2026年10月 or 2026年10月31日 */
  readonly dateLabel: string
  readonly currency: string
  readonly columns: ReadonlyArray<ReportColumn>
  readonly rows: ReadonlyArray<ReportRow>
  readonly checks: ReadonlyArray<ReportCheck>
  readonly notes: ReadonlyArray<string>
  readonly chart?: ChartSpec
  /** filters and options the report ran with (store, account, standard) */
  readonly meta: Readonly<Record<string, string>>
}

export function isRatio(value: CellValue): value is Ratio {
  return typeof value === 'object' && value !== null && 'ratio' in value
}

/** A cell as the decimal string JSON and CSV carry (amounts with the currency's digits). */
export function cellText(value: CellValue | undefined, kind: ColumnKind, currency: string): string {
  if (value === null || value === undefined) return ''
  if (isRatio(value)) return value.ratio
  if (typeof value === 'bigint') return kind === 'amount' ? formatAmount(value, currency) : value.toString()
  return String(value)
}

/** 1234567.5 -> 1,234,567.50 for screen and paper. */
export function groupThousands(decimal: string): string {
  const negative = decimal.startsWith('-')
  const body = negative ? decimal.slice(1) : decimal
  const [whole = '', fraction] = body.split('.')
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${negative ? '-' : ''}${grouped}${fraction === undefined ? '' : `.${fraction}`}`
}

/** Display text of a cell: thousands separators on amounts, percentages for ratios. */
export function cellDisplay(value: CellValue | undefined, kind: ColumnKind, currency: string): string {
  if (value === null || value === undefined) return ''
  if (isRatio(value)) return ratioPercent(value.ratio)
  if (kind === 'amount' && typeof value === 'bigint') return groupThousands(formatAmount(value, currency))
  return cellText(value, kind, currency)
}

/** '0.2345' -> '23.45%' without floating point. */
export function ratioPercent(ratio: string): string {
  const negative = ratio.startsWith('-')
  const [whole = '0', fraction = ''] = (negative ? ratio.slice(1) : ratio).split('.')
  const digits = `${whole}${fraction.padEnd(4, '0').slice(0, 4)}`
  const trimmed = digits.replace(/^0+(?=\d{3})/, '')
  const percent = `${trimmed.slice(0, -2)}.${trimmed.slice(-2)}`
  return `${negative ? '-' : ''}${percent}%`
}

/** `2026-10` -> `2026年10月`; with `endOfMonth` the last day, as a balance sheet is dated. */
export function periodLabel(period: string, lastDay?: string): string {
  const [year, month] = period.split('-')
  if (lastDay) return `${year}年${month}月${lastDay.slice(8)}日`
  return `${year}年${month}月`
}

const META_LABELS: Readonly<Record<string, string>> = {
  standard: '准则', store: '店铺', account: '科目', asOf: '截止日', revenueAccount: '收入科目', vouchers: '凭证张数', method: '编制方法',
}

/** `准则: 小企业会计准则  店铺: tmall` for report headers. */
export function metaLine(report: Pick<Report, 'meta'>): string {
  return Object.entries(report.meta).map(([key, value]) => `${META_LABELS[key] ?? key}：${value}`).join('  ')
}
