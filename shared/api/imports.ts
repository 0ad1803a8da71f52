import { z } from 'zod'
import { BankTxnJsonSchema, OrderJsonSchema, OrderLineJsonSchema, SettlementTxnJsonSchema } from '../records.ts'
import { errorResponse, queryLimit, queryOffset } from './common.ts'

/**
 * Imports: multipart upload (`file` repeatable, `store`, `format`, `currency`,
 * `force`) answered at the end (201), as a job to poll (202, `?async=1`) or as
 * an event stream (`Accept: text/event-stream`: `job`, `progress`…, then
 * `done` with the 201 body or `error`); batches, rejects and the imported
 * records (`/api/v1/companies/{code}/imports|orders|order-lines|txns|bank-txns`).
 */
export const importCountsSchema = z.strictObject({ order: z.number().int(), orderLine: z.number().int(), settlementTxn: z.number().int(), bankTxn: z.number().int(), invoice: z.number().int() })

/** A self-check of a file; `blocking`: the file contradicts itself and imports nothing unless forced. */
export const importCheckSchema = z.strictObject({ level: z.enum(['info', 'warning', 'error']), code: z.string(), message: z.string(), blocking: z.boolean().optional() })
export type ImportCheckDto = z.infer<typeof importCheckSchema>

/** A rejected row: its number (and sheet), the column and why. */
export const importRejectSchema = z.strictObject({ row: z.number().int(), sheet: z.string().optional(), column: z.string(), reason: z.string(), raw: z.string() })
export type ImportRejectDto = z.infer<typeof importRejectSchema>

/** One imported file: the batch, what was detected, counts, self-checks and up to 100 rejects. */
export const importSummarySchema = z.strictObject({
  id: z.number().int(),
  fileName: z.string(),
  format: z.string(),
  detected: z.string(),
  hash: z.string(),
  read: z.number().int(),
  records: z.number().int(),
  imported: z.number().int(),
  duplicates: z.number().int(),
  updated: z.number().int(),
  rejected: z.number().int(),
  skipped: z.number().int(),
  store: z.string(),
  storeCreated: z.boolean(),
  importedByKind: importCountsSchema,
  checks: z.array(importCheckSchema),
  rejects: z.array(importRejectSchema),
})
export type ImportSummaryDto = z.infer<typeof importSummarySchema>

/** The 201 body (and the `done` event): the files in upload order. */
export const importsResultSchema = z.strictObject({ imports: z.array(importSummarySchema) })
export type ImportsResult = z.infer<typeof importsResultSchema>

/** The 202 body (and the `job` event): poll `location`. */
export const importStartedSchema = z.strictObject({ job: z.string(), status: z.enum(['running', 'done', 'error']), location: z.string() })
export type ImportStarted = z.infer<typeof importStartedSchema>

/** POST …/imports: 201 (waited) or 202 (a job); the event stream is outside the JSON contract. */
export const importFilesResponse = z.union([importsResultSchema, importStartedSchema])
export type ImportFilesResponse = z.infer<typeof importFilesResponse>

/** Where an import stands, over all files of the upload. */
export const importProgressSchema = z.strictObject({
  phase: z.enum(['upload', 'parse', 'insert']),
  file: z.string().nullable(),
  /** 1-based index of `file` among `files` */
  fileIndex: z.number().int(),
  files: z.number().int(),
  bytes: z.number().int().nullable(),
  totalBytes: z.number().int(),
  rows: z.number().int(),
  records: z.number().int(),
  rejects: z.number().int(),
  /** 0-100, null while unknown */
  percent: z.number().int().nullable(),
})
export type ImportProgressDto = z.infer<typeof importProgressSchema>

/**
 * The events of `Accept: text/event-stream` on POST …/imports, by name: `job`
 * first, `progress` at most 10 a second, then one `done` (the 201 body) or
 * `error` (the error body, its HTTP status and the files committed before it).
 */
export const importEventSchemas = {
  job: importStartedSchema,
  progress: importProgressSchema,
  done: importsResultSchema,
  error: errorResponse.extend({ status: z.number().int(), imports: z.array(importSummarySchema) }),
} as const
export type ImportErrorEvent = z.infer<typeof importEventSchemas.error>

/** GET …/imports/jobs/{job}: progress while running, then the batches or the error. */
export const importJobResponse = z.strictObject({
  job: z.string(),
  status: z.enum(['running', 'done', 'error']),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  progress: importProgressSchema,
  imports: z.array(importSummarySchema),
  error: errorResponse.shape.error.optional(),
})
export type ImportJobResponse = z.infer<typeof importJobResponse>

/** An import batch as stored: who, when, file, hash, counts, self-checks. */
export const importBatchSchema = z.strictObject({
  id: z.number().int(),
  fileName: z.string(),
  fileHash: z.string(),
  fileSize: z.number().int(),
  parser: z.string(),
  store: z.string(),
  status: z.string(),
  actorId: z.number().int().nullable(),
  actorName: z.string(),
  read: z.number().int(),
  imported: z.number().int(),
  duplicates: z.number().int(),
  updated: z.number().int(),
  rejected: z.number().int(),
  skipped: z.number().int(),
  importedByKind: z.record(z.string(), z.number().int()),
  checks: z.array(importCheckSchema),
  startedAt: z.string(),
  finishedAt: z.string(),
})
export type ImportBatchDto = z.infer<typeof importBatchSchema>

/** GET …/imports (newest first) */
export const importBatchesResponse = z.strictObject({ imports: z.array(importBatchSchema) })
export type ImportBatchesResponse = z.infer<typeof importBatchesResponse>
/** GET …/imports/{id} */
export const importBatchResponse = z.strictObject({ import: importBatchSchema })
/** GET …/imports/{id}/rejects */
export const importRejectsResponse = z.strictObject({ rejects: z.array(importRejectSchema) })
export type ImportRejectsResponse = z.infer<typeof importRejectsResponse>

/** Filters of the record lists. */
export const recordListQuery = z.object({
  store: z.string().optional(),
  period: z.string().regex(/^\d{4}-\d{2}$/).optional(),
  channel: z.string().optional(),
  status: z.string().optional(),
  kind: z.string().optional(),
  orderRef: z.string().optional(),
  batchId: z.coerce.number().int().positive().optional(),
  limit: queryLimit(10_000).optional(),
  offset: queryOffset.optional(),
})

/** GET …/orders, …/order-lines, …/txns, …/bank-txns: records in their JSON form (shared/records.ts) */
export const ordersResponse = z.strictObject({ orders: z.array(OrderJsonSchema.strict()) })
export type OrdersResponse = z.infer<typeof ordersResponse>
export const orderLinesResponse = z.strictObject({ lines: z.array(OrderLineJsonSchema.strict()) })
export type OrderLinesResponse = z.infer<typeof orderLinesResponse>
export const txnsResponse = z.strictObject({ txns: z.array(SettlementTxnJsonSchema.strict()) })
export type TxnsResponse = z.infer<typeof txnsResponse>
export const bankTxnsResponse = z.strictObject({ txns: z.array(BankTxnJsonSchema.strict()) })
export type BankTxnsResponse = z.infer<typeof bankTxnsResponse>
