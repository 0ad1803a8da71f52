import { ApiError, type LedgerApi, type ReportData } from './api-client.ts'

/**
 * The pane's client for 发票 (issue #17): invoices, matching, invoice exceptions,
 * 开票与收入对账, input invoices by status, fee invoices. Built on LedgerApi.call
 * so the shared client only grew one generic method. Money stays decimal strings.
 */

export interface InvoiceMatchRun {
  readonly taxId: string | null
  readonly taxIdInferred: boolean
  readonly invoices: number
  readonly orders: number
  readonly links: Readonly<Record<string, number>>
  readonly exceptions: Readonly<Record<string, number>>
  readonly cleared: number
}

export interface InvoiceException {
  readonly id: number
  readonly type: string
  readonly status: string
  readonly period: string
  readonly invoiceNo: string | null
  readonly channel: string | null
  readonly orderNo: string | null
  readonly expected: string
  readonly invoiced: string
  readonly why: string
}

export interface InputStatusRow {
  readonly certification: string
  readonly count: number
  readonly amount: string
  readonly tax: string
  readonly deductibleTax: string
}

export interface FeeInvoices {
  readonly matched: ReadonlyArray<{ invoiceNo: string; sellerName: string; kind: string; month: string; total: string; tax: string; taxRate: string; stores: ReadonlyArray<{ store: string; fee: string }> }>
  readonly unmatched: ReadonlyArray<{ invoiceNo: string; sellerName: string; issuedAt: string; kind: string; total: string; why: { zh: string; en: string } }>
}

export interface InvoicesApi {
  match(company: string): Promise<InvoiceMatchRun>
  exceptions(company: string, status: string): Promise<InvoiceException[]>
  decide(company: string, id: number, action: 'resolve' | 'ignore', reason: string): Promise<void>
  reconciliation(company: string, period: string): Promise<ReportData>
  inputStatus(company: string, period: string): Promise<{ inputVatOn: string; rows: InputStatusRow[] }>
  fees(company: string, period: string): Promise<FeeInvoices>
}

export function invoicesApi(api: LedgerApi): InvoicesApi {
  const call = (method: string, path: string, body?: unknown): Promise<unknown> => {
    if (api.call === undefined) return Promise.reject(new ApiError('notAvailable', 404, 'NOT_FOUND', 'invoices are not available on this service'))
    return api.call(method, path, body)
  }
  const company = (code: string) => `/companies/${encodeURIComponent(code)}`
  const q = (period: string) => `?period=${encodeURIComponent(period)}`
  return {
    async match(code) {
      return ((await call('POST', `${company(code)}/invoices/match`, {})) as { run: InvoiceMatchRun }).run
    },
    async exceptions(code, status) {
      return ((await call('GET', `${company(code)}/invoice-exceptions${status ? `?status=${encodeURIComponent(status)}` : ''}`)) as { exceptions: InvoiceException[] }).exceptions
    },
    async decide(code, id, action, reason) {
      await call('POST', `${company(code)}/invoice-exceptions/${id}/${action}`, { reason })
    },
    async reconciliation(code, period) {
      return (await call('GET', `${company(code)}/reports/invoice-reconciliation${q(period)}`)) as ReportData
    },
    async inputStatus(code, period) {
      return (await call('GET', `${company(code)}/invoices-input-status${q(period)}`)) as { inputVatOn: string; rows: InputStatusRow[] }
    },
    async fees(code, period) {
      return (await call('GET', `${company(code)}/invoice-fees${q(period)}`)) as FeeInvoices
    },
  }
}
