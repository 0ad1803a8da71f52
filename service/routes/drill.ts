import { searchQuery, searchResponse, voucherSourcesResponse } from '../../shared/api/drill.ts'
import { searchRecords, voucherSourceRecords } from '../ledger/source-records.ts'
import { type AppDeps, companyOf, routeGroup, idParam } from './kit.ts'

/**
 * Drill-down past 明细账 (issue #14): a voucher's source orders, bill lines and
 * bank lines as records, and a search by order number, trade number or amount
 * across orders, bill lines, bank lines and vouchers.
 */
export function drillRoutes(deps: AppDeps) {
  return routeGroup('vouchers', deps)
    .route({ method: 'get', path: '/companies/:company/vouchers/:id/sources', summary: 'What a voucher was made from: each source ref with the order, settlement txn, bank line or voucher it names (amounts as decimal strings)', permission: 'vouchers.read', response: voucherSourcesResponse }, async ({ c, json, access, param }) => {
      const company = companyOf(access)
      const id = idParam(param('id'))
      return json({ sources: await voucherSourceRecords(deps.context, company.id, id, company.baseCurrency) }, 200)
    })
    .route({ method: 'get', path: '/companies/:company/search', summary: 'Find orders, bill lines, bank lines and vouchers by order number, trade number / reference (a prefix from 4 characters) or amount; 50 of each', permission: 'vouchers.read', query: searchQuery, response: searchResponse }, async ({ c, json, access, query }) => {
      const company = companyOf(access)
      return json(await searchRecords(deps.context, company.id, company.baseCurrency, query.q), 200)
    })
}
