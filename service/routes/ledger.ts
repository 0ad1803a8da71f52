import { z } from 'zod'
import { normalizePeriod } from '../../shared/period.ts'
import { listAuditEntries } from '../ledger/audit.ts'
import { trialBalance } from '../ledger/balances.ts'
import { verifyLedger } from '../ledger/verify.ts'
import { type AppDeps, companyOf, routeGroup } from './kit.ts'

export function ledgerRoutes(deps: AppDeps) {
  return routeGroup('ledger', deps)
    .route({ method: 'get', path: '/companies/:company/reports/trial-balance', summary: '试算平衡表 / 科目余额表 from materialized balances', permission: 'reports.read', query: z.object({ period: z.string(), from: z.string().optional(), store: z.string().optional(), empty: z.enum(['0', '1']).optional() }) }, async ({ c, access, query }) => {
      const period = normalizePeriod(query.period)
      const tb = await trialBalance(deps.context, companyOf(access).id, period, { from: query.from ? normalizePeriod(query.from) : undefined, store: query.store, includeEmpty: query.empty === '1' })
      return c.json(tb, 200)
    })
    .route({ method: 'post', path: '/companies/:company/verify', summary: 'Re-check every ledger invariant (whole database)', permission: 'ledger.verify' }, async ({ c }) => {
      const report = await verifyLedger(deps.context)
      return c.json(report, report.ok ? 200 : 500)
    })
    .route({ method: 'get', path: '/companies/:company/audit', summary: 'Audit log of the company (newest first)', permission: 'audit.read', query: z.object({ limit: z.coerce.number().int().min(1).max(1000).optional() }) }, async ({ c, access, query }) => {
      return c.json({ entries: await listAuditEntries(deps.context.db.client, companyOf(access).id, query.limit ?? 100) }, 200)
    })
}
