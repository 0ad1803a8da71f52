import { describe, expect, it } from 'vitest'
import { type MatchInput, type MatchOutput, groupKey, matchRecords, parseMatchingSettings } from '../../shared/matching/index.ts'
import { platformOfLine } from '../../shared/matching/platforms.ts'
import { aBankLine, aTxn } from './builders.ts'

/** The platform named in a bank line's 对方户名 as a payout-level signal (shared/matching/platforms.ts). */
function run(partial: Partial<MatchInput>): MatchOutput {
  return matchRecords({ orders: [], settlements: [], bank: [], asOf: '2026-10-31', settings: parseMatchingSettings({}), ...partial })
}
const pairs = (output: MatchOutput) => output.matches.map((m) => `${m.settlements.map((t) => `${t.channel}:${t.externalId}`).join('+')} -> ${m.bank.map((b) => b.externalId).join('+')} ${m.rule}`).sort()

describe('platform names in 对方户名', () => {
  it('reads the settlement company of each channel, and nothing from a supplier or a blank name', () => {
    const names = ['支付宝（中国）网络技术有限公司', '财付通支付科技有限公司', '网银在线（北京）科技有限公司', '上海寻梦信息技术有限公司', '北京抖音信息服务有限公司', 'SHOPIFY PAYMENTS (USA) INC', 'AMAZON PAYMENTS EUROPE', '杭州恒达包装材料有限公司']
    expect(names.map((counterparty) => platformOfLine({ counterparty, memo: '' })?.platform ?? null)).toEqual(['alipay', 'wechat', 'jd', 'pdd', 'douyin', 'shopify', 'amazon', null])
    expect(platformOfLine({ memo: '京东钱包提现' })?.platform).toBe('jd')
    expect(platformOfLine({ counterparty: '', memo: '货款' })).toBeNull()
  })

  it('gives each same-amount payout to the bank line that names its platform, even when another line is nearer in date', () => {
    // Both payouts 1,000.00 on 10-10. The 财付通 line (10-10) is nearer to the Alipay payout than the 支付宝 line (10-11):
    // amount and date alone gave the Alipay payout the WeChat money.
    const out = run({
      settlements: [
        aTxn('ali-1', 'payout', '-1000.00', { occurredAt: '2026-10-10T09:00:00+08:00' }),
        aTxn('wx-1', 'payout', '-1000.00', { channel: 'wechat', occurredAt: '2026-10-10T09:30:00+08:00' }),
      ],
      bank: [
        aBankLine('b-wx', '1000.00', { occurredAt: '2026-10-10T15:00:00+08:00', counterparty: '财付通支付科技有限公司', memo: '提现' }),
        aBankLine('b-ali', '1000.00', { occurredAt: '2026-10-11T10:00:00+08:00', counterparty: '支付宝（中国）网络技术有限公司', memo: '提现' }),
      ],
    })
    expect(pairs(out)).toEqual(['alipay:ali-1 -> b-ali payout-amount-date', 'wechat:wx-1 -> b-wx payout-amount-date'])
    expect(out.matches.find((m) => m.bank[0]?.externalId === 'b-ali')?.why).toContain('对方户名 names 支付宝')
    expect(out.exceptions).toEqual([])
  })

  it('leaves a line naming another platform unmatched (ORPHAN_PAYMENT) rather than taking a payout of the right amount', () => {
    const out = run({
      settlements: [aTxn('ali-2', 'payout', '-250.00', { occurredAt: '2026-10-10T09:00:00+08:00' })],
      bank: [aBankLine('b-jd', '250.00', { occurredAt: '2026-10-11T10:00:00+08:00', counterparty: '网银在线（北京）科技有限公司', memo: '提现' })],
    })
    expect(out.matches).toEqual([])
    expect(out.exceptions.map((e) => `${groupKey(e)} ${e.type}`).sort()).toEqual(['payout:alipay|ali-2|payout MISSING_PAYMENT', 'payout:bank:6222-01|b-jd|bankTxn ORPHAN_PAYMENT'])
  })

  it('still matches on amount and date when the line names no platform (a blank 对方户名), and Taobao/Tmall payouts to 支付宝', () => {
    const out = run({
      settlements: [
        aTxn('p-blank', 'payout', '-70.00', { occurredAt: '2026-10-10T09:00:00+08:00' }),
        aTxn('p-tmall', 'payout', '-80.00', { channel: 'tmall', occurredAt: '2026-10-10T09:00:00+08:00' }),
      ],
      bank: [
        aBankLine('b-blank', '70.00', { counterparty: '', memo: '转账' }),
        aBankLine('b-tmall', '80.00', { counterparty: '支付宝（中国）网络技术有限公司', memo: '提现' }),
      ],
    })
    expect(pairs(out)).toEqual(['alipay:p-blank -> b-blank payout-amount-date', 'tmall:p-tmall -> b-tmall payout-amount-date'])
  })

  it('adds only payouts of the named platform into a payout-sum', () => {
    // Alipay 10 + WeChat 20 would make the 支付宝 line of 30; only Alipay 10 + 25 may make the one of 35.
    const out = run({
      settlements: [
        aTxn('a1', 'payout', '-10.00', { occurredAt: '2026-10-10T09:00:00+08:00' }),
        aTxn('a3', 'payout', '-25.00', { occurredAt: '2026-10-10T10:00:00+08:00' }),
        aTxn('w1', 'payout', '-20.00', { channel: 'wechat', occurredAt: '2026-10-10T08:00:00+08:00' }),
      ],
      bank: [
        aBankLine('b-30', '30.00', { occurredAt: '2026-10-11T09:00:00+08:00', counterparty: '支付宝（中国）网络技术有限公司', memo: '提现' }),
        aBankLine('b-35', '35.00', { occurredAt: '2026-10-11T10:00:00+08:00', counterparty: '支付宝（中国）网络技术有限公司', memo: '提现' }),
      ],
    })
    expect(pairs(out)).toEqual(['alipay:a1+alipay:a3 -> b-35 payout-sum'])
    expect(out.exceptions.map((e) => `${groupKey(e)} ${e.type}`)).toContain('payout:bank:6222-01|b-30|bankTxn ORPHAN_PAYMENT')
  })
})
