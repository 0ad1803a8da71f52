import type { Client } from '@libsql/client'
import { describe, expect, it } from 'vitest'
import type { FunctionCall } from '../../service/functions/contract.ts'
import { evaluateBatch } from '../../service/functions/evaluate.ts'
import { createContext } from '../../service/ledger/context.ts'
import { reverseVoucher, writeVouchers } from '../../service/ledger/vouchers.ts'
import { aSale } from '../support/builders.ts'
import { functionsLedger } from './support.ts'

const call = (id: string, fn: string, ...args: Array<string | number | boolean | null>): FunctionCall => ({ id, fn, args })

async function evaluateAs(role: 'accountant' | 'sales' | 'outsider', calls: FunctionCall[]) {
  const ledger = await functionsLedger()
  const response = await evaluateBatch(ledger.context, { userId: ledger.users[role] }, { calls, company: 'ACME' })
  return Object.fromEntries(response.results.map((result) => [result.id, 'value' in result ? result.value : { error: result.error, message: result.message }]))
}

describe('worksheet function evaluation', () => {
  it('answers closing balances debit-positive, rolled up, by prefix, store and currency', async () => {
    const results = await evaluateAs('accountant', [
      call('ar-oct', 'BALANCE', '1122', '2026-10'),
      call('ar-nov', 'BALANCE', 1122, '2026-11'),
      call('ar-nov-jd', 'BALANCE', '1122', '2026-11', 'jd-flagship'),
      call('ar-sep', 'BALANCE', '1122', '2026-09'),
      call('tax-parent', 'BALANCE', '2221', '2026-10'),
      call('selling', 'BALANCE', '5601*', '2026-10'),
      call('selling-tmall', 'BALANCE', '5601*', '2026-10', 'tmall-main'),
      call('wallets', 'BALANCE', '1012', '2026-10'),
      call('shopify-cny', 'BALANCE', '1012.06', '2026-10'),
      call('shopify-usd', 'BALANCE', '1012.06', '2026-10', null, 'USD'),
      call('serial-date', 'BALANCE', '1122', 46326),
      call('date-text', 'BALANCE', '1122', '2026-10-31'),
    ])
    expect(results).toEqual({
      'ar-oct': 42, 'ar-nov': 155, 'ar-nov-jd': 113, 'ar-sep': 0, 'tax-parent': -13, selling: 25, 'selling-tmall': 5,
      wallets: 66, 'shopify-cny': 71, 'shopify-usd': 10, 'serial-date': 42, 'date-text': 42,
    })
  })

  it('answers net movement, debits and credits over a period range', async () => {
    const results = await evaluateAs('accountant', [
      call('activity-nov', 'ACTIVITY', '1122', '2026-11'),
      call('activity-both', 'ACTIVITY', '1122', '2026-10', '2026-11'),
      call('activity-store', 'ACTIVITY', '1122', '2026-10', '2026-11', 'tmall-main'),
      call('debits', 'DEBITS', '1122', '2026-10', '2026-11'),
      call('credits', 'CREDITS', '1122', '2026-10'),
      call('revenue', 'CREDITS', '5001', '2026-10', '2026-12'),
    ])
    expect(results).toEqual({ 'activity-nov': 113, 'activity-both': 155, 'activity-store': 113, debits: 226, credits: 71, revenue: 200 })
  })

  it('spills a trial balance of closing balances with code, name, debit and credit columns', async () => {
    const results = await evaluateAs('accountant', [call('tb', 'TB', '2026-10')])
    expect(results.tb).toEqual([
      ['code', 'name', 'debit', 'credit'],
      ['1002', '银行存款', 0, 20],
      ['1012', '其他货币资金', 66, 0],
      ['1012.01', '支付宝', 0, 5],
      ['1012.06', 'Shopify Payments', 71, 0],
      ['1122', '应收账款', 42, 0],
      ['2221', '应交税费', 0, 13],
      ['2221.01', '应交增值税', 0, 13],
      ['2221.01.02', '销项税额', 0, 13],
      ['5001', '主营业务收入', 0, 100],
      ['5601', '销售费用', 25, 0],
      ['5601.01', '平台佣金', 5, 0],
      ['5601.02', '推广费', 20, 0],
    ])
  })

  it('names accounts and answers #N/A for unknown ones and #VALUE! for unreadable arguments', async () => {
    const results = await evaluateAs('accountant', [
      call('name', 'ACCOUNTNAME', '1122'),
      call('name-number', 'ACCOUNTNAME', 2221.01),
      call('unknown', 'BALANCE', '9999', '2026-10'),
      call('no-match', 'BALANCE', '49*', '2026-10'),
      call('unknown-name', 'ACCOUNTNAME', '1999'),
      call('bad-period', 'BALANCE', '1122', '2026-13'),
      call('bad-account', 'BALANCE', 'cash', '2026-10'),
      call('bad-currency', 'BALANCE', '1122', '2026-10', null, 'XYZ'),
      call('reversed-range', 'ACTIVITY', '1122', '2026-11', '2026-10'),
      call('missing-from', 'ACTIVITY', '1122'),
      call('too-many', 'ACCOUNTNAME', '1122', 'x'),
      call('unknown-fn', 'SALDO', '1122'),
    ])
    expect(results).toEqual({
      name: '应收账款', 'name-number': '应交增值税',
      unknown: { error: '#N/A', message: 'unknown account 9999' },
      'no-match': { error: '#N/A', message: 'no account matches 49*' },
      'unknown-name': { error: '#N/A', message: 'unknown account 1999' },
      'bad-period': { error: '#VALUE!', message: 'period: "2026-13" is not a period (YYYY-MM)' },
      'bad-account': { error: '#VALUE!', message: 'account "cash" is not an account code like "1122" or a prefix like "5601*"' },
      'bad-currency': { error: '#VALUE!', message: 'currency "XYZ" is not a known currency code' },
      'reversed-range': { error: '#VALUE!', message: 'to 2026-10 is before from 2026-11' },
      'missing-from': { error: '#VALUE!', message: 'from is required (YYYY-MM, a date or an Excel date)' },
      'too-many': { error: '#VALUE!', message: 'ACCOUNTNAME takes at most 1 arguments, got 2' },
      'unknown-fn': { error: '#VALUE!', message: 'unknown function SALDO' },
    })
  })

  it('lets sales see P&L, receivables and matching but answers "no access" for cash, wallets, tax, equity and rates', async () => {
    const results = await evaluateAs('sales', [
      call('revenue', 'BALANCE', '5001', '2026-10'),
      call('selling', 'BALANCE', '5601*', '2026-10'),
      call('ar', 'BALANCE', '1122', '2026-10'),
      call('bank', 'BALANCE', '1002', '2026-10'),
      call('wallet', 'BALANCE', '1012.01', '2026-10'),
      call('tax', 'ACTIVITY', '2221', '2026-10'),
      call('equity', 'BALANCE', '3103', '2026-10'),
      call('wide-prefix', 'BALANCE', '11*', '2026-10'),
      call('bank-name', 'ACCOUNTNAME', '1002'),
      call('fx', 'FX', 'USD', '2026-10-08'),
      call('tb', 'TB', '2026-10'),
    ])
    expect(results).toMatchObject({
      revenue: -100, selling: 25, ar: 42,
      bank: { error: '#N/A', message: 'no access' }, wallet: { error: '#N/A', message: 'no access' },
      tax: { error: '#N/A', message: 'no access' }, equity: { error: '#N/A', message: 'no access' },
      'wide-prefix': { error: '#N/A', message: 'no access' }, 'bank-name': { error: '#N/A', message: 'no access' },
      fx: { error: '#N/A', message: 'no access' },
      tb: [['code', 'name', 'debit', 'credit'], ['1122', '应收账款', 42, 0], ['5001', '主营业务收入', 0, 100], ['5601', '销售费用', 25, 0], ['5601.01', '平台佣金', 5, 0], ['5601.02', '推广费', 20, 0]],
    })
  })

  it('answers "no access" for a company the caller is not a member of, per call', async () => {
    const ledger = await functionsLedger()
    const response = await evaluateBatch(ledger.context, { userId: ledger.users.outsider }, {
      calls: [{ id: 'acme', fn: 'BALANCE', args: ['1122', '2026-10'], company: 'ACME' }, { id: 'own', fn: 'BALANCE', args: ['1122', '2026-10'] }],
      company: 'OTHER',
    })
    expect(response.results).toEqual([{ id: 'acme', error: '#N/A', message: 'no access' }, { id: 'own', value: 0 }])
  })

  it('defaults BALANCE to the current period in China time', async () => {
    const ledger = await functionsLedger()
    const context = createContext(ledger.context.db, () => new Date('2026-10-31T16:30:00Z'))
    const response = await evaluateBatch(context, { userId: ledger.users.accountant }, { calls: [call('now', 'BALANCE', '1122')] })
    expect(response.results).toEqual([{ id: 'now', value: 155 }])
  })

  it('evaluates a thousand calls in four queries (memberships, chart, ledger version, balances) and a repeat in three', async () => {
    const ledger = await functionsLedger()
    let queries = 0
    const client = new Proxy(ledger.context.db.client, {
      get(target, property, receiver) {
        if (property === 'execute') return (...args: Parameters<Client['execute']>) => { queries += 1; return target.execute(...args) }
        return Reflect.get(target, property, receiver)
      },
    })
    const context = createContext({ ...ledger.context.db, client }, ledger.context.now)
    const calls: FunctionCall[] = []
    for (let index = 0; index < 1000; index += 1) {
      const period = `2026-${String((index % 12) + 1).padStart(2, '0')}`
      const account = ['1122', '5601*', '2221', '1012.06'][index % 4] ?? '1122'
      const store = index % 5 === 0 ? 'tmall-main' : null
      calls.push(index % 3 === 0 ? call(`c${index}`, 'ACTIVITY', account, period, null, store) : call(`c${index}`, 'BALANCE', account, period, store))
    }
    const response = await evaluateBatch(context, { userId: ledger.users.accountant }, { calls, company: 'ACME' })
    expect(queries).toBe(4)
    expect(response.results).toHaveLength(1000)
    expect(response.results.filter((result) => !("value" in result))).toEqual([])
    expect([response.results[10], response.results[11]]).toEqual([{ id: 'c10', value: -13 }, { id: 'c11', value: 71 }])
    queries = 0
    const repeat = await evaluateBatch(context, { userId: ledger.users.accountant }, { calls, company: 'ACME' })
    expect(queries).toBe(3)
    expect(repeat).toEqual(response)
  })

  it('sees a voucher posted after the previous batch: cached balances follow the ledger version', async () => {
    const ledger = await functionsLedger()
    const ask = () => evaluateBatch(ledger.context, { userId: ledger.users.accountant }, { calls: [call('ar', 'BALANCE', '1122', '2026-11')], company: 'ACME' })
    expect((await ask()).results).toEqual([{ id: 'ar', value: 155 }])
    const [posted] = await writeVouchers(ledger.context, { userId: null }, ledger.company.id, [{ input: aSale('2026-11-20').build() }], { mode: 'post' })
    expect((await ask()).results).toEqual([{ id: 'ar', value: 268 }])
    await reverseVoucher(ledger.context, { userId: null }, ledger.company.id, posted?.id ?? 0, { date: '2026-11-21' })
    expect((await ask()).results).toEqual([{ id: 'ar', value: 155 }])
  })
})
