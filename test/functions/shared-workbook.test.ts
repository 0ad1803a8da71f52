import { describe, expect, it } from 'vitest'
import { FORMULAS_SHEET, convertLedgerFormulasToValues, readWorkbookBinding, rememberWorkbookBinding, restoreLedgerFormulas } from '../../addin/excel/workbook-sharing.ts'
import { registerCustomFunctions, refreshLedgerFunctions } from '../../addin/functions/register.ts'
import { ledgerSession } from '../../addin/functions/session.ts'
import { createApp } from '../../service/app.ts'
import { writeVouchers } from '../../service/ledger/vouchers.ts'
import { aSale, aVoucher } from '../support/builders.ts'
import { ledgerWithCompany } from '../support/db.ts'
import { signedIn } from '../support/http.ts'
import { FakeWorkbook } from './fake-workbook.ts'
import { customFunctionsStub } from './stub.ts'

const SERVICE_URL = 'https://ledger.acme.test'

const REPORT: Record<string, string> = {
  A1: '=LEDGER.BALANCE("1122","2026-10")',
  A2: '=LEDGER.BALANCE("1002","2026-10")',
  A3: '=LEDGER.BALANCE("5601*","2026-10")',
  A4: '=LEDGER.ACTIVITY("5001","2026-10")',
  A5: '=LEDGER.BALANCE("1012.01","2026-10",,)',
  A6: '=LEDGER.ACCOUNTNAME("3103")',
}

async function sharedSetup() {
  const { context, company } = await ledgerWithCompany('ACME')
  await writeVouchers(context, { userId: null }, company.id, [
    { input: aSale('2026-10-05', 'tmall-main').build() },
    { input: aVoucher('2026-10-06').debit('5601.01', '5.00').credit('1012.01', '5.00').build() },
    { input: aVoucher('2026-10-07').debit('5601.02', '20.00').credit('1002', '20.00').build() },
  ], { mode: 'post' })
  const api = createApp({ context })
  const accountantToken = await signedIn(api, context, company, 'wang.kuaiji', 'accountant')
  const salesToken = await signedIn(api, context, company, 'li.xiaoshou', 'sales')
  const stub = customFunctionsStub()
  // The shared runtime: the add-in's fetch reaches the service (answered in-process by the Hono app).
  registerCustomFunctions({ api: stub.api, fetch: async (url, init) => api.app.request(url, init), batcher: { windowMs: 5 } })
  return { accountantToken, salesToken, stub }
}

/** What the task pane does when a workbook opens and its user signs in. */
function openAs(workbook: FakeWorkbook, token: string): void {
  const binding = readWorkbookBinding(workbook.settings())
  if (!binding) throw new Error('the workbook is not bound to a company')
  ledgerSession.update({ serviceUrl: binding.serviceUrl, company: binding.company, token })
}

describe('a workbook shared between an accountant and a sales user', () => {
  it('remembers company and service, and shows each user the figures their role allows', async () => {
    const { accountantToken, salesToken, stub } = await sharedSetup()
    const workbook = new FakeWorkbook(['Report'])
    for (const [address, formula] of Object.entries(REPORT)) workbook.setFormula('Report', address, formula)

    // the accountant builds the report and binds the workbook (no token goes into the file)
    ledgerSession.update({ serviceUrl: SERVICE_URL, company: 'ACME', token: accountantToken })
    await rememberWorkbookBinding(workbook.settings(), { company: 'ACME', serviceUrl: SERVICE_URL, boundBy: 'wang.kuaiji' })
    await workbook.calculate(stub.invoke)
    const accountantView = Object.keys(REPORT).map((address) => workbook.shown('Report', address))
    expect(accountantView).toEqual([113, -20, 25, -100, -5, '本年利润'])

    // the sales user opens the same file: same company and service, their own sign-in and role
    ledgerSession.update({ serviceUrl: null, company: null, token: null })
    openAs(workbook, salesToken)
    expect(readWorkbookBinding(workbook.settings())).toEqual({ company: 'ACME', serviceUrl: SERVICE_URL, boundBy: 'wang.kuaiji' })
    await workbook.calculate(stub.invoke)
    const salesView = Object.keys(REPORT).map((address) => workbook.shown('Report', address))
    const noAccess = { error: '#N/A', message: 'no access' }
    expect(salesView).toEqual([113, noAccess, 25, -100, noAccess, noAccess])
  })

  it('signing out and refreshing never leaves a cell busy: every formula shows an error with a reason', async () => {
    const { accountantToken, stub } = await sharedSetup()
    const workbook = new FakeWorkbook(['Report'])
    for (const [address, formula] of Object.entries(REPORT)) workbook.setFormula('Report', address, formula)
    await rememberWorkbookBinding(workbook.settings(), { company: 'ACME', serviceUrl: SERVICE_URL })
    openAs(workbook, accountantToken)
    await workbook.calculate(stub.invoke)
    expect(workbook.shown('Report', 'A1')).toBe(113)
    ledgerSession.update({ token: null })
    expect(refreshLedgerFunctions()).toBeGreaterThan(0)
    await workbook.calculate(stub.invoke)
    for (const address of Object.keys(REPORT)) expect(workbook.shown('Report', address)).toMatchObject({ error: '#N/A', message: expect.stringContaining('sign in') })
  })

  it('converts to values for people without the add-in, keeping the formulas in a hidden sheet, and restores them', async () => {
    const { accountantToken, stub } = await sharedSetup()
    const workbook = new FakeWorkbook(['Report', 'Notes'])
    for (const [address, formula] of Object.entries(REPORT)) workbook.setFormula('Report', address, formula)
    workbook.setFormula('Report', 'B1', '=A1*2')
    workbook.setFormula('Notes', 'C3', '=LEDGER.BALANCE("1122","2026-10","tmall-main")')
    await rememberWorkbookBinding(workbook.settings(), { company: 'ACME', serviceUrl: SERVICE_URL })
    openAs(workbook, accountantToken)
    await workbook.calculate(stub.invoke)

    const converted = await convertLedgerFormulasToValues(workbook.run)
    expect(converted.map((item) => `${item.sheet}!${item.address}`)).toEqual(['Report!A1', 'Report!A2', 'Report!A3', 'Report!A4', 'Report!A5', 'Report!A6', 'Notes!C3'])
    expect(workbook.formula('Report', 'A1')).toBeNull()
    expect(workbook.shown('Report', 'A1')).toBe(113)
    expect(workbook.shown('Notes', 'C3')).toBe(113)
    expect(workbook.formula('Report', 'B1')).toBe('=A1*2')
    const hidden = workbook.sheet(FORMULAS_SHEET)
    expect(hidden?.visibility).toBe('Hidden')
    expect(workbook.formula(FORMULAS_SHEET, 'C2')).toBeNull()
    expect(workbook.shown(FORMULAS_SHEET, 'C2')).toBe('=LEDGER.BALANCE("1122","2026-10")')

    expect(await restoreLedgerFormulas(workbook.run)).toBe(7)
    expect(workbook.formula('Report', 'A3')).toBe('=LEDGER.BALANCE("5601*","2026-10")')
    expect(workbook.formula('Notes', 'C3')).toBe('=LEDGER.BALANCE("1122","2026-10","tmall-main")')
    expect(workbook.sheet(FORMULAS_SHEET)).toBeUndefined()
  })
})
