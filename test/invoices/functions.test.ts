import { describe, expect, it } from 'vitest'
import type { FunctionCall } from '../../service/functions/contract.ts'
import { evaluateBatch } from '../../service/functions/evaluate.ts'
import { importFile } from '../../service/imports/load.ts'
import { invoiceReconciliation } from '../../service/invoices/report.ts'
import { updateInvoiceSettings } from '../../service/invoices/settings.ts'
import { SYSTEM } from '../../service/ledger/context.ts'
import { functionsLedger } from '../functions/support.ts'

const call = (id: string, fn: string, ...args: Array<string | number | null>): FunctionCall => ({ id, fn, args })
const HEADER = '数电票号码,销方识别号,销方名称,购方识别号,购买方名称,开票日期,金额,税率,税额,价税合计,发票状态,是否红字,发票票种'
const US = '91330106MA2H7K5X3Q,杭州某某电子商务有限公司'

describe('LEDGER.INVOICED / LEDGER.UNINVOICED', () => {
  it('give invoiced and uninvoiced revenue of a month, per rate or in all, as the report does', async () => {
    // functionsLedger: 2026-10 tmall-main sale 100.00 + 13.00 VAT; 2026-11 jd-flagship the same (both at the default 13%)
    const ledger = await functionsLedger()
    await updateInvoiceSettings(ledger.context, SYSTEM, ledger.company.id, { taxId: '91330106MA2H7K5X3Q' })
    const rows = [
      `26330000000000000001,${US},,个人,2026-10-20,60.00,13%,7.80,67.80,正常,否,数电票（普通发票）`,
      `26330000000000000002,${US},91310115MA1K4B2C8D,上海某某贸易有限公司,2026-11-02,50.00,9%,4.50,54.50,正常,否,数电票（增值税专用发票）`,
      `26330000000000000003,${US},,个人,2026-10-21,10.00,13%,1.30,11.30,作废,否,数电票（普通发票）`,
    ]
    const imported = await importFile(ledger.context.db, ledger.company.id, { name: 'fp.csv', bytes: new Uint8Array(Buffer.from(`${HEADER}\n${rows.join('\n')}\n`)) }, { actor: SYSTEM })
    expect(imported.imported).toBe(3)
    const calls = [
      call('inv-oct', 'INVOICED', '2026-10'), call('uninv-oct', 'UNINVOICED', '2026-10'),
      call('inv-oct-13', 'LEDGER.INVOICED', '2026-10', '13%'), call('inv-oct-9', 'INVOICED', '2026-10', 0.09),
      call('uninv-nov-9', 'UNINVOICED', '2026-11', 0.09), call('uninv-nov', 'UNINVOICED', '2026-11'), call('inv-nov', 'INVOICED', 46327),
      call('bad-rate', 'INVOICED', '2026-10', '十三'),
    ]
    const response = await evaluateBatch(ledger.context, { userId: ledger.users.accountant }, { company: 'ACME', calls })
    expect(Object.fromEntries(response.results.map((result) => [result.id, 'value' in result ? result.value : result.error]))).toEqual({
      'inv-oct': 60, 'uninv-oct': 40, 'inv-oct-13': 60, 'inv-oct-9': 0, 'uninv-nov-9': -50, 'uninv-nov': 50, 'inv-nov': 50, 'bad-rate': '#VALUE!',
    })
    const report = await invoiceReconciliation(ledger.context, ledger.company.id, { period: '2026-11' })
    const november = report.rows.find((row) => row.cells.month === '2026-11' && row.cells.rate === '小计')
    expect([november?.cells.invoiced, november?.cells.uninvoiced]).toEqual([5_000n, 5_000n])
    // sales sees revenue figures; a user of another company does not
    const sales = await evaluateBatch(ledger.context, { userId: ledger.users.sales }, { company: 'ACME', calls: [call('s', 'UNINVOICED', '2026-10')] })
    expect(sales.results[0]).toMatchObject({ value: 40 })
    const outsider = await evaluateBatch(ledger.context, { userId: ledger.users.outsider }, { company: 'ACME', calls: [call('o', 'INVOICED', '2026-10')] })
    expect(outsider.results[0]).toMatchObject({ error: '#N/A', message: 'no access' })
  })
})
