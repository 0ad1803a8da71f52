import { z } from 'zod'
import { ACCOUNT_TYPES, TEMPLATES } from '../accounts.ts'
import { membershipSchema, roleSchema } from './auth.ts'
import { bilingual, decimal } from './common.ts'

/**
 * Companies (账套), their chart of accounts and periods, 结账 and 反结账:
 * `/api/v1/companies`, `/api/v1/companies/{code}/settings|accounts|periods`.
 */
export const companySchema = z.strictObject({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  baseCurrency: z.string(),
  taxpayerType: z.enum(['general', 'smallScale']),
  chartTemplate: z.enum(TEMPLATES),
  /** posting, matching, closing, invoices, postOnApprove …: JSON the service validates when it is changed */
  settings: z.record(z.string(), z.unknown()),
})
export type CompanyDto = z.infer<typeof companySchema>

/** GET /companies */
export const companiesResponse = z.strictObject({ companies: z.array(membershipSchema) })
export type CompaniesResponse = z.infer<typeof companiesResponse>

/** POST /companies (201) */
export const createCompanyRequest = z.object({ code: z.string(), name: z.string(), baseCurrency: z.string().optional(), taxpayerType: z.enum(['general', 'smallScale']).optional(), chartTemplate: z.enum(TEMPLATES).optional() })
export const createCompanyResponse = z.strictObject({ company: companySchema })

/** GET /companies/{code} */
export const companyResponse = z.strictObject({ company: companySchema, role: roleSchema.nullable() })
export type CompanyResponse = z.infer<typeof companyResponse>

/** PATCH /companies/{code}/settings: `posting` and `matching` are merged into what is stored. */
export const settingsPatchRequest = z.record(z.string(), z.unknown())
export const settingsPatchResponse = z.strictObject({ company: companySchema })
export type SettingsPatchResponse = z.infer<typeof settingsPatchResponse>

export const accountSchema = z.strictObject({
  code: z.string(),
  name: z.string(),
  nameEn: z.string(),
  type: z.enum(ACCOUNT_TYPES),
  normalSide: z.enum(['debit', 'credit']),
  parent: z.string().nullable(),
  isLeaf: z.boolean(),
})
export type AccountDto = z.infer<typeof accountSchema>

/** GET /companies/{code}/accounts (科目表) */
export const accountsResponse = z.strictObject({ accounts: z.array(accountSchema) })
export type AccountsResponse = z.infer<typeof accountsResponse>

export const periodSchema = z.strictObject({
  period: z.string(),
  status: z.enum(['open', 'closed']),
  closedAt: z.string().nullable(),
  vouchers: z.number().int(),
  drafts: z.number().int(),
})
export type PeriodDto = z.infer<typeof periodSchema>

/** GET /companies/{code}/periods */
export const periodsResponse = z.strictObject({ periods: z.array(periodSchema) })
export type PeriodsResponse = z.infer<typeof periodsResponse>

export const BLOCKER_KINDS = ['open_exceptions', 'held_items', 'drafts', 'period_end_pending', 'payouts_not_in_bank', 'unposted_records'] as const

export const pendingVoucherSchema = z.strictObject({
  id: z.number().int(),
  date: z.string(),
  word: z.string(),
  status: z.string(),
  sourceKind: z.string(),
  summary: z.string(),
  total: decimal,
  makerId: z.number().int(),
  maker: z.string(),
})

/** The rows of a blocker, by kind. */
export const closeBlockerItemSchema = z.union([
  /** open_exceptions */
  z.strictObject({ id: z.number().int(), type: z.string(), store: z.string(), date: z.string(), orderKey: z.string().nullable(), currency: z.string(), amount: decimal, difference: decimal }),
  /** held_items, payouts_not_in_bank: a record posting holds back */
  z.strictObject({ kind: z.string(), ref: z.string(), store: z.string(), reason: z.string(), message: z.string() }),
  /** held_items when the posting mapping is broken: kind `mapping`, ref the error code */
  z.strictObject({ kind: z.literal('mapping'), ref: z.string(), message: z.string() }),
  /** drafts: a voucher not yet posted */
  z.strictObject({ id: z.number().int(), date: z.string(), word: z.string(), status: z.string(), summary: z.string() }),
  /** period_end_pending: a period-end voucher waiting for approval, and who may approve it */
  pendingVoucherSchema.extend({ approvers: z.array(z.string()) }),
  /** unposted_records: an imported record a posting run would post now, and the voucher it would go into */
  z.strictObject({ kind: z.string(), ref: z.string(), store: z.string(), date: z.string(), voucher: z.string() }),
])
export type CloseBlockerItem = z.infer<typeof closeBlockerItemSchema>

/** One kind of thing that keeps a period from closing: count, words, up to 50 rows. */
export const closeBlockerSchema = z.strictObject({
  kind: z.enum(BLOCKER_KINDS),
  count: z.number().int(),
  message: bilingual,
  items: z.array(closeBlockerItemSchema),
})
export type CloseBlockerDto = z.infer<typeof closeBlockerSchema>

/** GET /companies/{code}/periods/{period}/close-check */
export const closeCheckResponse = z.strictObject({ period: z.string(), ready: z.boolean(), blockers: z.array(closeBlockerSchema) })
export type CloseCheckResponse = z.infer<typeof closeCheckResponse>

/** POST /companies/{code}/periods/{period}/close: an admin may `force` with a `reason`. */
export const closeRequest = z.object({ force: z.boolean().optional(), reason: z.string().max(2000).optional() }).strict().optional()
export type CloseRequest = z.input<typeof closeRequest>
export const closeResponse = z.strictObject({
  period: z.string(),
  /** 'pending' while period-end vouchers wait for another user's approval */
  status: z.enum(['closed', 'pending']),
  closingVoucher: z.number().int().nullable(),
  alreadyClosed: z.boolean(),
  forced: z.boolean(),
  pending: z.array(pendingVoucherSchema),
  /** who may approve them, as `name (role)` */
  approvers: z.array(z.string()),
  selfApproved: z.boolean(),
})
export type CloseResponse = z.infer<typeof closeResponse>

/** POST /companies/{code}/periods/{period}/reopen (反结账, admin, audited) */
export const reopenRequest = z.object({ reason: z.string().min(1) })
export type ReopenRequest = z.input<typeof reopenRequest>
export const reopenResponse = z.strictObject({ period: z.string(), status: z.literal('open') })
export type ReopenResponse = z.infer<typeof reopenResponse>
