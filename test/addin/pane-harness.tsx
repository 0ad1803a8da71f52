import { configure, render } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { type Account, ApiError, type CloseBlocker, type CloseResult, type Company, type ImportSummary, type LedgerApi, type Period, type ReportData, type Role, type Session, type TrialBalance } from '../../addin/api-client.ts'
import { FakeExcel } from '../support/fake-excel.ts'
import { createExcelWriter, type WorkbookWriter } from '../../addin/excel/writer.ts'
import type { WorkbookPort } from '../../addin/excel/workbook-sharing.ts'
import { App, type FunctionsBridge } from '../../addin/taskpane/App.tsx'
import type { Language } from '../../addin/taskpane/i18n.ts'
import { createPreviewWriter } from '../../addin/taskpane/preview-writer.ts'
import { type PaneStore, type Tab, createPaneStore, initialState, signedIn, workbookOpened } from '../../addin/taskpane/store.ts'

// findBy*/waitFor give up after 1 s by default: too short on a loaded 2-core CI machine.
configure({ asyncUtilTimeout: 5_000 })

// jsdom lacks ResizeObserver, which Fluent's TabList and overflow utilities construct.
class NoopResizeObserver {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}
if (typeof globalThis.ResizeObserver === 'undefined') globalThis.ResizeObserver = NoopResizeObserver

/** Builders and a harness for task-pane component tests: a fake API, a fake workbook, one store. */

export const SERVICE = 'http://ledger.test:8787'

export function notAvailable(): ApiError {
  return new ApiError('notAvailable', 404, 'NOT_AVAILABLE', 'no route')
}

export function aCompany(overrides: Partial<Company> = {}): Company {
  return { id: 1, code: 'DEMO', name: '演示商贸有限公司', role: 'accountant', baseCurrency: 'CNY', ...overrides }
}

export function aSession(role: Role = 'accountant', companies: Company[] = [aCompany({ role })]): Session {
  return { token: 'tok-1', expiresAt: '2026-10-16T00:00:00.000Z', user: { id: 7, username: 'kuaiji', displayName: '王会计', disabled: false }, companies }
}

/** Fakes answer in the contract's shapes (shared/api): these fill in what a test does not care about. */
export function anAccount(code: string, name: string, nameEn: string, isLeaf = true): Account {
  const parent = code.includes('.') ? code.slice(0, code.lastIndexOf('.')) : null
  return { code, name, nameEn, type: /^[56]/.test(code) ? 'profitLoss' : /^2/.test(code) ? 'liability' : 'asset', normalSide: /^(2|50|51)/.test(code) ? 'credit' : 'debit', parent, isLeaf }
}

export function aPeriod(period: string, status: Period['status'] = 'open', vouchers = 0, drafts = 0): Period {
  return { period, status, closedAt: status === 'closed' ? `${period}-28T09:00:00Z` : null, vouchers, drafts }
}

export function aBlocker(kind: CloseBlocker['kind'], count: number, message: { zh: string; en: string }): CloseBlocker {
  return { kind, count, message, items: [] }
}

export function aCloseResult(overrides: Partial<CloseResult> = {}): CloseResult {
  return { period: '2026-10', status: 'closed', closingVoucher: null, alreadyClosed: false, forced: false, pending: [], approvers: [], selfApproved: false, ...overrides }
}

export function aReport(overrides: Partial<ReportData> & Pick<ReportData, 'report' | 'title' | 'columns' | 'rows'>): ReportData {
  return { titleEn: '', formCode: null, company: { code: 'DEMO', name: '演示商贸有限公司' }, period: '2026-10', dateLabel: '2026年10月', currency: 'CNY', meta: {}, checks: [], balanced: true, notes: [], ...overrides }
}

export function anImportSummary(overrides: Partial<ImportSummary> & Pick<ImportSummary, 'id' | 'fileName' | 'format'>): ImportSummary {
  return {
    detected: overrides.format, hash: '0'.repeat(64), read: 0, records: 0, imported: 0, duplicates: 0, updated: 0, rejected: 0, skipped: 0, store: '', storeCreated: false,
    importedByKind: { order: 0, orderLine: 0, settlementTxn: 0, bankTxn: 0, invoice: 0 }, checks: [], rejects: [], ...overrides,
  }
}

export function aTrialBalance(): TrialBalance {
  return {
    company: 'DEMO', currency: 'CNY', period: '2026-10', from: '2026-10', store: null,
    rows: [
      { code: '1012', name: '其他货币资金', nameEn: 'Other monetary funds', level: 1, isLeaf: false, normalSide: 'debit', openingDebit: '0.00', openingCredit: '0.00', debit: '11300.00', credit: '0.00', closingDebit: '11300.00', closingCredit: '0.00', balance: '11300.00' },
      { code: '1012.01', name: '支付宝', nameEn: 'Alipay', level: 2, isLeaf: true, normalSide: 'debit', openingDebit: '0.00', openingCredit: '0.00', debit: '11300.00', credit: '0.00', closingDebit: '11300.00', closingCredit: '0.00', balance: '11300.00' },
      { code: '5001', name: '主营业务收入', nameEn: 'Main business revenue', level: 1, isLeaf: true, normalSide: 'credit', openingDebit: '0.00', openingCredit: '0.00', debit: '0.00', credit: '10000.00', closingDebit: '0.00', closingCredit: '10000.00', balance: '-10000.00' },
      { code: '2221.01.02', name: '=cmd|销项税额', nameEn: '=HYPERLINK("http://evil")', level: 1, isLeaf: true, normalSide: 'credit', openingDebit: '0.00', openingCredit: '0.00', debit: '0.00', credit: '1300.00', closingDebit: '0.00', closingCredit: '1300.00', balance: '-1300.00' },
    ],
    totals: { openingDebit: '0.00', openingCredit: '0.00', debit: '11300.00', credit: '11300.00', closingDebit: '11300.00', closingCredit: '11300.00' },
    balanced: true,
  }
}

/** Every endpoint answers "not available" unless the test gives it. */
export function fakeApi(overrides: Partial<LedgerApi> = {}): LedgerApi {
  const missing = () => Promise.reject(notAvailable())
  return {
    login: missing, companies: missing, accounts: missing, periods: missing, trialBalance: missing, vouchers: missing, voucher: missing,
    approveVoucher: missing, uploadImport: missing, importRejects: missing, runMatch: missing, exceptions: missing, exceptionDetail: missing,
    actOnException: missing, manualMatch: missing, previewPosting: missing, runPosting: missing, settings: missing, saveSettings: missing,
    matchSummary: missing, closeCheck: missing, closePeriod: missing, reopenPeriod: missing, report: missing, reverseVoucher: missing,
    importedPeriods: missing, evaluateFunctions: missing,
    tokens: missing, createToken: missing, revokeToken: missing, users: missing, setUserDisabled: missing, unlockUser: missing, stores: missing, addStore: missing, updateStore: missing, importProfiles: missing, saveImportProfile: missing, reconcile: missing, drillRows: missing, voucherSources: missing, search: missing, unapproveVoucher: missing,
    ...overrides,
  }
}

export interface Harness {
  readonly store: PaneStore
  readonly excel: FakeExcel
  readonly writer: WorkbookWriter
  readonly user: ReturnType<typeof userEvent.setup>
  readonly serviceUrls: string[]
}

export function renderPane(options: {
  api?: Partial<LedgerApi>
  session?: Session | null
  tab?: Tab
  language?: Language
  host?: 'excel' | 'preview'
  /** the workbook's binding and conversions; the binding it holds is read at start, as main.tsx does */
  workbook?: WorkbookPort
  functions?: FunctionsBridge
} = {}): Harness {
  const store = createPaneStore(initialState({ language: options.language ?? 'en', serviceUrl: SERVICE, now: new Date(2026, 9, 15) }))
  if (options.workbook !== undefined) workbookOpened(store, options.workbook.binding())
  if (options.session !== null) signedIn(store, options.session ?? aSession())
  if (options.tab !== undefined) store.setState({ tab: options.tab })
  const excel = new FakeExcel()
  const host = options.host ?? 'excel'
  const writer = host === 'excel' ? createExcelWriter(excel.run) : createPreviewWriter(store)
  const api = fakeApi(options.api)
  const serviceUrls: string[] = []
  const createApi = (url: string) => {
    serviceUrls.push(url)
    return api
  }
  const user = userEvent.setup({ delay: null })
  render(<App store={store} createApi={createApi} writer={writer} host={host} workbook={options.workbook} functions={options.functions} />)
  return { store, excel, writer, user, serviceUrls }
}

/** Types by pasting: one input event instead of one per character (fast with Fluent inputs). */
export async function fill(user: Harness['user'], element: HTMLElement, text: string): Promise<void> {
  await user.click(element)
  await user.paste(text)
}
