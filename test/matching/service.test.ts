import { describe, expect, it } from 'vitest'
import { createApp } from '../../service/app.ts'
import { main } from '../../service/cli.ts'
import { decideException, getException, listExceptions, listMatches, manualMatch, matchCounts, reconciliationSummary, runMatching, unmatch } from '../../service/matching/index.ts'
import { SYSTEM } from '../../service/ledger/context.ts'
import { updateCompanySettings } from '../../service/ledger/company.ts'
import { createUser, issueToken, setRole } from '../../service/auth/users.ts'
import { ledgerWithCompany } from '../support/db.ts'
import { aBankLine, anOrder, aTxn } from './builders.ts'
import { insertRecords } from './support.ts'

const ASOF = { asOf: '2026-10-31' }
const someone = { userId: 1, username: 'acc' }

async function seeded() {
  const ledger = await ledgerWithCompany()
  await insertRecords(ledger.db, ledger.company.id, {
    orders: [anOrder('1001', '100.00'), anOrder('1002', '50.00'), anOrder('1003', '30.00', { completedAt: '2026-09-01T00:00:00+08:00' })],
    settlements: [aTxn('a1', 'payment', '100.00', { orderRef: 'T200P1001' }), aTxn('a1', 'fee', '-0.60', { orderRef: 'T200P1001' }), aTxn('a2', 'payment', '49.00', { orderRef: '1002' }), aTxn('x9', 'payment', '30.00', { orderRef: 'ZZ-30' }), aTxn('p1', 'payout', '-178.40', { occurredAt: '2026-10-10T10:00:00+08:00' })],
    bank: [aBankLine('b1', '178.40')],
  })
  const admin = await createUser(ledger.context, SYSTEM, { username: 'boss', password: 'correct horse battery' })
  await setRole(ledger.context, SYSTEM, admin.id, ledger.company.id, 'admin')
  return ledger
}

describe('matching service', () => {
  it('stores matches and exceptions, and a second run changes nothing', async () => {
    const { context, company } = await seeded()
    const first = await runMatching(context, SYSTEM, company.id, ASOF)
    expect(first).toEqual({ matches: { inserted: 2, updated: 0, unchanged: 0, unmatched: 0 }, exceptions: { raised: 3, updated: 0, unchanged: 0, cleared: 0, reopened: 0 }, pending: 0, skipped: 0 })
    const second = await runMatching(context, SYSTEM, company.id, ASOF)
    expect(second).toEqual({ matches: { inserted: 0, updated: 0, unchanged: 2, unmatched: 0 }, exceptions: { raised: 0, updated: 0, unchanged: 3, cleared: 0, reopened: 0 }, pending: 0, skipped: 0 })
    expect((await matchCounts(context, company.id)).openByType).toEqual({ AMOUNT_MISMATCH: 1, MISSING_PAYMENT: 1, ORPHAN_PAYMENT: 1 })
    const [row] = await reconciliationSummary(context, company.id, { period: '2026-10' })
    expect(row && [row.paid, row.payouts, row.bankReceived, row.difference, row.explainedByOpenExceptions, row.unexplained]).toEqual([17900n, 17840n, 17840n, -100n, -100n, 0n])
  })

  it('touches only what a new import changed, and clears an exception the new data explains', async () => {
    const { context, company, db } = await seeded()
    await runMatching(context, SYSTEM, company.id, ASOF)
    await insertRecords(db, company.id, { settlements: [aTxn('a2b', 'payment', '1.00', { orderRef: '1002' })] })
    const run = await runMatching(context, SYSTEM, company.id, ASOF)
    expect(run.matches).toEqual({ inserted: 1, updated: 0, unchanged: 2, unmatched: 0 })
    expect(run.exceptions).toEqual({ raised: 0, updated: 0, unchanged: 2, cleared: 1, reopened: 0 })
    const cleared = (await listExceptions(context, company.id, { type: 'AMOUNT_MISMATCH' }))
    expect(cleared).toEqual([])
  })

  it('keeps a person\'s decisions across re-import and re-match', async () => {
    const { context, company, db } = await seeded()
    await runMatching(context, SYSTEM, company.id, ASOF)
    const [orphan] = await listExceptions(context, company.id, { type: 'ORPHAN_PAYMENT' })
    const [missing] = await listExceptions(context, company.id, { type: 'MISSING_PAYMENT' })
    await decideException(context, someone, company.id, orphan?.id ?? 0, 'ignore', 'test payment by the owner')
    const manual = await manualMatch(context, someone, company.id, { order: '1003', txns: ['x9'], reason: 'customer typed a wrong order number', ...ASOF })
    await insertRecords(db, company.id, { orders: [anOrder('1001', '100.00')], settlements: [aTxn('a1', 'payment', '100.00', { orderRef: 'T200P1001' })] })
    const rerun = await runMatching(context, SYSTEM, company.id, ASOF)
    expect(rerun.matches.inserted + rerun.matches.updated + rerun.matches.unmatched).toBe(0)
    const matches = await listMatches(context, company.id)
    expect(matches.find((m) => m.id === manual.matchId)).toMatchObject({ rule: 'manual', origin: 'manual', status: 'confirmed', items: [{ ref: 'alipay|x9|payment', amount: '30.00' }, { ref: 'taobao|1003|order', amount: '30.00' }] })
    const shown = await getException(context, company.id, orphan?.id ?? 0)
    expect([shown.status, shown.decisionReason, shown.events.map((e) => e.action)]).toEqual(['ignored', 'test payment by the owner', ['raised', 'ignored', 'superseded']])
    const missingNow = await getException(context, company.id, missing?.id ?? 0)
    expect([missingNow.status, missingNow.live, missingNow.events.map((e) => e.action)]).toEqual(['resolved', false, ['raised', 'cleared']])
  })

  it('never re-matches what a person unmatched', async () => {
    const { context, company } = await seeded()
    await runMatching(context, SYSTEM, company.id, ASOF)
    const order = (await listMatches(context, company.id)).find((m) => m.key === 'order:1001')
    await unmatch(context, someone, company.id, order?.id ?? 0, 'wrong shop', ASOF)
    expect((await listMatches(context, company.id)).map((m) => m.key)).toEqual(['payout:bank:6222-01|b1|bankTxn'])
    expect((await listExceptions(context, company.id, { status: 'open' })).map((e) => `${e.type} ${e.orderKey}`).sort()).toEqual(['AMOUNT_MISMATCH 1002', 'MISSING_PAYMENT 1001', 'MISSING_PAYMENT 1003', 'ORPHAN_PAYMENT 1001', 'ORPHAN_PAYMENT ZZ-30'].sort())
  })

  it('holds big refunds for an approver, and approval turns them into a confirmed match', async () => {
    const { context, company, db } = await ledgerWithCompany()
    await updateCompanySettings(context, SYSTEM, company.id, { matching: { rules: [{ id: 'big-refunds', when: { kind: ['refund'], amountMin: '5000.00' }, then: { action: 'requireApproval', role: 'approver' } }] } })
    await insertRecords(db, company.id, { orders: [anOrder('5001', '8000.00', { refunded: 600000n as never })], settlements: [aTxn('p', 'payment', '8000.00', { orderRef: '5001' }), aTxn('r', 'refund', '-6000.00', { orderRef: '5001' })] })
    await runMatching(context, SYSTEM, company.id, ASOF)
    const [held] = await listExceptions(context, company.id, { type: 'NEEDS_APPROVAL' })
    await expect(decideException(context, { ...someone, role: 'accountant' }, company.id, held?.id ?? 0, 'approve', 'ok')).rejects.toThrow(/needs the approver role/)
    const approved = await decideException(context, { userId: 2, role: 'approver' }, company.id, held?.id ?? 0, 'approve', 'refund checked with the buyer')
    await runMatching(context, SYSTEM, company.id, ASOF)
    expect((await listMatches(context, company.id)).map((m) => [m.id, m.rule, m.origin, m.status])).toEqual([[approved.matchId, 'approved', 'approved', 'confirmed']])
    expect(await listExceptions(context, company.id, { status: 'open' })).toEqual([])
  })

  it('runs from the command line and prints counts as JSON', async () => {
    const { url } = await seeded()
    const out: string[] = []
    const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t) }
    expect(await main(['node', 'cledger', '--db', url, '--json', 'match', '--as-of', '2026-10-31', '--period', '2026-10'], io)).toBe(0)
    const printed = JSON.parse(out.join('')) as { matches: Record<string, number>; openByType: Record<string, number> }
    expect([printed.matches, printed.openByType]).toEqual([{ suggested: 0, confirmed: 2, unmatched: 0 }, { AMOUNT_MISMATCH: 1, MISSING_PAYMENT: 1, ORPHAN_PAYMENT: 1 }])
    out.length = 0
    expect(await main(['node', 'cledger', '--db', url, '--json', 'exceptions', '--type', 'AMOUNT_MISMATCH'], io)).toBe(0)
    const listed = JSON.parse(out.join('')) as { exceptions: Array<{ id: number; difference: string }> }
    expect(listed.exceptions.map((e) => e.difference)).toEqual(['-1.00'])
    out.length = 0
    expect(await main(['node', 'cledger', '--db', url, 'exceptions', 'resolve', String(listed.exceptions[0]?.id), '--reason', 'buyer coupon'], io)).toBe(0)
    expect(out.join('')).toBe(`exception #${listed.exceptions[0]?.id} resolved\n`)
  })
})

describe('match routes', () => {
  it('lets sales read exceptions but not decide them, and lets an accountant decide', async () => {
    const { context, company } = await seeded()
    await runMatching(context, SYSTEM, company.id, ASOF)
    const sales = await createUser(context, SYSTEM, { username: 'sales1', password: 'correct horse battery' })
    const accountant = await createUser(context, SYSTEM, { username: 'acc1', password: 'correct horse battery' })
    await setRole(context, SYSTEM, sales.id, company.id, 'sales')
    await setRole(context, SYSTEM, accountant.id, company.id, 'accountant')
    const salesToken = (await issueToken(context, sales.id, 'api')).token
    const accountantToken = (await issueToken(context, accountant.id, 'api')).token
    const { app } = createApp({ context })
    const call = (token: string, method: string, path: string, body?: unknown) => app.request(`/api/v1/companies/ACME${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
    const listed = await call(salesToken, 'GET', '/exceptions?type=AMOUNT_MISMATCH')
    expect(listed.status).toBe(200)
    const { exceptions } = await listed.json() as { exceptions: Array<{ id: number; amount: string; difference: string }> }
    expect(exceptions.map((e) => [e.amount, e.difference])).toEqual([['50.00', '-1.00']])
    const forbidden = await call(salesToken, 'POST', `/exceptions/${exceptions[0]?.id}/resolve`, { reason: 'x' })
    expect(forbidden.status).toBe(403)
    expect((await call(salesToken, 'POST', '/match/run', {})).status).toBe(403)
    const resolved = await call(accountantToken, 'POST', `/exceptions/${exceptions[0]?.id}/resolve`, { reason: 'coupon' })
    expect([resolved.status, await resolved.json()]).toEqual([200, { status: 'resolved' }])
    const summary = await call(salesToken, 'GET', '/match/summary?period=2026-10')
    expect(((await summary.json()) as { summary: Array<{ unexplained: string; acceptedByDecision: string }> }).summary.map((r) => [r.unexplained, r.acceptedByDecision])).toEqual([['0.00', '-1.00']])
  })
})
