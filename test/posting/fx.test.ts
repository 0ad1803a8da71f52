import { describe, expect, it } from 'vitest'
import { closePeriod } from '../../service/ledger/periods.ts'
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
})
