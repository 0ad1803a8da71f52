import { screen, waitFor } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import { BINDING_SETTING, FORMULAS_SHEET, createWorkbookPort, readWorkbookBinding } from '../../addin/excel/workbook-sharing.ts'
import { FakeWorkbook } from '../functions/fake-workbook.ts'
import { SERVICE, aCompany, aSession, fill, renderPane } from './pane-harness.tsx'

/** The shared workbook in the pane (issue 8 §5): binding in document settings, no-access notice, convert to values. */

function bridge() {
  return { sessionChanged: vi.fn(), refresh: vi.fn(async () => undefined) }
}

describe('The shared workbook in the task pane', () => {
  it('binds an unbound workbook to the chosen company and service on sign-in, never storing a token', async () => {
    const file = new FakeWorkbook(['Report'])
    const workbook = createWorkbookPort(file.settings(), file.run)
    const functions = bridge()
    renderPane({ workbook, functions })
    expect(await screen.findByText(`LEDGER formulas in this workbook read company DEMO from ${SERVICE}. Bound by kuaiji.`)).toBeTruthy()
    // saved into the "file": a second user's view of the settings sees it
    expect(readWorkbookBinding(file.settings())).toEqual({ company: 'DEMO', serviceUrl: SERVICE, boundBy: 'kuaiji' })
    expect(JSON.stringify(file.settings().get(BINDING_SETTING))).not.toContain('tok-1')
    await waitFor(() => expect(functions.sessionChanged).toHaveBeenLastCalledWith({ serviceUrl: SERVICE, token: 'tok-1', company: 'DEMO' }))
  })

  it('a bound workbook sends sign-in to its service and opens on its company', async () => {
    const file = new FakeWorkbook(['Report'])
    await createWorkbookPort(file.settings(), file.run).bind({ company: 'ACME', serviceUrl: 'https://ledger.acme.test', boundBy: 'wang' })
    const login = vi.fn(async () => aSession('accountant', [aCompany({ code: 'DEMO' }), aCompany({ id: 2, code: 'ACME', name: 'Acme' })]))
    const functions = bridge()
    const { user, store, serviceUrls } = renderPane({ session: null, api: { login }, workbook: createWorkbookPort(file.settings(), file.run), functions })
    expect(store.getState().serviceUrl).toBe('https://ledger.acme.test')
    await fill(user, screen.getByLabelText(/Username/), 'kuaiji')
    await fill(user, screen.getByLabelText(/Password/), 'secret')
    await user.click(screen.getByRole('button', { name: 'Sign in' }))
    expect(await screen.findByText('LEDGER formulas in this workbook read company ACME from https://ledger.acme.test. Bound by wang.')).toBeTruthy()
    expect(serviceUrls.at(-1)).toBe('https://ledger.acme.test')
    expect(screen.getByRole('combobox', { name: /Company/ })).toHaveProperty('value', 'ACME')
    expect(functions.sessionChanged).toHaveBeenLastCalledWith({ serviceUrl: 'https://ledger.acme.test', token: 'tok-1', company: 'ACME' })
    // the binding was not rewritten by this user
    expect(readWorkbookBinding(file.settings())?.boundBy).toBe('wang')
  })

  it('a user without access to the bound company is told so, and the formulas keep reading that company (cells say "no access")', async () => {
    const file = new FakeWorkbook(['Report'])
    await createWorkbookPort(file.settings(), file.run).bind({ company: 'ACME', serviceUrl: SERVICE })
    const functions = bridge()
    renderPane({ session: aSession('sales', [aCompany({ code: 'DEMO', role: 'sales' })]), workbook: createWorkbookPort(file.settings(), file.run), functions })
    expect(await screen.findByText('This workbook reads company ACME, which your account may not see: its cells show "no access".')).toBeTruthy()
    expect(functions.sessionChanged).toHaveBeenLastCalledWith({ serviceUrl: SERVICE, token: 'tok-1', company: 'ACME' })
    expect(readWorkbookBinding(file.settings())?.company).toBe('ACME')
  })

  it('rebinds to another company on request', async () => {
    const file = new FakeWorkbook(['Report'])
    await createWorkbookPort(file.settings(), file.run).bind({ company: 'ACME', serviceUrl: SERVICE })
    const { user } = renderPane({ session: aSession('accountant', [aCompany({ code: 'DEMO' })]), workbook: createWorkbookPort(file.settings(), file.run) })
    await user.click(await screen.findByRole('button', { name: 'Bind to DEMO' }))
    expect(await screen.findByText('The workbook now reads DEMO. Save the file to keep this.')).toBeTruthy()
    expect(readWorkbookBinding(file.settings())).toEqual({ company: 'DEMO', serviceUrl: SERVICE, boundBy: 'kuaiji' })
    expect(screen.queryByText(/may not see/)).toBeNull()
  })

  it('converts LEDGER formulas to values for people without the add-in and restores them', async () => {
    const file = new FakeWorkbook(['Report'])
    file.setFormula('Report', 'A1', '=LEDGER.BALANCE("1122","2026-10")')
    file.setFormula('Report', 'A2', '=LEDGER.ACCOUNTNAME("1122")')
    file.setFormula('Report', 'B1', '=A1*2')
    const { user } = renderPane({ workbook: createWorkbookPort(file.settings(), file.run) })
    await user.click(await screen.findByRole('button', { name: 'Convert to values' }))
    expect(await screen.findByText('2 LEDGER formulas converted to values; they are kept in the hidden sheet LEDGER_FORMULAS.')).toBeTruthy()
    expect(file.formula('Report', 'A1')).toBeNull()
    expect(file.formula('Report', 'B1')).toBe('=A1*2')
    expect(file.sheet(FORMULAS_SHEET)?.visibility).toBe('Hidden')
    await user.click(screen.getByRole('button', { name: 'Restore formulas' }))
    expect(await screen.findByText('2 LEDGER formulas restored.')).toBeTruthy()
    expect(file.formula('Report', 'A1')).toBe('=LEDGER.BALANCE("1122","2026-10")')
    expect(file.sheet(FORMULAS_SHEET)).toBeUndefined()
  })

  it('in preview mode (no workbook) it keeps the binding in memory and offers no conversion', async () => {
    renderPane({ host: 'preview', workbook: createWorkbookPort((await import('../../addin/excel/workbook-sharing.ts')).memoryDocumentSettings(), null) })
    expect(await screen.findByText(`LEDGER formulas in this workbook read company DEMO from ${SERVICE}. Bound by kuaiji.`)).toBeTruthy()
    expect(screen.queryByRole('button', { name: 'Convert to values' })).toBeNull()
  })
})
