import { z } from 'zod'

/**
 * Pieces every area of the HTTP contract uses. Amounts are decimal strings
 * (`"1234.50"`, `"-12.00"`), never JSON numbers; counts and ids are integers.
 */
export const decimal = z.string().regex(/^-?\d+(\.\d+)?$/, 'a decimal string like "1234.50"')

/** A month, `YYYY-MM`. */
export const periodText = z.string().regex(/^\d{4}-\d{2}$/, 'a period like 2026-10')

/** `{ok: true}`: the answer of an action with nothing else to say. */
export const okResponse = z.strictObject({ ok: z.literal(true) })
export type OkResponse = z.infer<typeof okResponse>

/** Every error answer: `{"error":{"code","message","details"}}` with a fitting HTTP status. */
export const errorResponse = z.strictObject({
  error: z.strictObject({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
})
export type ErrorBody = z.infer<typeof errorResponse>

/** zh and en of one message. */
export const bilingual = z.strictObject({ zh: z.string(), en: z.string() })

/** GET /health */
export const healthResponse = z.strictObject({ ok: z.literal(true), version: z.string() })
export type HealthResponse = z.infer<typeof healthResponse>

/** A positive integer id in a query string. */
export const queryId = z.coerce.number().int().positive()
export const queryLimit = (max: number) => z.coerce.number().int().min(1).max(max)
export const queryOffset = z.coerce.number().int().min(0)

/** `T` with every property and array read-only: what a server may answer with for a contract type `T`. */
export type DeepReadonly<T> = T extends (infer E)[] ? ReadonlyArray<DeepReadonly<E>> : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T
