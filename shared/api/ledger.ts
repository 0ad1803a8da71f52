import { z } from 'zod'
import { decimal, queryLimit } from './common.ts'

/** The ledger's own reads: 试算平衡表 (科目余额表), verify, the audit log. */
const movement = {
  openingDebit: decimal,
  openingCredit: decimal,
  debit: decimal,
  credit: decimal,
  closingDebit: decimal,
  closingCredit: decimal,
}

export const trialBalanceRowSchema = z.strictObject({
  code: z.string(),
  name: z.string(),
  nameEn: z.string(),
  level: z.number().int(),
  isLeaf: z.boolean(),
  normalSide: z.enum(['debit', 'credit']),
  ...movement,
  /** closing balance, debit positive */
  balance: decimal,
})
export type TrialBalanceRowDto = z.infer<typeof trialBalanceRowSchema>

/** GET …/reports/trial-balance?period=&from=&store=&empty=1 */
export const trialBalanceQuery = z.object({ period: z.string(), from: z.string().optional(), store: z.string().optional(), empty: z.enum(['0', '1']).optional() })
export const trialBalanceResponse = z.strictObject({
  company: z.string(),
  currency: z.string(),
  period: z.string(),
  from: z.string(),
  store: z.string().nullable(),
  rows: z.array(trialBalanceRowSchema),
  totals: z.strictObject(movement),
  balanced: z.boolean(),
})
export type TrialBalanceResponse = z.infer<typeof trialBalanceResponse>

/** POST …/verify: 200 when every invariant holds, 500 with the breaches otherwise. */
export const verifyResponse = z.strictObject({
  ok: z.boolean(),
  checked: z.record(z.string(), z.number().int()),
  breaches: z.array(z.strictObject({ invariant: z.string(), message: z.string() })),
})
export type VerifyResponse = z.infer<typeof verifyResponse>

/** GET …/audit?limit= (newest first; the payload is the action's own JSON) */
export const auditQuery = z.object({ limit: queryLimit(1000).optional() })
export const auditEntrySchema = z.strictObject({
  id: z.number().int(),
  at: z.string(),
  actorId: z.number().int().nullable(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string(),
  payload: z.unknown(),
  hash: z.string(),
})
export const auditResponse = z.strictObject({ entries: z.array(auditEntrySchema) })
export type AuditResponse = z.infer<typeof auditResponse>
