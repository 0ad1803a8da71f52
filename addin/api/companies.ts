import type { AccountDto, CloseBlockerDto, CloseCheckResponse, CloseRequest, CloseResponse, CompanyResponse, PeriodDto, ReopenRequest, SettingsPatchResponse } from '../../shared/api/companies.ts'
import { ApiError, type Transport, companyPath, isRecord, segment } from './core.ts'

/** The company: chart of accounts, periods, 结账 / 反结账 and the settings the pane edits (shared/api/companies.ts). */
export type Account = AccountDto
export type Period = PeriodDto
/** One thing that keeps a period from closing. */
export type CloseBlocker = CloseBlockerDto
export type CloseCheck = CloseCheckResponse
export type CloseResult = CloseResponse

/**
 * The pane's settings view of the company record: tolerance and account
 * mappings are the posting settings (`settings.posting.tolerance`,
 * `settings.posting.accounts`), rules are the matching rules
 * (`settings.matching.rules`), one JSON object per line in the pane.
 */
export interface CompanySettings {
  readonly tolerance?: string
  readonly mappings?: Readonly<Record<string, string>>
  readonly rules?: readonly string[]
}

export interface CompaniesApi {
  accounts(company: string): Promise<Account[]>
  periods(company: string): Promise<Period[]>
  /** What keeps the period from closing. */
  closeCheck(company: string, period: string): Promise<CloseCheck>
  /** 结账; `force` with a reason closes despite blockers (admin). */
  closePeriod(company: string, period: string, options?: { force?: boolean; reason?: string }): Promise<CloseResult>
  /** 反结账 (admin, audited). */
  reopenPeriod(company: string, period: string, reason: string): Promise<void>
  settings(company: string): Promise<CompanySettings>
  saveSettings(company: string, settings: CompanySettings): Promise<CompanySettings>
}

/** The settings view of `company.settings` (free JSON the service validates when it is changed). */
function settingsOf(body: CompanyResponse | SettingsPatchResponse): CompanySettings {
  const settings = body.company.settings
  const posting = isRecord(settings.posting) ? settings.posting : {}
  const matching = isRecord(settings.matching) ? settings.matching : {}
  const accounts = isRecord(posting.accounts) ? posting.accounts : {}
  return {
    tolerance: typeof posting.tolerance === 'string' ? posting.tolerance : undefined,
    mappings: Object.fromEntries(Object.entries(accounts).filter((entry): entry is [string, string] => typeof entry[1] === 'string')),
    rules: Array.isArray(matching.rules) ? matching.rules.map((rule) => JSON.stringify(rule)) : [],
  }
}

/** The PATCH body: the service merges `posting` and `matching` into what is stored and validates both. */
function settingsPatch(settings: CompanySettings): Record<string, unknown> {
  const rules = (settings.rules ?? []).map((line, index) => {
    try {
      return JSON.parse(line) as unknown
    } catch {
      throw new ApiError('validation', 400, 'VALIDATION', `rule ${index + 1} is not JSON`, { fields: [{ path: 'rules', message: `rule ${index + 1} is not a JSON object like {"id":"small","when":{"differenceMax":"1.00"},"then":{"action":"ignore"}}` }] })
    }
  })
  return {
    posting: { ...(settings.tolerance === undefined ? {} : { tolerance: settings.tolerance }), accounts: settings.mappings ?? {} },
    ...(settings.rules === undefined ? {} : { matching: { rules } }),
  }
}

export function companiesApi({ request }: Transport): CompaniesApi {
  const periodPath = (code: string, period: string) => `${companyPath(code)}/periods/${segment(period)}`
  return {
    async accounts(code) {
      return (await request<{ accounts: Account[] }>('GET', `${companyPath(code)}/accounts`)).accounts
    },
    async periods(code) {
      return (await request<{ periods: Period[] }>('GET', `${companyPath(code)}/periods`)).periods
    },
    closeCheck: (code, period) => request<CloseCheck>('GET', `${periodPath(code, period)}/close-check`),
    closePeriod: (code, period, options = {}) => request<CloseResult>('POST', `${periodPath(code, period)}/close`, (options.force === true ? { force: true, reason: options.reason ?? '' } : {}) satisfies CloseRequest),
    async reopenPeriod(code, period, reason) {
      await request('POST', `${periodPath(code, period)}/reopen`, { reason } satisfies ReopenRequest)
    },
    async settings(code) {
      return settingsOf(await request<CompanyResponse>('GET', companyPath(code)))
    },
    async saveSettings(code, settings) {
      return settingsOf(await request<SettingsPatchResponse>('PATCH', `${companyPath(code)}/settings`, settingsPatch(settings)))
    },
  }
}
