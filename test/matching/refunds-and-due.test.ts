import { describe, expect, it } from 'vitest'
import { type MatchInput, type MatchOutput, groupKey, matchRecords, parseMatchingSettings, paymentDue, summarize, summaryEntryOf } from '../../shared/matching/index.ts'
import { aTxn, anOrder, cny } from './builders.ts'

/**
 * Issue #13 matching semantics: a refund the bill shows but the export does not is the
 * order's refund event (not AMOUNT_MISMATCH); MISSING_PAYMENT follows when each channel's
 * money is due (Shopify at payment, Amazon at shipment, escrow channels at 确认收货).
 */
function run(partial: Partial<MatchInput>): MatchOutput {
  return matchRecords({ orders: [], settlements: [], bank: [], asOf: '2026-10-31', settings: parseMatchingSettings({}), ...partial })
}
const brief = (output: MatchOutput) => ({
  matches: output.matches.map((m) => `${groupKey(m)} ${m.rule} ${m.difference}`).sort(),
  exceptions: output.exceptions.map((e) => `${groupKey(e)} ${e.type} ${e.difference}`).sort(),
})
const usd = (text: string) => cny(text)
const shopifyOrder = (name: string, gross: string, status: 'paid' | 'shipped' | 'pending' | 'refunded' | 'cancelled', paidAt = '2026-10-02T10:00:00-04:00') =>
  anOrder(name, gross, { channel: 'shopify', store: 'US', currency: 'USD', status, statusRaw: status, createdAt: paidAt, paidAt, completedAt: undefined, gross: usd(gross) })
const shopifyTxn = (id: string, kind: 'payment' | 'fee' | 'refund', amount: string, orderRef: string | undefined, occurredAt = '2026-10-20T10:00:00-04:00') =>
  aTxn(id, kind, amount, { channel: 'shopify', store: 'US', currency: 'USD', occurredAt, ...(orderRef ? { orderRef } : {}) })

describe('refunds known from either side', () => {
  it('matches a post-sale refund the export does not show (partial and full) with no difference', () => {
    const out = run({
      orders: [anOrder('1001', '100.00'), anOrder('1002', '80.00')],
      settlements: [
        aTxn('p1', 'payment', '100.00', { orderRef: '1001' }), aTxn('r1', 'refund', '-30.00', { orderRef: '1001', occurredAt: '2026-10-15T09:00:00+08:00' }),
        aTxn('p2', 'payment', '80.00', { orderRef: '1002' }), aTxn('r2', 'refund', '-80.00', { orderRef: '1002', occurredAt: '2026-10-16T09:00:00+08:00' }),
      ],
    })
    expect(brief(out)).toEqual({ matches: ['order:1001 order-key 0', 'order:1002 order-key 0'], exceptions: [] })
  })

  it('still raises a real mismatch next to a post-sale refund, with the difference net of the refund', () => {
    const out = run({
      orders: [anOrder('1003', '100.00'), anOrder('1004', '60.00')],
      settlements: [
        aTxn('p3', 'payment', '90.00', { orderRef: '1003' }), aTxn('r3', 'refund', '-30.00', { orderRef: '1003' }),
        aTxn('p4', 'payment', '59.00', { orderRef: '1004' }),
      ],
    })
    // 1003: 90 - 30 received against 100 - 30 expected -> -10.00; 1004: -1.00
    expect(brief(out).exceptions).toEqual(['order:1003 AMOUNT_MISMATCH -1000', 'order:1004 AMOUNT_MISMATCH -100'])
    expect(out.exceptions.find((e) => e.anchor === '1003')?.why).toBe('money 60.00 CNY vs expected 70.00 CNY')
  })

  it('takes the larger of the refunds the export states and the bill shows', () => {
    const out = run({
      orders: [anOrder('1005', '100.00', { status: 'partially_refunded', refunded: cny('40.00') }), anOrder('1006', '100.00', { status: 'partially_refunded', refunded: cny('40.00') })],
      settlements: [
        // refunded before settlement: paid net of the refund, nothing in the bill
        aTxn('p5', 'payment', '60.00', { orderRef: '1005' }),
        // export and bill both show it
        aTxn('p6', 'payment', '100.00', { orderRef: '1006' }), aTxn('r6', 'refund', '-40.00', { orderRef: '1006' }),
      ],
    })
    expect(brief(out)).toEqual({ matches: ['order:1005 order-key 0', 'order:1006 order-key 0'], exceptions: [] })
  })

  it('keeps the summary honest: recorded differences explain the measured one', () => {
    const out = run({
      orders: [anOrder('1001', '100.00'), anOrder('1003', '100.00')],
      settlements: [aTxn('p1', 'payment', '100.00', { orderRef: '1001' }), aTxn('r1', 'refund', '-30.00', { orderRef: '1001' }), aTxn('p3', 'payment', '90.00', { orderRef: '1003' }), aTxn('r3', 'refund', '-30.00', { orderRef: '1003' })],
    })
    const [row] = summarize([...out.matches, ...out.exceptions].map((result) => summaryEntryOf(result)))
    expect([row?.difference, row?.explainedByOpenExceptions, row?.unexplained]).toEqual([-1000n, -1000n, 0n])
  })
})

describe('MISSING_PAYMENT by when each channel pays', () => {
  it('raises it for Shopify orders paid (fulfilled or not) with no charge after the window, and matches the one with a charge', () => {
    const out = run({
      orders: [shopifyOrder('#1001', '45.00', 'shipped'), shopifyOrder('#1002', '29.90', 'paid'), shopifyOrder('#1003', '88.00', 'shipped')],
      settlements: [shopifyTxn('c3', 'payment', '88.00', '#1003'), shopifyTxn('f3', 'fee', '-2.85', '#1003')],
    })
    expect(brief(out)).toEqual({
      matches: ['order:1003 order-key 0'],
      exceptions: ['order:1001 MISSING_PAYMENT -4500', 'order:1002 MISSING_PAYMENT -2990'],
    })
    expect(out.exceptions.map((e) => e.why).sort()).toEqual(['paid and fulfilled order without money after 15 days', 'paid order without money after 15 days'])
  })

  it('waits while the order is younger than missingPaymentDays, and raises nothing for pending, refunded or cancelled orders', () => {
    const out = run({
      orders: [shopifyOrder('#2001', '45.00', 'shipped', '2026-10-20T10:00:00-04:00'), shopifyOrder('#2002', '10.00', 'pending'), shopifyOrder('#2003', '10.00', 'refunded'), shopifyOrder('#2004', '10.00', 'cancelled')],
      settlements: [shopifyTxn('other', 'payment', '5.00', '#9999', '2026-10-30T10:00:00-04:00')],
    })
    expect(brief(out).exceptions).toEqual(['order:~9999 ORPHAN_PAYMENT 500'])
  })

  it('raises nothing where the store\'s gateway transactions are not imported up to the order (no bill, or a bill that ends before it)', () => {
    expect(brief(run({ orders: [shopifyOrder('#3001', '45.00', 'shipped')] })).exceptions).toEqual([])
    const older = run({ orders: [shopifyOrder('#3001', '45.00', 'shipped')], settlements: [shopifyTxn('c0', 'payment', '12.00', '#3000', '2026-09-28T10:00:00-04:00')] })
    expect(brief(older).exceptions).toEqual(['order:~3000 ORPHAN_PAYMENT 1200'])
  })

  it('keeps escrow channels to 确认收货: a shipped Taobao order waits, a completed one (also partially refunded) is missing', () => {
    const out = run({
      orders: [
        anOrder('4001', '50.00', { status: 'shipped', completedAt: undefined }),
        anOrder('4002', '50.00'),
        anOrder('4003', '50.00', { status: 'partially_refunded', refunded: cny('10.00') }),
      ],
    })
    expect(brief(out).exceptions).toEqual(['order:4002 MISSING_PAYMENT -5000', 'order:4003 MISSING_PAYMENT -4000'])
  })

  it('states the rule per channel and status', () => {
    const at = '2026-10-02T10:00:00+08:00'
    const table = (['taobao', 'tmall', 'jd', 'pdd', 'douyin', 'wechat', 'shopify', 'amazon'] as const).map((channel) =>
      [channel, ...(['pending', 'paid', 'shipped', 'completed', 'partially_refunded', 'refunded', 'cancelled'] as const).map((status) => {
        const due = paymentDue(anOrder('1', '1.00', { channel, status, createdAt: at, paidAt: at, shippedAt: at, completedAt: status === 'completed' || status === 'partially_refunded' ? at : undefined }))
        return due === undefined ? '-' : due.needsCoverage ? 'bill' : 'yes'
      })].join(' '))
    expect(table).toEqual([
      'taobao - - - yes yes - -', 'tmall - - - yes yes - -', 'jd - - - yes yes - -', 'pdd - - - yes yes - -', 'douyin - - - yes yes - -', 'wechat - - - yes yes - -',
      'shopify - bill bill bill bill - -', 'amazon - - bill bill bill - -',
    ])
  })
})
