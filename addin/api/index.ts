import { type AuthApi, authApi } from './auth.ts'
import { type CompaniesApi, companiesApi } from './companies.ts'
import { type ApiClientOptions, createTransport } from './core.ts'
import { type ImportsApi, importsApi } from './imports.ts'
import type { Call } from './invoices.ts'
import { type MatchApi, matchApi } from './match.ts'
import { type PostingApi, postingApi } from './posting.ts'
import { type ProfilesApi, profilesApi } from './profiles.ts'
import { type ReportsApi, reportsApi } from './reports.ts'
import { type StoresApi, storesApi } from './stores.ts'
import { type UsersApi, usersApi } from './users.ts'
import { type VouchersApi, vouchersApi } from './vouchers.ts'

/**
 * Typed client of the companion service's HTTP API (`/api/v1`), used by the
 * task pane: a small core (core.ts: fetch wrapper, ApiError, bearer token) and
 * one file per area. Every shape is the HTTP contract's (shared/api, types
 * only); where the pane shows a different form (voucher lines in debit/credit
 * columns, an exception's order and money sides) the area maps it once.
 */
export interface LedgerApi extends AuthApi, CompaniesApi, UsersApi, StoresApi, ProfilesApi, ImportsApi, MatchApi, PostingApi, VouchersApi, ReportsApi {
  /** Any JSON call under /api/v1 (area clients such as invoices.ts build on it); absent in fakes. */
  call?: Call
}

/**
 * @example
 * const api = createApiClient({ baseUrl: 'http://localhost:8787', getToken: () => store.getState().session?.token ?? null })
 * const tb = await api.trialBalance('DEMO', '2026-10')
 */
export function createApiClient(options: ApiClientOptions): LedgerApi {
  const transport = createTransport(options)
  return {
    ...authApi(transport),
    ...companiesApi(transport),
    ...usersApi(transport),
    ...storesApi(transport),
    ...profilesApi(transport),
    ...importsApi(transport),
    ...matchApi(transport),
    ...postingApi(transport),
    ...vouchersApi(transport),
    ...reportsApi(transport),
    call: transport.request,
  }
}

export * from './auth.ts'
export * from './companies.ts'
export * from './core.ts'
export * from './imports.ts'
export * from './invoices.ts'
export * from './match.ts'
export * from './posting.ts'
export * from './profiles.ts'
export * from './reports.ts'
export * from './stores.ts'
export * from './users.ts'
export * from './vouchers.ts'
