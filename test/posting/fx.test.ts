import { describe, expect, it } from 'vitest'
import { closePeriod, reopenPeriod } from '../../service/ledger/periods.ts'
import { getVoucher } from '../../service/ledger/vouchers.ts'
import { verifyLedger } from '../../service/ledger/verify.ts'
import { importRates, parseRatesCsv } from '../../service/posting/rates.ts'
import { registerRevaluation } from '../../service/posting/revaluation.ts'
import { runPosting } from '../../service/posting/run.ts'
import { updatePostingSettings } from '../../service/posting/settings.ts'
import { ledgerWithCompany } from '../support/db.ts'
import { aTxn, anOrder } from './support.ts'

const accountant = { userId: 1 }

describe('multi-currency posting', () => {
  it('keeps USD amounts with their rate and revalues the wallet at close into 汇兑损益', async () => {
    registerRevaluation()
    const { context, company } = await ledgerWithCompany()
    await context.db.client.execute({ sql: "INSERT INTO stores (company_id, code, name, channel, vat_rate) VALUES (?, 'shop', 'Shopify US', 'shopify', 'ZERO')", args: [company.id] })
    await updatePostingSettings(context, accountant, company.id, { autoApprove: { maxTotal: '1000000.00' } })
    await importRates(context, accountant, company.id, parseRatesCsv('date,currency,rate,source\n2026-10-01,USD,7.1000,PBOC\n2026-10-31,USD,7.2000,PBOC\n', 'csv'))
    const usd = { store: 'shop', channel: 'shopify' as const, currency: 'USD' }
    const records = { orders: [anOrder('#1001', '100.00', usd)], txns: [aTxn('SP1', 'payment', '100.00', { ...usd, orderRef: '#1001' })] }
    const run = await runPosting(context, accountant, company.id, { records })
    const sale = await getVoucher(context, company.id, run.vouchers[0]?.id ?? 0)
    expect(sale.lines.map((line) => [line.account, line.side, line.currency, line.original, line.rate, line.amount])).toEqual([
      ['1122', 'debit', 'USD', '100.00', '7.1000', '710.00'],
      ['5001', 'credit', 'USD', '100.00', '7.1000', '710.00'],
    ])
    const closed = await closePeriod(context, accountant, company.id, '2026-10')
    const fx = await context.db.client.execute("SELECT id FROM vouchers WHERE source_kind = 'revaluation'")
    const revaluation = await getVoucher(context, company.id, Number(fx.rows[0]?.id))
    //  wallet USD 100.00 carried at 710.00, restated at 7.2000 = 720.00: 借 1012.06 10.00 / 贷 5603.02 10.00
    expect(revaluation.lines.map((line) => [line.account, line.side, line.amount])).toEqual([['1012.06', 'debit', '10.00'], ['5603.02', 'credit', '10.00']])
    expect(closed.closingVoucher).not.toBeNull()
    expect((await verifyLedger(context)).breaches).toEqual([])
  })

  it('re-closes after a reopen when foreign balances changed: revalues only the change, under a new key, and carries the total', async () => {
    registerRevaluation()
    const { context, company } = await ledgerWithCompany()
    await context.db.client.execute({ sql: "INSERT INTO stores (company_id, code, name, channel, vat_rate) VALUES (?, 'shop', 'Shopify US', 'shopify', 'ZERO')", args: [company.id] })
    await updatePostingSettings(context, accountant, company.id, { autoApprove: { maxTotal: '1000000.00' } })
    await importRates(context, accountant, company.id, parseRatesCsv('date,currency,rate,source\n2026-10-01,USD,7.1000,PBOC\n2026-10-31,USD,7.2000,PBOC\n', 'csv'))
    const usd = { store: 'shop', channel: 'shopify' as const, currency: 'USD' }
    await runPosting(context, accountant, company.id, { records: { orders: [anOrder('#1001', '100.00', usd)], txns: [aTxn('SP1', 'payment', '100.00', { ...usd, orderRef: '#1001' })] } })
    await closePeriod(context, accountant, company.id, '2026-10')
    await reopenPeriod(context, accountant, company.id, '2026-10', '补记 a late Shopify order')
    // a second USD 50.00 reaches the wallet at 7.1000 after the reopen
    await runPosting(context, accountant, company.id, { records: { orders: [anOrder('#1002', '50.00', usd)], txns: [aTxn('SP2', 'payment', '50.00', { ...usd, orderRef: '#1002' })] } })
    const again = await closePeriod(context, accountant, company.id, '2026-10')
    expect(again.alreadyClosed).toBe(false)
    const fx = await context.db.client.execute("SELECT id, idempotency_key FROM vouchers WHERE source_kind = 'revaluation' ORDER BY id")
    expect(fx.rows.map((row) => String(row.idempotency_key))).toEqual(['fx-revaluation:2026-10', 'fx-revaluation:2026-10#2'])
    const second = await getVoucher(context, company.id, Number(fx.rows[1]?.id))
    // only the new USD 50.00: 50.00 x (7.2000 - 7.1000) = 5.00
    expect(second.lines.map((line) => [line.account, line.side, line.amount])).toEqual([['1012.06', 'debit', '5.00'], ['5603.02', 'credit', '5.00']])
    const carried = await context.db.client.execute("SELECT adjustment_minor, rate FROM fx_revaluations WHERE period = '2026-10'")
    expect(carried.rows.map((row) => [Number(row.adjustment_minor), String(row.rate)])).toEqual([[1500, '7.2000']])
    // November at the same rate: the wallet (USD 150.00 = 1,080.00) is already restated, nothing to revalue
    await closePeriod(context, accountant, company.id, '2026-11')
    expect((await context.db.client.execute("SELECT COUNT(*) AS n FROM vouchers WHERE source_kind = 'revaluation'")).rows[0]?.n).toBe(2)
    const wallet = await context.db.client.execute("SELECT SUM(debit_minor - credit_minor) AS base FROM balances WHERE account_code = '1012.06'")
    expect(Number(wallet.rows[0]?.base)).toBe(108000)
    expect((await verifyLedger(context)).breaches).toEqual([])
  })
})
