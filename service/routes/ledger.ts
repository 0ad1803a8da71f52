import { auditQuery, auditResponse, trialBalanceQuery, trialBalanceResponse, verifyResponse } from '../../shared/api/ledger.ts'
import { normalizePeriod } from '../../shared/period.ts'
import { listAuditEntries } from '../ledger/audit.ts'
import { trialBalance } from '../ledger/balances.ts'
import { verifyLedger } from '../ledger/verify.ts'
import { type AppDeps, companyOf, routeGroup } from './kit.ts'

export function ledgerRoutes(deps: AppDeps) {
  return routeGroup('ledger', deps)
    .route({ method: 'get', path: '/companies/:company/reports/trial-balance', summary: '试算平衡表 / 科目余额表 from materialized balances', permission: 'reports.read', query: trialBalanceQuery, response: trialBalanceResponse }, async ({ c, json, access, query }) => {
      const period = normalizePeriod(query.period)
      const tb = await trialBalance(deps.context, companyOf(access).id, period, { from: query.from ? normalizePeriod(query.from) : undefined, store: query.store, includeEmpty: query.empty === '1' })
      return json(tb, 200)
    })
    .route({ method: 'post', path: '/companies/:company/verify', summary: 'Re-check every ledger invariant (whole database)', permission: 'ledger.verify', response: verifyResponse }, async ({ json }) => {
      const report = await verifyLedger(deps.context)
      return json(report, report.ok ? 200 : 500)
    })
    .route({ method: 'get', path: '/companies/:company/audit', summary: 'Audit log of the company (newest first)', permission: 'audit.read', query: auditQuery, response: auditResponse }, async ({ c, json, access, query }) => {
      return json({ entries: await listAuditEntries(deps.context.db.client, companyOf(access).id, query.limit ?? 100) }, 200)
    })
}
