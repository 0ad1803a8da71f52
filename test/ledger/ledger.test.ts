import { describe, expect, it } from 'vitest'
import { SYSTEM } from '../../service/ledger/context.ts'
import { trialBalance } from '../../service/ledger/balances.ts'
import { closePeriod, reopenPeriod } from '../../service/ledger/periods.ts'
import { verifyLedger } from '../../service/ledger/verify.ts'
import { approveVoucher, getVoucher, reverseVoucher, writeVouchers } from '../../service/ledger/vouchers.ts'
import { aSale, aVoucher } from '../support/builders.ts'
import { ledgerWithCompany } from '../support/db.ts'

const maker = { userId: 1 }
const checker = { userId: 2 }

describe('ledger core', () => {
  it('posts a balanced voucher with number 记-1 and updates the trial balance', async () => {
    const { context, company } = await ledgerWithCompany()
    const [result] = await writeVouchers(context, maker, company.id, [{ input: aSale().build() }], { mode: 'post' })
    expect(result).toMatchObject({ period: '2026-10', word: '记', number: 1, status: 'posted', replayed: false })
    const tb = await trialBalance(context, company.id, '2026-10')
    expect(tb.balanced).toBe(true)
    expect(tb.rows.find((row) => row.code === '1122')).toMatchObject({ debit: '113.00', credit: '0.00', closingDebit: '113.00', balance: '113.00' })
    expect(tb.rows.find((row) => row.code === '2221')).toMatchObject({ credit: '13.00', closingCredit: '13.00', balance: '-13.00' })
    expect(tb.totals).toMatchObject({ debit: '113.00', credit: '113.00', closingDebit: '113.00', closingCredit: '113.00' })
    expect((await verifyLedger(context)).breaches).toEqual([])
  })

  it('numbers posted vouchers contiguously per period and word', async () => {
    const { context, company } = await ledgerWithCompany()
    const results = await writeVouchers(context, maker, company.id, [aSale('2026-10-01'), aSale('2026-10-02'), aSale('2026-11-01'), aSale('2026-10-03')].map((v) => ({ input: v.build() })), { mode: 'post' })
    expect(results.map((r) => `${r.period}:${r.word}-${r.number}`)).toEqual(['2026-10:记-1', '2026-10:记-2', '2026-11:记-1', '2026-10:记-3'])
  })

  it('rejects an unbalanced voucher and writes nothing', async () => {
    const { context, company } = await ledgerWithCompany()
    const input = aVoucher().debit('1122', '113.00').credit('5001', '100.00').build()
    await expect(writeVouchers(context, maker, company.id, [{ input }], { mode: 'post' })).rejects.toMatchObject({ code: 'UNBALANCED', message: expect.stringContaining('difference 13.00') })
    const tb = await trialBalance(context, company.id, '2026-10')
    expect(tb.rows).toEqual([])
  })

  it('rejects unknown and non-leaf accounts and too many decimals, naming the line', async () => {
    const { context, company } = await ledgerWithCompany()
    await expect(writeVouchers(context, maker, company.id, [{ input: aVoucher().debit('9999', '1.00').credit('5001', '1.00').build() }], { mode: 'post' })).rejects.toMatchObject({ code: 'UNKNOWN_ACCOUNT', message: 'line 1: unknown account 9999' })
    await expect(writeVouchers(context, maker, company.id, [{ input: aVoucher().debit('1012', '1.00').credit('5001', '1.00').build() }], { mode: 'post' })).rejects.toMatchObject({ code: 'NON_LEAF_ACCOUNT' })
    await expect(writeVouchers(context, maker, company.id, [{ input: aVoucher().debit('1122', '1.005').credit('5001', '1.005').build() }], { mode: 'post' })).rejects.toMatchObject({ code: 'TOO_MANY_DECIMALS' })
  })

  it('returns the first result for a replayed idempotency key and refuses a changed input', async () => {
    const { context, company } = await ledgerWithCompany()
    const input = aSale().key('order-12345').build()
    const [first] = await writeVouchers(context, maker, company.id, [{ input }], { mode: 'post' })
    const [second] = await writeVouchers(context, maker, company.id, [{ input }], { mode: 'post' })
    expect(second).toEqual({ ...first, replayed: true })
    const changed = aVoucher().debit('1122', '1.00').credit('5001', '1.00').key('order-12345').build()
    await expect(writeVouchers(context, maker, company.id, [{ input: changed }], { mode: 'post' })).rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' })
    const tb = await trialBalance(context, company.id, '2026-10')
    expect(tb.totals.debit).toBe('113.00')
  })

  it('requires a different user to approve, then posts', async () => {
    const { context, company } = await ledgerWithCompany()
    const [draft] = await writeVouchers(context, maker, company.id, [{ input: aSale().build() }], { mode: 'draft' })
    expect(draft?.number).toBeNull()
    await expect(approveVoucher(context, maker, company.id, draft?.id ?? 0)).rejects.toMatchObject({ code: 'MAKER_CANNOT_APPROVE' })
    const approved = await approveVoucher(context, checker, company.id, draft?.id ?? 0)
    expect(approved).toMatchObject({ status: 'posted', number: 1 })
    const stored = await getVoucher(context, company.id, draft?.id ?? 0)
    expect(stored).toMatchObject({ makerId: 1, approverId: 2, posterId: 2, status: 'posted', total: '113.00' })
  })

  it('reverses in red ink: same sides, negative amounts, movements net to zero', async () => {
    const { context, company } = await ledgerWithCompany()
    const [original] = await writeVouchers(context, maker, company.id, [{ input: aSale().build() }], { mode: 'post' })
    const reversal = await reverseVoucher(context, maker, company.id, original?.id ?? 0)
    expect(reversal).toMatchObject({ number: 2, status: 'posted' })
    const stored = await getVoucher(context, company.id, reversal.id)
    expect(stored.lines.map((line) => [line.account, line.side, line.amount])).toEqual([['1122', 'debit', '-113.00'], ['5001', 'credit', '-100.00'], ['2221.01.02', 'credit', '-13.00']])
    const tb = await trialBalance(context, company.id, '2026-10')
    expect(tb.rows.find((row) => row.code === '1122')).toMatchObject({ debit: '0.00', credit: '0.00', balance: '0.00' })
    await expect(reverseVoucher(context, maker, company.id, original?.id ?? 0)).rejects.toMatchObject({ code: 'ALREADY_REVERSED' })
    expect((await verifyLedger(context)).breaches).toEqual([])
  })

  it('closes a period with 结转损益 into 本年利润, refuses writes there, and reopens for an admin', async () => {
    const { context, company } = await ledgerWithCompany()
    await writeVouchers(context, maker, company.id, [{ input: aSale().build() }, { input: aVoucher('2026-10-06').debit('5601.01', '5.00', { store: 'tmall-main' }).credit('1012.01', '5.00', { store: 'tmall-main' }).build() }], { mode: 'post' })
    const closed = await closePeriod(context, maker, company.id, '2026-10')
    expect(closed.closingVoucher).not.toBeNull()
    const tb = await trialBalance(context, company.id, '2026-10')
    expect(tb.rows.find((row) => row.code === '5001')?.balance).toBe('0.00')
    expect(tb.rows.find((row) => row.code === '5601')?.balance).toBe('0.00')
    expect(tb.rows.find((row) => row.code === '3103')?.balance).toBe('-95.00')
    await expect(writeVouchers(context, maker, company.id, [{ input: aSale('2026-10-20').build() }], { mode: 'post' })).rejects.toMatchObject({ code: 'PERIOD_CLOSED' })
    await reopenPeriod(context, SYSTEM, company.id, '2026-10', 'late invoice')
    await writeVouchers(context, maker, company.id, [{ input: aSale('2026-10-20').build() }], { mode: 'post' })
    expect((await verifyLedger(context)).breaches).toEqual([])
  })

  it('refuses to close a period with drafts open', async () => {
    const { context, company } = await ledgerWithCompany()
    await writeVouchers(context, maker, company.id, [{ input: aSale().build() }], { mode: 'draft' })
    // issue #13: a refused close is PERIOD_NOT_READY and names what blocks (was PERIOD_NOT_CLOSABLE with a count)
    await expect(closePeriod(context, maker, company.id, '2026-10')).rejects.toMatchObject({ code: 'PERIOD_NOT_READY', details: { blockers: [expect.objectContaining({ kind: 'drafts', count: 1 })] } })
  })
})
