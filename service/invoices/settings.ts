import { z } from 'zod'
import { LedgerError } from '../../shared/errors.ts'
import { type Company, getCompany, updateCompanySettings } from '../ledger/company.ts'
import type { Actor, LedgerContext } from '../ledger/context.ts'
import { commonestTaxId } from './queries.ts'

/**
 * Invoice settings, in the company settings JSON under `invoices`:
 * - `taxId`: the company's 纳税人识别号: invoices where it is the seller are
 *   output invoices (销项), where it is the buyer input invoices (进项). Unset:
 *   the tax id that appears on most imported invoices (said in every result).
 * - `inputVatOn`: when input VAT moves to 进项税额: on `receipt` of the invoice or on
 *   `certification` (勾选/认证, the default).
 * - `windowDays`: how long after an order an invoice may still match it by buyer and amount.
 */
export const invoiceSettingsSchema = z.object({
  taxId: z.string().regex(/^[0-9A-Z]{15,20}$/, 'a 纳税人识别号 is 15-20 digits or capital letters').optional(),
  inputVatOn: z.enum(['receipt', 'certification']).default('certification'),
  windowDays: z.number().int().min(1).max(3660).default(180),
}).strict()

export type InvoiceSettings = z.output<typeof invoiceSettingsSchema>

export function invoiceSettings(company: Company): InvoiceSettings {
  const parsed = invoiceSettingsSchema.safeParse(company.settings.invoices ?? {})
  if (!parsed.success) throw new LedgerError('VALIDATION', `账套 ${company.code} 的发票设置有误 / company ${company.code} invoice settings: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? ''}`)
  return parsed.data
}

export async function updateInvoiceSettings(context: LedgerContext, actor: Actor, companyId: number, patch: Record<string, unknown>): Promise<InvoiceSettings> {
  const company = await getCompany(context, companyId)
  const parsed = invoiceSettingsSchema.safeParse({ ...(company.settings.invoices as Record<string, unknown> | undefined ?? {}), ...patch })
  if (!parsed.success) throw new LedgerError('VALIDATION', `发票设置有误 / invoice settings: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? ''}`)
  await updateCompanySettings(context, actor, companyId, { invoices: parsed.data })
  return parsed.data
}

/** The company's own tax id: the setting, else the one on most invoices (as seller or buyer); null with no invoices. */
export async function companyTaxId(context: LedgerContext, company: Company): Promise<{ taxId: string | null; inferred: boolean }> {
  const configured = invoiceSettings(company).taxId
  if (configured) return { taxId: configured, inferred: false }
  const result = await commonestTaxId(context.db.client, company.id)
  const row = result.rows[0]
  return { taxId: row ? String(row.tax_id) : null, inferred: true }
}
