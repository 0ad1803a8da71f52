import { type Minor, parseAmount } from '../../shared/money.ts'
import type { BankTxn, Order, OrderLine, SettlementTxn } from '../../shared/records.ts'

/** Test-data builders for canonical records: sensible defaults, override what the test is about. */
const SOURCE = { fileHash: 'a'.repeat(64), rowNumber: 1 }

export function cny(text: string): Minor {
  return parseAmount(text, 'CNY')
}

export function anOrder(orderNo: string, gross: string, overrides: Partial<Order> = {}): Order {
  return {
    channel: 'taobao', store: '旗舰店', orderNo, status: 'completed', statusRaw: '交易成功', createdAt: '2026-10-03T10:00:00+08:00',
    completedAt: '2026-10-08T10:00:00+08:00', currency: 'CNY', gross: cny(gross), discount: cny('0'), shipping: cny('0'), tax: cny('0'), refunded: cny('0'),
    source: SOURCE, ...overrides,
  }
}

export function aLine(orderNo: string, subOrderNo: string, amount: string): OrderLine {
  return { channel: 'taobao', store: '旗舰店', orderNo, subOrderNo, sku: 'SKU', title: '商品', quantity: 1, unitPrice: cny(amount), discount: cny('0'), amount: cny(amount), refunded: cny('0'), status: 'completed', statusRaw: '交易成功', currency: 'CNY', source: SOURCE }
}

export function aTxn(externalId: string, kind: SettlementTxn['kind'], amount: string, overrides: Partial<SettlementTxn> = {}): SettlementTxn {
  return {
    channel: 'alipay', store: '旗舰店', externalId, kind, amount: cny(amount), currency: 'CNY', occurredAt: '2026-10-09T12:00:00+08:00',
    description: kind, source: SOURCE, ...overrides,
  }
}

export function aBankLine(externalId: string, amount: string, overrides: Partial<BankTxn> = {}): BankTxn {
  return { account: '6222-01', externalId, occurredAt: '2026-10-11T09:00:00+08:00', amount: cny(amount), currency: 'CNY', memo: '支付宝提现', source: SOURCE, ...overrides }
}
