import { type Account, type ChartTemplate, type TaxpayerType, chartTemplate } from '../../shared/accounts.ts'
import { LedgerError } from '../../shared/errors.ts'
import { isCurrency } from '../../shared/money.ts'
import { appendAudit } from './audit.ts'
import { type Actor, type LedgerContext, isoNow } from './context.ts'
import { chartRows, chartVersionRow, companyIdByCode, companyRow, companyRows, insertAccounts, insertCompany, setCompanySettingsJson } from './queries.ts'

export interface Company {
  readonly id: number
  readonly code: string
  readonly name: string
  readonly baseCurrency: string
  readonly taxpayerType: TaxpayerType
  readonly chartTemplate: ChartTemplate
  readonly settings: CompanySettings
}

/** Company settings (JSON). Later issues add account mappings, rules and tolerance here. */
export interface CompanySettings {
  /** approval posts the voucher at once (审核即记账); false keeps approved vouchers for a separate post */
  readonly postOnApprove?: boolean
  readonly [key: string]: unknown
}

export const COMPANY_CODE_PATTERN = /^[A-Za-z0-9_-]{1,32}$/

export interface NewCompany {
  readonly code: string
  readonly name: string
  readonly baseCurrency?: string
  readonly taxpayerType?: TaxpayerType
  readonly chartTemplate?: ChartTemplate
}

function rowToCompany(row: Record<string, unknown>): Company {
  return {
    id: Number(row.id), code: String(row.code), name: String(row.name), baseCurrency: String(row.base_currency),
    taxpayerType: String(row.taxpayer_type) as TaxpayerType, chartTemplate: String(row.chart_template) as ChartTemplate,
    settings: JSON.parse(String(row.settings_json)) as CompanySettings,
  }
}

/** Creates a 账套 with its chart of accounts from the template, audited. */
export async function createCompany(context: LedgerContext, actor: Actor, input: NewCompany): Promise<Company> {
  if (!COMPANY_CODE_PATTERN.test(input.code)) throw new LedgerError('VALIDATION', `company code "${input.code}" must be 1-32 letters, digits, - or _`)
  if (!input.name.trim()) throw new LedgerError('VALIDATION', 'company name is empty')
  const baseCurrency = input.baseCurrency ?? 'CNY'
  if (!isCurrency(baseCurrency)) throw new LedgerError('UNKNOWN_CURRENCY', `unknown currency ${baseCurrency}`)
  const template = input.chartTemplate ?? 'small-enterprise'
  const taxpayer = input.taxpayerType ?? 'general'
  const chart = chartTemplate(template, taxpayer)
  const at = isoNow(context)
  const id = await context.db.write(async (tx) => {
    const existing = await companyIdByCode(tx, input.code)
    if (existing.rows.length) throw new LedgerError('DUPLICATE', `company ${input.code} already exists`)
    const companyId = await insertCompany(tx, { code: input.code, name: input.name, baseCurrency, taxpayerType: taxpayer, chartTemplate: template, createdAt: at })
    const rows = chart.map((account) => [companyId, account.code, account.name, account.nameEn, account.type, account.normalSide, account.parent, account.isLeaf ? 1 : 0])
    await insertAccounts(tx, rows)
    await appendAudit(tx, [{ at, companyId, actorId: actor.userId, action: 'company.create', entity: 'company', entityId: String(companyId), payload: { ...input, baseCurrency, template, taxpayer, accounts: chart.length } }])
    return companyId
  })
  return getCompany(context, id)
}

export async function getCompany(context: LedgerContext, idOrCode: number | string): Promise<Company> {
  const result = await companyRow(context.db.client, idOrCode)
  const row = result.rows[0]
  if (!row) throw new LedgerError('NOT_FOUND', `no company ${idOrCode}`)
  return rowToCompany(row as Record<string, unknown>)
}

export async function listCompanies(context: LedgerContext, ids?: ReadonlyArray<number>): Promise<Company[]> {
  const result = await companyRows(context.db.client)
  const all = result.rows.map((row) => rowToCompany(row as Record<string, unknown>))
  return ids ? all.filter((company) => ids.includes(company.id)) : all
}

export async function updateCompanySettings(context: LedgerContext, actor: Actor, companyId: number, patch: Record<string, unknown>): Promise<Company> {
  const company = await getCompany(context, companyId)
  const settings = { ...company.settings, ...patch }
  await context.db.write(async (tx) => {
    await setCompanySettingsJson(tx, companyId, JSON.stringify(settings))
    await appendAudit(tx, [{ at: isoNow(context), companyId, actorId: actor.userId, action: 'company.settings', entity: 'company', entityId: String(companyId), payload: patch }])
  })
  return getCompany(context, companyId)
}

/** Charts read per database and company, with the company's chart_version they were read at (bumped by triggers on accounts, migration 0017). */
const charts = new WeakMap<object, Map<number, { readonly version: number; readonly chart: ReadonlyMap<string, Account> }>>()

/**
 * The company's active accounts by code. Every voucher request validates
 * against it, so it is cached: one single-row read of the company's
 * chart_version says whether the cached chart is current (any change to
 * accounts, by any process, bumps it). Callers get their own copy.
 */
export async function loadChart(context: LedgerContext, companyId: number): Promise<Map<string, Account>> {
  let byCompany = charts.get(context.db)
  if (!byCompany) charts.set(context.db, (byCompany = new Map()))
  const cached = byCompany.get(companyId)
  if (cached) {
    const stamp = await chartVersionRow(context.db.client, companyId)
    if (stamp.rows[0] !== undefined && Number(stamp.rows[0].chart_version) === cached.version) return new Map(cached.chart)
  }
  // cold or stale: the chart and its version in one read
  const { version, chart } = await readChart(context, companyId)
  if (version !== null) byCompany.set(companyId, { version, chart: new Map(chart) })
  return chart
}

async function readChart(context: LedgerContext, companyId: number): Promise<{ version: number | null; chart: Map<string, Account> }> {
  const result = await chartRows(context.db.client, companyId)
  const chart = new Map<string, Account>()
  for (const row of result.rows) {
    if (row.code === null) continue
    chart.set(String(row.code), {
      code: String(row.code), name: String(row.name), nameEn: String(row.name_en), type: String(row.type) as Account['type'],
      normalSide: String(row.normal_side) as Account['normalSide'], parent: row.parent_code === null ? null : String(row.parent_code), isLeaf: Number(row.is_leaf) === 1,
    })
  }
  return { version: result.rows[0] === undefined ? null : Number(result.rows[0].chart_version), chart }
}
