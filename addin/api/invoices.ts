import type { InputStatusResponse, InvoiceReasonRequest, InputStatusRow as SharedInputStatusRow, InvoiceExceptionDto, InvoiceExceptionsResponse, InvoiceFeesResponse, InvoiceMatchRun as SharedInvoiceMatchRun } from '../../shared/api/invoices.ts'
import { ApiError, companyPath, query, segment } from './core.ts'
import type { ReportData } from './reports.ts'

/**
 * The pane's client for 发票 (issue #17): invoices, matching, invoice exceptions,
 * 开票与收入对账, input invoices by status, fee invoices (shared/api/invoices.ts).
 * Money stays decimal strings. Built on the client's generic `call` (absent
 * in the pane tests' fakes, where invoices are then "not available").
 */
export type InvoiceMatchRun = SharedInvoiceMatchRun
export type InvoiceException = InvoiceExceptionDto
export type InputStatusRow = SharedInputStatusRow
export type FeeInvoices = InvoiceFeesResponse

export interface InvoicesApi {
  match(company: string): Promise<InvoiceMatchRun>
  exceptions(company: string, status: string): Promise<InvoiceException[]>
  decide(company: string, id: number, action: 'resolve' | 'ignore', reason: string): Promise<void>
  reconciliation(company: string, period: string): Promise<ReportData>
  inputStatus(company: string, period: string): Promise<InputStatusResponse>
  fees(company: string, period: string): Promise<FeeInvoices>
}

/** Any JSON call under /api/v1 (LedgerApi.call). */
export type Call = <T>(method: string, path: string, body?: unknown) => Promise<T>

export function invoicesApi(api: { readonly call?: Call }): InvoicesApi {
  const request: Call = (method, path, body) => {
    if (api.call === undefined) return Promise.reject(new ApiError('notAvailable', 404, 'NOT_FOUND', 'invoices are not available on this service'))
    return api.call(method, path, body)
  }
  return {
    async match(code) {
      return (await request<{ run: InvoiceMatchRun }>('POST', `${companyPath(code)}/invoices/match`, {})).run
    },
    async exceptions(code, status) {
      return (await request<InvoiceExceptionsResponse>('GET', `${companyPath(code)}/invoice-exceptions${query({ status })}`)).exceptions
    },
    async decide(code, id, action, reason) {
      await request('POST', `${companyPath(code)}/invoice-exceptions/${segment(id)}/${action}`, { reason } satisfies InvoiceReasonRequest)
    },
    reconciliation: (code, period) => request<ReportData>('GET', `${companyPath(code)}/reports/invoice-reconciliation${query({ period })}`),
    inputStatus: (code, period) => request<InputStatusResponse>('GET', `${companyPath(code)}/invoices-input-status${query({ period })}`),
    fees: (code, period) => request<FeeInvoices>('GET', `${companyPath(code)}/invoice-fees${query({ period })}`),
  }
}
