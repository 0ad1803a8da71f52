import type { HeldDto, PlannedVoucherDto, PostingRequest, PostingResponse } from '../../shared/api/posting.ts'
import { type Transport, companyPath } from './core.ts'
import type { Voucher, VoucherLine } from './vouchers.ts'

/** Voucher generation: what a run would write and what waits, then the run (shared/api/posting.ts). */

/** A record a posting run leaves out, and why (open exception, not matched, no profile …). */
export interface HeldItem {
  readonly reason: string
  /** the service's sentence (English) */
  readonly message: string
  /** the record's natural key */
  readonly ref: string
  readonly store?: string
}

export interface PostingPreview {
  readonly vouchers: readonly Voucher[]
  readonly held?: readonly HeldItem[]
}

export interface PostingRun {
  readonly vouchers: number
  readonly lines: number
}

export interface PostingApi {
  previewPosting(company: string, period: string): Promise<PostingPreview>
  runPosting(company: string, period: string): Promise<PostingRun>
}

/** A planned voucher in the pane's voucher form: its lines (preview only) in debit and credit columns. */
export function plannedVoucherOf(planned: PlannedVoucherDto): Voucher {
  const lines = (planned.entries ?? []).map((entry): VoucherLine => ({
    accountCode: entry.account,
    accountName: undefined,
    ...(entry.store !== undefined && entry.store !== '' ? { store: entry.store } : {}),
    summary: entry.summary,
    debit: entry.debit ?? '',
    credit: entry.credit ?? '',
  }))
  return {
    id: planned.id, number: planned.number ?? null, date: planned.date, status: planned.status, summary: planned.summary, total: planned.total, store: planned.store,
    lineCount: planned.lines, approval: planned.approval, lines,
  }
}

export function heldItemOf(held: HeldDto): HeldItem {
  return { reason: held.reason, message: held.message, ref: held.source.id, ...(held.store === '' ? {} : { store: held.store }) }
}

export function postingApi({ request }: Transport): PostingApi {
  return {
    async previewPosting(code, period) {
      const body = await request<PostingResponse>('POST', `${companyPath(code)}/posting/preview`, { period } satisfies PostingRequest)
      return { vouchers: body.vouchers.map(plannedVoucherOf), held: body.held.map(heldItemOf) }
    },
    async runPosting(code, period) {
      const body = await request<PostingResponse>('POST', `${companyPath(code)}/posting/run`, { period } satisfies PostingRequest)
      return { vouchers: body.written.vouchers, lines: body.written.lines }
    },
  }
}
