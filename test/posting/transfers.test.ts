import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { formatAmount } from '../../shared/money.ts'
import { planEntries } from '../../shared/posting/index.ts'
import { trialBalance } from '../../service/ledger/balances.ts'
import { verifyLedger } from '../../service/ledger/verify.ts'
import { SYSTEM } from '../../service/ledger/context.ts'
import { importFile } from '../../service/imports/load.ts'
import { runPosting } from '../../service/posting/run.ts'
import { updatePostingSettings } from '../../service/posting/settings.ts'
import { ledgerWithCompany } from '../support/db.ts'
import { aPolicy, aStore, aTxn, table } from './support.ts'

/** Issue #15 defect 2: neutral rows (不计收支, WeChat 中性交易) post as transfers between the owner's accounts, never as gains. */

const here = dirname(fileURLToPath(import.meta.url))
const FIXTURES = join(here, '../fixtures/imports/issue15')
const accountant = { userId: 1 }

describe('transfers between the owner\'s own accounts', () => {
  it('plans Dr destination / Cr source with the channel wallet as one side, and holds a transfer that names no account', () => {
    const wechat = aStore('wx', 'wechat', 'GENERAL_13', '微信')
    const stores = new Map([[wechat.code, wechat]])
    const txns = [
      aTxn('T1', 'transfer', '-600.00', { channel: 'wechat', store: 'wx', counterAccount: 'wallet:零钱通' }),
      aTxn('T2', 'transfer', '1000.00', { channel: 'wechat', store: 'wx', counterAccount: 'bank:工商银行(9876)' }),
      aTxn('T3', 'transfer', '-200.00', { channel: 'wechat', store: 'wx', counterAccount: 'investment:理财通' }),
      aTxn('T4', 'transfer', '-50.00', { channel: 'wechat', store: 'wx', counterAccount: 'card:建设银行信用卡' }),
      aTxn('T5', 'transfer', '-5.00', { channel: 'wechat', store: 'wx' }),
    ]
    const plan = planEntries({ orders: [], txns }, { policy: aPolicy(), stores })
    const money = (minor: bigint) => formatAmount(minor, 'CNY')
    expect(plan.entries.map((entry) => [entry.kind, entry.summary, table({ lines: entry.lines.map((line) => ({ account: line.account, ...(line.side === 'debit' ? { debit: money(line.base) } : { credit: money(line.base) }) })) })])).toEqual([
      ['transfer', '微信 资金划转 零钱通', [['1012.09', '600.00', ''], ['1012.02', '', '600.00']]],
      ['transfer', '微信 资金划转 银行卡 工商银行(9876)', [['1002', '', '1000.00'], ['1012.02', '1000.00', '']]],
      ['transfer', '微信 资金划转 理财通', [['1101', '200.00', ''], ['1012.02', '', '200.00']]],
      ['transfer', '微信 资金划转 信用卡还款 建设银行信用卡', [['2241', '50.00', ''], ['1012.02', '', '50.00']]],
    ])
    expect(plan.held).toEqual([{ source: { kind: 'settlementTxn', id: 'wechat|T5|transfer' }, store: 'wx', reason: 'NOT_MATCHED', message: 'transfer T5 names no account of the owner it moved money to or from (none)' }])
  })

  it('a month of WeChat and Alipay personal bills with 余额宝/零钱通/理财通 movements posts to the balances the bills imply, with no difference gains', async () => {
    const { context, company, db } = await ledgerWithCompany()
    await db.client.execute({ sql: "INSERT INTO stores (company_id, code, name, channel, vat_rate) VALUES (?, 'wx', '微信', 'wechat', 'GENERAL_13'), (?, 'ali', '支付宝', 'alipay', 'GENERAL_13')", args: [company.id, company.id] })
    const wechat = await importFile(db, company.id, { name: 'wechat-month.csv', path: join(FIXTURES, 'wechat-month.csv') }, { actor: SYSTEM, store: 'wx' })
    const alipay = await importFile(db, company.id, { name: 'alipay-month.csv', path: join(FIXTURES, 'alipay-month.csv') }, { actor: SYSTEM, store: 'ali' })
    expect([wechat.imported, wechat.rejected, alipay.imported, alipay.rejected]).toEqual([13, 0, 8, 0])
    expect([...wechat.checks, ...alipay.checks].filter((check) => check.code === 'STATED_TOTALS_OK')).toHaveLength(2)
    await updatePostingSettings(context, accountant, company.id, { autoApprove: { maxTotal: '1000000.00' }, payouts: 'channel' })
    const run = await runPosting(context, accountant, company.id, { period: '2024-03' })
    expect(run.held).toEqual([])
    const tb = await trialBalance(context, company.id, '2024-03')
    const balance = (code: string) => tb.rows.find((row) => row.code === code)?.balance ?? '0.00'
    // 零钱: +1000 充值 -600 to 零钱通 +100 back -200 理财通 -50 信用卡 -100.10 提现 (100.00 + 0.10 服务费)
    expect(balance('1012.02')).toBe('149.90')
    // 零钱通: +600 +500 from the bank -100 to 零钱 -300 to the bank
    expect(balance('1012.09')).toBe('700.00')
    // 支付宝余额: +2000 充值 -1500 to 余额宝 +300 back -100 提现; 余额宝: +1500 -300 -800 fund +200 fund sale
    expect(balance('1012.01')).toBe('700.00')
    expect(balance('1012.08')).toBe('600.00')
    // 交易性金融资产: 理财通 200 + 1000, fund 800 - 200
    expect(balance('1101')).toBe('1800.00')
    // bank: WeChat -1000 -1000 -500 +300 +100, Alipay -2000 +100; credit card repaid 50
    expect(balance('1002')).toBe('-4000.00')
    expect(balance('2241')).toBe('50.00')
    // no income, no difference gain or loss; the only expense is the 0.10 withdrawal fee
    for (const code of ['5301', '5711', '5001']) expect(balance(code)).toBe('0.00')
    expect(tb.rows.filter((row) => row.code.startsWith('5') && row.balance !== '0.00').map((row) => [row.code, row.balance])).toEqual([['5601', '0.10'], ['5601.04', '0.10']])
    expect((await verifyLedger(context)).breaches).toEqual([])
  })
})
