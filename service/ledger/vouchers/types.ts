import type { ValidVoucher, VoucherStatus } from '../../../shared/voucher.ts'

/** Request and result types of the voucher write path (service/ledger/vouchers.ts). */
export interface SourceRef {
  readonly kind: string
  readonly id: string
}

export interface VoucherRequest {
  readonly input: unknown
  readonly sources?: ReadonlyArray<SourceRef>
}

export type WriteMode = 'draft' | 'approve' | 'post'

export interface WriteOptions {
  readonly mode: WriteMode
  readonly sourceKind?: string
  /** lets a lone admin approve their own voucher (audited as self-approval) */
  readonly selfApprove?: boolean
  /** one audit entry per voucher even when many are written at once (coalesced single-voucher requests) */
  readonly auditEach?: boolean
}

export interface VoucherResult {
  readonly id: number
  readonly period: string
  readonly word: string
  readonly number: number | null
  readonly status: VoucherStatus
  readonly replayed: boolean
}

export interface Prepared {
  readonly voucher: ValidVoucher
  readonly inputHash: string
  readonly sources: ReadonlyArray<SourceRef>
}
