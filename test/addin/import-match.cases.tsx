import { cleanup, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import { ApiError, type ExceptionDetail, type ImportProgress, type ImportSummary, type LedgerApi, type MatchException } from '../../addin/api-client.ts'
import { aSession, anImportSummary, fill, renderPane } from './pane-harness.tsx'

const ALIPAY_HEAD = '#支付宝账务明细查询\n#账号：[20888011365400330156]\n账务流水号,业务流水号,商户订单号\n'

function aFile(name: string, text: string): File {
  return new File([text], name, { type: 'text/csv' })
}

describe('Import', () => {
  it('shows the detected format, a progress bar through upload and import, and summarises each file', async () => {
    const gates = [0, 1, 2].map(() => {
      let release: () => void = () => undefined
      const gate = new Promise<void>((resolve) => { release = resolve })
      return { gate, release }
    })
    const step: Omit<ImportProgress, 'phase' | 'percent'> = { file: '账务明细.csv', fileIndex: 1, files: 1, rows: 0, records: 0, rejects: 0 }
    const uploadImport = vi.fn<LedgerApi['uploadImport']>(async (_company, files, options) => {
      options.onProgress?.({ ...step, file: null, phase: 'upload', percent: null })
      await gates[0]?.gate
      options.onProgress?.({ ...step, phase: 'parse', percent: 50, rows: 12_000, records: 12_400, rejects: 1 })
      await gates[1]?.gate
      options.onProgress?.({ ...step, phase: 'insert', percent: 99, rows: 24_000, records: 24_800, rejects: 1 })
      await gates[2]?.gate
      return files.map((file): ImportSummary => anImportSummary({ id: 9, fileName: file.name, format: 'alipay', read: 120, imported: 118, duplicates: 1, rejected: 1 }))
    })
    const { user } = renderPane({ tab: 'import', api: { uploadImport } })
    await user.upload(screen.getByTestId('file-input'), aFile('账务明细.csv', ALIPAY_HEAD))
    const picked = await screen.findByRole('list', { name: 'Detected format' })
    expect(within(picked).getByText('alipay')).toBeTruthy()
    await fill(user, screen.getByLabelText(/Store/), '天猫旗舰店')
    await user.click(screen.getByRole('button', { name: 'Upload' }))
    expect(await screen.findByText('Uploading…')).toBeTruthy()
    expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBeNull()
    gates[0]?.release()
    expect(await screen.findByText('Importing 账务明细.csv: 50% · 12,000 rows, 1 rejected')).toBeTruthy()
    expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('0.5')
    gates[1]?.release()
    expect(await screen.findByText('Saving 账务明细.csv: 24,000 rows…')).toBeTruthy()
    gates[2]?.release()
    const summary = await screen.findByRole('table', { name: 'Import summary' })
    expect(screen.queryByRole('progressbar')).toBeNull()
    expect(within(summary).getAllByRole('row')[1]?.textContent).toContain('账务明细.csvalipay12011811')
    expect(uploadImport.mock.calls[0]?.[0]).toBe('DEMO')
    expect(uploadImport.mock.calls[0]?.[2].store).toBe('天猫旗舰店')
  })

  it('guesses a bank statement naming 支付宝 as a bank file, and sends force when the box is ticked', async () => {
    const uploadImport = vi.fn<LedgerApi['uploadImport']>(async (_company, files) => files.map((file): ImportSummary => anImportSummary({ id: 4, fileName: file.name, format: 'bank-icbc', read: 2, imported: 2 })))
    const { user } = renderPane({ tab: 'import', api: { uploadImport } })
    await user.upload(screen.getByTestId('file-input'), aFile('工行明细.csv', '凭证号,本方账号,对方账号,交易时间,借/贷,借方发生额,贷方发生额,对方行号,摘要,用途,对方单位名称,余额\n,1202,2088,2024-03-02 10:00:00,贷,,100.00,,提现,,支付宝（中国）网络技术有限公司,1100.00\n'))
    expect(within(await screen.findByRole('list', { name: 'Detected format' })).getByText('bank-csv')).toBeTruthy()
    await user.click(screen.getByRole('checkbox', { name: /does not add up to its own balance or totals/ }))
    await user.click(screen.getByRole('button', { name: 'Upload' }))
    await screen.findByRole('table', { name: 'Import summary' })
    expect(uploadImport.mock.calls[0]?.[2].force).toBe(true)
  })

  it('writes rejected rows to a sheet on request, as text that cannot run', async () => {
    const importRejects = vi.fn(async () => [{ row: 7, column: 'amount', reason: 'amount is not a number', raw: '=1+2,abc' }])
    const { user, excel } = renderPane({
      tab: 'import',
      api: { uploadImport: async () => [anImportSummary({ id: 3, fileName: 'bad.csv', format: 'generic', read: 2, imported: 1, rejected: 1 })], importRejects },
    })
    await user.upload(screen.getByTestId('file-input'), aFile('bad.csv', 'a,b\n1,2\n'))
    await user.click(screen.getByRole('button', { name: 'Upload' }))
    await user.click(await screen.findByRole('button', { name: 'Write rejected rows to a sheet' }))
    expect(await screen.findByText(/Written 1 rows to sheet/)).toBeTruthy()
    expect(importRejects).toHaveBeenCalledWith('DEMO', 3)
    expect(excel.cell('Rejected rows bad.csv', 'C2')).toEqual({ value: '=1+2,abc', formula: null, numberFormat: '@' })
  })

  it('asks for a file next to the drop zone, and opens the picker from the keyboard', async () => {
    const { user } = renderPane({ tab: 'import' })
    await user.click(screen.getByRole('button', { name: 'Upload' }))
    expect(screen.getByText('Choose at least one file.')).toBeTruthy()
    const input = screen.getByTestId('file-input')
    const click = vi.spyOn(input, 'click')
    screen.getByRole('button', { name: /press Enter to choose files/ }).focus()
    await user.keyboard('{Enter}')
    expect(click).toHaveBeenCalledTimes(1)
  })

  it('says import is not available when the service lacks the endpoint', async () => {
    const { user } = renderPane({ tab: 'import' })
    await user.upload(screen.getByTestId('file-input'), aFile('x.csv', 'a\n'))
    await user.click(screen.getByRole('button', { name: 'Upload' }))
    expect(await screen.findByText('Import is not available on this service yet.')).toBeTruthy()
  })

  it('shows an unsupported-format error next to the file field', async () => {
    const uploadImport = async () => { throw new ApiError('validation', 415, 'UNSUPPORTED_FORMAT', 'unknown format', { fields: { file: 'x.csv: no known header found' } }) }
    const { user } = renderPane({ tab: 'import', api: { uploadImport } })
    await user.upload(screen.getByTestId('file-input'), aFile('x.csv', 'a\n'))
    await user.click(screen.getByRole('button', { name: 'Upload' }))
    expect(await screen.findByText('x.csv: no known header found')).toBeTruthy()
  })

  it('names the file of a multi-file upload and says so in Chinese too', async () => {
    const { progressLabel } = await import('../../addin/taskpane/ImportPane.tsx')
    const { translator } = await import('../../addin/taskpane/i18n.ts')
    const progress: ImportProgress = { phase: 'parse', percent: null, file: 'w.xlsx', fileIndex: 2, files: 3, rows: 1500, records: 1500, rejects: 0 }
    expect(progressLabel(progress, translator('en'))).toBe('Importing w.xlsx (2/3): 1,500 rows, 0 rejected')
    expect(progressLabel({ ...progress, percent: 40 }, translator('zh-CN'))).toBe('正在导入 w.xlsx (2/3)：40% · 已读 1,500 行，拒收 0 行')
    expect(progressLabel({ ...progress, phase: 'upload', percent: 30 }, translator('zh-CN'))).toBe('正在上传… 30%')
  })

  it('keeps sales users from uploading', () => {
    renderPane({ tab: 'import', session: aSession('sales') })
    expect(screen.getByRole('button', { name: 'Upload' })).toHaveProperty('disabled', true)
  })
})

const EXCEPTION: MatchException = { id: 41, type: 'amount_mismatch', status: 'open', orderNo: '202610150000000001', store: '天猫', amount: '113.00', difference: '-0.50', message: 'paid 112.50' }
const DETAIL: ExceptionDetail = {
  exception: EXCEPTION,
  order: { orderNo: '202610150000000001', buyer: '张三', total: '113.00' },
  money: [{ id: 'm1', kind: 'payment', tradeNo: '2026101522001', date: '2026-10-15', amount: '112.50' }],
  candidates: [{ id: 'm2', kind: 'payment', tradeNo: '2026101622002', date: '2026-10-16', amount: '0.50' }],
}

function matchApi(overrides: Partial<LedgerApi> = {}): Partial<LedgerApi> {
  return {
    exceptions: vi.fn(async () => [EXCEPTION]),
    runMatch: vi.fn(async () => ({ counts: { matched: 118, partial: 1, unmatched: 2 }, exceptions: { amount_mismatch: 1, missing_payment: 2 } })),
    exceptionDetail: vi.fn(async () => DETAIL),
    actOnException: vi.fn(async (_company: string, _id: string | number, action: string) => ({ status: action === 'ignore' ? 'ignored' : 'resolved' })),
    manualMatch: vi.fn(async () => ({ status: 'matched' })),
    ...overrides,
  }
}

describe('Match', () => {
  it('runs matching and shows counts by status and exception type', async () => {
    const api = matchApi()
    const { user } = renderPane({ tab: 'match', api })
    await user.click(screen.getByRole('button', { name: 'Run matching' }))
    const counts = await screen.findByRole('group', { name: 'Counts by status' })
    // Known codes read as words (the catalogue), unknown ones as given in English.
    expect(counts.textContent).toBe('matched: 118partial: 1Unmatched: 2amount_mismatch: 1missing_payment: 2')
    expect(api.runMatch).toHaveBeenCalledWith('DEMO', '2026-10')
  })

  it('filters the exception list by status and type', async () => {
    const api = matchApi()
    const { user } = renderPane({ tab: 'match', api })
    await screen.findByRole('button', { name: /amount_mismatch · 202610150000000001/ })
    await user.selectOptions(screen.getByRole('combobox', { name: 'Status' }), 'ignored')
    await user.selectOptions(screen.getByRole('combobox', { name: 'Type' }), 'amount_mismatch')
    await waitFor(() => expect(api.exceptions).toHaveBeenLastCalledWith('DEMO', { status: 'ignored', type: 'amount_mismatch', period: '2026-10' }))
  })

  it('opens an exception side by side, needs a reason, then resolves it', async () => {
    const api = matchApi()
    const { user } = renderPane({ tab: 'match', api })
    await user.click(await screen.findByRole('button', { name: /amount_mismatch · 202610150000000001/ }))
    const detail = await screen.findByRole('region', { name: 'amount_mismatch 202610150000000001' })
    expect(within(detail).getByText('张三')).toBeTruthy()
    expect(within(detail).getByText('112.50')).toBeTruthy()
    await user.click(within(detail).getByRole('button', { name: 'Resolve' }))
    expect(within(detail).getByText('Give a reason for the audit log.')).toBeTruthy()
    expect(api.actOnException).not.toHaveBeenCalled()
    await fill(user, within(detail).getByRole('textbox'), '平台少付 0.50，次日补款')
    await user.click(within(detail).getByRole('button', { name: 'Resolve' }))
    expect(api.actOnException).toHaveBeenCalledWith('DEMO', 41, 'resolve', '平台少付 0.50，次日补款')
    expect(await screen.findByText('Done.')).toBeTruthy()
    expect(screen.queryByRole('button', { name: /amount_mismatch · 202610150000000001/ })).toBeNull()
  })

  it('matches manually against chosen candidates', async () => {
    const api = matchApi()
    const { user } = renderPane({ tab: 'match', api })
    await user.click(await screen.findByRole('button', { name: /amount_mismatch/ }))
    const detail = await screen.findByRole('region', { name: /amount_mismatch 2026/ })
    await user.click(within(detail).getByRole('button', { name: 'Match selected' }))
    expect(within(detail).getByText('Select at least one money line.')).toBeTruthy()
    await user.click(within(detail).getByRole('checkbox', { name: /2026101622002/ }))
    await fill(user, within(detail).getByRole('textbox'), '补款')
    await user.click(within(detail).getByRole('button', { name: 'Match selected' }))
    expect(api.manualMatch).toHaveBeenCalledWith('DEMO', '202610150000000001', ['m2'], '补款')
  })

  it('matches money without an order to the one candidate order chosen', async () => {
    const orphan: MatchException = { id: 42, type: 'orphan_payment', status: 'open', orderNo: null, store: '天猫', amount: '88.00', difference: '88.00', message: 'no order' }
    const detail: ExceptionDetail = {
      exception: orphan, order: {}, orders: [],
      money: [{ id: 'alipay|2026101722009|payment', kind: 'payment', tradeNo: '2026101722009', date: '2026-10-17', amount: '88.00' }],
      candidates: [
        { id: 'taobao|T900|order', kind: 'order', orderNo: 'T900', tradeNo: 'T900', date: '2026-10-16', amount: '88.00' },
        { id: 'taobao|T901|order', kind: 'order', orderNo: 'T901', tradeNo: 'T901', date: '2026-10-10', amount: '88.00' },
      ],
    }
    const api = matchApi({ exceptions: vi.fn(async () => [orphan]), exceptionDetail: vi.fn(async () => detail) })
    const { user } = renderPane({ tab: 'match', api })
    await user.click(await screen.findByRole('button', { name: /orphan_payment/ }))
    const region = await screen.findByRole('region', { name: /orphan_payment/ })
    await user.click(within(region).getByRole('checkbox', { name: /T900/ }))
    await user.click(within(region).getByRole('checkbox', { name: /T901/ }))
    await fill(user, within(region).getByRole('textbox'), '买家改了订单号')
    await user.click(within(region).getByRole('button', { name: 'Match selected' }))
    expect(within(region).getAllByRole('checkbox').map((box) => (box as HTMLInputElement).checked)).toEqual([true, true])
    expect(within(region).getByText('Choose one order for this money.')).toBeTruthy()
    expect(api.manualMatch).not.toHaveBeenCalled()
    await user.click(within(region).getByRole('checkbox', { name: /T901/ }))
    await user.click(within(region).getByRole('button', { name: 'Match selected' }))
    expect(api.manualMatch).toHaveBeenCalledWith('DEMO', 'T900', ['alipay|2026101722009|payment'], '买家改了订单号')
  })

  it('offers Approve only to approvers and nothing to sales', async () => {
    const { user } = renderPane({ tab: 'match', api: matchApi() })
    await user.click(await screen.findByRole('button', { name: /amount_mismatch/ }))
    await screen.findByRole('region', { name: /amount_mismatch 2026/ })
    expect(screen.queryByRole('button', { name: 'Approve' })).toBeNull()
    cleanup()
    const approver = renderPane({ tab: 'match', session: aSession('approver'), api: matchApi() })
    await approver.user.click(await screen.findByRole('button', { name: /amount_mismatch/ }))
    expect(await screen.findByRole('button', { name: 'Approve' })).toBeTruthy()
    cleanup()
    const sales = renderPane({ tab: 'match', session: aSession('sales'), api: matchApi() })
    expect(screen.getByText('Your role (sales) can look but not change matches.')).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Run matching' })).toHaveProperty('disabled', true)
    await sales.user.click(await screen.findByRole('button', { name: /amount_mismatch/ }))
    await screen.findByRole('region', { name: /amount_mismatch 2026/ })
    expect(screen.queryByRole('button', { name: 'Resolve' })).toBeNull()
  })

  it('shows a server-side reason error next to the reason field and a 403 as a message', async () => {
    const actOnException = vi.fn(async () => { throw new ApiError('validation', 400, 'VALIDATION', 'bad', { fields: [{ path: 'reason', message: 'reason must be at least 4 characters' }] }) })
    const { user } = renderPane({ tab: 'match', api: matchApi({ actOnException }) })
    await user.click(await screen.findByRole('button', { name: /amount_mismatch/ }))
    const detail = await screen.findByRole('region', { name: /amount_mismatch 2026/ })
    await fill(user, within(detail).getByRole('textbox'), 'ok')
    await user.click(within(detail).getByRole('button', { name: 'Ignore' }))
    expect(await within(detail).findByText('reason must be at least 4 characters')).toBeTruthy()
  })

  it('says matching is not available when the endpoints are missing', async () => {
    renderPane({ tab: 'match' })
    expect(await screen.findByText('Matching is not available on this service yet.')).toBeTruthy()
  })
})
