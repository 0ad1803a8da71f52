import { chartTemplate } from '../../shared/accounts.ts'
import { type Minor, parseAmount } from '../../shared/money.ts'
import { DEFAULT_TAX_RATES, type PostingPolicy, type StoreProfile, resolveAccounts, taxRateOn } from '../../shared/posting/index.ts'
import type { Channel, Order, OrderLine, SettlementTxn } from '../../shared/records.ts'

/** Test builders for canonical records and store profiles (amounts as decimal strings). */
const HASH = 'a'.repeat(64)
let row = 1

export const cny = (text: string): Minor => parseAmount(text, 'CNY')

export function anOrder(orderNo: string, gross: string, overrides: Partial<Order> = {}): Order {
  const currency = overrides.currency ?? 'CNY'
  return {
    channel: 'taobao', store: 'tmall', orderNo, status: 'completed', statusRaw: '交易成功', createdAt: '2026-10-03T10:00:00+08:00',
    paidAt: '2026-10-03T10:01:00+08:00', shippedAt: '2026-10-04T09:00:00+08:00', completedAt: '2026-10-05T12:00:00+08:00', currency,
    gross: parseAmount(gross, currency), discount: 0n as Minor, shipping: 0n as Minor, tax: 0n as Minor, refunded: 0n as Minor,
    source: { fileHash: HASH, rowNumber: row++ }, ...overrides,
  }
}

export function aLine(orderNo: string, sub: string, sku: string, quantity: number, amount: string, overrides: Partial<OrderLine> = {}): OrderLine {
  return {
    channel: 'taobao', store: 'tmall', orderNo, subOrderNo: sub, sku, title: sku, quantity, unitPrice: cny(amount), discount: 0n as Minor, amount: cny(amount),
    refunded: 0n as Minor, status: 'completed', statusRaw: '交易成功', currency: 'CNY', source: { fileHash: HASH, rowNumber: row++ }, ...overrides,
  }
}

export function aTxn(externalId: string, kind: SettlementTxn['kind'], amount: string, overrides: Partial<SettlementTxn> = {}): SettlementTxn {
  const currency = overrides.currency ?? 'CNY'
  return {
    channel: 'alipay', store: 'tmall', externalId, kind, amount: parseAmount(amount, currency), currency, occurredAt: '2026-10-06T08:00:00+08:00',
    description: kind, source: { fileHash: HASH, rowNumber: row++ }, ...overrides,
  }
}

export function aStore(code = 'tmall', channel: Channel = 'taobao', taxCode = 'GENERAL_13', name = '天猫店'): StoreProfile {
  return { code, name, channel, accounts: resolveAccounts('small-enterprise', 'general', channel, {}, {}), vatRateOn: (date) => taxRateOn(DEFAULT_TAX_RATES, taxCode, date) }
}

export function aPolicy(overrides: Partial<PostingPolicy> = {}): PostingPolicy {
  return { baseCurrency: 'CNY', recognition: 'completed', tolerance: 0n as Minor, rateOn: (currency) => (currency === 'USD' ? '7.1234' : undefined), ...overrides }
}

export const CHART = new Map(chartTemplate('small-enterprise', 'general').map((account) => [account.code, account]))

/** A voucher input's lines as an accountant's table: [account, debit, credit]. */
export function table(input: { lines: ReadonlyArray<{ account: string; debit?: string; credit?: string }> }): Array<[string, string, string]> {
  return input.lines.map((line) => [line.account, line.debit ?? '', line.credit ?? ''])
}
