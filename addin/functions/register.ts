import { type Batcher, type BatcherOptions, type FetchLike, createBatcher } from './batcher.ts'
import { type CustomFunctionsApi, customFunctionsGlobal } from './custom-functions-api.ts'
import { IMPLEMENTATIONS } from './functions.ts'
import { type SessionStore, ledgerSession } from './session.ts'

/**
 * The task pane's entry (shared runtime) calls this once, when
 * `typeof CustomFunctions !== 'undefined'`. The webpack plugin would append
 * the associate calls; with vite we make them here, one per generated id
 * (test/functions/metadata.test.ts keeps the two lists equal).
 *
 * @example
 * if (typeof CustomFunctions !== 'undefined') registerCustomFunctions()
 * // after sign-in: ledgerSession.update({ serviceUrl, token, company })
 * // Refresh button / after posting: refreshLedgerFunctions()
 */
export interface RegisterOptions {
  readonly api?: CustomFunctionsApi
  readonly fetch?: FetchLike
  readonly batcher?: Omit<BatcherOptions, 'fetch' | 'session'>
}

export function registerCustomFunctions(options: RegisterOptions = {}): Batcher {
  const api = options.api ?? customFunctionsGlobal()
  if (!api) throw new Error('CustomFunctions is not available: register only inside Excel (shared runtime)')
  // The implementations read this one store (session.ts), so registration attaches to it.
  const store = ledgerSession
  const fetch: FetchLike = options.fetch ?? ((url, init) => globalThis.fetch(url, init))
  const batcher = createBatcher({ ...options.batcher, fetch, session: () => store.get() })
  store.attachRuntime({ batcher, api })
  for (const [id, implementation] of Object.entries(IMPLEMENTATIONS)) api.associate(id, implementation)
  return batcher
}

/**
 * Starts a new cache epoch so the next recalculation asks the service again.
 * The caller then recalculates (addin/excel: application.calculate('Full')).
 * Returns the new epoch, or null before registration.
 */
export function refreshLedgerFunctions(store: SessionStore = ledgerSession): number | null {
  return store.runtime()?.batcher.refresh() ?? null
}
