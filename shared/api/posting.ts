import { z } from 'zod'
import { HOLD_REASONS } from '../posting/holds.ts'
import { GRANULARITIES } from '../posting/types.ts'
import { decimal } from './common.ts'
import { sourceRefSchema } from './vouchers.ts'

/** Voucher generation: POST …/posting/preview (nothing written) and …/posting/run. */
export const postingRequest = z.object({
  period: z.string().optional(),
  store: z.string().optional(),
  granularity: z.enum(GRANULARITIES).optional(),
}).strict()
export type PostingRequest = z.input<typeof postingRequest>

/** A line of a planned voucher (preview only), one side filled. */
export const plannedEntrySchema = z.strictObject({
  account: z.string(),
  store: z.string().optional(),
  currency: z.string().optional(),
  debit: decimal.optional(),
  credit: decimal.optional(),
  rate: z.string().optional(),
  summary: z.string().optional(),
})

/** A voucher the run would write (preview, with `entries`) or wrote (run, with id, status, number). */
export const plannedVoucherSchema = z.strictObject({
  key: z.string(),
  date: z.string(),
  store: z.string(),
  summary: z.string(),
  total: decimal,
  /** number of lines */
  lines: z.number().int(),
  /** number of source records */
  sources: z.number().int(),
  /** `auto`: approved and posted at once; `draft`: waits for an approver */
  approval: z.enum(['auto', 'draft']),
  entries: z.array(plannedEntrySchema).optional(),
  id: z.number().int().optional(),
  status: z.string().optional(),
  number: z.number().int().nullable().optional(),
})
export type PlannedVoucherDto = z.infer<typeof plannedVoucherSchema>

export const holdReasonSchema = z.enum(HOLD_REASONS)

/** A record the run leaves out, and why. */
export const heldSchema = z.strictObject({ source: sourceRefSchema, store: z.string(), reason: holdReasonSchema, message: z.string() })
export type HeldDto = z.infer<typeof heldSchema>

/** Why items wait, with the fix, in both languages. */
export const holdReasonCountSchema = z.strictObject({ reason: holdReasonSchema, count: z.number().int(), zh: z.string(), en: z.string() })
export type HoldReasonDto = z.infer<typeof holdReasonCountSchema>

export const postingResponse = z.strictObject({
  granularity: z.enum(GRANULARITIES),
  dryRun: z.boolean(),
  vouchers: z.array(plannedVoucherSchema),
  written: z.strictObject({ vouchers: z.number().int(), lines: z.number().int(), posted: z.number().int(), drafts: z.number().int(), replayed: z.number().int() }),
  held: z.array(heldSchema),
  holdReasons: z.array(holdReasonCountSchema),
  /** order lines without a cost */
  uncosted: z.array(z.string()),
})
export type PostingResponse = z.infer<typeof postingResponse>
