import { cleanup, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import { ApiError, type LedgerApi, type Voucher } from '../../addin/api-client.ts'
import { aSession, fill, renderPane } from './pane-harness.tsx'

const DRAFT: Voucher = {
  id: 12, number: null, word: '记', date: '2026-10-31', status: 'draft', summary: '天猫 10 月回款',
  lines: [
    { accountCode: '1012.01', accountName: '支付宝', summary: '回款', debit: '11300.00', credit: '' },
    { accountCode: '1122', accountName: '应收账款', summary: '回款', debit: '', credit: '11300.00' },
  ],
}

function postApi(overrides: Partial<LedgerApi> = {}): Partial<LedgerApi> {
  return {
    vouchers: vi.fn(async () => [{ ...DRAFT, lines: [] }]),
    voucher: vi.fn(async () => DRAFT),
    previewPosting: vi.fn(async () => ({ vouchers: [DRAFT] })),
    runPosting: vi.fn(async () => ({ vouchers: 1, lines: 2 })),
    approveVoucher: vi.fn(async () => ({ ...DRAFT, status: 'posted' })),
    ...overrides,
  }
}

describe('Post', () => {
  it('previews vouchers, posts them, and writes the voucher sheet with a link to it', async () => {
    const api = postApi()
    const { user, excel } = renderPane({ tab: 'post', api })
    await user.click(screen.getByRole('button', { name: 'Preview vouchers' }))
    // Each voucher with its lines: 科目编码 + 科目名称 and 摘要 in one column, then 借/贷.
    const card = await within(await screen.findByRole('list', { name: 'Voucher' })).findByRole('article', { name: '记-12 2026-10-31' })
    const lines = within(card).getByRole('table', { name: 'Lines of 记-12' })
    expect(within(lines).getAllByRole('row').map((row) => row.textContent)).toEqual(['AccountDebitCredit', '1012.01 支付宝回款11,300.00', '1122 应收账款回款11,300.00'])
    await user.click(screen.getByRole('button', { name: 'Post 1 vouchers' }))
    expect(await screen.findByText('Posted 1 vouchers with 2 lines.')).toBeTruthy()
    expect(api.runPosting).toHaveBeenCalledWith('DEMO', '2026-10')
    await user.click(screen.getByRole('button', { name: 'Write vouchers to a sheet' }))
    await user.click(await screen.findByRole('button', { name: 'Open the voucher sheet' }))
    expect(api.voucher).toHaveBeenCalledWith('DEMO', 12)
    // Columns: voucher, date, summary, code, name, store (辅助核算), debit, credit, status.
    expect(excel.cell('Voucher 2026-10', 'G2')).toEqual({ value: 11300, formula: null, numberFormat: '#,##0.00;-#,##0.00' })
    expect(excel.cell('Voucher 2026-10', 'D3')).toEqual({ value: '1122', formula: null, numberFormat: '@' })
    expect(excel.cell('Voucher 2026-10', 'E3')?.value).toBe('应收账款')
    expect(excel.activeSheet).toBe('Voucher 2026-10')
  })

  it('lets an approver approve drafts and shows the maker rule when refused', async () => {
    const approveVoucher = vi.fn(async () => { throw new ApiError('forbidden', 403, 'MAKER_CANNOT_APPROVE', 'the maker of a voucher may not approve it') })
    const { user } = renderPane({ tab: 'post', session: aSession('approver'), api: postApi({ approveVoucher }) })
    await user.click(await screen.findByRole('button', { name: 'Approve' }))
    expect(approveVoucher).toHaveBeenCalledWith('DEMO', 12)
    expect(await screen.findByText('Your role (approver) may not do this. the maker of a voucher may not approve it')).toBeTruthy()
  })

  it('hides approval from accountants and posting from auditors', async () => {
    renderPane({ tab: 'post', api: postApi() })
    await screen.findByRole('article', { name: '记-12 2026-10-31' })
    expect(screen.queryByRole('button', { name: 'Approve' })).toBeNull()
    cleanup()
    const auditor = renderPane({ tab: 'post', session: aSession('auditor'), api: postApi() })
    await auditor.user.click(screen.getByRole('button', { name: 'Preview vouchers' }))
    expect(await screen.findByRole('button', { name: 'Post 1 vouchers' })).toHaveProperty('disabled', true)
  })

  it('says posting is not available when the endpoints are missing', async () => {
    const { user } = renderPane({ tab: 'post', api: { vouchers: async () => [] } })
    await user.click(screen.getByRole('button', { name: 'Preview vouchers' }))
    expect(await screen.findByText('Posting is not available on this service yet.')).toBeTruthy()
    expect(screen.getByText('No vouchers wait for approval.')).toBeTruthy()
  })
})

describe('Settings', () => {
  it('loads settings, validates tolerance and mappings next to the fields, then saves', async () => {
    const saveSettings = vi.fn(async () => ({}))
    const settings = vi.fn(async () => ({ tolerance: '0.01', mappings: { 'alipay.fee': '5603.03' }, rules: ['order-key'] }))
    const { user } = renderPane({ tab: 'settings', api: { settings, saveSettings } })
    const tolerance = screen.getByLabelText(/Matching tolerance/)
    await waitFor(() => expect(tolerance).toHaveProperty('value', '0.01'))
    expect(screen.getByLabelText(/Account mappings/)).toHaveProperty('value', 'alipay.fee = 5603.03')
    await user.clear(tolerance)
    await fill(user, tolerance, '1,5')
    await fill(user, screen.getByLabelText(/Account mappings/), '\nwechat.fee 5603')
    await user.click(screen.getAllByRole('button', { name: 'Save' })[1] ?? document.body)
    expect(screen.getByText('Enter a decimal amount, e.g. 0.01')).toBeTruthy()
    expect(screen.getByText('Line 2 is not "key = account code".')).toBeTruthy()
    expect(saveSettings).not.toHaveBeenCalled()
    await user.clear(tolerance)
    await fill(user, tolerance, '0.05')
    await user.clear(screen.getByLabelText(/Account mappings/))
    await fill(user, screen.getByLabelText(/Account mappings/), 'alipay.fee = 5603.03\nwechat.fee = 5603.04')
    await user.click(screen.getAllByRole('button', { name: 'Save' })[1] ?? document.body)
    expect(saveSettings).toHaveBeenCalledWith('DEMO', { tolerance: '0.05', mappings: { 'alipay.fee': '5603.03', 'wechat.fee': '5603.04' }, rules: ['order-key'] })
    expect(await screen.findByText('Saved.')).toBeTruthy()
  })

  it('shows a server validation error next to the tolerance field', async () => {
    const saveSettings = vi.fn(async () => { throw new ApiError('validation', 400, 'VALIDATION', 'bad', { fields: [{ path: 'tolerance', message: 'tolerance must be below 100.00' }] }) })
    const { user } = renderPane({ tab: 'settings', api: { settings: async () => ({ tolerance: '500' }), saveSettings } })
    await waitFor(() => expect(screen.getByLabelText(/Matching tolerance/)).toHaveProperty('value', '500'))
    await user.click(screen.getAllByRole('button', { name: 'Save' })[1] ?? document.body)
    expect(await screen.findByText('tolerance must be below 100.00')).toBeTruthy()
  })

  it('changes the service URL and the language in preview mode', async () => {
    const { user, store, serviceUrls } = renderPane({ tab: 'settings', host: 'preview' })
    const url = screen.getByLabelText(/Service URL/)
    await user.clear(url)
    await fill(user, url, 'nonsense')
    await user.click(screen.getAllByRole('button', { name: 'Save' })[0] ?? document.body)
    expect(screen.getByText('Enter an http(s) URL, e.g. http://localhost:8787')).toBeTruthy()
    await user.clear(url)
    await fill(user, url, 'https://ledger.example.com')
    await user.click(screen.getAllByRole('button', { name: 'Save' })[0] ?? document.body)
    expect(store.getState().serviceUrl).toBe('https://ledger.example.com')
    expect(serviceUrls).toContain('https://ledger.example.com')
    await user.click(screen.getByRole('radio', { name: '中文' }))
    expect(await screen.findByRole('heading', { name: '设置' })).toBeTruthy()
    expect(screen.getByText('此服务尚未提供“账套设置”功能。')).toBeTruthy()
  })
})
