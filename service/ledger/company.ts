import { type Account, type ChartTemplate, type TaxpayerType, chartTemplate } from '../../shared/accounts.ts'
import { LedgerError } from '../../shared/errors.ts'
import { isCurrency } from '../../shared/money.ts'
import { appendAudit } from './audit.ts'
import { type Actor, type LedgerContext, isoNow } from './context.ts'
import { chartRows, chartVersionRow, companyIdByCode, companyRow, companyRows, insertAccounts, insertCompany, setCompanySettingsJson, supplierCodeRows } from './queries.ts'

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

/**
 * chart_version of companies read for one request (issue #20): the request's
 * access check reads the company row, chart_version included, so the chart
 * cache needs no second read of it while that request validates its vouchers.
 * Only request-scoped companies are stamped (requestCompany); a Company held
 * for longer (a posting run, a CLI session) is not, and loadChart checks the
 * version as before.
 */
const chartStamps = new WeakMap<Company, number>()

/** A company read from a full `companies` row (`c.*`) as part of a request's access check; stamped with its chart_version. */
export function requestCompany(row: Record<string, unknown>): Company {
  const company = rowToCompany(row)
  if (row.chart_version !== undefined && row.chart_version !== null) chartStamps.set(company, Number(row.chart_version))
  return company
}

/** The chart_version read with this request's company, if it was read for this request (see requestCompany). */
export function chartStampOf(company: Company): number | undefined {
  return chartStamps.get(company)
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
export async function loadChart(context: LedgerContext, companyId: number, stamp?: number): Promise<Map<string, Account>> {
  let byCompany = charts.get(context.db)
  if (!byCompany) charts.set(context.db, (byCompany = new Map()))
  const cached = byCompany.get(companyId)
  if (cached) {
    // `stamp`: the version this request read with its company (chartStampOf); otherwise one cheap read
    const current = stamp ?? await chartVersion(context, companyId)
    if (current === cached.version) return new Map(cached.chart)
  }
  // cold or stale: the chart and its version in one read
  const { version, chart } = await readChart(context, companyId)
  if (version !== null) byCompany.set(companyId, { version, chart: new Map(chart) })
  return chart
}

async function chartVersion(context: LedgerContext, companyId: number): Promise<number | null> {
  const result = await chartVersionRow(context.db.client, companyId)
  return result.rows[0] === undefined ? null : Number(result.rows[0].chart_version)
}

/** Supplier codes per database and company, cached like the chart: adding or removing a supplier bumps chart_version (migration 0020). */
const supplierSets = new WeakMap<object, Map<number, { readonly version: number; readonly codes: ReadonlySet<string> }>>()

/**
 * The company's registered supplier codes (stores of channel `supplier`), for
 * the check every hand-made voucher goes through. Cached by chart_version;
 * `stamp` as in loadChart.
 */
export async function loadSupplierCodes(context: LedgerContext, companyId: number, stamp?: number): Promise<ReadonlySet<string>> {
  let byCompany = supplierSets.get(context.db)
  if (!byCompany) supplierSets.set(context.db, (byCompany = new Map()))
  const cached = byCompany.get(companyId)
  const current = stamp ?? await chartVersion(context, companyId)
  if (cached && current === cached.version) return cached.codes
  // version first, then the rows: a change in between leaves a version older than the rows, read again next time
  const codes = new Set((await supplierCodeRows(context.db.client, companyId)).rows.map((row) => String(row.code)))
  if (current !== null) byCompany.set(companyId, { version: current, codes })
  return codes
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
