import type { Batcher } from './batcher.ts'
import type { CustomFunctionsApi } from './custom-functions-api.ts'
import type { ServiceSession } from './protocol.ts'

export type { ServiceSession }

/**
 * The one explicit store the worksheet functions read: which service, which
 * token, which company, and the running batcher. The task pane writes it after
 * sign-in and when the workbook's bound company changes (see
 * addin/excel/workbook-sharing.ts); functions never read globals or settings.
 *
 * @example
 * ledgerSession.update({ serviceUrl: 'https://localhost:8787', token, company: 'ACME' })
 */
export type SessionListener = (session: ServiceSession) => void

export interface SessionStore {
  get(): ServiceSession
  update(patch: Partial<ServiceSession>): void
  subscribe(listener: SessionListener): () => void
  /** what registerCustomFunctions() started, or null before */
  runtime(): FunctionsRuntime | null
  /** the running batcher (the task pane's Refresh calls `.refresh()` on it), or null before registration */
  batcher(): Batcher | null
  attachRuntime(runtime: FunctionsRuntime | null): void
}

export interface FunctionsRuntime {
  readonly batcher: Batcher
  readonly api: CustomFunctionsApi
}

export const SIGNED_OUT: ServiceSession = Object.freeze({ serviceUrl: null, token: null, company: null })

export function createSessionStore(initial: ServiceSession = SIGNED_OUT): SessionStore {
  let session = initial
  let running: FunctionsRuntime | null = null
  const listeners = new Set<SessionListener>()
  return {
    get: () => session,
    update(patch) {
      const next = { ...session, ...patch }
      const changed = next.serviceUrl !== session.serviceUrl || next.token !== session.token || next.company !== session.company
      session = next
      if (!changed) return
      // Figures depend on who asks and for which company: drop cached values.
      running?.batcher.refresh()
      for (const listener of listeners) listener(session)
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    runtime: () => running,
    batcher: () => running?.batcher ?? null,
    attachRuntime(runtime) {
      running = runtime
    },
  }
}

/** The shared runtime's instance: the task pane and the functions use this one. */
export const ledgerSession: SessionStore = createSessionStore()
