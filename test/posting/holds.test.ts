import { describe, expect, it } from 'vitest'
import { updateCompanySettings } from '../../service/ledger/company.ts'
import { SYSTEM } from '../../service/ledger/context.ts'
import { verifyLedger } from '../../service/ledger/verify.ts'
import { getVoucher } from '../../service/ledger/vouchers.ts'
import { decideException, listExceptions, runMatching } from '../../service/matching/index.ts'
import { runPosting } from '../../service/posting/run.ts'
import { updatePostingSettings } from '../../service/posting/settings.ts'
import { insertRecords } from '../matching/support.ts'
import { ledgerWithCompany } from '../support/db.ts'
import { aTxn, anOrder } from './support.ts'

/**
 * Posting follows what people decided in matching: a resolved AMOUNT_MISMATCH
 * posts its difference (posting does not hold it again on its own tolerance), a
 * tolerance rule's difference goes to the account the rule names, an ignored
 * exception never posts, and NEEDS_APPROVAL holds the order until approved.
 * Vouchers are checked line by line as an accountant would write them.
 */
const accountant = { userId: 1, role: 'accountant' as const }
const approver = { userId: 2, role: 'approver' as const }
const ASOF = { asOf: '2026-10-31' }

async function ledger() {
  const setup = await ledgerWithCompany()
  const { context, company, db } = setup
  await context.db.client.execute({ sql: "INSERT INTO stores (company_id, code, name, channel, vat_rate) VALUES (?, 'tmall', '天猫店', 'taobao', 'GENERAL_13')", args: [company.id] })
  //  posting's own tolerance stays 0.00: every difference below is decided in matching
  await updatePostingSettings(context, SYSTEM, company.id, { autoApprove: { maxTotal: '100000.00' }, granularity: 'order' })
  await updateCompanySettings(context, SYSTEM, company.id, {
    matching: {
      rules: [
        { id: 'rounding', when: { differenceMax: '0.10' }, then: { action: 'tolerance', maxDifference: '0.10', account: '5603.01' } },
        { id: 'big-orders', when: { type: ['MATCH'], amountMin: '5000.00' }, then: { action: 'requireApproval', role: 'approver' } },
      ],
    },
  })
  await insertRecords(db, company.id, {
    orders: [
      anOrder('2001', '113.00', { paymentRef: 'T2001' }),
      anOrder('2002', '50.00', { paymentRef: 'T2002' }),
      anOrder('2003', '99.90', { paymentRef: 'T2003' }),
      anOrder('2004', '6780.00', { paymentRef: 'T2004' }),
    ],
    settlements: [
      //  2001: the platform paid 12.00 less than the order (a coupon it funded)
      aTxn('P2001', 'payment', '101.00', { orderRef: '2001', tradeNo: 'T2001' }),
      aTxn('C2001', 'commission', '-5.65', { orderRef: '2001' }),
      //  2002: 0.50 short, ignored by the accountant
      aTxn('P2002', 'payment', '49.50', { orderRef: '2002', tradeNo: 'T2002' }),
      //  2003: 0.05 short, inside the 'rounding' rule
      aTxn('P2003', 'payment', '99.85', { orderRef: '2003', tradeNo: 'T2003' }),
      //  2004: paid in full, but above 5000.00 an approver must look
      aTxn('P2004', 'payment', '6780.00', { orderRef: '2004', tradeNo: 'T2004' }),
    ],
  })
  await runMatching(context, accountant, company.id, ASOF)
  return setup
}

type Setup = Awaited<ReturnType<typeof ledger>>

async function exceptionOf(setup: Setup, type: string, order: string): Promise<number> {
  const found = (await listExceptions(setup.context, setup.company.id, { type })).find((item) => item.orderKey === order)
  if (!found) throw new Error(`no ${type} for order ${order}`)
  return found.id
}

async function lines(setup: Setup, id: number | undefined): Promise<Array<[string, string, string]>> {
  const voucher = await getVoucher(setup.context, setup.company.id, id ?? 0)
  return voucher.lines.map((line) => [line.account, line.side === 'debit' ? line.amount : '', line.side === 'credit' ? line.amount : ''])
}

describe('posting after people decided in matching', () => {
  it('holds an open mismatch and a big order, posts the tolerance rule difference to the account the rule names', async () => {
    const setup = await ledger()
    const run = await runPosting(setup.context, accountant, setup.company.id)
    expect(run.held.map((item) => [item.source.id, item.reason])).toEqual([
      ['taobao|2004|order', 'NEEDS_APPROVAL'],
      ['alipay|P2001|payment', 'AMOUNT_MISMATCH'],
      ['alipay|P2002|payment', 'AMOUNT_MISMATCH'],
      ['alipay|P2004|payment', 'NEEDS_APPROVAL'],
    ])
    expect(run.held[1]?.message).toMatch(/^exception #\d+ AMOUNT_MISMATCH is open: money 101\.00 CNY vs expected 113\.00 CNY/)
    const settle2003 = run.vouchers.find((voucher) => voucher.key === 'settle:alipay|P2003|payment')
    //  借 其他货币资金-支付宝 99.85, 借 财务费用-手续费 0.05 (the rule's account) / 贷 应收账款 99.90
    expect(await lines(setup, settle2003?.id)).toEqual([
      ['1012.01', '99.85', ''],
      ['5603.01', '0.05', ''],
      ['1122', '', '99.90'],
    ])
  })

  it('posts a resolved AMOUNT_MISMATCH with its difference on the company difference account; an ignored one stays unposted', async () => {
    const setup = await ledger()
    await runPosting(setup.context, accountant, setup.company.id)
    await decideException(setup.context, accountant, setup.company.id, await exceptionOf(setup, 'AMOUNT_MISMATCH', '2001'), 'resolve', '平台承担 12.00 元优惠券')
    await decideException(setup.context, accountant, setup.company.id, await exceptionOf(setup, 'AMOUNT_MISMATCH', '2002'), 'ignore', '买家差额, 不入账')
    const run = await runPosting(setup.context, accountant, setup.company.id)
    expect(run.vouchers.map((voucher) => [voucher.key, voucher.total, voucher.status])).toEqual([['settle:alipay|P2001|payment', '113.00', 'posted']])
    //  借 其他货币资金-支付宝 95.35 (101.00 − 佣金 5.65), 借 销售费用-平台佣金 5.65, 借 营业外支出 12.00 / 贷 应收账款 113.00
    expect(await lines(setup, run.vouchers[0]?.id)).toEqual([
      ['1012.01', '95.35', ''],
      ['5601.01', '5.65', ''],
      ['5711', '12.00', ''],
      ['1122', '', '113.00'],
    ])
    const ignored = run.held.find((item) => item.source.id === 'alipay|P2002|payment')
    expect(ignored).toMatchObject({ reason: 'IGNORED', message: expect.stringMatching(/^exception #\d+ AMOUNT_MISMATCH was ignored: "买家差额, 不入账"; not posted$/) })
    //  a rerun writes nothing, and the ignored payment still waits
    const again = await runPosting(setup.context, accountant, setup.company.id)
    expect(again.written.vouchers).toBe(0)
    expect(again.held.map((item) => [item.source.id, item.reason])).toContainEqual(['alipay|P2002|payment', 'IGNORED'])
    expect((await verifyLedger(setup.context)).breaches).toEqual([])
  })

  it('posts a NEEDS_APPROVAL order once the approver approves it, and not before', async () => {
    const setup = await ledger()
    const before = await runPosting(setup.context, accountant, setup.company.id)
    expect(before.vouchers.filter((voucher) => voucher.key.includes('2004'))).toEqual([])
    expect(before.held.find((item) => item.source.id === 'taobao|2004|order')?.message).toMatch(/^waits for an approver \(exception #\d+ NEEDS_APPROVAL, role approver\)$/)
    await decideException(setup.context, approver, setup.company.id, await exceptionOf(setup, 'NEEDS_APPROVAL', '2004'), 'approve', '大客户订单已核实')
    const after = await runPosting(setup.context, accountant, setup.company.id)
    expect(after.vouchers.map((voucher) => voucher.key)).toEqual(['sale:taobao|2004|order', 'settle:alipay|P2004|payment'])
    //  sale at 13%: 借 应收账款 6780.00 / 贷 主营业务收入 6000.00, 贷 应交税费-销项税额 780.00
    expect(await lines(setup, after.vouchers[0]?.id)).toEqual([
      ['1122', '6780.00', ''],
      ['5001', '', '6000.00'],
      ['2221.01.02', '', '780.00'],
    ])
    //  settlement: 借 其他货币资金-支付宝 6780.00 / 贷 应收账款 6780.00
    expect(await lines(setup, after.vouchers[1]?.id)).toEqual([
      ['1012.01', '6780.00', ''],
      ['1122', '', '6780.00'],
    ])
    expect(after.held.some((item) => item.source.id.includes('2004'))).toBe(false)
  })
})
