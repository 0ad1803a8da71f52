import { describe, expect, it } from 'vitest'
import { type MatchInput, type MatchOutput, groupKey, matchRecords, normalizeKey, parseMatchingSettings, summarize, summaryEntryOf } from '../../shared/matching/index.ts'
import { aBankLine, aLine, anOrder, aTxn } from './builders.ts'

const settings = parseMatchingSettings({})
function run(partial: Partial<MatchInput>, rules: unknown = {}): MatchOutput {
  return matchRecords({ orders: [], settlements: [], bank: [], asOf: '2026-10-31', settings: parseMatchingSettings(rules), ...partial })
}
const brief = (output: MatchOutput) => ({
  matches: output.matches.map((m) => `${groupKey(m)} ${m.rule} ${m.status} ${m.difference}`).sort(),
  exceptions: output.exceptions.map((e) => `${groupKey(e)} ${e.type} ${e.status} ${e.rule} ${e.difference}`).sort(),
})

describe('key normalisation', () => {
  it('strips T200P, backticks, ="…", tabs, spaces and the Shopify hash', () => {
    expect(['T200P133899', '`133899', '="133899"', '133899\t', ' 1338 99 ', '#133899'].map(normalizeKey)).toEqual(['133899', '133899', '133899', '133899', '133899', '133899'])
    expect(normalizeKey('112-1234567-1234567')).toBe('112-1234567-1234567')
  })
  it('strips T200P only before digits, as normalizeOrderRef does', () => {
    expect(['T200P', 'T200P12a', 'T200P-12', 'T200P0', 'T2001', '="T200P77"', 'T200P 77'].map(normalizeKey)).toEqual(['T200P', 'T200P12a', 'T200P-12', '0', 'T2001', '77', '77'])
  })
})

describe('order level', () => {
  it('matches one order to its payment, commission and fee by normalised order number', () => {
    const out = run({ orders: [anOrder('1001', '100.00')], settlements: [aTxn('a1', 'payment', '100.00', { orderRef: 'T200P1001' }), aTxn('a1', 'commission', '-5.00', { orderRef: '`1001' }), aTxn('a1', 'fee', '-0.60', { orderRef: '="1001"' })] })
    expect(brief(out)).toEqual({ matches: ['order:1001 order-key confirmed 0'], exceptions: [] })
    expect(out.matches[0]?.settlements.map((t) => t.kind).sort()).toEqual(['commission', 'fee', 'payment'])
  })
  it('matches through the sub-order number and through the Taobao 支付单号 = Alipay trade number', () => {
    const out = run({
      orders: [anOrder('2001', '80.00'), anOrder('2002', '20.00', { paymentRef: '2026100322001' })], orderLines: [aLine('2001', '2001-77', '80.00')],
      settlements: [aTxn('s1', 'payment', '80.00', { orderRef: '2001-77' }), aTxn('s2', 'payment', '20.00', { tradeNo: '2026100322001' })],
    })
    expect(brief(out).matches).toEqual(['order:2001 sub-order confirmed 0', 'order:2002 trade-no confirmed 0'])
  })
  it('raises AMOUNT_MISMATCH with the signed difference when payments differ from the order', () => {
    expect(brief(run({ orders: [anOrder('1002', '50.00')], settlements: [aTxn('a2', 'payment', '49.00', { orderRef: '1002' })] })).exceptions).toEqual(['order:1002 AMOUNT_MISMATCH open order-key -100'])
  })
  it('matches within the company tolerance and names the account the difference posts to', () => {
    const out = run({ orders: [anOrder('1002', '50.00')], settlements: [aTxn('a2', 'payment', '49.99', { orderRef: '1002' })] }, { tolerance: { amount: '0.05', account: '5711' } })
    expect(out.matches.map((m) => [m.rule, m.difference, m.differenceAccount])).toEqual([['tolerance', -1n, '5711']])
  })
  it('raises MISSING_PAYMENT for a completed order without money after N days, and not before', () => {
    const orders = [anOrder('1003', '30.00', { completedAt: '2026-10-01T00:00:00+08:00' }), anOrder('1004', '30.00', { completedAt: '2026-10-25T00:00:00+08:00' })]
    expect(brief(run({ orders })).exceptions).toEqual(['order:1003 MISSING_PAYMENT open order-key -3000'])
  })
  it('raises ORPHAN_PAYMENT for money whose order is not in the books, grouping its fee with it', () => {
    expect(brief(run({ settlements: [aTxn('o1', 'payment', '10.00', { orderRef: '9001' }), aTxn('o1', 'fee', '-0.06', { orderRef: '9001' })] })).exceptions).toEqual(['order:~9001 ORPHAN_PAYMENT open order-key 1000'])
  })
  it('raises DUPLICATE_ORDER when two orders share a number after normalisation', () => {
    const out = run({ orders: [anOrder('T200P3001', '10.00', { channel: 'tmall' }), anOrder('3001', '10.00')], settlements: [aTxn('d1', 'payment', '10.00', { orderRef: '3001' })] })
    expect(brief(out).exceptions).toEqual(['order:3001 DUPLICATE_ORDER open order-key -1000'])
  })
  it('describes a DUPLICATE_ORDER group by the same first order whatever the row order', () => {
    const orders = [anOrder('3001', '10.00', { channel: 'tmall', createdAt: '2026-10-02T10:00:00+08:00' }), anOrder('T200P3001', '10.00', { channel: 'taobao', createdAt: '2026-10-05T10:00:00+08:00' })]
    const forward = run({ orders }).exceptions.map((e) => [e.type, e.channel, e.date, e.orders.map((o) => o.orderNo)])
    const backward = run({ orders: [...orders].reverse() }).exceptions.map((e) => [e.type, e.channel, e.date, e.orders.map((o) => o.orderNo)])
    expect(forward).toEqual([['DUPLICATE_ORDER', 'taobao', '2026-10-05', ['T200P3001', '3001']]])
    expect(backward).toEqual(forward)
  })
  it('keeps money for a sub-order whose order is not in the books as ORPHAN_PAYMENT instead of dropping it', () => {
    const out = run({ orderLines: [aLine('2009', '2009-01', '80.00')], settlements: [aTxn('s9', 'payment', '80.00', { orderRef: '2009-01' })] })
    expect(brief(out)).toEqual({ matches: [], exceptions: ['order:~2009-01 ORPHAN_PAYMENT open order-key 8000'] })
  })
  it('raises DUPLICATE_PAYMENT when an order is paid twice', () => {
    const out = run({ orders: [anOrder('4001', '25.00')], settlements: [aTxn('p1', 'payment', '25.00', { orderRef: '4001' }), aTxn('p2', 'payment', '25.00', { orderRef: '4001' })] })
    expect(brief(out).exceptions).toEqual(['order:4001 DUPLICATE_PAYMENT open order-key 2500'])
  })
  it('raises REFUND_WITHOUT_ORDER for a refund whose order is unknown', () => {
    expect(brief(run({ settlements: [aTxn('r1', 'refund', '-5.00', { orderRef: '9999' })] })).exceptions).toEqual(['order:~9999 REFUND_WITHOUT_ORDER open order-key -500'])
  })
  it('raises OVER_REFUND when refunds exceed what was paid', () => {
    const out = run({ orders: [anOrder('5001', '40.00', { status: 'refunded', refunded: 4000n as never })], settlements: [aTxn('p', 'payment', '40.00', { orderRef: '5001' }), aTxn('r1', 'refund', '-40.00', { orderRef: '5001' }), aTxn('r2', 'refund', '-10.00', { orderRef: '5001' })] })
    expect(brief(out).exceptions).toEqual(['order:5001 OVER_REFUND open order-key -1000'])
  })
  it('raises PAYMENT_FAILED for a failed payment row', () => {
    expect(brief(run({ orders: [anOrder('6001', '12.00')], settlements: [aTxn('f', 'payment', '12.00', { orderRef: '6001', description: '支付失败' })] })).exceptions).toEqual(['order:6001 PAYMENT_FAILED open order-key 0'])
  })
  it('raises CLOSED_ORDER_WITH_PAYMENT when a cancelled order keeps its money, but matches a cancelled order refunded in full', () => {
    const out = run({
      orders: [anOrder('7001', '15.00', { status: 'cancelled' }), anOrder('7002', '15.00', { status: 'cancelled' })],
      settlements: [aTxn('c1', 'payment', '15.00', { orderRef: '7001' }), aTxn('c2', 'payment', '15.00', { orderRef: '7002' }), aTxn('c2r', 'refund', '-15.00', { orderRef: '7002' })],
    })
    expect(brief(out)).toEqual({ matches: ['order:7002 order-key confirmed 0'], exceptions: ['order:7001 CLOSED_ORDER_WITH_PAYMENT open order-key 1500'] })
  })
  it('raises CURRENCY_MISMATCH when a txn is not in the order currency', () => {
    expect(brief(run({ orders: [anOrder('8001', '10.00')], settlements: [aTxn('u', 'payment', '10.00', { orderRef: '8001', currency: 'USD' })] })).exceptions).toEqual(['order:8001 CURRENCY_MISMATCH open order-key 0'])
  })
  it('matches a store-level platform charge on its own', () => {
    expect(brief(run({ settlements: [aTxn('ad', 'promotion', '-30.00')] })).matches).toEqual(['charge:alipay|ad|promotion platform-charge confirmed 0'])
  })
})

describe('own-store orders without a key', () => {
  const own = (orderNo: string, buyer: string, at: string) => anOrder(orderNo, '66.00', { channel: 'other', store: '官网', buyerRef: buyer, createdAt: at, paidAt: at })
  const pay = (id: string, buyer: string, at: string) => aTxn(id, 'payment', '66.00', { channel: 'wechat', store: '官网', counterparty: buyer, occurredAt: at })
  it('matches on amount + buyer + time window as a suggestion', () => {
    const out = run({ orders: [own('W1', '张三', '2026-10-05T10:00:00+08:00')], settlements: [pay('wx1', '张 三', '2026-10-05T10:02:00+08:00')] })
    expect(brief(out)).toEqual({ matches: ['order:W1 own-store suggested 0'], exceptions: [] })
  })
  it('never guesses between two candidate payments: DUPLICATE_PAYMENT exception instead', () => {
    const out = run({ orders: [own('W1', '张三', '2026-10-05T10:00:00+08:00')], settlements: [pay('wx1', '张三', '2026-10-05T10:02:00+08:00'), pay('wx2', '张三', '2026-10-06T09:00:00+08:00')] })
    expect(brief(out)).toEqual({ matches: [], exceptions: ['order:W1 DUPLICATE_PAYMENT open own-store 6600'] })
  })
  it('never guesses between two candidate orders: DUPLICATE_ORDER exception instead', () => {
    const out = run({ orders: [own('W1', '张三', '2026-10-05T10:00:00+08:00'), own('W2', '张三', '2026-10-05T11:00:00+08:00')], settlements: [pay('wx1', '张三', '2026-10-05T10:30:00+08:00')] })
    expect(brief(out)).toEqual({ matches: [], exceptions: ['order:W1 DUPLICATE_ORDER open own-store -6600'] })
  })
})

describe('payout level', () => {
  it('matches a payout to the bank line with the same amount inside the window', () => {
    const out = run({ settlements: [aTxn('p1', 'payout', '-99.40', { occurredAt: '2026-10-10T10:00:00+08:00' })], bank: [aBankLine('b1', '99.40'), aBankLine('b2', '-500.00')] })
    expect(brief(out).matches).toEqual(['payout:bank:6222-01|b1|bankTxn payout-amount-date confirmed 0'])
    expect(out.skipped.length).toBe(1)
  })
  it('matches many payouts to one bank line, and one payout split over two lines, as suggestions', () => {
    const out = run({
      settlements: [aTxn('p1', 'payout', '-10.00', { occurredAt: '2026-10-10T10:00:00+08:00' }), aTxn('p2', 'payout', '-20.00', { occurredAt: '2026-10-10T11:00:00+08:00' }), aTxn('p3', 'payout', '-70.00', { occurredAt: '2026-10-12T11:00:00+08:00' })],
      bank: [aBankLine('b1', '30.00'), aBankLine('b2', '40.00', { occurredAt: '2026-10-13T09:00:00+08:00' }), aBankLine('b3', '30.00', { occurredAt: '2026-10-13T09:00:00+08:00' })],
    })
    expect(brief(out).matches).toEqual(['payout:bank:6222-01|b1|bankTxn payout-sum suggested 0', 'payout:bank:6222-01|b2|bankTxn payout-split suggested 0'])
  })
  it('raises MISSING_PAYMENT for an overdue payout, ORPHAN_PAYMENT for an unexplained receipt, and keeps a young payout pending', () => {
    const out = run({ settlements: [aTxn('p1', 'payout', '-10.00', { occurredAt: '2026-10-01T10:00:00+08:00' }), aTxn('p2', 'payout', '-11.00', { occurredAt: '2026-10-30T10:00:00+08:00' })], bank: [aBankLine('b9', '7.00')] })
    expect(brief(out).exceptions).toEqual(['payout:alipay|p1|payout MISSING_PAYMENT open payout-amount-date -1000', 'payout:bank:6222-01|b9|bankTxn ORPHAN_PAYMENT open payout-amount-date 700'])
    expect(out.pending.map((t) => t.externalId)).toEqual(['p2'])
  })
})

describe('custom rules', () => {
  const refundOrder = { orders: [anOrder('5001', '8000.00', { refunded: 600000n as never })], settlements: [aTxn('p', 'payment', '8000.00', { orderRef: '5001' }), aTxn('r', 'refund', '-6000.00', { orderRef: '5001' })] }
  it('requires approval by a role for refunds over 5,000 and records the rule', () => {
    const out = run(refundOrder, { rules: [{ id: 'big-refunds', when: { kind: ['refund'], amountMin: '5000.00' }, then: { action: 'requireApproval', role: 'approver' } }] })
    expect(out.exceptions.map((e) => [e.type, e.rule, e.requiredRole])).toEqual([['NEEDS_APPROVAL', 'custom:big-refunds', 'approver']])
  })
  it('auto-ignores exceptions below a threshold', () => {
    const out = run({ orders: [anOrder('1002', '50.00')], settlements: [aTxn('a2', 'payment', '49.50', { orderRef: '1002' })] }, { rules: [{ id: 'small', when: { type: ['AMOUNT_MISMATCH'], differenceMax: '1.00' }, then: { action: 'ignore' } }] })
    expect(brief(out).exceptions).toEqual(['order:1002 AMOUNT_MISMATCH ignored custom:small -50'])
  })
  it('raises a chosen type on a condition over channel and store', () => {
    const out = run({ orders: [anOrder('1001', '100.00')], settlements: [aTxn('a1', 'payment', '100.00', { orderRef: '1001' })] }, { rules: [{ id: 'watch', when: { channel: ['taobao'], store: ['旗舰店'], type: ['MATCH'] }, then: { action: 'raise', type: 'NEEDS_APPROVAL' } }] })
    expect(brief(out).exceptions).toEqual(['order:1001 NEEDS_APPROVAL open custom:watch 0'])
  })
  it('tolerates a difference per rule with its own account, first matching rule wins', () => {
    const rules = { rules: [
      { id: 'old-only', when: { ageDaysMin: 400 }, then: { action: 'ignore' } },
      { id: 'rounding', when: { differenceMax: '0.10' }, then: { action: 'tolerance', maxDifference: '0.10', account: '5603' } },
      { id: 'never', then: { action: 'ignore' } },
    ] }
    const out = run({ orders: [anOrder('1002', '50.00')], settlements: [aTxn('a2', 'payment', '49.92', { orderRef: '1002' })] }, rules)
    expect(out.matches.map((m) => [m.rule, m.difference, m.differenceAccount])).toEqual([['custom:rounding', -8n, '5603']])
  })
  it('refuses invalid rules with a readable reason', () => {
    expect(() => parseMatchingSettings({ rules: [{ id: 'x', then: { action: 'explode' } }] })).toThrow(/matching settings rules\.0\.then/)
    expect(() => parseMatchingSettings({ rules: [{ id: 'x', then: { action: 'ignore' } }, { id: 'x', then: { action: 'ignore' } }] })).toThrow(/used twice/)
  })
})

describe('summary', () => {
  it('explains the whole difference by tolerance and open exceptions', () => {
    const out = run({
      orders: [anOrder('1001', '100.00'), anOrder('1002', '50.00'), anOrder('1003', '30.00', { completedAt: '2026-09-01T00:00:00+08:00' })],
      settlements: [aTxn('a1', 'payment', '100.00', { orderRef: '1001' }), aTxn('a1', 'fee', '-0.60', { orderRef: '1001' }), aTxn('a2', 'payment', '49.00', { orderRef: '1002' }), aTxn('p1', 'payout', '-148.40', { occurredAt: '2026-10-10T10:00:00+08:00' })],
      bank: [aBankLine('b1', '148.40')],
    })
    const rows = summarize([...out.matches, ...out.exceptions].map((r) => summaryEntryOf(r)))
    expect(rows.map((r) => [r.store, r.period, r.orders, r.paid, r.fees, r.payouts, r.bankReceived, r.difference, r.explainedByOpenExceptions, r.unexplained])).toEqual([['旗舰店', '2026-10', 3, 14900n, -60n, 14840n, 14840n, -3100n, -3100n, 0n]])
  })
})
