import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import { ApiError, type CloseCheck, type LedgerApi, type Period } from '../../addin/api-client.ts'
import { PERIOD_SETTING, createWorkbookPort, memoryDocumentSettings, previewDocumentSettings } from '../../addin/excel/workbook-sharing.ts'
import { parseLedgerFormula } from '../../addin/taskpane/FunctionSheet.tsx'
import { SESSION_TTL_MS, createPaneStore, initialState, readStoredSession, signedIn, signedOut } from '../../addin/taskpane/store.ts'
import { SERVICE, aBlocker, aCloseResult, aPeriod, aReport, aSession, fill, notAvailable, renderPane } from './pane-harness.tsx'

function memoryStorage(): Storage & { data: Map<string, string> } {
  const data = new Map<string, string>()
  return {
    data,
    get length() { return data.size },
    clear: () => data.clear(),
    getItem: (key) => data.get(key) ?? null,
    key: (index) => [...data.keys()][index] ?? null,
    removeItem: (key) => { data.delete(key) },
    setItem: (key, value) => { data.set(key, value) },
  }
}

describe('Close (结账)', () => {
  it('closes a period without the close-check route (says so), then shows it closed and read-only; admin reopens with a reason', async () => {
    let status: Period = { period: '2026-10', status: 'open', vouchers: 4, drafts: 0, closedAt: null }
    const closePeriod = vi.fn(async () => {
      status = { ...status, status: 'closed', closedAt: '2026-11-02T09:00:00Z' }
      return aCloseResult({ closingVoucher: 57 })
    })
    const reopenPeriod = vi.fn(async () => {
      status = { ...status, status: 'open', closedAt: null }
    })
    const { user, store } = renderPane({ tab: 'close', session: aSession('admin'), api: { periods: async () => [status], closeCheck: async () => { throw notAvailable() }, closePeriod, reopenPeriod } })
    expect(await screen.findByText(/does not offer the close checklist yet/)).toBeTruthy()
    await user.click(await screen.findByRole('button', { name: 'Close 2026-10' }))
    expect(closePeriod).toHaveBeenCalledWith('DEMO', '2026-10', {})
    expect(await screen.findByText('Period 2026-10 is closed; profit and loss carried forward in voucher #57.')).toBeTruthy()
    const group = screen.getByRole('group', { name: 'Status of 2026-10' })
    expect(within(group).getByText('Closed')).toBeTruthy()
    expect(store.getState().periodStatus['2026-10']).toBe('closed')
    expect(screen.getByRole('status', { name: 'Closed' })).toBeTruthy()
    // reopening needs a reason
    await user.click(screen.getByRole('button', { name: 'Reopen 2026-10' }))
    expect(screen.getByText('Give a reason for the audit log.')).toBeTruthy()
    expect(reopenPeriod).not.toHaveBeenCalled()
    await fill(user, screen.getByRole('textbox', { name: /Why reopen/ }), '补记发票')
    await user.click(screen.getByRole('button', { name: 'Reopen 2026-10' }))
    expect(reopenPeriod).toHaveBeenCalledWith('DEMO', '2026-10', '补记发票')
    expect(await screen.findByText('Period 2026-10 is open again.')).toBeTruthy()
  })

  it('lists the blockers, keeps Close off until an admin forces it with a reason', async () => {
    const check: CloseCheck = { period: '2026-10', ready: false, blockers: [aBlocker('open_exceptions', 2, { zh: '本期有 2 个未处理的对账异常（AMOUNT_MISMATCH 2），请处理、忽略或审批', en: '2 open reconciliation exception(s) in the period (AMOUNT_MISMATCH 2); resolve, ignore or approve them' }), aBlocker('payouts_not_in_bank', 1, { zh: '1 笔提现未到银行', en: '1 payout is not in the bank yet' }), aBlocker('drafts', 0, { zh: '本期没有未记账的凭证', en: 'no vouchers waiting to be posted' })] }
    const closePeriod = vi.fn(async () => aCloseResult())
    const { user } = renderPane({ tab: 'close', session: aSession('admin'), api: { periods: async () => [aPeriod('2026-10', 'open', 3)], closeCheck: async () => check, closePeriod } })
    const list = await screen.findByRole('list', { name: 'Close checklist' })
    expect(within(list).getAllByRole('listitem').map((item) => item.textContent)).toEqual(['2 open reconciliation exception(s) in the period (AMOUNT_MISMATCH 2); resolve, ignore or approve them', '1 payout is not in the bank yet'])
    const close = screen.getByRole('button', { name: 'Close 2026-10' })
    expect(close).toHaveProperty('disabled', true)
    await user.click(screen.getByRole('checkbox', { name: 'Close despite the items above' }))
    await user.click(close)
    expect(screen.getByText('Give a reason for the audit log.')).toBeTruthy()
    await fill(user, screen.getByRole('textbox', { name: /Why close anyway/ }), '年底前对方确认，差额另行处理')
    await user.click(close)
    expect(closePeriod).toHaveBeenCalledWith('DEMO', '2026-10', { force: true, reason: '年底前对方确认，差额另行处理' })
  })

  it('lets an approver look but not close, and shows a refusal from the service in words', async () => {
    renderPane({ tab: 'close', session: aSession('approver'), api: { periods: async () => [], closeCheck: async () => ({ period: '2026-10', ready: true, blockers: [] }) } })
    expect(await screen.findByText('Your role (approver) may look at the checklist but not close periods.')).toBeTruthy()
    expect(screen.queryByRole('button', { name: 'Close 2026-10' })).toBeNull()
  })

  it('says when the close waits for the approval of its period-end vouchers, and who approves (zh-CN)', async () => {
    const pendingVoucher = (id: number) => ({ id, date: '2026-10-31', word: '记', status: 'draft', sourceKind: 'vat-month-end', summary: '结转增值税', total: '130.00', makerId: 3, maker: 'kuaiji' })
    const closePeriod = vi.fn(async () => aCloseResult({ status: 'pending', pending: [pendingVoucher(91), pendingVoucher(92)], approvers: ['li (approver)'] }))
    const { user } = renderPane({ tab: 'close', language: 'zh-CN', api: { periods: async () => [aPeriod('2026-10', 'open', 3)], closeCheck: async () => ({ period: '2026-10', ready: true, blockers: [] }), closePeriod } })
    await screen.findByText('2026-10 可以结账，没有阻碍项。')
    await user.click(await screen.findByRole('button', { name: '结账 2026-10' }))
    expect(await screen.findByText('2026-10 尚未结账：2 张期末凭证待审核（审核人：li (approver)），审核记账后请再次结账。')).toBeTruthy()
    expect(screen.queryByText(/已结账/)).toBeNull()
  })

  it('shows PERIOD_NOT_CLOSABLE in Chinese', async () => {
    const closePeriod = async () => { throw new ApiError('conflict', 409, 'PERIOD_NOT_CLOSABLE', 'period 2026-10 has 1 voucher(s) not yet posted') }
    const { user } = renderPane({ tab: 'close', language: 'zh-CN', api: { periods: async () => [], closeCheck: async () => ({ period: '2026-10', ready: true, blockers: [] }), closePeriod } })
    await screen.findByText('2026-10 可以结账，没有阻碍项。')
    await user.click(await screen.findByRole('button', { name: '结账 2026-10' }))
    expect(await screen.findByText('还有未审核或未记账的凭证，暂不能结账。')).toBeTruthy()
  })
})

describe('period and session', () => {
  it('opens on the latest period with vouchers, or the workbook\'s remembered one, and remembers a choice in the workbook', async () => {
    const periods = async (): Promise<Period[]> => [aPeriod('2024-03', 'open', 5), aPeriod('2024-02', 'closed', 9)]
    const first = renderPane({ tab: 'reports', api: { periods } })
    await waitFor(() => expect(first.store.getState().period).toBe('2024-03'))
    expect(await screen.findByText('Period set to 2024-03, the latest with data.')).toBeTruthy()
    cleanup()

    const settings = memoryDocumentSettings({ [PERIOD_SETTING]: { DEMO: '2024-02' } })
    const workbook = createWorkbookPort(settings, null)
    const second = renderPane({ tab: 'reports', api: { periods }, workbook })
    await waitFor(() => expect(second.store.getState().period).toBe('2024-02'))
    // a closed period shows as closed
    expect(await screen.findByRole('status', { name: 'Closed' })).toBeTruthy()
    const input = screen.getByLabelText('Period')
    fireEvent.change(input, { target: { value: '2024-03' } })
    await waitFor(() => expect(settings.get(PERIOD_SETTING)).toEqual({ DEMO: '2024-03' }))
  })

  it('falls back to the period of the latest import when no period has vouchers', async () => {
    const importedPeriods = vi.fn(async () => ['2024-01', '2024-03'])
    const { store } = renderPane({ tab: 'reports', api: { periods: async () => [], importedPeriods } })
    await waitFor(() => expect(store.getState().period).toBe('2024-03'))
    expect(importedPeriods).toHaveBeenCalledWith('DEMO')
  })

  it('keeps the session across a reload in session storage only, until it expires or the user signs out', () => {
    const local = memoryStorage()
    const session = memoryStorage()
    let now = Date.parse('2026-10-15T08:00:00Z')
    const store = createPaneStore(initialState({ language: 'en', serviceUrl: SERVICE, now: new Date(now), storage: local, sessionStorage: session }), local, session, () => now)
    signedIn(store, aSession('approver'))
    expect([...local.data.values()].some((value) => value.includes('tok-1'))).toBe(false)
    expect(readStoredSession(session, SERVICE, now)?.token).toBe('tok-1')
    // "reload": a new store from the same storages
    const reloaded = initialState({ language: 'en', serviceUrl: SERVICE, now: new Date(now + 60_000), storage: local, sessionStorage: session })
    expect(reloaded.session?.user.username).toBe('kuaiji')
    expect(reloaded.companyCode).toBe('DEMO')
    // another service, or after the time to live: signed out
    expect(readStoredSession(session, 'http://other:8787', now)).toBeNull()
    now += SESSION_TTL_MS + 1
    expect(initialState({ language: 'en', serviceUrl: SERVICE, now: new Date(now), storage: local, sessionStorage: session }).session).toBeNull()
    signedOut(store, false)
    expect(session.data.size).toBe(0)
  })

  it('preview mode keeps the remembered period across reloads, the binding in memory', () => {
    const local = memoryStorage()
    const settings = previewDocumentSettings(local)
    settings.set(PERIOD_SETTING, { DEMO: '2024-03' })
    settings.set('channelLedger.binding', { company: 'DEMO', serviceUrl: SERVICE })
    const again = previewDocumentSettings(local)
    expect(again.get(PERIOD_SETTING)).toEqual({ DEMO: '2024-03' })
    expect(again.get('channelLedger.binding')).toBeNull()
  })
})

describe('the preview function sheet', () => {
  it('parses LEDGER formulas as Excel writes them', () => {
    expect(parseLedgerFormula('=LEDGER.BALANCE("1122","2026-10")')).toEqual({ fn: 'BALANCE', args: ['1122', '2026-10'] })
    expect(parseLedgerFormula('=ledger.activity("5601*", "2026-01", "2026-10", )')).toEqual({ fn: 'ACTIVITY', args: ['5601*', '2026-01', '2026-10', null] })
    expect(parseLedgerFormula('=LEDGER.ACCOUNTNAME(1122)')).toEqual({ fn: 'ACCOUNTNAME', args: [1122] })
    expect(parseLedgerFormula('=LEDGER.ORDER("say ""hi""",TRUE)')).toEqual({ fn: 'ORDER', args: ['say "hi"', true] })
    expect(parseLedgerFormula('=LEDGER.TB()')).toEqual({ fn: 'TB', args: [] })
    expect(parseLedgerFormula('=SUM(A1:A3)')).toBeNull()
    expect(parseLedgerFormula('=LEDGER.BALANCE("1122"')).toBeNull()
    expect(parseLedgerFormula('=LEDGER.BALANCE(A1)')).toBeNull()
  })

  it('evaluates the rows in one batch and says when a formula is not one', async () => {
    const evaluateFunctions = vi.fn<LedgerApi['evaluateFunctions']>(async () => [{ id: 'A1', value: 113 }, { id: 'A2', error: '#N/A', message: 'no access' }, { id: 'A4', value: '支付宝' }])
    const { user } = renderPane({ tab: 'reports', host: 'preview', api: { evaluateFunctions } })
    const sheet = await screen.findByRole('table', { name: 'Worksheet functions (preview)' })
    const a3 = within(sheet).getByRole('textbox', { name: 'Formula A3' })
    await user.clear(a3)
    await fill(user, a3, 'hello')
    await user.click(screen.getByRole('button', { name: 'Evaluate' }))
    expect(evaluateFunctions).toHaveBeenCalledTimes(1)
    expect(evaluateFunctions.mock.calls[0]?.[1]).toEqual([
      { id: 'A1', fn: 'BALANCE', args: ['1122', '2026-10'] }, { id: 'A2', fn: 'ACTIVITY', args: ['5001', '2026-10'] }, { id: 'A4', fn: 'ACCOUNTNAME', args: ['1012.01'] },
    ])
    await waitFor(() => expect(within(sheet).getByRole('cell', { name: 'Value A1' }).textContent).toBe('113'))
    expect(within(sheet).getByRole('cell', { name: 'Value A2' }).textContent).toBe('#N/A no access')
    expect(within(sheet).getByRole('cell', { name: 'Value A3' }).textContent).toBe('Write a formula like =LEDGER.BALANCE("1122","2026-10").')
    expect(within(sheet).getByRole('cell', { name: 'Value A4' }).textContent).toBe('支付宝')
    // and "Refresh LEDGER functions" no longer claims a recalculation in preview mode
    await user.click(screen.getByRole('button', { name: 'Refresh LEDGER functions' }))
    expect(await screen.findByText(/there are no LEDGER cells to recalculate/)).toBeTruthy()
  })
})

describe('finding an exception', () => {
  it('narrows the list by order number, store or amount, and select-all takes only what is shown', async () => {
    const { matchesSearch } = await import('../../addin/taskpane/MatchPane.tsx')
    const mismatch = { id: 41, type: 'AMOUNT_MISMATCH', status: 'open', orderNo: '6805182037562043639', store: 'tmall-main', amount: '1191.96', difference: '-12.00' }
    expect(matchesSearch(mismatch, '6805')).toBe(true)
    expect(matchesSearch(mismatch, 'TMALL')).toBe(true)
    expect(matchesSearch(mismatch, '1,191.96')).toBe(true)
    expect(matchesSearch(mismatch, '-12')).toBe(true)
    expect(matchesSearch(mismatch, '41')).toBe(false)
    expect(matchesSearch(mismatch, 'jd-')).toBe(false)

    const exceptions = async () => [mismatch, { id: 42, type: 'ORPHAN_PAYMENT', status: 'open', orderNo: '5154093710396146091', store: 'jd-flagship', amount: '43.21', difference: '43.21' }]
    const actOnException = vi.fn(async () => ({ status: 'ignored' }))
    const { user } = renderPane({ tab: 'match', api: { exceptions, actOnException } })
    const list = await screen.findByRole('list', { name: 'Exceptions' })
    await within(list).findByRole('button', { name: /Payment without order/ })
    await fill(user, screen.getByRole('searchbox', { name: 'Find' }), 'jd-flag')
    await waitFor(() => expect(within(list).getAllByRole('button').map((button) => button.textContent)).toEqual(['Payment without order · 515409371039614609143.21']))
    expect(screen.queryByRole('checkbox', { name: 'Select all shown' })).toBeNull()
    await user.click(within(list).getByRole('checkbox'))
    await fill(user, screen.getByRole('textbox', { name: /One reason/ }), 'test payment')
    await user.click(screen.getByRole('button', { name: 'Ignore selected (1)' }))
    expect(await screen.findByText('1 exceptions decided.')).toBeTruthy()
    expect(actOnException).toHaveBeenCalledTimes(1)
    expect(actOnException).toHaveBeenCalledWith('DEMO', 42, 'ignore', 'test payment')
  })
})

describe('drill-down from a figure', () => {
  it('opens the 明细账 behind a trial-balance account and asks for an account when chosen by hand', async () => {
    const detail = aReport({ report: 'account-detail', title: '明细账',
      columns: [{ key: 'date', label: '日期', kind: 'text' }, { key: 'voucher', label: '凭证', kind: 'text' }, { key: 'summary', label: '摘要', kind: 'text' }, { key: 'debit', label: '借方', kind: 'amount' }],
      rows: [{ date: '2026-10-02', voucher: '记-3', summary: '天猫回款', debit: '11300.00' }] })
    const report = vi.fn<LedgerApi['report']>(async () => detail)
    const { aTrialBalance } = await import('./pane-harness.tsx')
    const { user } = renderPane({ tab: 'reports', api: { trialBalance: async () => aTrialBalance(), report } })
    await user.click(screen.getByRole('button', { name: 'Show' }))
    const drill = await screen.findByRole('table', { name: /Accounts with activity/ })
    await user.click(within(drill).getByText('1012.01 Alipay'))
    expect(report).toHaveBeenCalledWith('DEMO', 'account-detail', '2026-10', { account: '1012.01' })
    const region = await screen.findByRole('region', { name: 'Account detail (lines behind a figure) 2026-10' })
    expect(within(region).getByText('记-3')).toBeTruthy()
    expect(screen.getByRole('combobox', { name: 'Report' })).toHaveProperty('value', 'account-detail')
    // by hand: the account is required
    await user.clear(screen.getByRole('combobox', { name: /Account/ }))
    await user.click(screen.getByRole('button', { name: 'Show' }))
    expect(await screen.findByText('Enter an account code, e.g. 1122.')).toBeTruthy()
    expect(report).toHaveBeenCalledTimes(1)
  })
})
