import { formatAmount } from '../../../shared/money.ts'
import type { DeepReadonly } from '../../../shared/api/common.ts'
import type { ReportResponse } from '../../../shared/api/reports.ts'
import { type Report, cellText } from '../../../shared/reports/report.ts'

/**
 * JSON form of a report: amounts as decimal strings (never JSON numbers),
 * rows as objects keyed by column, checks alongside. The shape is the HTTP
 * contract's (shared/api/reports.ts).
 */
export type ReportJson = DeepReadonly<ReportResponse>

export function reportToJson(report: Report): ReportJson {
  const rows = report.rows.map((row) => {
    const object: Record<string, string | number | null> = {}
    for (const column of report.columns) {
      const value = row.cells[column.key]
      if (value === null || value === undefined) object[column.key] = null
      else if (column.kind === 'integer' && typeof value === 'number') object[column.key] = value
      else object[column.key] = cellText(value, column.kind, report.currency)
    }
    return object
  })
  return {
    report: report.name, title: report.title, titleEn: report.titleEn, formCode: report.formCode ?? null, company: report.company, period: report.period, dateLabel: report.dateLabel,
    currency: report.currency, meta: report.meta, columns: report.columns.map(({ key, label, kind }) => ({ key, label, kind })), rows,
    checks: report.checks, balanced: report.checks.every((item) => item.ok), notes: report.notes,
    ...(report.chart === undefined ? {} : {
      chart: { title: report.chart.title, categories: report.chart.categories, series: report.chart.series.map((series) => ({ name: series.name, values: series.values.map((value) => formatAmount(value, report.currency)) })) },
    }),
  }
}

export function renderJson(report: Report): string {
  return `${JSON.stringify(reportToJson(report), null, 2)}\n`
}
