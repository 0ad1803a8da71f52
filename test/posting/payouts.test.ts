import { describe, expect, it } from 'vitest'
import { checkPayouts, planEntries } from '../../shared/posting/index.ts'
import { runPosting } from '../../service/posting/run.ts'
import { ledgerWithCompany } from '../support/db.ts'
import { aPolicy, aStore, aTxn, anOrder } from './support.ts'

const tmall = aStore()
const stores = new Map([[tmall.code, tmall]])
const wallet = tmall.accounts.wallet

/** Order 1001 113.00 paid with 5.65 commission into payout PO-1, paid out as `received`. */
function payoutRecords(received: string) {
  return {
    orders: [anOrder('1001', '113.00')],
    txns: [
      aTxn('P1', 'payment', '113.00', { orderRef: '1001', payoutRef: 'PO-1' }),
      aTxn('C1', 'commission', '-5.65', { orderRef: '1001', payoutRef: 'PO-1' }),
      aTxn('PO-1', 'payout', `-${received}`, { payoutRef: 'PO-1', occurredAt: '2026-10-07T08:00:00+08:00' }),
    ],
  }
}

describe('payout check (A2X style: Σ lines = amount received)', () => {
  it('passes a payout whose items add up to the amount received: 113.00 - 5.65 = 107.35', () => {
    const plan = planEntries(payoutRecords('107.35'), { policy: aPolicy(), stores })
    const checked = checkPayouts(plan.entries, () => wallet)
    expect(checked.held).toEqual([])
    expect(checked.entries.map((entry) => entry.kind)).toEqual(['sale', 'settlement', 'payout'])
  })

  it('refuses a payout of 107.00 whose items add up to 107.35, holding every entry of it with both amounts', () => {
    const plan = planEntries(payoutRecords('107.00'), { policy: aPolicy(), stores })
    const checked = checkPayouts(plan.entries, () => wallet)
    expect(checked.entries.map((entry) => entry.kind)).toEqual(['sale'])
    expect(checked.held).toEqual([{
      source: { kind: 'settlementTxn', id: 'alipay|PO-1|payout' }, store: 'tmall', reason: 'AMOUNT_MISMATCH',
      message: 'payout PO-1: received 107.00 but its 1 item(s) add up to 107.35 (difference -0.35); nothing of it is posted',
    }])
  })

  it('a posting run at payout granularity writes nothing of a payout that does not add up and reports it', async () => {
    const { context, company } = await ledgerWithCompany()
    await context.db.client.execute({ sql: "INSERT INTO stores (company_id, code, name, channel, vat_rate) VALUES (?, 'tmall', '天猫店', 'taobao', 'GENERAL_13')", args: [company.id] })
    const run = await runPosting(context, { userId: 1 }, company.id, { records: payoutRecords('107.00'), granularity: 'payout' })
    expect(run.vouchers.map((voucher) => voucher.summary)).toEqual(['天猫店 2026-10-05 汇总 (销售 1) 订单 1001'])
    expect(run.held.map((item) => [item.reason, item.source.id])).toEqual([['AMOUNT_MISMATCH', 'alipay|PO-1|payout']])
  })
})
