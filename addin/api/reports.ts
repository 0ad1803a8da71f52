import type { TrialBalanceResponse, TrialBalanceRowDto } from '../../shared/api/ledger.ts'
import type { ReportResponse, StatementReportName } from '../../shared/api/reports.ts'
import type { BatchRequest, BatchResponse, FunctionCall } from '../../shared/api/functions.ts'
import { type Transport, companyPath, query } from './core.ts'

/** Reports, the trial balance and the worksheet-function batch (shared/api/reports.ts, ledger.ts, functions.ts). */
export type TrialBalance = TrialBalanceResponse
export type TrialBalanceRow = TrialBalanceRowDto
/** A report as JSON: amounts are decimal strings, integers numbers. */
export type ReportData = ReportResponse

/** The reports the pane offers besides the trial balance (GET …/reports/<name>?period=). */
export const REPORTS = ['income-statement', 'balance-sheet', 'cash-flow', 'reconciliation', 'ar-aging', 'channel-profit', 'voucher-register', 'account-detail'] as const satisfies ReadonlyArray<StatementReportName>
export type ReportName = (typeof REPORTS)[number]

/** One worksheet-function call for the batch endpoint, e.g. `{id:'A1', fn:'BALANCE', args:['1122','2026-10']}`. */
export type FunctionCallInput = Pick<FunctionCall, 'id' | 'fn' | 'args'>
export type FunctionCallResult = BatchResponse['results'][number]

export interface ReportsApi {
  trialBalance(company: string, period: string): Promise<TrialBalance>
  /** `account`: the account of a 明细账 (account-detail), its sub-accounts included. */
  report(company: string, name: ReportName | 'invoice-reconciliation', period: string, options?: { account?: string }): Promise<ReportData>
  /** Evaluates LEDGER.* calls through POST /functions/batch, as the worksheet functions do. */
  evaluateFunctions(company: string, calls: readonly FunctionCallInput[]): Promise<FunctionCallResult[]>
}

export function reportsApi({ request }: Transport): ReportsApi {
  return {
    trialBalance: (code, period) => request<TrialBalance>('GET', `${companyPath(code)}/reports/trial-balance${query({ period })}`),
    report: (code, name, period, options = {}) => request<ReportData>('GET', `${companyPath(code)}/reports/${name}${query({ period, account: options.account })}`),
    async evaluateFunctions(code, calls) {
      return (await request<BatchResponse>('POST', '/functions/batch', { company: code, calls: [...calls] } satisfies BatchRequest)).results
    },
  }
}
