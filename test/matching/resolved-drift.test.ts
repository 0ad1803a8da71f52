import { describe, expect, it } from 'vitest'
import { importFile } from '../../service/imports/load.ts'
import { SYSTEM } from '../../service/ledger/context.ts'
import { decideException, getException, listExceptions, runMatching } from '../../service/matching/index.ts'
import { linkedFiles } from '../../service/generators/linked.ts'
import { ledgerWithCompany } from '../support/db.ts'
import { alipayAccountFile } from './alipay-file.ts'

/**
 * A resolved AMOUNT_MISMATCH keeps the difference the person accepted. New money
 * from a later 账务明细 that leaves the difference as it was keeps it resolved; money
 * that changes it reopens the exception (by the system, with both figures), so
 * nobody's decision silently covers a figure they never saw.
 */
const STORE = '旗舰店'
const ASOF = { asOf: '2024-04-10' }
const accountant = { userId: 1, role: 'accountant' as const }
const linked = linkedFiles({ seed: 20240410, orders: 8, defects: ['amountMismatch'] })
const ORDER = linked.cases.amountMismatch?.orderNo ?? ''

async function resolvedMismatch() {
  const ledger = await ledgerWithCompany()
  for (const file of [linked.files.orders, linked.files.alipay]) {
    const result = await importFile(ledger.db, ledger.company.id, { name: file.fileName, bytes: file.bytes }, { actor: SYSTEM, format: file.parser, store: STORE })
    expect([result.rejected, result.checks.filter((check) => check.level === 'error')]).toEqual([0, []])
  }
  await runMatching(ledger.context, accountant, ledger.company.id, ASOF)
  const [mismatch] = await listExceptions(ledger.context, ledger.company.id, { type: 'AMOUNT_MISMATCH' })
  expect([mismatch?.orderKey, mismatch?.difference, mismatch?.acceptedDifference]).toEqual([ORDER, '-12.00', null])
  const id = mismatch?.id ?? 0
  await decideException(ledger.context, accountant, ledger.company.id, id, 'resolve', '平台承担 12.00 元优惠券')
  return { ...ledger, id }
}

async function importLater(ledger: Awaited<ReturnType<typeof resolvedMismatch>>, name: string, rows: Parameters<typeof alipayAccountFile>[1]) {
  const file = alipayAccountFile(name, rows)
  const result = await importFile(ledger.db, ledger.company.id, { name: file.name, bytes: file.bytes }, { actor: SYSTEM, store: STORE })
  expect([result.parser, result.imported, result.rejected, result.checks.filter((check) => check.level === 'error')]).toEqual(['alipay-merchant-account', rows.length, 0, []])
  return runMatching(ledger.context, accountant, ledger.company.id, ASOF)
}

describe('a resolved AMOUNT_MISMATCH and later money', () => {
  it('stores the accepted difference when resolved, and stays resolved while the difference stays', async () => {
    const ledger = await resolvedMismatch()
    expect(await getException(ledger.context, ledger.company.id, ledger.id)).toMatchObject({ status: 'resolved', difference: '-12.00', acceptedDifference: '-12.00', decidedBy: 1 })
    //  a 花呗服务费 on the order arrives in the next download: a fee does not change what the order was paid
    const counts = await importLater(ledger, 'alipay-later-fee.csv', [{ journal: '2024032900000000001', business: '20240329200040011100730092300001', order: ORDER, at: '2024-03-29 10:00:00', amount: -120n, type: '收费', desc: '0030002|花呗服务费' }])
    expect(counts.exceptions.reopened).toBe(0)
    const after = await getException(ledger.context, ledger.company.id, ledger.id)
    expect([after.status, after.difference, after.acceptedDifference, after.items.length]).toEqual(['resolved', '-12.00', '-12.00', 3])
  })

  it('reopens it, as the system and with both figures, when new money changes the difference', async () => {
    const ledger = await resolvedMismatch()
    //  the platform pays 5.00 of the 12.00 after all
    const counts = await importLater(ledger, 'alipay-later-payment.csv', [{ journal: '2024032900000000002', business: '20240329200040011100730092300002', order: ORDER, at: '2024-03-29 11:00:00', amount: 500n, type: '交易付款', desc: '0010001|交易收款-补差' }])
    expect(counts.exceptions.reopened).toBe(1)
    const reopened = await getException(ledger.context, ledger.company.id, ledger.id)
    expect(reopened).toMatchObject({ status: 'open', type: 'AMOUNT_MISMATCH', difference: '-7.00', acceptedDifference: null, decidedBy: null, decidedAt: null, live: true })
    const last = reopened.events.at(-1)
    expect(last).toMatchObject({ actorId: null, action: 'reopened', from: 'resolved', to: 'open', reason: 'difference changed from -12.00 CNY to -7.00 CNY after it was resolved' })
    const audit = await ledger.context.db.client.execute({ sql: "SELECT actor_id, payload_json FROM audit_log WHERE action = 'exception.reopen' AND entity_id = ?", args: [String(ledger.id)] })
    expect(audit.rows.map((row) => [row.actor_id, JSON.parse(String(row.payload_json)).reason])).toEqual([[null, 'difference changed from -12.00 CNY to -7.00 CNY after it was resolved']])
    //  a re-run changes nothing more; resolving again accepts the new figure
    const again = await runMatching(ledger.context, accountant, ledger.company.id, ASOF)
    expect([again.exceptions.reopened, again.exceptions.updated, again.exceptions.unchanged > 0]).toEqual([0, 0, true])
    expect((await listExceptions(ledger.context, ledger.company.id, { status: 'open' })).map((e) => e.id)).toEqual([ledger.id])
    await decideException(ledger.context, accountant, ledger.company.id, ledger.id, 'resolve', '平台补差 5.00 后余 7.00 元由平台承担')
    expect(await getException(ledger.context, ledger.company.id, ledger.id)).toMatchObject({ status: 'resolved', difference: '-7.00', acceptedDifference: '-7.00' })
    expect((await runMatching(ledger.context, accountant, ledger.company.id, ASOF)).exceptions.reopened).toBe(0)
  })
})
