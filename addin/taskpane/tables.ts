import type { ImportReject, MatchException, ReportData, TrialBalance, Voucher } from '../api-client.ts'
import type { ColumnSpec, TableSpec } from '../excel/writer.ts'
import { type Language, type Translate, codeName } from './i18n.ts'

/** Pure builders: service results -> table specs for the workbook writer. Amounts stay decimal strings. */

export function tableSuffix(text: string): string {
  return text.replace(/[^A-Za-z0-9]/g, '_')
}

export function trialBalanceTable(report: TrialBalance, period: string, company: string, language: Language, t: Translate): TableSpec {
  const name = (row: { name: string; nameEn: string }) => (language === 'en' && row.nameEn !== '' ? row.nameEn : row.name)
  const topLevel = report.rows.filter((row) => row.level === 1 && /[1-9]/.test(row.balance)).slice(0, 15)
  return {
    sheetName: `${t('trialBalance')} ${period}`,
    tableName: `TB_${tableSuffix(company)}_${tableSuffix(period)}`,
    title: `${company} · ${t('trialBalance')} · ${period}`,
    columns: [
      { header: t('code'), kind: 'id' },
      { header: t('name'), kind: 'text' },
      { header: t('openingDebit'), kind: 'amount' },
      { header: t('openingCredit'), kind: 'amount' },
      { header: t('debit'), kind: 'amount' },
      { header: t('credit'), kind: 'amount' },
      { header: t('closingDebit'), kind: 'amount' },
      { header: t('closingCredit'), kind: 'amount' },
    ],
    rows: [
      ...report.rows.map((row) => [
        row.code, `${'  '.repeat(Math.max(0, row.level - 1))}${name(row)}`,
        row.openingDebit, row.openingCredit, row.debit, row.credit, row.closingDebit, row.closingCredit,
      ]),
      ['', t('totals'), report.totals.openingDebit, report.totals.openingCredit, report.totals.debit, report.totals.credit,
        report.totals.closingDebit, report.totals.closingCredit],
    ],
    chart: topLevel.length === 0 ? undefined : {
      type: 'bar',
      title: `${t('chartTitle')} · ${period}`,
      categoryHeader: t('account'),
      categories: topLevel.map((row) => `${row.code} ${name(row)}`),
      series: [{ name: t('balance'), values: topLevel.map((row) => row.balance) }],
    },
  }
}

export function vouchersTable(vouchers: readonly Voucher[], period: string, company: string, t: Translate, language: Language = 'en'): TableSpec {
  return {
    sheetName: `${t('voucher')} ${period}`,
    tableName: `Vouchers_${tableSuffix(company)}_${tableSuffix(period)}`,
    columns: [
      { header: t('voucher'), kind: 'id' },
      { header: t('date'), kind: 'date' },
      { header: t('summary'), kind: 'text' },
      { header: t('code'), kind: 'id' },
      { header: t('name'), kind: 'text' },
      { header: t('lineStore'), kind: 'text' },
      { header: t('debit'), kind: 'amount' },
      { header: t('credit'), kind: 'amount' },
      { header: t('status'), kind: 'text' },
    ],
    rows: vouchers.flatMap((voucher, index) => voucher.lines.map((line) => [
      voucherLabel(voucher, index), voucher.date, line.summary ?? voucher.summary ?? '', line.accountCode, line.accountName ?? '',
      line.store ?? '', line.debit, line.credit, voucher.status === undefined ? '' : codeName(language, 'voucherStatus', voucher.status),
    ])),
  }
}

export function voucherLabel(voucher: Voucher, index: number): string {
  const number = voucher.number ?? voucher.id ?? index + 1
  return `${voucher.word ?? '记'}-${String(number)}`
}

/** Why an exception is open, in the pane's language: the service's sentence is English, so zh-CN builds its own from the amounts. */
export function exceptionWhy(item: MatchException, language: Language, t: Translate): string {
  if (language === 'en') return item.message ?? ''
  const type = codeName(language, 'exceptionType', item.type)
  if (item.amount === null || item.amount === undefined) return `${type}。`
  return `${type}：${t('exceptionAmounts', { amount: item.amount, difference: item.difference ?? '0.00' })}`
}

export function exceptionsTable(items: readonly MatchException[], period: string, company: string, t: Translate, language: Language = 'en'): TableSpec {
  return {
    sheetName: `${t('exceptions')} ${period}`,
    tableName: `Exceptions_${tableSuffix(company)}_${tableSuffix(period)}`,
    columns: [
      { header: 'ID', kind: 'id' },
      { header: t('type'), kind: 'text' },
      { header: t('status'), kind: 'text' },
      { header: t('orderNo'), kind: 'id' },
      { header: t('store'), kind: 'text' },
      { header: t('amount'), kind: 'amount' },
      { header: t('difference'), kind: 'amount' },
      { header: t('description'), kind: 'text' },
    ],
    rows: items.map((item) => [String(item.id), codeName(language, 'exceptionType', item.type), codeName(language, 'exceptionStatus', item.status), item.orderNo, item.store, item.amount, item.difference, exceptionWhy(item, language, t)]),
  }
}

export function rejectsTable(fileName: string, rejects: readonly ImportReject[], t: Translate): TableSpec {
  return {
    sheetName: `${t('rejected')} ${fileName}`.slice(0, 31),
    tableName: `Rejects_${tableSuffix(fileName)}`,
    columns: [
      { header: '#', kind: 'integer' },
      { header: t('reason'), kind: 'text' },
      { header: t('description'), kind: 'text' },
    ],
    rows: rejects.map((reject) => [reject.row, reject.reason, reject.raw ?? '']),
  }
}

const KINDS: Readonly<Record<string, ColumnSpec['kind']>> = { text: 'text', amount: 'amount', integer: 'integer', ratio: 'percent' }

/**
 * A service report (statement or management report) as a sheet: its own
 * columns and rows, the report's checks under the table (label, result,
 * expected and actual), and its chart when it has one.
 */
export function reportTable(report: ReportData, name: string, title: string, company: string, t: Translate): TableSpec {
  const columns: ColumnSpec[] = report.columns.map((column) => ({ header: column.label, kind: KINDS[column.kind] ?? 'text' }))
  const textColumn = Math.max(0, report.columns.findIndex((column) => column.kind === 'text'))
  const checkRows = report.checks.map((check) => report.columns.map((_, index) => {
    if (index === textColumn) return `${t('reportChecks')}: ${check.label} — ${check.ok ? t('checkOk') : t('checkFailed')}${check.ok ? '' : ` (${t('checkExpected', { expected: check.expected, actual: check.actual })})`}`
    return null
  }))
  return {
    sheetName: `${title} ${report.period}`,
    tableName: `R_${tableSuffix(name)}_${tableSuffix(company)}_${tableSuffix(report.period)}`,
    title: `${company} · ${title}${report.formCode ? ` (${report.formCode})` : ''} · ${report.dateLabel ?? report.period} · ${report.currency}`,
    columns,
    rows: [...report.rows.map((row) => report.columns.map((column) => {
      const value = row[column.key]
      return value === undefined ? null : value
    })), ...checkRows],
    chart: report.chart === undefined || report.chart.categories.length === 0 ? undefined : {
      type: 'column',
      title: report.chart.title,
      categoryHeader: columns[textColumn]?.header ?? '',
      categories: report.chart.categories,
      series: report.chart.series.map((series) => ({ name: series.name, values: series.values })),
    },
  }
}
