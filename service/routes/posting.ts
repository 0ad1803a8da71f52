import { z } from 'zod'
import { GRANULARITIES } from '../../shared/posting/index.ts'
import { normalizePeriod } from '../../shared/period.ts'
import { runPosting } from '../posting/run.ts'
import { type AppDeps, companyOf, routeGroup } from './kit.ts'

const runBody = z.object({
  period: z.string().optional(),
  store: z.string().optional(),
  granularity: z.enum(GRANULARITIES).optional(),
}).strict()

/** Voucher generation: preview what a run would write, or run it (drafts unless auto-approved). */
export function postingRoutes(deps: AppDeps) {
  return routeGroup('posting', deps)
    .route({ method: 'post', path: '/companies/:company/posting/preview', summary: 'Vouchers a posting run would create, and the items that wait (nothing is written)', permission: 'posting.preview', body: runBody }, async ({ c, access, body }) => {
      const result = await runPosting(deps.context, access.actor, companyOf(access).id, { ...body, period: body.period ? normalizePeriod(body.period) : undefined, dryRun: true })
      return c.json(result, 200)
    })
    .route({ method: 'post', path: '/companies/:company/posting/run', summary: 'Generate vouchers from matched records (idempotent: a rerun writes nothing new)', permission: 'posting.run', body: runBody }, async ({ c, access, body }) => {
      const result = await runPosting(deps.context, access.actor, companyOf(access).id, { ...body, period: body.period ? normalizePeriod(body.period) : undefined })
      return c.json(result, result.written.vouchers > 0 ? 201 : 200)
    })
}
