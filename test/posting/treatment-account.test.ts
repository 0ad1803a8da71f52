import { describe, expect, it } from 'vitest'
import { createApp } from '../../service/app.ts'
import { getCompany } from '../../service/ledger/company.ts'
import { SYSTEM } from '../../service/ledger/context.ts'
import { listExceptions, runMatching } from '../../service/matching/index.ts'
import { planPosting } from '../../service/posting/run.ts'
import { updatePostingSettings } from '../../service/posting/settings.ts'
import { insertRecords } from '../matching/support.ts'
import { ledgerWithCompany } from '../support/db.ts'
import { call, signedIn } from '../support/http.ts'
import { aTxn, anOrder } from './support.ts'

/**
 * Issue #14 item 4: resolving an AMOUNT_MISMATCH books the account the person
 * sees and chooses. GET /exceptions/:id names the default (the store's
 * difference account), POST …/resolve takes `account` (leaf accounts only),
 * posting books the chosen account, and a re-run that reopens the exception
 * forgets the choice with the rest of the decision.
 */
const ASOF = { asOf: '2026-10-31' }
const accountantActor = { userId: 1, role: 'accountant' as const }

async function mismatch() {
  const setup = await ledgerWithCompany()
  const { context, company, db } = setup
  await context.db.client.execute({ sql: "INSERT INTO stores (company_id, code, name, channel, vat_rate) VALUES (?, 'tmall', '天猫店', 'taobao', 'GENERAL_13')", args: [company.id] })
  await updatePostingSettings(context, SYSTEM, company.id, { autoApprove: { maxTotal: '100000.00' }, granularity: 'order' })
  await insertRecords(db, company.id, {
    orders: [anOrder('2001', '113.00', { paymentRef: 'T2001' })],
    settlements: [aTxn('P2001', 'payment', '101.00', { orderRef: '2001', tradeNo: 'T2001' })],
  })
  await runMatching(context, accountantActor, company.id, ASOF)
  const [found] = await listExceptions(context, company.id, { type: 'AMOUNT_MISMATCH' })
  const api = createApp({ context })
  const token = await signedIn(api, context, company, 'li.kuaiji', 'accountant')
  return { ...setup, api, token, id: found?.id ?? 0 }
}

async function settleLines(setup: Awaited<ReturnType<typeof mismatch>>) {
  const plan = await planPosting(setup.context, await getCompany(setup.context, setup.company.id), { dryRun: true })
  return plan.drafts.find((draft) => draft.input.idempotencyKey === 'settle:alipay|P2001|payment')?.input.lines.map((line) => [line.account, line.debit ?? '', line.credit ?? ''])
}

describe('the account a resolved AMOUNT_MISMATCH books', () => {
  it('is shown before resolving (the store default), can be chosen, and posting books the chosen one', async () => {
    const setup = await mismatch()
    const { api, token, company, id } = setup
    const detail = await call(api, token, 'GET', `/companies/${company.code}/exceptions/${id}`)
    expect(detail.status).toBe(200)
    // 12.00 short: the default is 营业外支出 (the store's differenceLoss)
    expect(((await detail.json()) as { exception: { treatment?: unknown } }).exception.treatment).toEqual({ account: '5711', name: '营业外支出', nameEn: 'Non-operating expenses', default: '5711' })

    const resolved = await call(api, token, 'POST', `/companies/${company.code}/exceptions/${id}/resolve`, { reason: '平台优惠，计入财务费用-手续费', account: '5603.01' })
    expect(resolved.status).toBe(200)
    expect(await resolved.json()).toEqual({ status: 'resolved', account: '5603.01' })
    const after = (await (await call(api, token, 'GET', `/companies/${company.code}/exceptions/${id}`)).json()) as { exception: { treatment?: { account: string; default: string }; acceptedAccount: string | null } }
    expect(after.exception.treatment).toMatchObject({ account: '5603.01', default: '5711' })
    expect(after.exception.acceptedAccount).toBe('5603.01')
    //  借 支付宝 101.00, 借 手续费 12.00 (chosen, not 5711) / 贷 应收账款 113.00
    expect(await settleLines(setup)).toEqual([['1012.01', '101.00', ''], ['5603.01', '12.00', ''], ['1122', '', '113.00']])
    const audit = await setup.context.db.client.execute({ sql: "SELECT payload_json AS payload FROM audit_log WHERE action = 'exception.resolve'", args: [] })
    expect(JSON.parse(String(audit.rows[0]?.payload))).toMatchObject({ account: '5603.01', reason: '平台优惠，计入财务费用-手续费' })
  })

  it('refuses a non-leaf or unknown account and an account on ignore, leaving the exception open', async () => {
    const { api, token, company, id, context } = await mismatch()
    const parent = await call(api, token, 'POST', `/companies/${company.code}/exceptions/${id}/resolve`, { reason: 'x', account: '5603' })
    expect(parent.status).toBe(422)
    expect(((await parent.json()) as { error: { code: string } }).error.code).toBe('NON_LEAF_ACCOUNT')
    const unknown = await call(api, token, 'POST', `/companies/${company.code}/exceptions/${id}/resolve`, { reason: 'x', account: '9999' })
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('UNKNOWN_ACCOUNT')
    const ignored = await call(api, token, 'POST', `/companies/${company.code}/exceptions/${id}/ignore`, { reason: 'x', account: '5603.01' })
    expect(ignored.status).toBe(200)
    // ignore takes a reason only: the account is not part of its body and is not stored
    const [row] = (await context.db.client.execute({ sql: 'SELECT status, accepted_account FROM exceptions WHERE id = ?', args: [id] })).rows
    expect([row?.status, row?.accepted_account]).toEqual(['ignored', null])
  })

  it('without a choice books the default, and a reopening re-run forgets a chosen account', async () => {
    const setup = await mismatch()
    const { api, token, company, id, context, db } = setup
    await call(api, token, 'POST', `/companies/${company.code}/exceptions/${id}/resolve`, { reason: '平台承担优惠券' })
    expect(await settleLines(setup)).toEqual([['1012.01', '101.00', ''], ['5711', '12.00', ''], ['1122', '', '113.00']])
    await context.db.client.execute({ sql: "UPDATE exceptions SET status = 'open' WHERE id = ?", args: [id] })
    await call(api, token, 'POST', `/companies/${company.code}/exceptions/${id}/resolve`, { reason: '改记手续费', account: '5603.01' })
    await insertRecords(db, company.id, { settlements: [aTxn('P2001B', 'payment', '5.00', { orderRef: '2001', tradeNo: 'T2001', occurredAt: '2026-10-07T08:00:00+08:00' })] })
    await runMatching(context, accountantActor, company.id, ASOF)
    const [row] = (await context.db.client.execute({ sql: 'SELECT status, accepted_account FROM exceptions WHERE id = ?', args: [id] })).rows
    expect([row?.status, row?.accepted_account]).toEqual(['open', null])
  })
})
