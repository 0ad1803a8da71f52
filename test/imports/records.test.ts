import { describe, expect, it } from 'vitest'
import { minor } from '../../shared/money.ts'
import { type SettlementTxn, naturalKey, normalizeOrderRef, recordFromJson, recordToJson } from '../../shared/records.ts'

const txn: SettlementTxn = {
  channel: 'wechat', store: 'main', externalId: '4200002166202406250324636876', kind: 'fee', amount: minor(-27n), currency: 'CNY',
  occurredAt: '2024-07-09T16:47:58+08:00', description: '手续费', source: { fileHash: 'a'.repeat(64), rowNumber: 2 },
}

describe('canonical records', () => {
  it('round-trips a settlement txn through its JSON form with money as decimal strings', () => {
    const json = recordToJson('settlementTxn', txn)
    expect(json.amount).toBe('-0.27')
    expect(recordFromJson('settlementTxn', json)).toEqual(txn)
  })

  it('refuses JSON money with more decimals than the currency allows', () => {
    expect(() => recordFromJson('settlementTxn', { ...recordToJson('settlementTxn', txn), amount: '0.271' })).toThrow(/decimals/)
  })

  it('refuses a timestamp without an offset', () => {
    expect(() => recordFromJson('settlementTxn', { ...recordToJson('settlementTxn', txn), occurredAt: '2024-07-09 16:47:58' })).toThrow(/invalid settlementTxn/)
  })

  it('keys a txn by channel, external id and kind, and strips the T200P prefix from order refs', () => {
    expect(naturalKey({ kind: 'settlementTxn', record: txn })).toBe('wechat|4200002166202406250324636876|fee')
    expect(normalizeOrderRef(' T200P133899\t')).toBe('133899')
  })
})
