import { z } from 'zod'
import { VOUCHER_STATUSES } from '../voucher.ts'
import { decimal, okResponse, queryLimit, queryOffset } from './common.ts'

/**
 * Vouchers (记账凭证): `/api/v1/companies/{code}/vouchers`. A voucher's lines
 * are as the ledger stores them: one side and one amount per line.
 */
export const voucherStatusSchema = z.enum(VOUCHER_STATUSES)

/** A voucher without its lines (the list). */
export const voucherHeaderSchema = z.strictObject({
  id: z.number().int(),
  companyId: z.number().int(),
  period: z.string(),
  word: z.string(),
  /** null until the voucher is numbered (approved) */
  number: z.number().int().nullable(),
  date: z.string(),
  status: voucherStatusSchema,
  summary: z.string(),
  total: decimal,
  makerId: z.number().int(),
  approverId: z.number().int().nullable(),
  posterId: z.number().int().nullable(),
  reversalOf: z.number().int().nullable(),
  reversedBy: z.number().int().nullable(),
  idempotencyKey: z.string().nullable(),
  sourceKind: z.string(),
  /** 附件数 */
  attachments: z.number().int(),
})
export type VoucherHeaderDto = z.infer<typeof voucherHeaderSchema>

export const voucherLineSchema = z.strictObject({
  lineNo: z.number().int(),
  account: z.string(),
  /** 辅助核算: the store (or supplier) of the line, '' when none */
  store: z.string(),
  currency: z.string(),
  side: z.enum(['debit', 'credit']),
  /** in the base currency */
  amount: decimal,
  /** in the line's currency */
  original: decimal,
  rate: z.string().nullable(),
  summary: z.string(),
})
export type VoucherLineDto = z.infer<typeof voucherLineSchema>

export const voucherSchema = voucherHeaderSchema.extend({ lines: z.array(voucherLineSchema) })
export type VoucherDto = z.infer<typeof voucherSchema>

/** What a write, approval, posting or reversal did to one voucher; `replayed`: an idempotent retry. */
export const voucherResultSchema = z.strictObject({
  id: z.number().int(),
  period: z.string(),
  word: z.string(),
  number: z.number().int().nullable(),
  status: voucherStatusSchema,
  replayed: z.boolean(),
})
export type VoucherResultDto = z.infer<typeof voucherResultSchema>

/** GET …/vouchers?period=&status=&limit=&offset= */
export const vouchersQuery = z.object({ period: z.string().optional(), status: z.enum(VOUCHER_STATUSES).optional(), limit: queryLimit(10_000).optional(), offset: queryOffset.optional() })
/** The filters a client sends (limit and offset as numbers in the query string). */
export type VouchersFilter = Pick<z.input<typeof vouchersQuery>, 'period' | 'status'>
export const vouchersResponse = z.strictObject({ vouchers: z.array(voucherHeaderSchema) })
export type VouchersResponse = z.infer<typeof vouchersResponse>

/** POST …/vouchers: one voucher (shared/voucher.ts voucherInputSchema, checked by the ledger) or an array of up to 5000. */
export const createVouchersRequest = z.union([z.record(z.string(), z.unknown()), z.array(z.record(z.string(), z.unknown())).max(5000)])
export const createVouchersResponse = z.union([z.strictObject({ voucher: voucherResultSchema }), z.strictObject({ vouchers: z.array(voucherResultSchema) })])
export type CreateVouchersResponse = z.infer<typeof createVouchersResponse>

/** An invoice backing a voucher (counted in 附件数). */
export const voucherInvoiceSchema = z.strictObject({
  invoiceNo: z.string(),
  via: z.enum(['linked', 'source']),
  invoiceType: z.string(),
  issuedAt: z.string(),
  sellerName: z.string(),
  buyerName: z.string(),
  total: decimal,
  taxRate: z.string(),
  status: z.string(),
})

/** A source a voucher was made from: an order, settlement txn, bank line, match, voucher … by kind and key. */
export const sourceRefSchema = z.strictObject({ kind: z.string(), id: z.string() })

/** GET …/vouchers/{id} */
export const voucherResponse = z.strictObject({
  voucher: voucherSchema,
  storedAttachments: z.number().int(),
  invoices: z.array(voucherInvoiceSchema),
  sources: z.array(sourceRefSchema),
})
export type VoucherResponse = z.infer<typeof voucherResponse>

/** POST …/vouchers/{id}/approve|unapprove|post|reverse */
export const voucherActionResponse = z.strictObject({ voucher: voucherResultSchema })
export type VoucherActionResponse = z.infer<typeof voucherActionResponse>
export const unapproveRequest = z.object({ reason: z.string().max(2000).optional() })
export type UnapproveRequest = z.input<typeof unapproveRequest>
export const reverseRequest = z.object({ date: z.string().optional(), draft: z.boolean().optional() })
export type ReverseRequest = z.input<typeof reverseRequest>

/** DELETE …/vouchers/{id} (a draft) */
export const deleteVoucherResponse = okResponse
