import { postingRequest, postingResponse } from '../../shared/api/posting.ts'
import { normalizePeriod } from '../../shared/period.ts'
import { runPosting } from '../posting/run.ts'
import { type AppDeps, companyOf, routeGroup } from './kit.ts'

/** Voucher generation: preview what a run would write, or run it (drafts unless auto-approved). */
export function postingRoutes(deps: AppDeps) {
  return routeGroup('posting', deps)
    .route({ method: 'post', path: '/companies/:company/posting/preview', summary: 'Vouchers a posting run would create, and the items that wait (nothing is written)', permission: 'posting.preview', body: postingRequest, response: postingResponse }, async ({ c, json, access, body }) => {
      const result = await runPosting(deps.context, access.actor, companyOf(access).id, { ...body, period: body.period ? normalizePeriod(body.period) : undefined, dryRun: true })
      return json(result, 200)
    })
    .route({ method: 'post', path: '/companies/:company/posting/run', summary: 'Generate vouchers from matched records (idempotent: a rerun writes nothing new)', permission: 'posting.run', body: postingRequest, response: postingResponse }, async ({ c, json, access, body }) => {
      const result = await runPosting(deps.context, access.actor, companyOf(access).id, { ...body, period: body.period ? normalizePeriod(body.period) : undefined })
      return json(result, result.written.vouchers > 0 ? 201 : 200)
    })
}
