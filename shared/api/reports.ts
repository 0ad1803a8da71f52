import { z } from 'zod'
import { REPORT_NAMES } from '../reports/report.ts'
import { decimal } from './common.ts'

/**
 * Reports: GET /api/v1/companies/{code}/reports/{name}?period=&format=&store=&account=
 * (the trial balance has its own shape: ledger.ts). `format=json` (default)
 * answers the report below; csv, xlsx, pdf and table answer a file with its
 * content type and a download name, outside the JSON contract.
 */
export const REPORT_FORMATS = ['table', 'csv', 'json', 'xlsx', 'pdf'] as const
export type ReportFormat = (typeof REPORT_FORMATS)[number]

/** Reports besides the trial balance. */
export const STATEMENT_REPORTS = REPORT_NAMES.filter((name): name is Exclude<(typeof REPORT_NAMES)[number], 'trial-balance'> => name !== 'trial-balance')
export type StatementReportName = (typeof STATEMENT_REPORTS)[number]

export const reportQuery = z.object({
  period: z.string(),
  format: z.enum(REPORT_FORMATS).optional(),
  store: z.string().min(1).optional(),
  account: z.string().min(1).optional(),
})

export const reportColumnSchema = z.strictObject({ key: z.string(), label: z.string(), kind: z.enum(['text', 'amount', 'integer', 'ratio']) })
export const reportCheckSchema = z.strictObject({ key: z.string(), label: z.string(), ok: z.boolean(), expected: z.string(), actual: z.string() })

/** A report as JSON: rows keyed by column (amounts decimal strings, integers numbers, null empty), checks alongside. */
export const reportResponse = z.strictObject({
  report: z.enum(REPORT_NAMES),
  title: z.string(),
  titleEn: z.string(),
  /** e.g. 会小企01表 */
  formCode: z.string().nullable(),
  company: z.strictObject({ code: z.string(), name: z.string() }),
  period: z.string(),
  dateLabel: z.string(),
  currency: z.string(),
  meta: z.record(z.string(), z.string()),
  columns: z.array(reportColumnSchema),
  rows: z.array(z.record(z.string(), z.union([z.string(), z.number(), z.null()]))),
  checks: z.array(reportCheckSchema),
  balanced: z.boolean(),
  notes: z.array(z.string()),
  /** the report's chart, if it has one */
  chart: z.strictObject({
    title: z.string(),
    categories: z.array(z.string()),
    series: z.array(z.strictObject({ name: z.string(), values: z.array(decimal) })),
  }).optional(),
})
export type ReportResponse = z.infer<typeof reportResponse>
