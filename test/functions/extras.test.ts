import { describe, expect, it } from 'vitest'
import type { FunctionCall } from '../../service/functions/contract.ts'
import { evaluateBatch } from '../../service/functions/evaluate.ts'
import { functionsLedger, insertRow } from './support.ts'

const call = (id: string, fn: string, ...args: Array<string | number | null>): FunctionCall => ({ id, fn, args })

async function ledgerWithOperations() {
  const ledger = await functionsLedger()
  const companyId = ledger.company.id
  const batchId = await insertRow(ledger.context, 'import_batches', { company_id: companyId })
  await insertRow(ledger.context, 'orders', { company_id: companyId, batch_id: batchId, channel: 'tmall', store: 'tmall-main', order_no: 'T1001', status: 'completed', currency: 'CNY', created_at: '2026-10-05T10:00:00+08:00', gross_minor: 11300, discount_minor: 500, refunded_minor: 0 })
  await insertRow(ledger.context, 'orders', { company_id: companyId, batch_id: batchId, channel: 'jd', store: 'jd-flagship', order_no: 'DUP1', status: 'paid', currency: 'CNY', created_at: '2026-10-06T10:00:00+08:00', gross_minor: 100 })
  await insertRow(ledger.context, 'orders', { company_id: companyId, batch_id: batchId, channel: 'douyin', store: 'dy', order_no: 'DUP1', status: 'paid', currency: 'CNY', created_at: '2026-10-06T10:00:00+08:00', gross_minor: 100 })
  for (const [key, status] of [['m1', 'confirmed'], ['m2', 'confirmed'], ['m3', 'suggested'], ['m4', 'unmatched']] as const) {
    await insertRow(ledger.context, 'matches', { company_id: companyId, key, status, origin: 'auto', store: 'tmall-main', period: '2026-10', currency: 'CNY' })
  }
  for (const [key, type, status, live] of [['e1', 'MISSING_SETTLEMENT', 'open', 1], ['e2', 'AMOUNT_MISMATCH', 'open', 1], ['e3', 'AMOUNT_MISMATCH', 'resolved', 1], ['e4', 'AMOUNT_MISMATCH', 'open', 0]] as const) {
    await insertRow(ledger.context, 'exceptions', { company_id: companyId, key, type, status, live, store: 'tmall-main', period: '2026-10', currency: 'CNY' })
  }
  await insertRow(ledger.context, 'exchange_rates', { company_id: companyId, date: '2026-10-01', currency: 'USD', base_currency: 'CNY', rate: '7.1234' })
  await insertRow(ledger.context, 'exchange_rates', { company_id: companyId, date: '2026-10-09', currency: 'USD', base_currency: 'CNY', rate: '7.2' })
  return ledger
}

describe('order, matching and rate functions', () => {
  it('answers match rate, open exceptions, order fields and exchange rates from their tables', async () => {
    const ledger = await ledgerWithOperations()
    const response = await evaluateBatch(ledger.context, { userId: ledger.users.accountant }, { company: 'ACME', calls: [
      call('rate', 'MATCHRATE', 'tmall-main', '2026-10'),
      call('open', 'UNMATCHED', 'tmall-main', '2026-10'),
      call('open-type', 'UNMATCHED', 'tmall-main', '2026-10', 'AMOUNT_MISMATCH'),
      call('open-other-period', 'UNMATCHED', 'tmall-main', '2026-11'),
      call('rate-empty', 'MATCHRATE', 'tmall-main', '2026-11'),
      call('gross', 'ORDER', 'T1001', 'gross'),
      call('discount', 'ORDER', 'T1001', 'DISCOUNT'),
      call('status', 'ORDER', 'T1001', 'status'),
      call('missing', 'ORDER', 'NOPE', 'status'),
      call('ambiguous', 'ORDER', 'DUP1', 'status'),
      call('bad-field', 'ORDER', 'T1001', 'colour'),
      call('fx', 'FX', 'USD', '2026-10-08'),
      call('fx-later', 'FX', 'usd', 46304),
      call('fx-base', 'FX', 'CNY', '2026-10-08'),
      call('fx-none', 'FX', 'USD', '2026-09-30'),
    ] })
    expect(Object.fromEntries(response.results.map((result) => [result.id, 'value' in result ? result.value : `${result.error} ${result.message}`]))).toEqual({
      rate: 0.6, open: 2, 'open-type': 1, 'open-other-period': 0,
      'rate-empty': '#N/A nothing matched or open for store tmall-main in 2026-11',
      gross: 113, discount: 5, status: 'completed',
      missing: '#N/A no order NOPE',
      ambiguous: '#N/A order DUP1 exists in several channels (jd, douyin)',
      'bad-field': '#VALUE! field "colour" is not one of status, store, channel, currency, date, created, paid, shipped, completed, cancelled, gross, total, discount, shipping, tax, refunded, payment_ref',
      fx: 7.1234, 'fx-later': 7.2, 'fx-base': 1,
      'fx-none': '#N/A no USD rate on or before 2026-09-30',
    })
  })

  it('lets sales read orders and matching but not exchange rates', async () => {
    const ledger = await ledgerWithOperations()
    const response = await evaluateBatch(ledger.context, { userId: ledger.users.sales }, { company: 'ACME', calls: [call('rate', 'MATCHRATE', 'tmall-main', '2026-10'), call('gross', 'ORDER', 'T1001', 'gross'), call('fx', 'FX', 'USD', '2026-10-08')] })
    expect(response.results).toEqual([{ id: 'rate', value: 0.6 }, { id: 'gross', value: 113 }, { id: 'fx', error: '#N/A', message: 'no access' }])
  })
})
