import { STATEMENT_REPORTS, reportQuery, reportResponse } from '../../shared/api/reports.ts'
import { normalizePeriod } from '../../shared/period.ts'
import { REPORT_TITLES, type ReportDeps, buildReport } from '../reports/index.ts'
import { renderReport } from '../reports/render/index.ts'
import { type AppDeps, type RouteGroup, companyOf, routeGroup } from './kit.ts'

/**
 * GET /api/v1/companies/:company/reports/<name>?period=&format=&store=&account=
 * json (default) as the contract's JSON with decimal strings; csv, xlsx, pdf
 * and table as files with their content type and a download file name. The
 * trial balance stays on the ledger route group. The JSON answer is rendered
 * by the report renderer (render/json.ts, typed against shared/api/reports.ts),
 * so it goes out as text, not through `call.json`.
 */
export function reportRoutes(deps: AppDeps, reportDeps: ReportDeps = {}): RouteGroup {
  let group = routeGroup('reports', deps)
  for (const name of STATEMENT_REPORTS) {
    group = group.route({ method: 'get', path: `/companies/:company/reports/${name}`, summary: `${REPORT_TITLES[name]} (format json|csv|xlsx|pdf|table)`, permission: 'reports.read', query: reportQuery, response: reportResponse }, async ({ c, access, query: params }) => {
      const company = companyOf(access)
      const report = await buildReport(deps.context, company.id, name, { period: normalizePeriod(params.period), ...(params.store ? { store: params.store } : {}), ...(params.account ? { account: params.account } : {}) }, reportDeps)
      const format = params.format ?? 'json'
      const rendered = await renderReport(report, format)
      if (format === 'json') return c.body(typeof rendered.body === 'string' ? rendered.body : new Uint8Array(rendered.body), 200, { 'content-type': rendered.contentType })
      const file = `${company.code}-${name}-${report.period}.${rendered.extension}`
      const body = typeof rendered.body === 'string' ? rendered.body : new Uint8Array(rendered.body)
      return c.body(body, 200, { 'content-type': rendered.contentType, 'content-disposition': `attachment; filename="${file}"` })
    })
  }
  return group
}
