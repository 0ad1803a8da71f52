import type { StoreCreate, StoreDto, StorePatch, StoreResponse, StoresResponse } from '../../shared/api/stores.ts'
import { type Transport, companyPath, segment } from './core.ts'

/** Stores (店铺): channel, tax code, bank account and posting-role overrides (shared/api/stores.ts). */
export type StoreInfo = StoreDto
export type StoreChange = StorePatch
export type NewStore = StoreCreate

export interface StoresApi {
  stores(company: string): Promise<StoreInfo[]>
  addStore(company: string, store: NewStore): Promise<StoreInfo>
  updateStore(company: string, code: string, change: StoreChange): Promise<StoreInfo>
}

export function storesApi({ request }: Transport): StoresApi {
  return {
    async stores(code) {
      return (await request<StoresResponse>('GET', `${companyPath(code)}/stores`)).stores
    },
    async addStore(code, store) {
      return (await request<StoreResponse>('POST', `${companyPath(code)}/stores`, store)).store
    },
    async updateStore(code, storeCode, change) {
      return (await request<StoreResponse>('PATCH', `${companyPath(code)}/stores/${segment(storeCode)}`, change)).store
    },
  }
}
