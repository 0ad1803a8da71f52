import { accountsResponse, closeCheckResponse, closeRequest, closeResponse, companiesResponse, companyResponse, createCompanyRequest, createCompanyResponse, periodsResponse, reopenRequest, reopenResponse, settingsPatchRequest, settingsPatchResponse } from '../../shared/api/companies.ts'
import { LedgerError } from '../../shared/errors.ts'
import { assertPeriod } from '../../shared/period.ts'
import { membershipsOf, setRole } from '../auth/users.ts'
import { parseMatchingSettings } from '../../shared/matching/rules.ts'
import { createCompany, getCompany, loadChart, updateCompanySettings } from '../ledger/company.ts'
import { updatePostingSettings } from '../posting/settings.ts'
import { selfApprovalEntries } from '../ledger/approval.ts'
import { closeCheck, closePeriod, listPeriods, reopenPeriod } from '../ledger/periods.ts'
import { type AppDeps, companyOf, routeGroup } from './kit.ts'

const periodParam = (value: string) => assertPeriod(value)

export function companyRoutes(deps: AppDeps) {
  return routeGroup('companies', deps)
    .route({ method: 'get', path: '/companies', summary: 'Companies (账套) the caller belongs to, with their role', permission: null, response: companiesResponse }, async ({ c, json, access }) => {
      const memberships = access.user ? await membershipsOf(deps.context, access.user.id) : []
      return json({ companies: memberships.map((m) => ({ id: m.companyId, code: m.companyCode, name: m.companyName, role: m.role, baseCurrency: m.baseCurrency })) }, 200)
    })
    .route({
      method: 'post', path: '/companies', summary: 'Create a company; the caller must be admin somewhere and becomes its admin', permission: null,
      body: createCompanyRequest, response: createCompanyResponse,
    }, async ({ c, json, access, body }) => {
      const user = access.user
      if (!user) throw new LedgerError('UNAUTHORIZED', 'sign in first')
      const memberships = await membershipsOf(deps.context, user.id)
      if (!memberships.some((m) => m.role === 'admin')) throw new LedgerError('FORBIDDEN', 'only an admin may create companies')
      const company = await createCompany(deps.context, access.actor, body)
      await setRole(deps.context, access.actor, user.id, company.id, 'admin')
      return json({ company }, 201)
    })
    .route({ method: 'get', path: '/companies/:company', summary: 'One company with its settings', permission: 'company.read', response: companyResponse }, ({ c, json, access }) => json({ company: companyOf(access), role: access.role }, 200))
    .route({ method: 'patch', path: '/companies/:company/settings', summary: 'Change company settings; `posting` and `matching` are merged into what is stored and validated (accounts must exist and be leaves)', permission: 'company.settings', body: settingsPatchRequest, response: settingsPatchResponse }, async ({ c, json, access, body }) => {
      const current = companyOf(access)
      const { posting, matching, ...rest } = body
      if (matching !== undefined) {
        const merged = { ...(isObject(current.settings.matching) ? current.settings.matching : {}), ...(isObject(matching) ? matching : {}) }
        parseMatchingSettings(merged)
        rest.matching = merged
      }
      // the dated self-approval rule of period-end vouchers and reversals is checked before it is stored
      if (rest.selfApproval !== undefined) selfApprovalEntries({ ...current, settings: { selfApproval: rest.selfApproval } })
      if (rest.closing !== undefined && !(isObject(rest.closing) && Object.entries(rest.closing).every(([key, value]) => key === 'vatMonthEnd' && typeof value === 'boolean'))) throw new LedgerError('VALIDATION', 'settings.closing takes only vatMonthEnd: true|false')
      if (posting !== undefined) await updatePostingSettings(deps.context, access.actor, current.id, isObject(posting) ? posting : {})
      const company = Object.keys(rest).length ? await updateCompanySettings(deps.context, access.actor, current.id, rest) : await getCompany(deps.context, current.id)
      return json({ company }, 200)
    })
    .route({ method: 'get', path: '/companies/:company/accounts', summary: 'Chart of accounts (科目表)', permission: 'accounts.read', response: accountsResponse }, async ({ c, json, access }) => {
      const chart = await loadChart(deps.context, companyOf(access).id)
      return json({ accounts: [...chart.values()] }, 200)
    })
    .route({ method: 'get', path: '/companies/:company/periods', summary: 'Periods (会计期间) with status', permission: 'periods.read', response: periodsResponse }, async ({ c, json, access }) => {
      return json({ periods: await listPeriods(deps.context, companyOf(access).id) }, 200)
    })
    .route({ method: 'get', path: '/companies/:company/periods/:period/close-check', summary: '结账检查: what keeps the period from closing, by kind (open_exceptions, held_items, drafts, payouts_not_in_bank, unposted_records) with counts, zh/en words and up to 50 rows each', permission: 'periods.read', response: closeCheckResponse }, async ({ c, json, access, param }) => {
      return json(await closeCheck(deps.context, companyOf(access).id, periodParam(param('period'))), 200)
    })
    .route({
      method: 'post', path: '/companies/:company/periods/:period/close', permission: 'periods.close',
      summary: '结账: refuses with 409 PERIOD_NOT_READY (details.blockers) while anything blocks; an admin may force with a reason (audited with the blockers; drafts always block); then FX revaluation, 结转损益 into 本年利润, period closed',
      body: closeRequest, response: closeResponse,
    }, async ({ c, json, access, param, body }) => {
      const result = await closePeriod(deps.context, access.actor, companyOf(access).id, periodParam(param('period')), { force: body?.force, reason: body?.reason })
      return json(result, 200)
    })
    .route({ method: 'post', path: '/companies/:company/periods/:period/reopen', summary: '反结账 (admin, audited, needs a reason)', permission: 'periods.reopen', body: reopenRequest, response: reopenResponse }, async ({ c, json, access, body, param }) => {
      const period = periodParam(param('period'))
      await reopenPeriod(deps.context, access.actor, companyOf(access).id, period, body.reason)
      return json({ period, status: 'open' }, 200)
    })
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
