import { screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import { ApiError } from '../../addin/api-client.ts'
import { excelSerial } from '../../addin/excel/cells.ts'
import { SERVICE, aSession, aTrialBalance, fill, renderPane } from './pane-harness.tsx'

describe('Sign in', () => {
  it('signs in and shows the company, period and the panes', async () => {
    const login = vi.fn(async () => aSession('accountant'))
    const { user, store } = renderPane({ session: null, api: { login } })
    await fill(user, screen.getByLabelText(/Username/), 'kuaiji')
    await fill(user, screen.getByLabelText(/Password/), 'secret')
    await user.click(screen.getByRole('button', { name: 'Sign in' }))
    expect(login).toHaveBeenCalledWith('kuaiji', 'secret')
    expect(await screen.findByRole('tab', { name: 'Reports' })).toBeTruthy()
    expect(screen.getByRole('combobox', { name: /Company/ })).toHaveProperty('value', 'DEMO')
    expect(screen.getByText('王会计 · accountant')).toBeTruthy()
    expect(store.getState().session?.token).toBe('tok-1')
  })

  it('says the service is down when the network fails', async () => {
    const login = vi.fn(async () => { throw new ApiError('network', 0, 'NETWORK', 'Failed to fetch') })
    const { user } = renderPane({ session: null, api: { login } })
    await fill(user, screen.getByLabelText(/Username/), 'kuaiji')
    await fill(user, screen.getByLabelText(/Password/), 'secret')
    await user.click(screen.getByRole('button', { name: 'Sign in' }))
    expect(await screen.findByText(`Cannot reach the service at ${SERVICE}. Is \`cledger serve\` running?`)).toBeTruthy()
  })

  it('shows a 401 as wrong credentials next to the password field', async () => {
    const login = vi.fn(async () => { throw new ApiError('unauthorized', 401, 'UNAUTHORIZED', 'bad credentials') })
    const { user } = renderPane({ session: null, api: { login } })
    await fill(user, screen.getByLabelText(/Username/), 'kuaiji')
    await fill(user, screen.getByLabelText(/Password/), 'wrong')
    await user.click(screen.getByRole('button', { name: 'Sign in' }))
    const password = screen.getByLabelText(/Password/)
    await waitFor(() => expect(password.getAttribute('aria-invalid')).toBe('true'))
    expect(screen.getByText('Wrong username or password.')).toBeTruthy()
  })

  it('shows validation errors from the service next to their fields, and its own before calling', async () => {
    const login = vi.fn(async () => {
      throw new ApiError('validation', 400, 'VALIDATION', 'invalid', { fields: [{ path: 'username', message: 'Too small: expected string to have >=3 characters' }] })
    })
    const { user } = renderPane({ session: null, api: { login } })
    await user.click(screen.getByRole('button', { name: 'Sign in' }))
    expect(screen.getAllByText('Required')).toHaveLength(2)
    expect(login).not.toHaveBeenCalled()
    await fill(user, screen.getByLabelText(/Username/), 'k')
    await fill(user, screen.getByLabelText(/Password/), 'x')
    await user.click(screen.getByRole('button', { name: 'Sign in' }))
    const message = await screen.findByText('Too small: expected string to have >=3 characters')
    expect(screen.getByLabelText(/Username/).getAttribute('aria-describedby')).toContain(message.id)
    expect(screen.queryByText('invalid')).toBeNull()
  })

  it('refuses a service URL that is not http(s)', async () => {
    const { user } = renderPane({ session: null })
    const url = screen.getByLabelText(/Service URL/)
    await user.clear(url)
    await fill(user, url, 'ftp://x')
    await user.click(screen.getByRole('button', { name: 'Sign in' }))
    expect(screen.getByText('Enter an http(s) URL, e.g. http://localhost:8787')).toBeTruthy()
  })

  it('speaks Chinese when Office says zh-CN', () => {
    renderPane({ session: null, language: 'zh-CN' })
    expect(screen.getByRole('heading', { name: '渠道账本' })).toBeTruthy()
    expect(screen.getByRole('button', { name: '登录' })).toBeTruthy()
    expect(screen.getByLabelText(/用户名/)).toBeTruthy()
  })
})

describe('Reports', () => {
  it('writes the trial balance to a formatted sheet with numbers, a frozen header and a chart', async () => {
    const trialBalance = vi.fn(async () => aTrialBalance())
    const { user, excel } = renderPane({ tab: 'reports', api: { trialBalance } })
    await user.click(screen.getByRole('button', { name: 'Write to a sheet' }))
    expect(await screen.findByText('Written 5 rows to sheet “Trial balance 2026-10”.')).toBeTruthy()
    expect(trialBalance).toHaveBeenCalledWith('DEMO', '2026-10')
    const sheet = excel.sheet('Trial balance 2026-10')
    expect(sheet.frozenRows).toBe(3)
    expect(sheet.tables[0]?.name).toBe('TB_DEMO_2026_10')
    expect(sheet.charts).toHaveLength(1)
    expect(excel.cell('Trial balance 2026-10', 'E4')).toEqual({ value: 11300, formula: null, numberFormat: '#,##0.00;-#,##0.00' })
    expect(excel.cell('Trial balance 2026-10', 'A7')).toEqual({ value: '2221.01.02', formula: null, numberFormat: '@' })
    expect(excel.cell('Trial balance 2026-10', 'B7')?.value).toBe('=HYPERLINK("http://evil")')
    expect(excel.allCells().filter((cell) => cell.formula !== null)).toEqual([])
    expect(screen.getByText('Balanced')).toBeTruthy()
    expect(excelSerial('2026-10-01')).toBe(46296)
  })

  it('shows a 403 with the role', async () => {
    const trialBalance = vi.fn(async () => { throw new ApiError('forbidden', 403, 'FORBIDDEN', 'reports.read needed') })
    const { user } = renderPane({ tab: 'reports', session: aSession('sales'), api: { trialBalance } })
    await user.click(screen.getByRole('button', { name: 'Write to a sheet' }))
    expect(await screen.findByText('Your role (sales) may not do this. reports.read needed')).toBeTruthy()
  })

  it('ends the session on 401 and asks to sign in again', async () => {
    const trialBalance = vi.fn(async () => { throw new ApiError('unauthorized', 401, 'UNAUTHORIZED', 'token expired') })
    const { user, store } = renderPane({ tab: 'reports', api: { trialBalance } })
    await user.click(screen.getByRole('button', { name: 'Write to a sheet' }))
    expect(await screen.findByText('Your session has ended. Please sign in again.')).toBeTruthy()
    expect(store.getState().session).toBeNull()
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeTruthy()
  })

  it('renders the table in the page in preview mode', async () => {
    const { user } = renderPane({ tab: 'reports', host: 'preview', language: 'zh-CN', api: { trialBalance: async () => aTrialBalance() } })
    await user.click(screen.getByRole('button', { name: '写入工作表' }))
    const table = await screen.findByRole('table', { name: '试算平衡表 2026-10' })
    expect(within(table).getAllByText('11,300.00', { selector: 'td' })).toHaveLength(8)
    expect(within(table).getByText('=cmd|销项税额')).toBeTruthy()
    expect(within(table).getAllByRole('columnheader').map((cell) => cell.textContent)).toEqual(['科目编码', '科目名称', '期初借方', '期初贷方', '借方', '贷方', '期末借方', '期末贷方'])
    expect(screen.getByRole('figure', { name: '各类科目期末余额 · 2026-10' })).toBeTruthy()
  })

  it('switches panes from the keyboard', async () => {
    const { user, store } = renderPane({ tab: 'reports' })
    screen.getByRole('tab', { name: 'Settings' }).focus()
    await user.keyboard('{Enter}')
    expect(store.getState().tab).toBe('settings')
    expect(screen.getByRole('heading', { name: 'Settings' })).toBeTruthy()
  })
})
