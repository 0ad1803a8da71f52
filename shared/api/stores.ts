import { z } from 'zod'
import { CHANNELS } from '../records.ts'
import { decimal, periodText } from './common.ts'

/**
 * ## Stores (店铺): `/api/v1/companies/{code}/stores`
 * GET → `{"stores":[Store]}`; POST `StoreCreate` → 201 `{"store":Store}`;
 * GET `…/stores/{store}` → `{"store":Store}`; PATCH `StorePatch` → `{"store":Store}`.
 * `overrides` maps a posting role (receivable, revenue, outputVat, wallet,
 * commission, paymentFee, promotion, shipping, otherPlatformCharge, bank,
 * inventory, cost, exchangeGainLoss, differenceLoss, differenceGain) to a leaf
 * account code; a store without overrides posts with its channel's defaults.
 * `bankAccount` is the leaf ledger account its payouts land in (role `bank`).
 */
export const STORE_CHANNELS = CHANNELS

export const storeSchema = z.strictObject({
  code: z.string(),
  name: z.string(),
  channel: z.string(),
  taxCode: z.string().nullable(),
  bankAccount: z.string().nullable(),
  overrides: z.record(z.string(), z.string()),
  createdAt: z.string(),
})
export type StoreDto = z.infer<typeof storeSchema>

const storeCode = z.string().regex(/^[\p{L}\p{N}._-]{1,64}$/u, 'store codes are 1-64 letters, digits, . _ - (no spaces)')
const accountCode = z.string().regex(/^\d{4}(\.\d{1,4})*$/, 'an account code like 1002.01')

export const storeCreateSchema = z.object({
  code: storeCode,
  name: z.string().min(1).max(200).optional(),
  channel: z.enum(STORE_CHANNELS),
  taxCode: z.string().min(1).max(32).nullable().optional(),
  bankAccount: accountCode.nullable().optional(),
  overrides: z.record(z.string(), accountCode).optional(),
}).strict()
export type StoreCreate = z.infer<typeof storeCreateSchema>

export const storePatchSchema = z.object({
  name: z.string().min(1).max(200).optional(),
  channel: z.enum(STORE_CHANNELS).optional(),
  taxCode: z.string().min(1).max(32).nullable().optional(),
  bankAccount: accountCode.nullable().optional(),
  overrides: z.record(z.string(), accountCode).optional(),
}).strict()
export type StorePatch = z.infer<typeof storePatchSchema>


/** GET …/stores */
export const storesResponseSchema = z.strictObject({ stores: z.array(storeSchema) })
export type StoresResponse = z.infer<typeof storesResponseSchema>
/** POST …/stores (201), GET|PATCH …/stores/{store} */
export const storeResponseSchema = z.strictObject({ store: storeSchema })
export type StoreResponse = z.infer<typeof storeResponseSchema>

/** Suppliers (供应商): 辅助核算 on 应付账款 2202. */
export const supplierSchema = z.strictObject({ code: z.string(), name: z.string() })
export type SupplierDto = z.infer<typeof supplierSchema>
/** GET …/suppliers */
export const suppliersResponse = z.strictObject({ suppliers: z.array(supplierSchema) })
/** POST …/suppliers (201) */
export const supplierCreateRequest = z.object({ code: z.string().max(64), name: z.string().max(200).optional() }).strict()
export const supplierResponse = z.strictObject({ supplier: supplierSchema })

/** One supplier's 应付账款 over a period; credit balances (owed) are positive. */
export const supplierBalanceSchema = z.strictObject({ supplier: z.string(), name: z.string(), opening: decimal, debit: decimal, credit: decimal, closing: decimal })
/** GET …/suppliers/balances?period=YYYY-MM: rows sum to 2202 */
export const supplierBalancesQuery = z.object({ period: z.string() })
export const supplierBalancesResponse = z.strictObject({ period: periodText, rows: z.array(supplierBalanceSchema), total: supplierBalanceSchema })
export type SupplierBalancesResponse = z.infer<typeof supplierBalancesResponse>
