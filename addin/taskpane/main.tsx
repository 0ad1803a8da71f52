/// <reference types="vite/client" />
import { createRoot } from 'react-dom/client'
import { createApiClient } from '../api-client.ts'
import { officeExcelRun, officeSharingRun } from '../excel/office.ts'
import { type WorkbookPort, createWorkbookPort, previewDocumentSettings } from '../excel/workbook-sharing.ts'
import { createExcelWriter } from '../excel/writer.ts'
import { App, type FunctionsBridge } from './App.tsx'
import { languageOf } from './i18n.ts'
import { createPreviewWriter } from './preview-writer.ts'
import { type PaneStore, createPaneStore, initialState, signedIn, signedOut, workbookOpened } from './store.ts'

/**
 * Entry of the task pane and of the shared runtime: calls Office.onReady once,
 * registers the worksheet functions when Excel offers CustomFunctions, and
 * renders the pane. Without an Office host (plain browser) it runs in preview mode.
 */

// The custom-functions code (addin/functions, another engineer's module) is loaded lazily
// and only if present, so the pane builds and runs without it.
const registerModules = import.meta.glob('../functions/register.ts')
const sessionModules = import.meta.glob('../functions/session.ts')

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

interface OfficeInfo {
  readonly host: string | null
  readonly displayLanguage: string | null
}

/** Office.onReady, once; resolves with no host when office.js is missing or never answers. */
function officeReady(timeoutMs: number): Promise<OfficeInfo> {
  if (typeof Office === 'undefined') return Promise.resolve({ host: null, displayLanguage: null })
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ host: null, displayLanguage: null }), timeoutMs)
    void Office.onReady((info) => {
      clearTimeout(timer)
      const host = info.host === null || info.host === undefined ? null : String(info.host)
      resolve({ host, displayLanguage: host === null ? null : Office.context.displayLanguage })
    })
  })
}

async function loadFunctions(): Promise<FunctionsBridge | undefined> {
  const loadRegister = registerModules['../functions/register.ts']
  const register: unknown = loadRegister === undefined ? undefined : await loadRegister()
  // typeof CustomFunctions !== 'undefined', read off globalThis so the pane does not need the CF runtime types.
  if (typeof Reflect.get(globalThis, 'CustomFunctions') !== 'undefined' && isRecord(register) && typeof register.registerCustomFunctions === 'function') {
    register.registerCustomFunctions()
  }
  const loadSession = sessionModules['../functions/session.ts']
  const sessionModule: unknown = loadSession === undefined ? undefined : await loadSession()
  const session = isRecord(sessionModule) ? sessionModule.ledgerSession : undefined
  if (!isRecord(session) || typeof session.update !== 'function') return undefined
  const update = session.update
  const refresh = isRecord(register) ? register.refreshLedgerFunctions : undefined
  return {
    sessionChanged: (state) => update.call(session, state),
    async refresh() {
      if (typeof refresh === 'function') refresh()
    },
  }
}

function defaultServiceUrl(): string {
  const { protocol, origin } = window.location
  return protocol === 'http:' || protocol === 'https:' ? origin : 'http://localhost:8787'
}

function requestedLanguage(): string | null {
  return new URLSearchParams(window.location.search).get('lang')
}

async function boot(): Promise<void> {
  const office = await officeReady(5_000)
  const host = office.host === 'Excel' ? 'excel' : 'preview'
  const language = languageOf(requestedLanguage() ?? office.displayLanguage ?? navigator.language)
  const storage = window.localStorage
  // The session survives a reload of this tab (session storage, expiring); never the document or localStorage.
  const sessionStore = window.sessionStorage
  const store: PaneStore = createPaneStore(initialState({ language, serviceUrl: defaultServiceUrl(), now: new Date(), storage, sessionStorage: sessionStore }), storage, sessionStore)
  if (requestedLanguage() !== null) store.setState({ language })
  // The workbook remembers its company and service in document settings (preview: in memory).
  const workbook: WorkbookPort = host === 'excel'
    ? createWorkbookPort(Office.context.document.settings, officeSharingRun)
    : createWorkbookPort(previewDocumentSettings(storage), null)
  workbookOpened(store, workbook.binding())
  // A session restored after a reload opens on the workbook's company, as a fresh sign-in would.
  const restored = store.getState().session
  if (restored !== null) signedIn(store, restored)
  const functions = await loadFunctions().catch((error: unknown) => {
    console.error('custom functions failed to load', error)
    return undefined
  })
  const createApi = (serviceUrl: string) => createApiClient({
    baseUrl: serviceUrl,
    getToken: () => store.getState().session?.token ?? null,
    onUnauthorized: () => {
      if (store.getState().session !== null) signedOut(store, true)
    },
  })
  const writer = host === 'excel' ? createExcelWriter(officeExcelRun) : createPreviewWriter(store)
  const container = document.getElementById('container')
  if (container === null) throw new Error('taskpane.html lacks #container')
  createRoot(container).render(<App store={store} createApi={createApi} writer={writer} host={host} functions={functions} workbook={workbook} />)
}

void boot()
