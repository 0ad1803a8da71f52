import { LedgerError } from '../../shared/errors.ts'
import { batchQuerySchema, batchRequestSchema, batchResponseSchema, isBatchRequest } from '../functions/contract.ts'
import { FUNCTIONS_PERMISSION, evaluateBatch } from '../functions/evaluate.ts'
import { type AppDeps, routeGroup } from './kit.ts'

/**
 * `POST /api/v1/functions/batch`: the one round trip behind LEDGER.* cells.
 * Not company-scoped, because one batch may mix companies: each call names
 * its company (`company` on the call), else the batch's (`company` in the
 * body, `?company=CODE`, or the `X-Company` header, in that order), else the
 * caller's only company. Role and company are checked per call by the
 * evaluator; a bad call gets its own #VALUE!/#N/A and never fails the batch.
 */
export function functionRoutes(deps: AppDeps) {
  return routeGroup('functions', deps)
    .route({
      method: 'post', path: '/functions/batch', permission: FUNCTIONS_PERMISSION,
      summary: 'Evaluate a batch of LEDGER.* worksheet-function calls from materialized balances',
      body: batchRequestSchema, accept: isBatchRequest, maxBodyBytes: 8 * 1024 * 1024, query: batchQuerySchema, response: batchResponseSchema,
    }, async ({ c, json, access, body, query }) => {
      if (!access.user) throw new LedgerError('UNAUTHORIZED', 'sign in first: send Authorization: Bearer <token>')
      const company = body.company ?? query.company ?? c.req.header('x-company')
      const response = await evaluateBatch(deps.context, { userId: access.user.id }, { calls: body.calls, ...(company ? { company } : {}) })
      return json(response, 200)
    })
}
