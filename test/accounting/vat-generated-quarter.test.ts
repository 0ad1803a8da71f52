import { describe, expect, it } from 'vitest'
import { formatAmount, parseAmount } from '../../shared/money.ts'
import type { Order, SettlementTxn } from '../../shared/records.ts'
import { createUser, setRole } from '../../service/auth/users.ts'
import { updateCompanySettings } from '../../service/ledger/company.ts'
import { SYSTEM } from '../../service/ledger/context.ts'
import { closePeriod } from '../../service/ledger/periods.ts'
import { verifyLedger } from '../../service/ledger/verify.ts'
import { approveVoucher } from '../../service/ledger/vouchers.ts'
import { registerRevaluation } from '../../service/posting/revaluation.ts'
import { runPosting } from '../../service/posting/run.ts'
import { updatePostingSettings } from '../../service/posting/settings.ts'
import { aTxn, anOrder } from '../posting/support.ts'
import { balanceOf, companyOn, post } from './support.ts'

/**
 * Issue #16 "must show": the VAT month-end on a generated quarter ends the 应交税费
 * sub-accounts as the returns (增值税及附加税费申报表) show them. Orders of two 13%
 * stores are generated and posted month by month, purchases with a 专票 keyed in
 * (November's stock-up leaves 留抵), the VAT month-end runs at close (company
 * setting closing.vatMonthEnd) and a second user approves every period-end voucher.
 * The return of each month is worked out here from the ordinary vouchers alone:
 * 应纳税额 = 销项 - 进项 - 上期留抵 (at least 0), 期末留抵 = what is left, 附加税费 =
 * 应纳税额 x 7% / 3% / 2% rounded to the fen; the ledger must show the same.
 */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
const pad = (value: number) => String(value).padStart(2, '0')
const percent = (amount: bigint, rate: bigint) => (amount * rate + 50n) / 100n

describe.each(['small-enterprise', 'enterprise'] as const)('VAT month-end on a generated quarter (%s)', (template) => {
  it('ends 应交税费 as the three monthly returns show it, every period-end voucher approved by a second user', async () => {
    registerRevaluation()
    const next = random(template === 'enterprise' ? 2026 : 1016)
    const between = (low: number, high: number) => low + Math.floor(next() * (high - low + 1))
    const { context, company, pl } = await companyOn(template)
    const boss = await createUser(context, SYSTEM, { username: 'boss', password: 'boss-password-2026' })
    const li = await createUser(context, SYSTEM, { username: 'li', password: 'li-Approver-2026!x' })
    await setRole(context, SYSTEM, boss.id, company.id, 'admin')
    await setRole(context, SYSTEM, li.id, company.id, 'approver')
    await updateCompanySettings(context, SYSTEM, company.id, { closing: { vatMonthEnd: true } })
    for (const [code, channel] of [['tmall', 'taobao'], ['jd', 'jd']] as const) await context.db.client.execute({ sql: "INSERT INTO stores (company_id, code, name, channel, vat_rate) VALUES (?, ?, ?, ?, 'GENERAL_13')", args: [company.id, code, code, channel] })
    await updatePostingSettings(context, SYSTEM, company.id, { autoApprove: { maxTotal: '100000000.00' }, payouts: 'channel' })

    let carried = 0n
    const returns: Array<{ period: string; output: bigint; input: bigint; payable: bigint; carried: bigint; surcharges: bigint[] }> = []
    let orderNo = 5000
    for (const [month, purchase] of [[10, 20_000_00n], [11, 300_000_00n], [12, 8_000_00n]] as const) {
      const period = `2026-${month}`
      const vat = percent(purchase, 13n)
      await post(context, company.id, [{ date: `${period}-02`, summary: '采购入库 专票', lines: [{ account: '1405', debit: formatAmount(purchase, 'CNY') }, { account: '2221.01.01', debit: formatAmount(vat, 'CNY') }, { account: '2202', credit: formatAmount(purchase + vat, 'CNY') }] }])
      const orders: Order[] = []
      const txns: SettlementTxn[] = []
      for (const [store, channel, wallet] of [['tmall', 'taobao', 'alipay'], ['jd', 'jd', 'jd']] as const) {
        for (let count = between(12, 20); count > 0; count -= 1) {
          const day = between(3, 25)
          const no = `${store.toUpperCase()}${orderNo++}`
          const gross = parseAmount(`${between(200, 6000)}.${pad(between(0, 99))}`, 'CNY')
          const at = `${period}-${pad(day)}T10:00:00+08:00`
          orders.push(anOrder(no, formatAmount(gross, 'CNY'), { store, channel, createdAt: at, paidAt: at, shippedAt: at, completedAt: at }))
          txns.push(aTxn(`${no}-P`, 'payment', formatAmount(gross, 'CNY'), { store, channel: wallet, orderRef: no, occurredAt: `${period}-${pad(day + 1)}T10:00:00+08:00` }))
        }
      }
      const run = await runPosting(context, { userId: boss.id }, company.id, { period, records: { orders, txns }, hold: () => undefined })
      expect(run.held).toEqual([])

      // the return, from the ordinary vouchers of the month
      const movement = async (account: string) => {
        const result = await context.db.client.execute({ sql: "SELECT COALESCE(SUM(CASE WHEN l.side = 'debit' THEN l.amount_minor ELSE -l.amount_minor END), 0) AS net FROM voucher_lines l JOIN vouchers v ON v.id = l.voucher_id WHERE v.company_id = ? AND v.period = ? AND l.account_code = ? AND v.source_kind NOT IN ('vat.month-end', 'closing')", args: [company.id, period, account] })
        return BigInt(Number(result.rows[0]?.net))
      }
      const output = -(await movement('2221.01.02'))
      const input = await movement('2221.01.01')
      // 13% of the net sale on every order: the return's 销项 is the sales' own tax
      expect(output).toBeGreaterThan(0n)
      const due = output - input - carried
      const payable = due > 0n ? due : 0n
      carried = due > 0n ? 0n : -due
      const surcharges = [percent(payable, 7n), percent(payable, 3n), percent(payable, 2n)]
      returns.push({ period, output, input, payable, carried, surcharges })

      // close: the VAT month-end is drafted by boss, approved by li; then 结转损益; then closed
      let round = 0
      for (;;) {
        const closed = await closePeriod(context, { userId: boss.id }, company.id, period)
        if (closed.status === 'closed') break
        expect(closed.approvers).toEqual(['li (approver)'])
        for (const voucher of closed.pending) await approveVoucher(context, { userId: li.id }, company.id, voucher.id)
        round += 1
        expect(round).toBeLessThan(3)
      }
      const made = await context.db.client.execute({ sql: "SELECT l.account_code, l.side, l.amount_minor FROM voucher_lines l JOIN vouchers v ON v.id = l.voucher_id WHERE v.company_id = ? AND v.period = ? AND v.source_kind = 'vat.month-end' AND v.status = 'posted' AND v.maker_id = ? AND v.approver_id = ? ORDER BY v.id, l.line_no", args: [company.id, period, boss.id, li.id] })
      const expected = payable === 0n ? [] : [
        ['2221.01.04', 'debit', payable], ['2221.02', 'credit', payable],
        [pl('5403'), 'debit', surcharges.reduce((sum, value) => sum + value, 0n)], ['2221.04', 'credit', surcharges[0]], ['2221.05', 'credit', surcharges[1]], ['2221.06', 'credit', surcharges[2]],
      ]
      expect([period, made.rows.map((row) => [row.account_code, row.side, BigInt(Number(row.amount_minor))])]).toEqual([period, expected])
      // 期末留抵 is the debit balance left on 应交增值税
      expect([period, (await balanceOf(context, company.id, '2221.01')).base]).toEqual([period, carried])
    }
    // the quarter: October owes, November's stock-up leaves 留抵, December uses part of it
    expect(returns.map((item) => [item.payable > 0n, item.carried > 0n])).toEqual([[true, false], [false, true], [false, true]])
    expect(returns[2]!.carried).toBeLessThan(returns[1]!.carried)
    // the sub-accounts at the quarter's end, as the three returns add up (nothing paid yet)
    const sum = (pick: (item: (typeof returns)[number]) => bigint) => returns.reduce((total, item) => total + pick(item), 0n)
    const balance = async (code: string) => (await balanceOf(context, company.id, code)).base
    expect(await balance('2221.01.02')).toBe(-sum((item) => item.output))
    expect(await balance('2221.01.01')).toBe(sum((item) => item.input))
    expect(await balance('2221.01.04')).toBe(sum((item) => item.payable))
    expect(await balance('2221.02')).toBe(-sum((item) => item.payable))
    expect(await balance('2221.04')).toBe(-sum((item) => item.surcharges[0]!))
    expect(await balance('2221.05')).toBe(-sum((item) => item.surcharges[1]!))
    expect(await balance('2221.06')).toBe(-sum((item) => item.surcharges[2]!))
    expect(await balance('2221.01')).toBe(returns[2]!.carried)
    expect((await verifyLedger(context)).breaches).toEqual([])
  }, 120_000)
})
