import { createContext, createElement, type ReactNode, useContext, useSyncExternalStore } from 'react'
import type { Company, Session } from '../api-client.ts'
import type { ChartSpec, ColumnSpec, CellInput } from '../excel/writer.ts'
import type { WorkbookBinding } from '../excel/workbook-sharing.ts'
import type { Language } from './i18n.ts'

/**
 * The task pane's one store: session, company, period, tab, language, service URL
 * and (in preview mode) the sheets written into the page. Created once at the
 * entry and handed down through StoreProvider; no module-level instance.
 */

export type Tab = 'import' | 'match' | 'post' | 'reports' | 'close' | 'settings' | 'invoices'

export interface PreviewSheet {
  readonly sheetName: string
  readonly title?: string
  readonly columns: readonly ColumnSpec[]
  readonly rows: readonly (readonly CellInput[])[]
  readonly chart?: ChartSpec
}

export interface PaneState {
  readonly language: Language
  readonly serviceUrl: string
  readonly session: Session | null
  readonly sessionExpired: boolean
  readonly companyCode: string | null
  readonly period: string
  readonly tab: Tab
  readonly previewSheets: readonly PreviewSheet[]
  /** the company and service this workbook's LEDGER.* formulas read (document settings), if bound */
  readonly binding: WorkbookBinding | null
  /** true once the period was chosen (remembered, from data or by hand): the pane no longer picks one */
  readonly periodChosen: boolean
  /** status of the periods the service knows (open / closed), by period */
  readonly periodStatus: Readonly<Record<string, string>>
}

export interface PaneStore {
  getState(): PaneState
  setState(patch: Partial<PaneState> | ((state: PaneState) => Partial<PaneState>)): void
  subscribe(listener: () => void): () => void
}

/** Where the service URL and language survive a reload (localStorage in the pane). */
export interface PreferenceStorage {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
  removeItem?(key: string): void
}

const KEYS = { serviceUrl: 'cledger.serviceUrl', language: 'cledger.language', session: 'cledger.session' } as const

/** A session kept in session storage survives a reload of the pane for this long (never written into the document). */
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000

/** The signed-in session as session storage keeps it: the token expires with the tab or after {@link SESSION_TTL_MS}. */
export function readStoredSession(storage: PreferenceStorage | undefined, serviceUrl: string, now: number): Session | null {
  const text = storage?.getItem(KEYS.session)
  if (text === null || text === undefined || text === '') return null
  try {
    const value: unknown = JSON.parse(text)
    if (typeof value !== 'object' || value === null) return null
    const { session, expiresAt, url } = value as { session?: Session; expiresAt?: number; url?: string }
    if (session === undefined || typeof session.token !== 'string' || typeof expiresAt !== 'number' || expiresAt <= now || url !== serviceUrl) return null
    return session
  } catch {
    return null
  }
}

function writeStoredSession(storage: PreferenceStorage, session: Session | null, serviceUrl: string, now: number): void {
  if (session === null) storage.removeItem?.(KEYS.session)
  else storage.setItem(KEYS.session, JSON.stringify({ session, url: serviceUrl, expiresAt: now + SESSION_TTL_MS }))
}

export function currentPeriod(now: Date): string {
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}`
}

/**
 * @param storage where the service URL and language live (localStorage)
 * @param sessionStorage where the session lives across a reload (sessionStorage: per tab, expiring)
 */
export function createPaneStore(initial: PaneState, storage?: PreferenceStorage, sessionStorage?: PreferenceStorage, clock: () => number = Date.now): PaneStore {
  let state = initial
  const listeners = new Set<() => void>()
  return {
    getState: () => state,
    setState(patch) {
      const changes = typeof patch === 'function' ? patch(state) : patch
      const next = { ...state, ...changes }
      if (storage !== undefined) {
        if (next.serviceUrl !== state.serviceUrl) storage.setItem(KEYS.serviceUrl, next.serviceUrl)
        if (next.language !== state.language) storage.setItem(KEYS.language, next.language)
      }
      if (sessionStorage !== undefined && next.session !== state.session) writeStoredSession(sessionStorage, next.session, next.serviceUrl, clock())
      state = next
      for (const listener of listeners) listener()
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
  }
}

export function initialState(options: { language: Language; serviceUrl: string; now: Date; storage?: PreferenceStorage; sessionStorage?: PreferenceStorage }): PaneState {
  const storedUrl = options.storage?.getItem(KEYS.serviceUrl)
  const storedLanguage = options.storage?.getItem(KEYS.language)
  const serviceUrl = storedUrl !== null && storedUrl !== undefined && storedUrl !== '' ? storedUrl : options.serviceUrl
  const session = readStoredSession(options.sessionStorage, serviceUrl, options.now.getTime())
  return {
    language: storedLanguage === 'en' || storedLanguage === 'zh-CN' ? storedLanguage : options.language,
    serviceUrl,
    session,
    sessionExpired: false,
    companyCode: session?.companies[0]?.code ?? null,
    period: currentPeriod(options.now),
    tab: 'reports',
    previewSheets: [],
    binding: null,
    periodChosen: false,
    periodStatus: {},
  }
}

/** The user (or the pane, from data or the workbook's memory) chose a period. */
export function periodChosen(store: PaneStore, period: string): void {
  store.setState({ period, periodChosen: true })
}

export function isClosed(state: PaneState, period = state.period): boolean {
  return state.periodStatus[period] === 'closed'
}

// Actions: every state change the panes make goes through one of these.

export function signedIn(store: PaneStore, session: Session): void {
  // A bound workbook opens on its own company when the user may see it.
  const bound = store.getState().binding
  const chosen = session.companies.find((company) => company.code === bound?.company) ?? session.companies[0]
  store.setState({ session, sessionExpired: false, companyCode: chosen === undefined ? null : chosen.code })
}

/** The workbook opened with a binding: sign-in goes to its service. */
export function workbookOpened(store: PaneStore, binding: WorkbookBinding | null): void {
  store.setState(binding === null ? { binding } : { binding, serviceUrl: binding.serviceUrl })
}

/**
 * The company the worksheet functions read: the workbook's own when bound
 * (a user without access then sees "no access" in the cells, never another
 * company's figures), else the one chosen in the pane.
 */
export function functionsCompany(state: PaneState): string | null {
  return state.binding?.company ?? state.companyCode
}

export function signedOut(store: PaneStore, expired: boolean): void {
  store.setState({ session: null, sessionExpired: expired, companyCode: null, periodStatus: {} })
}

export function showPreviewSheet(store: PaneStore, sheet: PreviewSheet): void {
  store.setState((state) => ({
    previewSheets: [sheet, ...state.previewSheets.filter((existing) => existing.sheetName !== sheet.sheetName)],
  }))
}

export function selectedCompany(state: PaneState): Company | null {
  return state.session?.companies.find((company) => company.code === state.companyCode) ?? null
}

// React glue.

const StoreContext = createContext<PaneStore | null>(null)

export function StoreProvider({ store, children }: { store: PaneStore; children: ReactNode }) {
  return createElement(StoreContext.Provider, { value: store }, children)
}

export function usePaneStore(): PaneStore {
  const store = useContext(StoreContext)
  if (store === null) throw new Error('usePaneStore outside StoreProvider')
  return store
}

export function usePane<T>(selector: (state: PaneState) => T): T {
  const store = usePaneStore()
  return useSyncExternalStore(store.subscribe, () => selector(store.getState()), () => selector(store.getState()))
}
