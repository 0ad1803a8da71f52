import { z } from 'zod'

/**
 * HTTP contract of the worksheet functions, shared by the service and the add-in (pure zod, no I/O).
 *
 * ## Worksheet functions: `POST /api/v1/functions/batch` (architecture.md)
 * The service validates with these schemas; the add-in's batcher imports the
 * types only (`import type`), so zod stays out of the task-pane bundle.
 *
 * @example
 * {"calls":[{"id":"c1","fn":"BALANCE","args":["1122","2026-10"]}]}
 * -> {"results":[{"id":"c1","value":113}]}
 */
export const FUNCTION_NAMES = ['BALANCE', 'ACTIVITY', 'DEBITS', 'CREDITS', 'TB', 'ACCOUNTNAME', 'MATCHRATE', 'UNMATCHED', 'ORDER', 'FX', 'INVOICED', 'UNINVOICED'] as const
export type FunctionName = (typeof FUNCTION_NAMES)[number]

/** Largest batch the service evaluates in one request (the add-in sends far smaller ones). */
export const MAX_CALLS_PER_BATCH = 10_000

export const argumentSchema = z.union([z.string().max(200), z.number(), z.boolean(), z.null()])
export type FunctionArgument = z.infer<typeof argumentSchema>

export const functionCallSchema = z.object({
  id: z.string().min(1).max(64),
  fn: z.string().min(1).max(32),
  args: z.array(argumentSchema).max(8),
  /** company code; overrides the batch's `company` (query `?company=` or header `X-Ledger-Company`) */
  company: z.string().min(1).max(32).optional(),
})
export type FunctionCall = z.infer<typeof functionCallSchema>

export const batchRequestSchema = z.object({
  calls: z.array(functionCallSchema).max(MAX_CALLS_PER_BATCH),
  company: z.string().min(1).max(32).optional(),
})
export type BatchRequest = z.infer<typeof batchRequestSchema>

function isArgument(value: unknown): boolean {
  return value === null || (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean' || (typeof value === 'string' && value.length <= 200)
}

function isCode(value: unknown, max: number): boolean {
  return typeof value === 'string' && value.length >= 1 && value.length <= max
}

/**
 * The batch schema's checks by hand, for the hot path: 10,000 calls pass in
 * well under a millisecond where the zod parse takes several. True only when
 * `batchRequestSchema` would accept `value` unchanged (it has no transforms);
 * on false the route runs zod, which explains what is wrong.
 */
export function isBatchRequest(value: unknown): value is BatchRequest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  for (const key in value) if (key !== 'calls' && key !== 'company') return false
  const company: unknown = Reflect.get(value, 'company')
  if (company !== undefined && !isCode(company, 32)) return false
  const calls: unknown = Reflect.get(value, 'calls')
  if (!Array.isArray(calls) || calls.length > MAX_CALLS_PER_BATCH) return false
  for (const call of calls) {
    if (typeof call !== 'object' || call === null || Array.isArray(call)) return false
    let keys = 0
    for (const key in call) {
      if (key !== 'id' && key !== 'fn' && key !== 'args' && key !== 'company') return false
      keys += 1
    }
    const { id, fn, args } = call as Record<string, unknown>
    const callCompany: unknown = Reflect.get(call, 'company')
    if (!isCode(id, 64) || !isCode(fn, 32) || !Array.isArray(args) || args.length > 8) return false
    if (callCompany === undefined ? keys !== 3 : !isCode(callCompany, 32)) return false
    for (const argument of args) if (!isArgument(argument)) return false
  }
  return true
}

export type CellScalar = number | string | boolean
export type CellValue = CellScalar | CellScalar[][]
export type CellErrorCode = '#N/A' | '#VALUE!'

export type FunctionResult =
  | { readonly id: string; readonly value: CellValue }
  | { readonly id: string; readonly error: CellErrorCode; readonly message: string }

export interface BatchResponse {
  readonly results: FunctionResult[]
}

const cellScalar = z.union([z.number(), z.string(), z.boolean()])
/** One result of the batch: a value (a scalar, or rows of scalars for TB) or a cell error with why. */
export const functionResultSchema = z.union([
  z.strictObject({ id: z.string(), value: z.union([cellScalar, z.array(z.array(cellScalar))]) }),
  z.strictObject({ id: z.string(), error: z.enum(['#N/A', '#VALUE!']), message: z.string() }),
])
/** POST /functions/batch */
export const batchResponseSchema = z.strictObject({ results: z.array(functionResultSchema) })
/** The query of POST /functions/batch: the batch's company when neither a call nor the body names one. */
export const batchQuerySchema = z.object({ company: z.string().min(1).max(32).optional() })

