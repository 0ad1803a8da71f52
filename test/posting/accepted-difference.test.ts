import { describe, expect, it } from 'vitest'
import { getCompany } from '../../service/ledger/company.ts'
import { SYSTEM } from '../../service/ledger/context.ts'
import { decideException, listExceptions, runMatching } from '../../service/matching/index.ts'
import { planPosting } from '../../service/posting/run.ts'
import { updatePostingSettings } from '../../service/posting/settings.ts'
import { insertRecords } from '../matching/support.ts'
import { ledgerWithCompany } from '../support/db.ts'
import { aTxn, anOrder } from './support.ts'

/**
 * Posting accepts a resolved AMOUNT_MISMATCH only at the difference the person
 * accepted (stored when resolving), never at a figure the exception has now.
 */
const accountant = { userId: 1, role: 'accountant' as const }
const ASOF = { asOf: '2026-10-31' }

async function resolved() {
  const setup = await ledgerWithCompany()
  const { context, company, db } = setup
  await context.db.client.execute({ sql: "INSERT INTO stores (company_id, code, name, channel, vat_rate) VALUES (?, 'tmall', '天猫店', 'taobao', 'GENERAL_13')", args: [company.id] })
  await updatePostingSettings(context, SYSTEM, company.id, { autoApprove: { maxTotal: '100000.00' }, granularity: 'order' })
  await insertRecords(db, company.id, {
    orders: [anOrder('2001', '113.00', { paymentRef: 'T2001' })],
    //  the platform paid 12.00 less than the order
    settlements: [aTxn('P2001', 'payment', '101.00', { orderRef: '2001', tradeNo: 'T2001' })],
  })
  await runMatching(context, accountant, company.id, ASOF)
  const [mismatch] = await listExceptions(context, company.id, { type: 'AMOUNT_MISMATCH' })
  await decideException(context, accountant, company.id, mismatch?.id ?? 0, 'resolve', '平台承担 12.00 元优惠券')
  return { ...setup, id: mismatch?.id ?? 0 }
}

async function preview(setup: Awaited<ReturnType<typeof resolved>>) {
  const plan = await planPosting(setup.context, await getCompany(setup.context, setup.company.id), { dryRun: true })
  const settle = plan.drafts.find((draft) => draft.input.idempotencyKey === 'settle:alipay|P2001|payment')
  return {
    held: plan.held.map((item) => [item.source.id, item.reason, item.message]), settle: settle?.input.lines.map((line) => [line.account, line.debit ?? '', line.credit ?? '']),
    settled: plan.drafts.flatMap((draft) => draft.sources.filter((source) => source.kind === 'settlementTxn').map((source) => source.id)).sort(),
  }
}

describe('posting a resolved AMOUNT_MISMATCH', () => {
  it('books the difference stored when it was resolved, not the figure the exception carries now', async () => {
    const setup = await resolved()
    //  the row's figure moved while it stayed resolved (as a re-run did before resolved exceptions were reopened)
    await setup.context.db.client.execute({ sql: 'UPDATE exceptions SET difference_minor = -700 WHERE id = ?', args: [setup.id] })
    const { held, settle } = await preview(setup)
    expect(held).toEqual([])
    //  借 其他货币资金-支付宝 101.00, 借 营业外支出 12.00 (accepted) / 贷 应收账款 113.00
    expect(settle).toEqual([['1012.01', '101.00', ''], ['5711', '12.00', ''], ['1122', '', '113.00']])
  })

  it('holds the order\'s money once later money reopens it, and posts the new figure only after it is resolved again', async () => {
    const setup = await resolved()
    await insertRecords(setup.db, setup.company.id, { settlements: [aTxn('P2001B', 'payment', '5.00', { orderRef: '2001', tradeNo: 'T2001', occurredAt: '2026-10-07T08:00:00+08:00' })] })
    await runMatching(setup.context, accountant, setup.company.id, ASOF)
    const waiting = await preview(setup)
    expect([waiting.settle, waiting.settled]).toEqual([undefined, []])
    //  the order's settlement waits (under its first payment) with matching's words
    expect(waiting.held.map(([id, reason]) => [id, reason])).toEqual([['alipay|P2001|payment', 'AMOUNT_MISMATCH']])
    expect(waiting.held[0]?.[2]).toMatch(/^exception #\d+ AMOUNT_MISMATCH is open: money 106\.00 CNY vs expected 113\.00 CNY/)
    await decideException(setup.context, accountant, setup.company.id, setup.id, 'resolve', '余 7.00 元由平台承担')
    const { held, settle, settled } = await preview(setup)
    expect([held, settled]).toEqual([[], ['alipay|P2001B|payment', 'alipay|P2001|payment']])
    //  借 其他货币资金-支付宝 106.00, 借 营业外支出 7.00 / 贷 应收账款 113.00
    expect(settle).toEqual([['1012.01', '106.00', ''], ['5711', '7.00', ''], ['1122', '', '113.00']])
  })
})
