import type { ResolvedSourceDto, SearchResponse, SourceRecordDto, VoucherSourcesResponse } from '../../shared/api/drill.ts'
import type { ReverseRequest, UnapproveRequest, VoucherActionResponse, VouchersFilter, VoucherHeaderDto, VoucherLineDto, VoucherResponse, VoucherResultDto, VouchersResponse } from '../../shared/api/vouchers.ts'
import { ApiError, type Transport, companyPath, query, segment } from './core.ts'

/**
 * Vouchers and the drill-down past them (shared/api/vouchers.ts, drill.ts).
 * The pane shows a voucher's lines in debit and credit columns: the service
 * stores one side and one amount per line, mapped once here.
 */
export type SourceRecord = SourceRecordDto
export type VoucherSource = ResolvedSourceDto
export type SearchResult = SearchResponse
export type { VouchersFilter }

export interface VoucherLine {
  readonly accountCode: string
  readonly accountName?: string
  /** 辅助核算: the store the line is booked for */
  readonly store?: string
  readonly summary?: string
  /** the amount on its side, '' on the other */
  readonly debit: string
  readonly credit: string
}

export interface Voucher {
  readonly id?: number
  /** null until the voucher is numbered */
  readonly number?: number | null
  readonly word?: string
  readonly date: string
  readonly period?: string
  readonly status?: string
  readonly summary?: string
  readonly total?: string
  readonly store?: string
  /** Number of lines. */
  readonly lineCount?: number
  /** In a posting preview: `auto` (posts at once) or `draft` (waits for an approver). */
  readonly approval?: string
  readonly lines: readonly VoucherLine[]
}

/** A stored line in the debit/credit form. */
export function lineOf(line: VoucherLineDto): VoucherLine {
  return {
    accountCode: line.account,
    accountName: undefined,
    ...(line.store !== '' ? { store: line.store } : {}),
    summary: line.summary,
    debit: line.side === 'debit' ? line.amount : '',
    credit: line.side === 'credit' ? line.amount : '',
  }
}

/** A stored voucher (the list has no lines: they are read with GET /vouchers/:id). */
export function voucherOf(voucher: VoucherHeaderDto & { readonly lines?: readonly VoucherLineDto[] }): Voucher {
  const lines = (voucher.lines ?? []).map(lineOf)
  return { id: voucher.id, number: voucher.number, word: voucher.word, date: voucher.date, period: voucher.period, status: voucher.status, summary: voucher.summary, total: voucher.total, lineCount: lines.length, lines }
}

/** What an approval, posting or reversal answers: the voucher's state, without its date or lines. */
function resultOf(result: VoucherResultDto): Voucher {
  return { id: result.id, number: result.number, word: result.word, date: '', period: result.period, status: result.status, lineCount: 0, lines: [] }
}

/** The list behind each figure of 对账汇总 (`drill` paths) is under its own key. */
const DRILL_KEYS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\/orders\?/, 'orders'], [/\/txns\?/, 'txns'], [/\/match\/matches\?/, 'matches'], [/\/match\/summary\?/, 'summary'], [/\/exceptions\?/, 'exceptions'], [/\/reports\/trial-balance\?/, 'rows'],
]

export interface VouchersApi {
  vouchers(company: string, query: VouchersFilter): Promise<Voucher[]>
  voucher(company: string, id: string | number): Promise<Voucher>
  /** 审核 (posts it unless the company keeps approved vouchers for a separate post). */
  approveVoucher(company: string, id: string | number): Promise<Voucher>
  /** 红字冲销 of a posted voucher. */
  reverseVoucher(company: string, id: string | number): Promise<Voucher>
  /** 反审核: an approved, unposted voucher back to draft */
  unapproveVoucher(company: string, id: string | number, reason: string): Promise<Voucher>
  voucherSources(company: string, id: string | number): Promise<VoucherSource[]>
  search(company: string, q: string): Promise<SearchResult>
  /** GET a list route the service named (a `drill` path under /api/v1): its rows */
  drillRows(path: string, limit?: number): Promise<Record<string, unknown>[]>
}

export function vouchersApi({ request }: Transport): VouchersApi {
  const voucherPath = (code: string, id: string | number) => `${companyPath(code)}/vouchers/${segment(id)}`
  const act = async (path: string, body?: unknown) => resultOf((await request<VoucherActionResponse>('POST', path, body)).voucher)
  return {
    async vouchers(code, filter) {
      return (await request<VouchersResponse>('GET', `${companyPath(code)}/vouchers${query(filter)}`)).vouchers.map(voucherOf)
    },
    async voucher(code, id) {
      return voucherOf((await request<VoucherResponse>('GET', voucherPath(code, id))).voucher)
    },
    approveVoucher: (code, id) => act(`${voucherPath(code, id)}/approve`),
    reverseVoucher: (code, id) => act(`${voucherPath(code, id)}/reverse`, {} satisfies ReverseRequest),
    unapproveVoucher: (code, id, reason) => act(`${voucherPath(code, id)}/unapprove`, { reason } satisfies UnapproveRequest),
    async voucherSources(code, id) {
      return (await request<VoucherSourcesResponse>('GET', `${voucherPath(code, id)}/sources`)).sources
    },
    search: (code, q) => request<SearchResult>('GET', `${companyPath(code)}/search${query({ q })}`),
    async drillRows(path, limit = 200) {
      const key = DRILL_KEYS.find(([pattern]) => pattern.test(path))?.[1]
      if (!path.startsWith('/companies/') || key === undefined) throw new ApiError('validation', 400, 'BAD_REQUEST', `not a list route: ${path}`)
      const body = await request<Record<string, Record<string, unknown>[]>>('GET', `${path}${path.includes('?') ? '&' : '?'}limit=${limit}`)
      return body[key] ?? []
    },
  }
}
