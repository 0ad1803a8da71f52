import { z } from 'zod'
import { EXCEPTION_STATUSES, EXCEPTION_TYPES } from '../../shared/matching/index.ts'
import { normalizePeriod } from '../../shared/period.ts'
import { confirmMatch, decideException, getException, listExceptions, listMatches, manualMatch, matchCounts, reconciliationSummary, runMatching, summaryRowJson, unmatch } from '../matching/index.ts'
import { drillPaths, reconciliationJson, storeReconciliation } from '../posting/reconcile.ts'
import { type AppDeps, companyOf, routeGroup } from './kit.ts'

const id = (text: string) => z.coerce.number().int().positive().parse(text)
const scope = z.object({ period: z.string().transform((value) => normalizePeriod(value)).optional(), store: z.string().optional() })
const reason = z.object({ reason: z.string().min(1).max(2000) })

/** Reconciliation: run matching, read results, and the decisions a person makes. Sales may read, not decide. */
export function matchRoutes(deps: AppDeps) {
  return routeGroup('match', deps)
    .route({ method: 'get', path: '/companies/:company/match', summary: 'Counts of matches per status and rule, exceptions per status and open type', permission: 'match.read', query: scope }, async ({ c, access, query }) => {
      return c.json({ counts: await matchCounts(deps.context, companyOf(access).id, query) }, 200)
    })
    .route({ method: 'post', path: '/companies/:company/match/run', summary: 'Run matching (incremental, idempotent)', permission: 'match.run', body: z.object({ asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional() }) }, async ({ c, access, body }) => {
      return c.json({ run: await runMatching(deps.context, access.actor, companyOf(access).id, body) }, 200)
    })
    .route({ method: 'get', path: '/companies/:company/match/matches', summary: 'Live matches with their records', permission: 'match.read', query: scope.extend({ status: z.enum(['suggested', 'confirmed', 'unmatched']).optional(), limit: z.coerce.number().int().min(1).max(10_000).optional() }) }, async ({ c, access, query }) => {
      return c.json({ matches: await listMatches(deps.context, companyOf(access).id, query) }, 200)
    })
    .route({ method: 'post', path: '/companies/:company/match/manual', summary: 'Match an order with settlement txns by hand (audited, pinned)', permission: 'match.run', body: z.object({ order: z.string().min(1), txns: z.array(z.string().min(1)).min(1).max(1000), reason: z.string().max(2000).optional() }) }, async ({ c, access, body }) => {
      return c.json(await manualMatch(deps.context, access.actor, companyOf(access).id, body), 201)
    })
    .route({ method: 'post', path: '/companies/:company/match/matches/:id/unmatch', summary: 'Take a match apart (reverses its posted vouchers); never re-matched automatically', permission: 'match.run', body: reason }, async ({ c, access, body, param }) => {
      return c.json(await unmatch(deps.context, access.actor, companyOf(access).id, id(param('id')), body.reason), 200)
    })
    .route({ method: 'post', path: '/companies/:company/match/matches/:id/confirm', summary: 'Confirm a suggested match', permission: 'match.run', body: z.object({ reason: z.string().max(2000).optional() }) }, async ({ c, access, body, param }) => {
      await confirmMatch(deps.context, access.actor, companyOf(access).id, id(param('id')), body.reason)
      return c.json({ ok: true }, 200)
    })
    .route({ method: 'get', path: '/companies/:company/match/summary', summary: 'Reconciliation summary per store and period (amounts as decimal strings)', permission: 'match.read', query: scope }, async ({ c, access, query }) => {
      return c.json({ summary: (await reconciliationSummary(deps.context, companyOf(access).id, query)).map(summaryRowJson) }, 200)
    })
    .route({
      method: 'get', path: '/companies/:company/reconcile', permission: 'match.read', query: z.object({ period: z.string().transform((value) => normalizePeriod(value)), store: z.string().optional() }),
      summary: '对账汇总 per store and currency for a period: orders, expected, received, fees, refunds, payouts, foundInBank, difference, walletMovement (ledger), openExceptions by type, held; amounts as decimal strings; `drill` names the list route behind each figure',
    }, async ({ c, access, query }) => {
      const company = companyOf(access)
      const result = await storeReconciliation(deps.context, company.id, query)
      return c.json({ period: result.period, stores: result.stores.map((row) => ({ ...reconciliationJson(row), drill: drillPaths(company.code, result.period, row.store) })) }, 200)
    })
    .route({ method: 'get', path: '/companies/:company/exceptions', summary: 'Exceptions (type, status, amount, difference, age, who/when/why)', permission: 'exceptions.read', query: scope.extend({ status: z.enum(EXCEPTION_STATUSES).optional(), type: z.enum(EXCEPTION_TYPES).optional(), limit: z.coerce.number().int().min(1).max(10_000).optional() }) }, async ({ c, access, query }) => {
      return c.json({ exceptions: await listExceptions(deps.context, companyOf(access).id, query) }, 200)
    })
    .route({ method: 'get', path: '/companies/:company/exceptions/:id', summary: 'One exception with its records, history and, for an open MISSING_PAYMENT / ORPHAN_PAYMENT / AMOUNT_MISMATCH, up to 10 ranked candidates for a manual match', permission: 'exceptions.read' }, async ({ c, access, param }) => {
      return c.json({ exception: await getException(deps.context, companyOf(access).id, id(param('id'))) }, 200)
    })
    .route({ method: 'post', path: '/companies/:company/exceptions/:id/resolve', summary: 'Resolve an open exception (reason required)', permission: 'exceptions.decide', body: reason }, async ({ c, access, body, param }) => {
      return c.json(await decideException(deps.context, access.actor, companyOf(access).id, id(param('id')), 'resolve', body.reason), 200)
    })
    .route({ method: 'post', path: '/companies/:company/exceptions/:id/ignore', summary: 'Ignore an open exception (reason required)', permission: 'exceptions.decide', body: reason }, async ({ c, access, body, param }) => {
      return c.json(await decideException(deps.context, access.actor, companyOf(access).id, id(param('id')), 'ignore', body.reason), 200)
    })
    .route({ method: 'post', path: '/companies/:company/exceptions/:id/approve', summary: 'Approve a NEEDS_APPROVAL exception (the role its rule names, or admin)', permission: 'exceptions.approve', body: reason }, async ({ c, access, body, param }) => {
      return c.json(await decideException(deps.context, { ...access.actor, role: access.role ?? undefined }, companyOf(access).id, id(param('id')), 'approve', body.reason), 200)
    })
}
