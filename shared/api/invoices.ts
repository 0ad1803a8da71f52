import { z } from 'zod'
import { INVOICE_EXCEPTION_TYPES } from '../invoices/matching.ts'
import { InvoiceJsonSchema } from '../invoices/record.ts'
import { normalizePeriod } from '../period.ts'
import { bilingual, decimal, okResponse, queryLimit, queryOffset } from './common.ts'

/**
 * 发票 (issue #17): invoices are imported through POST …/imports; these read,
 * match, attach and configure. Money as decimal strings.
 */
const period = z.string().transform((value) => normalizePeriod(value))
export const invoiceReasonRequest = z.object({ reason: z.string().min(1).max(2000) })
export type InvoiceReasonRequest = z.input<typeof invoiceReasonRequest>

/** GET …/invoices?period=&direction=output|input&limit=&offset= */
export const invoicesQuery = z.object({ period: period.optional(), direction: z.enum(['output', 'input']).optional(), limit: queryLimit(10_000).optional(), offset: queryOffset.optional() })
export const invoiceJsonSchema = InvoiceJsonSchema.strict()
export const invoicesResponse = z.strictObject({ invoices: z.array(invoiceJsonSchema) })
export type InvoicesResponse = z.infer<typeof invoicesResponse>

/** A stored PDF/OFD of an invoice. */
export const invoiceAttachmentSchema = z.strictObject({ id: z.number().int(), fileName: z.string(), mediaType: z.string(), sha256: z.string(), size: z.number().int() })

/** An order an invoice is linked to, and by which rule. */
export const invoiceLinkSchema = z.strictObject({ invoiceNo: z.string(), channel: z.string(), orderNo: z.string(), amount: decimal, rule: z.enum(['remark', 'buyer-amount', 'red', 'manual']), why: z.string() })

/** GET …/invoices/{invoiceNo} */
export const invoiceResponse = z.strictObject({ invoice: invoiceJsonSchema, orders: z.array(invoiceLinkSchema), attachments: z.array(invoiceAttachmentSchema) })
export type InvoiceResponse = z.infer<typeof invoiceResponse>

/** POST …/invoices/match */
export const invoiceMatchRequest = z.object({})
export const invoiceMatchRunSchema = z.strictObject({
  taxId: z.string().nullable(),
  taxIdInferred: z.boolean(),
  invoices: z.number().int(),
  orders: z.number().int(),
  links: z.record(z.string(), z.number().int()),
  exceptions: z.record(z.string(), z.number().int()),
  cleared: z.number().int(),
})
export type InvoiceMatchRun = z.infer<typeof invoiceMatchRunSchema>
export const invoiceMatchResponse = z.strictObject({ run: invoiceMatchRunSchema })

/** POST …/invoices/{invoiceNo}/attachments (201 added, 200 already there) */
export const attachRequest = z.object({ fileName: z.string().min(1).max(200), contentBase64: z.string().min(1).max(30_000_000) })
export const attachResponse = invoiceAttachmentSchema.extend({ added: z.boolean() })

export const invoiceExceptionSchema = z.strictObject({
  id: z.number().int(),
  key: z.string(),
  type: z.string(),
  status: z.string(),
  period: z.string(),
  invoiceNo: z.string().nullable(),
  channel: z.string().nullable(),
  orderNo: z.string().nullable(),
  expected: decimal,
  invoiced: decimal,
  why: z.string(),
})
export type InvoiceExceptionDto = z.infer<typeof invoiceExceptionSchema>

/** GET …/invoice-exceptions?status=&type= */
export const invoiceExceptionsQuery = z.object({ status: z.enum(['open', 'resolved', 'ignored']).optional(), type: z.enum(INVOICE_EXCEPTION_TYPES).optional() })
export const invoiceExceptionsResponse = z.strictObject({ exceptions: z.array(invoiceExceptionSchema) })
export type InvoiceExceptionsResponse = z.infer<typeof invoiceExceptionsResponse>

/** POST …/invoice-exceptions/{id}/resolve|ignore */
export const invoiceDecisionResponse = okResponse

/** POST …/invoice-requests (201): the buyer of an order asked for an invoice */
export const invoiceRequestRequest = z.object({ channel: z.string().min(1).max(40), orderNo: z.string().min(1).max(200), title: z.string().max(200).default(''), buyerTaxId: z.string().max(40).optional() })
export const invoiceRequestResponse = okResponse

/** GET …/invoices-input-status?period=: 进项发票 by 勾选/认证 status */
export const periodQuery = z.object({ period: period.optional() })
export const inputStatusRowSchema = z.strictObject({
  /** unchecked | selected | certified | unknown */
  certification: z.string(),
  count: z.number().int(),
  amount: decimal,
  tax: decimal,
  /** deductible under the company's inputVatOn setting */
  deductibleTax: decimal,
})
export type InputStatusRow = z.infer<typeof inputStatusRowSchema>
export const inputStatusResponse = z.strictObject({ taxId: z.string().nullable(), inputVatOn: z.string(), rows: z.array(inputStatusRowSchema) })
export type InputStatusResponse = z.infer<typeof inputStatusResponse>

const feeKind = z.enum(['commission', 'promotion', 'fee'])
/** GET …/invoice-fees?period=: platform fee invoices matched to the fee lines, unmatched ones with why */
export const invoiceFeesResponse = z.strictObject({
  matched: z.array(z.strictObject({
    invoiceNo: z.string(),
    sellerName: z.string(),
    kind: feeKind,
    month: z.string(),
    channels: z.array(z.string()),
    stores: z.array(z.strictObject({ store: z.string(), fee: decimal, account: z.string() })),
    lines: z.number().int(),
    total: decimal,
    taxRate: z.string(),
    tax: decimal,
    bookedBySettlement: z.string().nullable(),
  })),
  unmatched: z.array(z.strictObject({ invoiceNo: z.string(), sellerName: z.string(), issuedAt: z.string(), kind: feeKind, total: decimal, why: bilingual })),
})
export type InvoiceFeesResponse = z.infer<typeof invoiceFeesResponse>

/** PUT …/invoice-settings */
export const invoiceSettingsRequest = z.object({ taxId: z.string().optional(), inputVatOn: z.enum(['receipt', 'certification']).optional(), windowDays: z.number().int().optional() })
export const invoiceSettingsResponse = z.strictObject({
  settings: z.strictObject({ taxId: z.string().optional(), inputVatOn: z.enum(['receipt', 'certification']), windowDays: z.number().int() }),
})
