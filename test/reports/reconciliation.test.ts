import { describe, expect, it } from 'vitest'
import { REPORT_NAMES } from '../../shared/reports/report.ts'
import { createApp } from '../../service/app.ts'
import { importFile } from '../../service/imports/load.ts'
import { SYSTEM } from '../../service/ledger/context.ts'
import { runMatching } from '../../service/matching/index.ts'
import { reconciliationReport } from '../../service/reports/reconciliation.ts'
import { DEFECTS, linkedFiles } from '../../service/generators/linked.ts'
import { ledgerWithCompany } from '../support/db.ts'
import { call, signedIn } from '../support/http.ts'

const linked = linkedFiles({ seed: 7, orders: 12, defects: DEFECTS })

async function matchedLedger() {
  const ledger = await ledgerWithCompany()
  const f = linked.files
  for (const [file, store] of [[f.orders, '旗舰店'], [f.alipay, '旗舰店'], [f.bank, linked.bankAccount], [f.shopifyOrders, 'US'], [f.shopifyPayments, 'US']] as const) {
    await importFile(ledger.db, ledger.company.id, { name: file.fileName, bytes: file.bytes }, { actor: SYSTEM, format: file.parser, store })
  }
  await runMatching(ledger.context, SYSTEM, ledger.company.id, { asOf: '2024-04-10' })
  return ledger
}

describe('对账汇总 reconciliation report', () => {
  it('shows every store of the period with its open exceptions and nothing unexplained', async () => {
    const ledger = await matchedLedger()
    const report = await reconciliationReport(ledger.context, ledger.company.id, { period: '2024-03' })
    expect(report.rows.map((row) => [row.cells.store, row.cells.currency])).toEqual([['', 'CNY'], ['US', 'EUR'], ['旗舰店', 'CNY']])
    expect(report.rows.every((row) => row.cells.unexplained === 0n)).toBe(true)
    const flagship = report.rows.find((row) => row.cells.store === '旗舰店')
    expect(flagship?.cells).toMatchObject({ orders: 23, ordersGross: 2243598n, bankReceived: 1234567n, difference: -818740n, explainedByOpenExceptions: -818740n, unexplained: 0n, openExceptions: 12 })
    expect(report.checks).toEqual([expect.objectContaining({ key: 'unexplained-zero', ok: true })])
  })

  it('is served over HTTP as json and csv to every role, sales included', async () => {
    const ledger = await matchedLedger()
    const api = createApp({ context: ledger.context })
    const token = await signedIn(api, ledger.context, ledger.company, 'sales1', 'sales')
    const json = await call(api, token, 'GET', `/companies/${ledger.company.code}/reports/reconciliation?period=2024-03&format=json`)
    expect(json.status).toBe(200)
    const body = (await json.json()) as { rows: Array<Record<string, string>>; checks: Array<{ ok: boolean }> }
    expect(body.rows.map((row) => [row.store, row.difference, row.unexplained])).toEqual([['', '555.00', '0.00'], ['US', '0.00', '0.00'], ['旗舰店', '-8187.40', '0.00']])
    expect(body.checks.map((check) => check.ok)).toEqual([true])
    const csv = await call(api, token, 'GET', `/companies/${ledger.company.code}/reports/reconciliation?period=2024-03&format=csv`)
    expect(await csv.text()).toContain('旗舰店')
  })

  it('serves every report name over HTTP, sku-profit included', async () => {
    const ledger = await matchedLedger()
    const api = createApp({ context: ledger.context })
    const token = await signedIn(api, ledger.context, ledger.company, 'acct1', 'accountant')
    for (const name of REPORT_NAMES.filter((report) => report !== 'account-detail')) {
      const response = await call(api, token, 'GET', `/companies/${ledger.company.code}/reports/${name}?period=2024-03`)
      expect(response.status, name).toBe(200)
    }
  })
})
