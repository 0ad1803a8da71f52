import type { Client } from '@libsql/client'
import { describe, expect, it } from 'vitest'
import type { BatchResponse, FunctionCall } from '../../service/functions/contract.ts'
import { clearBalanceCache, evaluateBatch } from '../../service/functions/evaluate.ts'
import { createContext, type LedgerContext } from '../../service/ledger/context.ts'
import { closePeriod } from '../../service/ledger/periods.ts'
import { approveVoucher, reverseVoucher, writeVouchers } from '../../service/ledger/vouchers.ts'
import { aSale, aVoucher } from '../support/builders.ts'
import { functionsLedger } from './support.ts'

/** Every ledger function over accounts (leaves, parents, prefixes, one not yet used), periods, stores and currencies. */
function manyCalls(): FunctionCall[] {
  const calls: FunctionCall[] = []
  const accounts = ['1122', '5001', '5601', '5601*', '5601.01', '1012', '1012.06', '1002', '2221', '2221.01.02', '3103', '4*', '5*', '1*', '1405', '2202', '5603.01']
  const periods = ['2026-09', '2026-10', '2026-11', '2026-12', '2027-01']
  for (const account of accounts) {
    for (const period of periods) {
      calls.push({ id: `b-${account}-${period}`, fn: 'BALANCE', args: [account, period] })
      calls.push({ id: `s-${account}-${period}`, fn: 'BALANCE', args: [account, period, 'tmall-main'] })
      calls.push({ id: `u-${account}-${period}`, fn: 'BALANCE', args: [account, period, null, 'USD'] })
      calls.push({ id: `a-${account}-${period}`, fn: 'ACTIVITY', args: [account, '2026-10', period] })
      calls.push({ id: `d-${account}-${period}`, fn: 'DEBITS', args: [account, period, period, 'jd-flagship'] })
    }
  }
  for (const period of periods) calls.push({ id: `tb-${period}`, fn: 'TB', args: [period] }, { id: `tbs-${period}`, fn: 'TB', args: [period, 'tmall-main'] })
  return calls
}

/** A context over the same database whose balance cache is its own, counting full balance scans. */
function observed(context: LedgerContext): { context: LedgerContext; fullScans: () => number } {
  let scans = 0
  const client = new Proxy(context.db.client, {
    get(target, property, receiver) {
      if (property === 'execute') {
        return (...args: Parameters<Client['execute']>) => {
          // the full scan is the packed query without a pair filter
          if (/FROM balances WHERE company_id = \? GROUP BY/.test(JSON.stringify(args[0]))) scans += 1
          return target.execute(...args)
        }
      }
      return Reflect.get(target, property, receiver)
    },
  })
  return { context: createContext({ ...context.db, client }, context.now), fullScans: () => scans }
}

describe('cached balances refreshed from the writes since the cached version', () => {
  it('give the same figures as a full reload after postings, bulk postings, reversals, a new account and a period close', async () => {
    const ledger = await functionsLedger()
    const incremental = observed(ledger.context)
    const reference = observed(ledger.context)
    const calls = manyCalls()
    const actor = { userId: null }
    const ask = (context: LedgerContext): Promise<BatchResponse> => evaluateBatch(context, { userId: ledger.users.accountant }, { calls, company: 'ACME' })
    const same = async (step: string) => {
      const refreshed = await ask(incremental.context)
      clearBalanceCache(reference.context)
      const reloaded = await ask(reference.context)
      expect(refreshed, step).toEqual(reloaded)
      return refreshed
    }

    const before = await same('initial')
    expect(incremental.fullScans()).toBe(1)

    const [sale] = await writeVouchers(ledger.context, actor, ledger.company.id, [{ input: aSale('2026-11-20').build() }], { mode: 'post' })
    const afterSale = await same('one posting')
    expect(afterSale).not.toEqual(before)

    // more than ten vouchers: one `voucher.post.batch` audit entry listing them
    await writeVouchers(ledger.context, actor, ledger.company.id, Array.from({ length: 12 }, (_, index) => ({
      input: aVoucher(`2026-12-${String(index + 1).padStart(2, '0')}`).debit('1012.06', '1.00', { currency: 'USD', rate: '7.2', ...(index % 2 ? { store: 'tmall-main' } : {}) }).credit('5001', '7.20', index % 2 ? { store: 'tmall-main' } : {}).build(),
    })), { mode: 'post' })
    await same('bulk posting')

    // accounts that had no balances yet
    await writeVouchers(ledger.context, actor, ledger.company.id, [{ input: aVoucher('2026-11-15').debit('1405', '30.00').credit('2202', '30.00').build() }], { mode: 'post' })
    await same('new accounts')

    await reverseVoucher(ledger.context, actor, ledger.company.id, sale?.id ?? 0, { date: '2026-11-25' })
    await same('reversal')

    const [draft] = await writeVouchers(ledger.context, actor, ledger.company.id, [{ input: aVoucher('2026-10-20').debit('5603.01', '2.50', { store: 'jd-flagship' }).credit('1002', '2.50').build() }], { mode: 'draft' })
    await same('draft only')
    // approving as the system posts it (postVoucher's path)
    await approveVoucher(ledger.context, actor, ledger.company.id, draft?.id ?? 0, { selfApprove: true })
    const afterApproval = await same('draft approved and posted')
    expect(afterApproval.results.find((result) => result.id === 'b-5603.01-2026-10')).toEqual({ id: 'b-5603.01-2026-10', value: 2.5 })

    const closed = await closePeriod(ledger.context, actor, ledger.company.id, '2026-10')
    expect(closed.closingVoucher).not.toBeNull()
    const afterClose = await same('period close')
    expect(afterClose.results.find((result) => result.id === 'b-3103-2026-10')).not.toEqual(before.results.find((result) => result.id === 'b-3103-2026-10'))

    // one full scan at the start, then only the changed pairs
    expect(incremental.fullScans()).toBe(1)
  })
})
