import { describe, expect, it } from 'vitest'
import { type BankTxn, type SettlementTxn, naturalKey } from '../../shared/records.ts'
import { importFile } from '../../service/imports/load.ts'
import { SYSTEM } from '../../service/ledger/context.ts'
import { getException, listExceptions, listMatches, runMatching } from '../../service/matching/index.ts'
import { PLATFORM_PAYERS } from '../../service/generators/bank-cn.ts'
import { type GeneratedFormat, generateFile } from '../../service/generators/index.ts'
import { ledgerWithCompany } from '../support/db.ts'

/**
 * Payout ↔ bank matching on real-format files: a generated Alipay 账务明细 with
 * its 提现 rows, and for each bank a generated 网银 statement where each payout
 * arrives the next day from 支付宝（中国）网络技术有限公司. A decoy line of the
 * same amount from 财付通 arrives 30 minutes after the first payout (nearer in
 * date than the real one): the 对方户名 signal keeps it off the Alipay payout.
 */

const BANKS: ReadonlyArray<GeneratedFormat> = ['bank-icbc', 'bank-ccb', 'bank-abc', 'bank-boc', 'bank-bocom', 'bank-cmb']
const STORE = '旗舰店'
const MONTH_START = Date.UTC(2024, 2, 1)

/** Minutes after 2024-03-01 00:00 local, as the generators' clock() counts them. */
function minutesOf(occurredAt: string): number {
  return Math.floor((Date.parse(`${occurredAt.slice(0, 19)}Z`) - MONTH_START) / 60_000)
}

describe('payout ↔ bank matching on every bank layout', async () => {
  const alipay = await generateFile('alipay-merchant-account', { seed: 7, rows: 200, store: STORE })
  const payouts = alipay.expected.flatMap((item) => (item.kind === 'settlementTxn' && item.record.kind === 'payout' ? [item.record] : []))

  it('the Alipay bill has payouts to match', () => {
    expect(payouts.length).toBeGreaterThanOrEqual(3)
  })

  for (const format of BANKS) {
    it(`${format}: each Alipay 提现 matches its 支付宝 bank line; the 财付通 line of the same amount stays an orphan`, async () => {
      const first = payouts[0] as SettlementTxn
      const lines = [
        ...payouts.map((payout) => ({ minutes: minutesOf(payout.occurredAt) + 24 * 60 + 60, amount: -payout.amount, counterparty: PLATFORM_PAYERS.alipay, counterpartyAccount: '215500690', memo: '提现', purpose: `支付宝提现 ${payout.externalId}` })),
        { minutes: minutesOf(first.occurredAt) + 30, amount: -first.amount, counterparty: PLATFORM_PAYERS.wechat, counterpartyAccount: '1234567890', memo: '提现', purpose: '财付通提现' },
        { minutes: minutesOf(first.occurredAt) + 120, amount: -88_000n, counterparty: '杭州恒达包装材料有限公司', counterpartyAccount: '3301040160000123', memo: '货款', purpose: '合同001' },
      ].sort((a, b) => a.minutes - b.minutes)
      const bank = await generateFile(format, { seed: 1, store: `${format}-acct`, bankLines: lines })
      const ledger = await ledgerWithCompany()
      for (const [file, store] of [[alipay, STORE], [bank, `${format}-acct`]] as const) {
        const result = await importFile(ledger.db, ledger.company.id, { name: file.fileName, bytes: file.bytes }, { actor: SYSTEM, store })
        expect([result.parser, result.rejected, result.checks.filter((check) => check.level !== 'info')]).toEqual([file.parser, 0, []])
      }
      await runMatching(ledger.context, SYSTEM, ledger.company.id, { asOf: '2024-04-30' })

      const bankLines = bank.expected.flatMap((item) => (item.kind === 'bankTxn' ? [item.record] : []))
      const keyOfLine = (line: BankTxn) => naturalKey({ kind: 'bankTxn', record: line })
      const expectedPairs = payouts.map((payout) => {
        const line = bankLines.find((candidate) => candidate.counterparty === PLATFORM_PAYERS.alipay && candidate.amount === -payout.amount && candidate.memo.includes(payout.externalId))
        return [naturalKey({ kind: 'settlementTxn', record: payout }), line ? keyOfLine(line) : 'no line'].sort().join(' + ')
      }).sort()
      const matches = (await listMatches(ledger.context, ledger.company.id)).filter((match) => match.level === 'payout')
      expect(matches.map((match) => match.items.map((item) => item.ref).sort().join(' + ')).sort()).toEqual(expectedPairs)
      expect(new Set(matches.map((match) => match.rule))).toEqual(new Set(['payout-amount-date']))
      expect(matches.every((match) => match.why.includes('对方户名 names 支付宝'))).toBe(true)

      const decoy = bankLines.find((line) => line.counterparty === PLATFORM_PAYERS.wechat) as BankTxn
      const orphans = await listExceptions(ledger.context, ledger.company.id, { type: 'ORPHAN_PAYMENT' })
      const orphanRefs = await Promise.all(orphans.map(async (exception) => (await getException(ledger.context, ledger.company.id, exception.id)).items.map((item) => item.ref)))
      expect(orphanRefs.flat()).toContain(keyOfLine(decoy))
    })
  }
})
