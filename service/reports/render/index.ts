import { LedgerError } from '../../../shared/errors.ts'
import type { Report } from '../../../shared/reports/report.ts'
import { renderCsv } from './csv.ts'
import { renderJson } from './json.ts'
import { renderPdf } from './pdf.ts'
import { renderTable } from './table.ts'
import { renderXlsx } from './xlsx.ts'
import { REPORT_FORMATS, type ReportFormat } from '../../../shared/api/reports.ts'

/** The formats are part of the HTTP contract (shared/api/reports.ts). */
export { REPORT_FORMATS, type ReportFormat }

export interface Rendered {
  readonly body: string | Uint8Array
  readonly contentType: string
  readonly extension: string
}

export function isReportFormat(value: string): value is ReportFormat {
  return (REPORT_FORMATS as ReadonlyArray<string>).includes(value)
}

export function assertReportFormat(value: string): ReportFormat {
  if (!isReportFormat(value)) throw new LedgerError('VALIDATION', `unknown format "${value}"; use one of ${REPORT_FORMATS.join(', ')}`)
  return value
}

/** Renders a report in one of the formats, with its HTTP content type and file extension. */
export async function renderReport(report: Report, format: ReportFormat): Promise<Rendered> {
  switch (format) {
    case 'table': return { body: renderTable(report), contentType: 'text/plain; charset=utf-8', extension: 'txt' }
    case 'csv': return { body: renderCsv(report), contentType: 'text/csv; charset=utf-8', extension: 'csv' }
    case 'json': return { body: renderJson(report), contentType: 'application/json; charset=utf-8', extension: 'json' }
    case 'xlsx': return { body: await renderXlsx(report), contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', extension: 'xlsx' }
    case 'pdf': return { body: await renderPdf(report), contentType: 'application/pdf', extension: 'pdf' }
  }
}
