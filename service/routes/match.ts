import { confirmRequest, confirmResponse, decisionResponse, exceptionResponse, exceptionsQuery, exceptionsResponse, manualMatchRequest, manualMatchResponse, matchCountsResponse, matchesQuery, matchesResponse, matchRunRequest, matchRunResponse, matchSummaryResponse, reasonRequest, reconcileQuery, reconcileResponse, resolutionRequest, scopeQuery, unmatchResponse } from '../../shared/api/match.ts'
import { confirmMatch, decideException, getException, listExceptions, listMatches, manualMatch, matchCounts, reconciliationSummary, runMatching, summaryRowJson, unmatch } from '../matching/index.ts'
import { getCompany, loadChart } from '../ledger/company.ts'
import { drillPaths, reconciliationJson, storeReconciliation } from '../posting/reconcile.ts'
import { loadStoreProfiles } from '../posting/settings.ts'
import { type AppDeps, companyOf, routeGroup, idParam } from './kit.ts'

/**
 * Where resolving an AMOUNT_MISMATCH books its difference: the account the person
 * chose, else the store's differenceLoss (money short) or differenceGain (money
 * over), with its names, so the pane shows it before anyone resolves.
 */
async function differenceTreatment(deps: AppDeps, companyId: number, store: string, difference: string, chosen: string | null): Promise<{ account: string; name: string; nameEn: string; default: string } | undefined> {
  const company = await getCompany(deps.context, companyId)
  const [{ profiles }, chart] = await Promise.all([loadStoreProfiles(deps.context, company), loadChart(deps.context, companyId)])
  const accounts = profiles.get(store)?.accounts
  if (accounts === undefined) return undefined
  const fallback = difference.startsWith('-') ? accounts.differenceLoss : accounts.differenceGain
  const account = chosen ?? fallback
  const found = chart.get(account)
  return { account, name: found?.name ?? '', nameEn: found?.nameEn ?? '', default: fallback }
}

/** Reconciliation: run matching, read results, and the decisions a person makes. Sales may read, not decide. */
export function matchRoutes(deps: AppDeps) {
  return routeGroup('match', deps)
    .route({ method: 'get', path: '/companies/:company/match', summary: 'Counts of matches per status and rule, exceptions per status and open type', permission: 'match.read', query: scopeQuery, response: matchCountsResponse }, async ({ c, json, access, query }) => {
      return json({ counts: await matchCounts(deps.context, companyOf(access).id, query) }, 200)
    })
    .route({ method: 'post', path: '/companies/:company/match/run', summary: 'Run matching (incremental, idempotent)', permission: 'match.run', body: matchRunRequest, response: matchRunResponse }, async ({ c, json, access, body }) => {
      return json({ run: await runMatching(deps.context, access.actor, companyOf(access).id, body) }, 200)
    })
    .route({ method: 'get', path: '/companies/:company/match/matches', summary: 'Live matches with their records', permission: 'match.read', query: matchesQuery, response: matchesResponse }, async ({ c, json, access, query }) => {
      return json({ matches: await listMatches(deps.context, companyOf(access).id, query) }, 200)
    })
    .route({ method: 'post', path: '/companies/:company/match/manual', summary: 'Match an order with settlement txns by hand (audited, pinned)', permission: 'match.run', body: manualMatchRequest, response: manualMatchResponse }, async ({ c, json, access, body }) => {
      return json(await manualMatch(deps.context, access.actor, companyOf(access).id, body), 201)
    })
    .route({ method: 'post', path: '/companies/:company/match/matches/:id/unmatch', summary: 'Take a match apart (reverses its posted vouchers); never re-matched automatically', permission: 'match.run', body: reasonRequest, response: unmatchResponse }, async ({ c, json, access, body, param }) => {
      return json(await unmatch(deps.context, access.actor, companyOf(access).id, idParam(param('id')), body.reason), 200)
    })
    .route({ method: 'post', path: '/companies/:company/match/matches/:id/confirm', summary: 'Confirm a suggested match', permission: 'match.run', body: confirmRequest, response: confirmResponse }, async ({ c, json, access, body, param }) => {
      await confirmMatch(deps.context, access.actor, companyOf(access).id, idParam(param('id')), body.reason)
      return json({ ok: true }, 200)
    })
    .route({ method: 'get', path: '/companies/:company/match/summary', summary: 'Reconciliation summary per store and period (amounts as decimal strings)', permission: 'match.read', query: scopeQuery, response: matchSummaryResponse }, async ({ c, json, access, query }) => {
      return json({ summary: (await reconciliationSummary(deps.context, companyOf(access).id, query)).map(summaryRowJson) }, 200)
    })
    .route({
      method: 'get', path: '/companies/:company/reconcile', permission: 'match.read', query: reconcileQuery, response: reconcileResponse,
      summary: '对账汇总 per store and currency for a period: orders, expected, received, fees, refunds, payouts, foundInBank, difference, walletMovement (ledger), openExceptions by type, held; amounts as decimal strings; `drill` names the list route behind each figure',
    }, async ({ c, json, access, query }) => {
      const company = companyOf(access)
      const result = await storeReconciliation(deps.context, company.id, query)
      return json({ period: result.period, stores: result.stores.map((row) => ({ ...reconciliationJson(row), drill: drillPaths(company.code, result.period, row.store) })) }, 200)
    })
    .route({ method: 'get', path: '/companies/:company/exceptions', summary: 'Exceptions (type, status, amount, difference, age, who/when/why)', permission: 'exceptions.read', query: exceptionsQuery, response: exceptionsResponse }, async ({ c, json, access, query }) => {
      return json({ exceptions: await listExceptions(deps.context, companyOf(access).id, query) }, 200)
    })
    .route({ method: 'get', path: '/companies/:company/exceptions/:id', summary: 'One exception with its records, history and, for an open MISSING_PAYMENT / ORPHAN_PAYMENT / AMOUNT_MISMATCH, up to 10 ranked candidates for a manual match', permission: 'exceptions.read', response: exceptionResponse }, async ({ c, json, access, param }) => {
      const company = companyOf(access)
      const exception = await getException(deps.context, company.id, idParam(param('id')))
      const treatment = exception.type === 'AMOUNT_MISMATCH' ? await differenceTreatment(deps, company.id, exception.store, exception.difference, exception.acceptedAccount) : undefined
      return json({ exception: treatment === undefined ? exception : { ...exception, treatment } }, 200)
    })
    .route({ method: 'post', path: '/companies/:company/exceptions/:id/resolve', summary: 'Resolve an open exception (reason required; `account`: the leaf account an AMOUNT_MISMATCH difference is booked to, default the store\'s difference account)', permission: 'exceptions.decide', body: resolutionRequest, response: decisionResponse }, async ({ c, json, access, body, param }) => {
      return json(await decideException(deps.context, access.actor, companyOf(access).id, idParam(param('id')), 'resolve', body.reason, body.account === undefined ? {} : { account: body.account }), 200)
    })
    .route({ method: 'post', path: '/companies/:company/exceptions/:id/ignore', summary: 'Ignore an open exception (reason required)', permission: 'exceptions.decide', body: reasonRequest, response: decisionResponse }, async ({ c, json, access, body, param }) => {
      return json(await decideException(deps.context, access.actor, companyOf(access).id, idParam(param('id')), 'ignore', body.reason), 200)
    })
    .route({ method: 'post', path: '/companies/:company/exceptions/:id/approve', summary: 'Approve a NEEDS_APPROVAL exception (the role its rule names, or admin)', permission: 'exceptions.approve', body: reasonRequest, response: decisionResponse }, async ({ c, json, access, body, param }) => {
      return json(await decideException(deps.context, { ...access.actor, role: access.role ?? undefined }, companyOf(access).id, idParam(param('id')), 'approve', body.reason), 200)
    })
}
