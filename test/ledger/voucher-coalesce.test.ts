import { describe, expect, it } from 'vitest'
import { openDatabase } from '../../service/db/connection.ts'
import { createContext } from '../../service/ledger/context.ts'
import { loadChart } from '../../service/ledger/company.ts'
import { closePeriod } from '../../service/ledger/periods.ts'
import { verifyLedger } from '../../service/ledger/verify.ts'
import { coalesceStats, writeVouchersCoalesced } from '../../service/ledger/voucher-coalesce.ts'
import { type VoucherResult, writeVouchers } from '../../service/ledger/vouchers.ts'
import { ledgerWithCompany } from '../support/db.ts'

const sale = (key: string, date = '2026-10-05', amount = '10.00') => ({
  date, idempotencyKey: key, lines: [
    { account: '1122', store: 'tmall-main', debit: amount },
    { account: '5001', store: 'tmall-main', credit: amount },
  ],
})

describe('coalesced voucher writes (issue #20: one joint write for concurrent single-voucher requests)', () => {
  it('writes 80 concurrent requests in a few joint writes: each keeps its own id, number and audit entry, in arrival order', async () => {
    const { context, company, db } = await ledgerWithCompany()
    const before = { ...coalesceStats, transactions: db.writeStats.transactions }
    const results = await Promise.all(Array.from({ length: 80 }, (_, index) =>
      writeVouchersCoalesced(context, { userId: 1 }, company.id, [{ input: sale(`co-${index}`) }], { mode: 'post' })))
    const flat = results.map((result) => result[0] as VoucherResult)
    // contiguous; requests reach the queue once validated, so their order may differ from the call order
    expect(flat.map((result) => result.number).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(Array.from({ length: 80 }, (_, index) => index + 1))
    expect(new Set(flat.map((result) => result.id)).size).toBe(80)
    expect(coalesceStats.requests - before.requests).toBe(80)
    expect(coalesceStats.jointWrites - before.jointWrites).toBeGreaterThan(0)
    expect(db.writeStats.transactions - before.transactions).toBeLessThan(10)
    const stored = await db.client.execute('SELECT idempotency_key, number FROM vouchers WHERE company_id = ? ORDER BY number', [company.id])
    expect(stored.rows.map((row) => [row.idempotency_key, row.number])).toEqual(flat.map((result, index) => [`co-${index}`, result.number]).sort((a, b) => Number(a[1]) - Number(b[1])))
    const audits = await db.client.execute("SELECT COUNT(*) AS n FROM audit_log WHERE company_id = ? AND action LIKE 'voucher%'", [company.id])
    expect(Number(audits.rows[0]?.n)).toBe(80)
    expect((await verifyLedger(context)).breaches).toEqual([])
  })

  it('fails a bad voucher alone: a closed period and a source posted twice are refused, their neighbours commit', async () => {
    const { context, company, db } = await ledgerWithCompany()
    await writeVouchers(context, { userId: 1 }, company.id, [{ input: sale('september', '2026-09-10') }], { mode: 'post' })
    await closePeriod(context, { userId: 1 }, company.id, '2026-09')
    const requests = [
      { input: sale('ok-1'), sources: [{ kind: 'order', id: 'A' }] },
      { input: sale('closed', '2026-09-20') },
      { input: sale('ok-2'), sources: [{ kind: 'order', id: 'B' }] },
      { input: sale('twice'), sources: [{ kind: 'order', id: 'A' }] },
      { input: sale('ok-3') },
    ]
    const fallbacks = coalesceStats.fallbacks
    const settled = await Promise.allSettled(requests.map((request) => writeVouchersCoalesced(context, { userId: 1 }, company.id, [request], { mode: 'post' })))
    expect(settled.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled'])
    expect(String((settled[1] as PromiseRejectedResult).reason)).toMatch(/closed|2026-09/i)
    expect(String((settled[3] as PromiseRejectedResult).reason)).toMatch(/already posted|DUPLICATE|order:A|order A/i)
    expect(coalesceStats.fallbacks).toBeGreaterThan(fallbacks)
    const rows = await db.client.execute("SELECT idempotency_key FROM vouchers WHERE company_id = ? AND period = '2026-10' ORDER BY number", [company.id])
    expect(rows.rows.map((row) => row.idempotency_key)).toEqual(['ok-1', 'ok-2', 'ok-3'])
    expect((await verifyLedger(context)).breaches).toEqual([])
  })

  it('an idempotency key sent twice at once gives one voucher and a replay of it', async () => {
    const { context, company, db } = await ledgerWithCompany()
    const [first, second] = await Promise.all([0, 1].map(() => writeVouchersCoalesced(context, { userId: 1 }, company.id, [{ input: sale('same-key') }], { mode: 'draft' })))
    expect(first?.[0]?.id).toBe(second?.[0]?.id)
    expect([first?.[0]?.replayed, second?.[0]?.replayed].sort()).toEqual([false, true])
    const count = await db.client.execute('SELECT COUNT(*) AS n FROM vouchers WHERE company_id = ?', [company.id])
    expect(Number(count.rows[0]?.n)).toBe(1)
  })

  it('a validation error fails before the queue, alone', async () => {
    const { context, company } = await ledgerWithCompany()
    const settled = await Promise.allSettled([
      writeVouchersCoalesced(context, { userId: 1 }, company.id, [{ input: sale('good') }], { mode: 'draft' }),
      writeVouchersCoalesced(context, { userId: 1 }, company.id, [{ input: { ...sale('unbalanced'), lines: [{ account: '1122', store: 'tmall-main', debit: '1.00' }, { account: '5001', store: 'tmall-main', credit: '2.00' }] } }], { mode: 'draft' }),
    ])
    expect(settled.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected'])
  })

  it('with group commit off nothing is coalesced (the bench baseline)', async () => {
    const { url, company, db: first } = await ledgerWithCompany()
    first.close()
    const db = await openDatabase(url, { groupCommit: false })
    try {
      const context = createContext(db)
      const joint = coalesceStats.jointWrites
      await Promise.all(Array.from({ length: 12 }, (_, index) => writeVouchersCoalesced(context, { userId: 1 }, company.id, [{ input: sale(`off-${index}`) }], { mode: 'draft' })))
      expect(coalesceStats.jointWrites).toBe(joint)
      expect(db.writeStats).toEqual({ writes: 12, transactions: 12 })
    } finally {
      db.close()
    }
  })
})

describe('the cached chart of accounts (read once per chart_version)', () => {
  it('sees a change made by another process at once: a deactivated account is refused, a new one accepted', async () => {
    const { context, company, url } = await ledgerWithCompany()
    const chart = await loadChart(context, company.id)
    expect(chart.has('5001')).toBe(true)
    chart.delete('5001')
    expect((await loadChart(context, company.id)).has('5001')).toBe(true)
    const other = await openDatabase(url)
    try {
      await other.client.execute({ sql: "UPDATE accounts SET active = 0 WHERE company_id = ? AND code = '5051'", args: [company.id] })
      await other.client.execute({ sql: "INSERT INTO accounts (company_id, code, name, name_en, type, normal_side, parent_code, is_leaf, active) VALUES (?, '5001.99', '测试收入', 'Test income', 'revenue', 'credit', '5001', 1, 1)", args: [company.id] })
    } finally {
      other.close()
    }
    const fresh = await loadChart(context, company.id)
    expect([fresh.has('5051'), fresh.has('5001.99')]).toEqual([false, true])
    const refused = writeVouchersCoalesced(context, { userId: 1 }, company.id, [{ input: { ...sale('on-5051'), lines: [{ account: '1122', store: 'tmall-main', debit: '1.00' }, { account: '5051', store: 'tmall-main', credit: '1.00' }] } }], { mode: 'draft' })
    await expect(refused).rejects.toThrow(/5051/)
  })
})
