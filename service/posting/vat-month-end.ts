import { z } from 'zod'
import { chartTemplate } from '../../shared/accounts.ts'
import { LedgerError } from '../../shared/errors.ts'
import { formatAmount } from '../../shared/money.ts'
import { assertPeriod } from '../../shared/period.ts'
import { DEFAULT_VAT_SETTINGS, SURCHARGE_ACCOUNTS, VAT_ACCOUNTS, type VatMonthEnd, type VatMonthFigures, type VatSettings, defaultTaxCode, vatMonthEnd } from '../../shared/posting/index.ts'
import type { Actor, LedgerContext } from '../ledger/context.ts'
import { type Company, getCompany } from '../ledger/company.ts'
import { registerPeriodEndStep } from '../ledger/periods.ts'
import { type VoucherResult, writeVouchers } from '../ledger/vouchers.ts'
import { accountIsLeaf, insertAccountIfMissing, storeVatRates, voucherLineSum } from './queries.ts'

/**
 * 增值税月末处理 from the ledger (shared/posting/vat-month-end.ts has the rules):
 * reads the month's figures from every voucher line of the company (drafts too,
 * so a second run before approval does not book twice), and writes the month-end
 * vouchers as drafts for an approver like any other voucher (source kind
 * `vat.month-end`). A rerun books only what changed since the last run.
 * Settings: company settings `vat` = { surcharges, smallScaleReduction, filing,
 * monthlyThreshold, quarterlyThreshold } (see DEFAULT_VAT_SETTINGS).
 */
const dated = z.object({ validFrom: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), validTo: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable().default(null) })
const rate = z.string().regex(/^0(\.\d{1,6})?$/, 'a rate is a decimal below 1, like "0.07"')
export const vatSettingsSchema = z.object({
  surcharges: z.array(dated.extend({ code: z.enum(['urban', 'education', 'localEducation']), rate })).default([...DEFAULT_VAT_SETTINGS.surcharges]),
  smallScaleReduction: z.array(dated.extend({ share: rate })).default([...DEFAULT_VAT_SETTINGS.smallScaleReduction]),
  filing: z.enum(['monthly', 'quarterly']).default('monthly'),
  monthlyThreshold: z.string().regex(/^\d{1,12}(\.\d{1,2})?$/).default(DEFAULT_VAT_SETTINGS.monthlyThreshold),
  quarterlyThreshold: z.string().regex(/^\d{1,12}(\.\d{1,2})?$/).default(DEFAULT_VAT_SETTINGS.quarterlyThreshold),
  feeTaxCodes: z.object({ commission: z.string().optional(), paymentFee: z.string().optional(), promotion: z.string().optional(), otherPlatformCharge: z.string().optional() }).strict().default({}),
}).strict()

export function vatSettings(company: Company): VatSettings {
  const parsed = vatSettingsSchema.safeParse(company.settings.vat ?? {})
  if (!parsed.success) throw new LedgerError('VALIDATION', `company ${company.code} vat settings: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? ''}`)
  return parsed.data
}

/** The tax code of every store (settings.posting.stores[code].taxCode, else the stores row, else the company default). */
export async function storeTaxCodes(context: LedgerContext, company: Company): Promise<Map<string, string>> {
  const configured = ((company.settings.posting as { stores?: Record<string, { taxCode?: string }> } | undefined)?.stores) ?? {}
  const rows = await storeVatRates(context.db, company.id)
  const codes = new Map<string, string>()
  for (const row of rows.rows) {
    const vatRate = row.vat_rate === null ? null : String(row.vat_rate)
    codes.set(String(row.code), configured[String(row.code)]?.taxCode ?? (vatRate && !/^\d/.test(vatRate) ? vatRate : defaultTaxCode(company.taxpayerType)))
  }
  for (const [code, store] of Object.entries(configured)) if (!codes.has(code) && store.taxCode) codes.set(code, store.taxCode)
  return codes
}

const periodsOfQuarter = (period: string): string[] => {
  const [year, month] = [period.slice(0, 4), Number(period.slice(5, 7))]
  const first = Math.floor((month - 1) / 3) * 3 + 1
  return [first, first + 1, first + 2].map((m) => `${year}-${String(m).padStart(2, '0')}`)
}

/** Debit-positive sum of voucher lines (every status) on accounts at or below `roots`. */
async function lineSum(context: LedgerContext, companyId: number, roots: ReadonlyArray<string>, where: string, args: ReadonlyArray<string | number>): Promise<bigint> {
  return voucherLineSum(context.db, companyId, roots, where, args)
}

/** The month's figures (base currency) for the VAT month-end of `period`. */
export async function vatFigures(context: LedgerContext, company: Company, period: string, settings: VatSettings): Promise<VatMonthFigures> {
  const id = company.id
  const revenueAccount = company.chartTemplate === 'small-enterprise' ? '5001' : '6001'
  const ordinary = "v.source_kind NOT IN ('closing', 'vat.month-end')"
  const codes = await storeTaxCodes(context, company)
  const exemptStores = [...codes].filter(([, code]) => code === 'EXEMPT').map(([store]) => store)
  const filingPeriods = company.taxpayerType === 'smallScale' && settings.filing === 'quarterly' ? periodsOfQuarter(period) : [period]
  const inPeriods = (periods: string[]) => `v.period IN (${periods.map(() => '?').join(', ')})`
  const ownRuns = "v.source_kind = 'vat.month-end' AND v.period = ? AND v.idempotency_key LIKE ?"
  const booked = async (step: string, account: string, sign: 1n | -1n) => sign * (await lineSum(context, id, [account], ownRuns, [period, `vat:${period}:${step}:%`]))
  return {
    period, taxpayer: company.taxpayerType, template: company.chartTemplate, baseCurrency: company.baseCurrency,
    vatBalance: await lineSum(context, id, [VAT_ACCOUNTS.vat], 'v.period <= ?', [period]),
    inputVat: await lineSum(context, id, [VAT_ACCOUNTS.input], `v.period = ? AND ${ordinary}`, [period]),
    revenue: -(await lineSum(context, id, [revenueAccount], `v.period = ? AND ${ordinary}`, [period])),
    exemptRevenue: exemptStores.length === 0 ? 0n : -(await lineSum(context, id, [revenueAccount], `v.period = ? AND ${ordinary} AND l.store IN (${exemptStores.map(() => '?').join(', ')})`, [period, ...exemptStores])),
    filingSales: -(await lineSum(context, id, [revenueAccount], `${inPeriods(filingPeriods)} AND ${ordinary}`, filingPeriods)),
    filingVat: -(await lineSum(context, id, [VAT_ACCOUNTS.vat], `${inPeriods(filingPeriods)} AND ${ordinary}`, filingPeriods)),
    booked: {
      inputOut: await booked('inputOut', VAT_ACCOUNTS.inputOut, -1n),
      transfer: await booked('transfer', VAT_ACCOUNTS.transferredOut, 1n),
      exemption: await booked('exemption', VAT_ACCOUNTS.vat, 1n),
      surcharges: {
        urban: await booked('surcharges', SURCHARGE_ACCOUNTS.urban.account, -1n),
        education: await booked('surcharges', SURCHARGE_ACCOUNTS.education.account, -1n),
        localEducation: await booked('surcharges', SURCHARGE_ACCOUNTS.localEducation.account, -1n),
      },
    },
  }
}

/** Adds the accounts the month-end posts to when a company made before them lacks them (2221.01.05, 2221.06, 6117). */
async function ensureAccounts(context: LedgerContext, company: Company, codes: ReadonlyArray<string>): Promise<void> {
  const template = chartTemplate(company.chartTemplate, company.taxpayerType)
  const wanted = template.filter((account) => codes.includes(account.code) && account.isLeaf)
  if (wanted.length === 0) return
  await context.db.write(async (tx) => {
    for (const account of wanted) {
      // a parent that is missing or a leaf (posted to) takes no child
      if (account.parent !== null && (await accountIsLeaf(tx, company.id, account.parent)) !== false) continue
      await insertAccountIfMissing(tx, company.id, account)
    }
  })
}

export interface VatMonthEndResult extends Omit<VatMonthEnd, 'vouchers' | 'payable' | 'carriedCredit' | 'surcharges'> {
  readonly period: string
  readonly payable: string
  readonly carriedCredit: string
  readonly surcharges: Record<string, string>
  readonly vouchers: Array<{ readonly step: string; readonly summary: string; readonly id?: number; readonly status?: string; readonly replayed?: boolean }>
}

/**
 * Plans (dryRun) or writes the VAT month-end vouchers of a period: drafts for an
 * approver by default; `mode: 'post'` with `selfApprove` only for a lone admin.
 */
export async function runVatMonthEnd(context: LedgerContext, actor: Actor, companyId: number, period: string, options: { dryRun?: boolean; mode?: 'draft' | 'post'; selfApprove?: boolean } = {}): Promise<VatMonthEndResult> {
  assertPeriod(period)
  const company = await getCompany(context, companyId)
  const settings = vatSettings(company)
  const plan = vatMonthEnd(await vatFigures(context, company, period, settings), settings)
  let written: VoucherResult[] = []
  if (!options.dryRun && plan.vouchers.length) {
    await ensureAccounts(context, company, plan.vouchers.flatMap((voucher) => voucher.input.lines.map((line) => line.account)))
    written = await writeVouchers(context, actor, companyId, plan.vouchers.map((voucher) => ({ input: voucher.input })), { mode: options.mode ?? 'draft', sourceKind: 'vat.month-end', selfApprove: options.selfApprove })
  }
  const money = (amount: bigint) => formatAmount(amount, company.baseCurrency)
  return {
    period, payable: money(plan.payable), carriedCredit: money(plan.carriedCredit),
    surcharges: Object.fromEntries(Object.entries(plan.surcharges).map(([code, amount]) => [code, money(amount)])),
    vouchers: plan.vouchers.map((voucher, index) => ({ step: voucher.step, summary: voucher.input.summary ?? '', ...(written[index] ? { id: written[index].id, status: written[index].status, replayed: written[index].replayed } : {}) })),
  }
}

/**
 * The VAT month-end as a step of close (issue #16.6), when the company setting
 * `closing.vatMonthEnd` is true: close writes its vouchers as drafts for an
 * approver, or posts them where self-approval is allowed. Off by default, where
 * `cledger vat month-end` stays a separate step.
 */
export function registerVatAtClose(): void {
  registerPeriodEndStep('posting.vat-month-end', async (context, actor, company, period, write) => {
    if ((company.settings.closing as { vatMonthEnd?: unknown } | undefined)?.vatMonthEnd !== true) return []
    const result = await runVatMonthEnd(context, actor, company.id, period, { mode: write.mode, selfApprove: write.selfApprove })
    return result.vouchers.filter((voucher) => voucher.id !== undefined && voucher.replayed !== true).map((voucher) => voucher.id as number)
  })
}
