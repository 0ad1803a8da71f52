import { z } from 'zod'
import { LedgerError } from '../../shared/errors.ts'
import type { Company } from './company.ts'
import type { LedgerContext } from './context.ts'
import { memberRowsWithRoles } from './queries.ts'

/**
 * Who approves period-end vouchers (汇兑损益, 增值税月末, 结转损益) and reversals
 * (issue #16.6). They are drafts of the acting user that another user with
 * approver rights (role admin or approver) approves, unless self-approval is
 * allowed on the date in question:
 * - company setting `selfApproval`: dated entries `{ validFrom, validTo, allowed }`
 *   (the entry covering the date wins; validTo null = open-ended);
 * - no entry covers the date: allowed only while the company has at most one
 *   user with approver rights, so a one-person company can still close.
 */
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/
const entrySchema = z.object({
  validFrom: z.string().regex(DATE, 'a date like 2026-10-01'),
  validTo: z.string().regex(DATE, 'a date like 2026-10-31').nullable().default(null),
  allowed: z.boolean(),
}).strict()
export const selfApprovalSchema = z.array(entrySchema).max(100)
export type SelfApprovalEntry = z.infer<typeof entrySchema>

/** Roles that carry the right to approve vouchers (permissions.ts 'vouchers.approve'). */
export const APPROVER_ROLES = ['admin', 'approver'] as const

export interface Approver {
  readonly userId: number
  readonly username: string
  readonly role: string
}

/** Users of the company who may approve vouchers, by id. */
export async function approversOf(context: LedgerContext, companyId: number): Promise<Approver[]> {
  const result = await memberRowsWithRoles(context.db.client, companyId, APPROVER_ROLES)
  return result.rows.map((row) => ({ userId: Number(row.id), username: String(row.username), role: String(row.role) }))
}

/** The company's dated self-approval entries (validated; a broken setting is a clear error). */
export function selfApprovalEntries(company: Company): SelfApprovalEntry[] {
  const raw = company.settings.selfApproval
  if (raw === undefined) return []
  const parsed = selfApprovalSchema.safeParse(raw)
  if (!parsed.success) throw new LedgerError('VALIDATION', `company ${company.code} setting selfApproval: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? ''}`)
  return parsed.data
}

export interface SelfApprovalPolicy {
  readonly allowed: boolean
  /** 'setting' when a dated entry decided, else 'approvers' (the count of approver users) */
  readonly by: 'setting' | 'approvers'
  readonly approvers: Approver[]
}

/**
 * May the maker of a period-end voucher (or reversal) dated `date` approve it
 * themself? See the module comment for the rule.
 * @example (await selfApproval(context, company, '2026-10-31')).allowed
 */
export async function selfApproval(context: LedgerContext, company: Company, date: string): Promise<SelfApprovalPolicy> {
  const approvers = await approversOf(context, company.id)
  const entry = selfApprovalEntries(company).filter((item) => item.validFrom <= date && (item.validTo === null || date <= item.validTo)).sort((a, b) => b.validFrom.localeCompare(a.validFrom))[0]
  if (entry) return { allowed: entry.allowed, by: 'setting', approvers }
  return { allowed: approvers.length <= 1, by: 'approvers', approvers }
}

/**
 * Does a reversal by the acting user wait for an approver? Yes when the company
 * sets `reversalApproval`, or when self-approval is not allowed on `date` (the
 * CLI and API default; `reverseVoucher` itself keeps immediate posting for the
 * internal unmatch flow).
 */
export async function reversalNeedsApproval(context: LedgerContext, company: Company, date: string): Promise<boolean> {
  if (company.settings.reversalApproval === true) return true
  return !(await selfApproval(context, company, date)).allowed
}
