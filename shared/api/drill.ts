import { z } from 'zod'
import { decimal } from './common.ts'
import { sourceRefSchema } from './vouchers.ts'

/** Drill-down past 明细账: a voucher's source records, and search by number or amount. */
export const sourceRecordSchema = z.strictObject({
  kind: z.enum(['order', 'settlementTxn', 'bankTxn', 'voucher']),
  id: z.number().int(),
  number: z.string(),
  date: z.string(),
  store: z.string(),
  channel: z.string(),
  amount: decimal,
  currency: z.string(),
  text: z.string(),
  /** for a voucher: 记-3 or #12 (a draft) */
  voucher: z.string().optional(),
})
export type SourceRecordDto = z.infer<typeof sourceRecordSchema>

export const resolvedSourceSchema = sourceRefSchema.extend({ records: z.array(sourceRecordSchema) })
export type ResolvedSourceDto = z.infer<typeof resolvedSourceSchema>

/** GET …/vouchers/{id}/sources */
export const voucherSourcesResponse = z.strictObject({ sources: z.array(resolvedSourceSchema) })
export type VoucherSourcesResponse = z.infer<typeof voucherSourcesResponse>

/** GET …/search?q= (an order number, trade number / reference prefix from 4 characters, or an amount) */
export const searchQuery = z.object({ q: z.string().min(1).max(100) })
export const searchResponse = z.strictObject({
  orders: z.array(sourceRecordSchema),
  settlementTxns: z.array(sourceRecordSchema),
  bankTxns: z.array(sourceRecordSchema),
  vouchers: z.array(sourceRecordSchema),
})
export type SearchResponse = z.infer<typeof searchResponse>
