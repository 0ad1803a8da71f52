import { describe, expect, it } from 'vitest'
import { verifyLedger } from '../../service/ledger/verify.ts'
import { writeVouchers } from '../../service/ledger/vouchers.ts'
import { aSale } from '../support/builders.ts'
import { ledgerWithCompany } from '../support/db.ts'

async function postedLedger() {
  const setup = await ledgerWithCompany()
  await writeVouchers(setup.context, { userId: 1 }, setup.company.id, [{ input: aSale('2026-10-01').build() }, { input: aSale('2026-10-02').build() }], { mode: 'post' })
  expect((await verifyLedger(setup.context)).ok).toBe(true)
  return setup
}

describe('verify catches changes behind the service’s back', () => {
  it('the database itself refuses to edit or delete posted lines and audit entries', async () => {
    const { db } = await postedLedger()
    await expect(db.client.execute("UPDATE voucher_lines SET amount_minor = 1 WHERE voucher_id = 1 AND line_no = 1")).rejects.toThrow(/immutable/)
    await expect(db.client.execute('DELETE FROM vouchers WHERE id = 1')).rejects.toThrow(/cannot be deleted/)
    await expect(db.client.execute('DELETE FROM audit_log')).rejects.toThrow(/append-only/)
  })

  it('flags a posted line changed with the guards dropped', async () => {
    const { db, context } = await postedLedger()
    await db.client.execute('DROP TRIGGER posted_lines_immutable')
    await db.client.execute("UPDATE voucher_lines SET amount_minor = 12300 WHERE voucher_id = 1 AND account_code = '1122'")
    const report = await verifyLedger(context)
    expect(report.ok).toBe(false)
    const kinds = new Set(report.breaches.map((breach) => breach.invariant))
    expect([...kinds].sort()).toEqual(['balanced', 'balances-equal-lines', 'database-guards', 'immutable'])
  })

  it('flags a line moved to another account even when debits still equal credits', async () => {
    const { db, context } = await postedLedger()
    await db.client.execute('DROP TRIGGER posted_lines_immutable')
    await db.client.execute("UPDATE voucher_lines SET account_code = '1221.02' WHERE voucher_id = 2 AND account_code = '1122'")
    const report = await verifyLedger(context)
    expect(report.breaches.map((b) => b.invariant)).toEqual(expect.arrayContaining(['immutable', 'balances-equal-lines']))
  })

  it('flags a materialized balance edited directly', async () => {
    const { db, context } = await postedLedger()
    await db.client.execute("UPDATE balances SET debit_minor = debit_minor + 1 WHERE account_code = '1122'")
    const report = await verifyLedger(context)
    expect(report.breaches).toEqual([expect.objectContaining({ invariant: 'balances-equal-lines' }), expect.objectContaining({ invariant: 'balances-equal-lines' })])
  })

  it('flags a broken audit chain', async () => {
    const { db, context } = await postedLedger()
    await db.client.execute('DROP TRIGGER audit_log_no_update')
    await db.client.execute("UPDATE audit_log SET payload_json = '{}' WHERE id = 2")
    const report = await verifyLedger(context)
    expect(report.breaches.filter((b) => b.invariant === 'audit-chain').map((b) => b.message)).toEqual(['audit entry 2 was altered (hash mismatch)'])
  })

  it('flags a gap in voucher numbers', async () => {
    const { db, context } = await postedLedger()
    await db.client.execute('DROP TRIGGER posted_voucher_immutable')
    await db.client.execute('UPDATE vouchers SET number = 5 WHERE id = 2')
    const report = await verifyLedger(context)
    expect(report.breaches.map((b) => b.invariant)).toContain('contiguous-numbers')
  })
})
