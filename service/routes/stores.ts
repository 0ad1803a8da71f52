import { storeCreateSchema, storePatchSchema, storeResponseSchema, storesResponseSchema, supplierBalancesQuery, supplierBalancesResponse, supplierCreateRequest, supplierResponse, suppliersResponse } from '../../shared/api/stores.ts'
import { addStore, getStore, listStores, updateStore } from '../ledger/stores.ts'
import { addSupplier, listSuppliers, supplierBalances } from '../ledger/suppliers.ts'
import { type AppDeps, companyOf, routeGroup } from './kit.ts'

/**
 * Stores (店铺): the registry behind imports and posting. A store with no
 * overrides posts with its channel's default profile; imports register their
 * store on first use. The pane's Settings edits stores through these routes.
 */
export function storeRoutes(deps: AppDeps) {
  return routeGroup('stores', deps)
    .route({ method: 'get', path: '/companies/:company/stores', summary: 'Stores (店铺) with channel, tax code, bank account and posting-role overrides', permission: 'stores.read', response: storesResponseSchema }, async ({ c, json, access }) => {
      return json({ stores: await listStores(deps.context, companyOf(access).id) }, 200)
    })
    .route({ method: 'post', path: '/companies/:company/stores', summary: 'Register a store; without overrides it posts with its channel defaults', permission: 'stores.write', body: storeCreateSchema, response: storeResponseSchema }, async ({ c, json, access, body }) => {
      const store = await addStore(deps.context, access.actor, companyOf(access).id, body)
      return json({ store }, 201)
    })
    .route({ method: 'get', path: '/companies/:company/stores/:store', summary: 'One store', permission: 'stores.read', response: storeResponseSchema }, async ({ c, json, access, param }) => {
      return json({ store: await getStore(deps.context, companyOf(access).id, param('store')) }, 200)
    })
    .route({ method: 'get', path: '/companies/:company/suppliers', summary: 'Suppliers (供应商): 辅助核算 on 应付账款 2202, named in the lines\' store', permission: 'stores.read', response: suppliersResponse }, async ({ c, json, access }) => {
      return json({ suppliers: await listSuppliers(deps.context, companyOf(access).id) }, 200)
    })
    .route({ method: 'post', path: '/companies/:company/suppliers', summary: 'Register a supplier; then every hand-made 2202 line names one', permission: 'stores.write', body: supplierCreateRequest, response: supplierResponse }, async ({ c, json, access, body }) => {
      return json({ supplier: await addSupplier(deps.context, access.actor, companyOf(access).id, body) }, 201)
    })
    .route({ method: 'get', path: '/companies/:company/suppliers/balances', summary: '应付账款余额表 by supplier for ?period=YYYY-MM: opening, debit, credit, closing (credit = owed); rows sum to 2202', permission: 'reports.read', query: supplierBalancesQuery, response: supplierBalancesResponse }, async ({ c, json, access, query }) => {
      return json(await supplierBalances(deps.context, companyOf(access).id, query.period), 200)
    })
    .route({ method: 'patch', path: '/companies/:company/stores/:store', summary: 'Change a store: name, channel, taxCode, bankAccount (null clears), overrides (replaced whole; accounts must be leaves)', permission: 'stores.write', body: storePatchSchema, response: storeResponseSchema }, async ({ c, json, access, body, param }) => {
      return json({ store: await updateStore(deps.context, access.actor, companyOf(access).id, param('store'), body) }, 200)
    })
}
