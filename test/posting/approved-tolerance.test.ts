import { describe, expect, it } from 'vitest'
import { getCompany, updateCompanySettings } from '../../service/ledger/company.ts'
import { SYSTEM } from '../../service/ledger/context.ts'
import { decideException, listExceptions, listMatches, runMatching } from '../../service/matching/index.ts'
import { planPosting } from '../../service/posting/run.ts'
import { updatePostingSettings } from '../../service/posting/settings.ts'
import { insertRecords } from '../matching/support.ts'
import { ledgerWithCompany } from '../support/db.ts'
import { aTxn, anOrder } from './support.ts'

/**
 * A tolerance match that a rule sends to an approver keeps, once approved, the
 * account the tolerance named: posting books the difference there, not on the
 * company difference account (5711).
 */
const accountant = { userId: 1, role: 'accountant' as const }
const approver = { userId: 2, role: 'approver' as const }
const ASOF = { asOf: '2026-10-31' }

async function ledger() {
  const setup = await ledgerWithCompany()
  const { context, company, db } = setup
  await context.db.client.execute({ sql: "INSERT INTO stores (company_id, code, name, channel, vat_rate) VALUES (?, 'tmall', '天猫店', 'taobao', 'GENERAL_13')", args: [company.id] })
  await updatePostingSettings(context, SYSTEM, company.id, { autoApprove: { maxTotal: '100000.00' }, granularity: 'order' })
  await updateCompanySettings(context, SYSTEM, company.id, {
    matching: {
      //  differences up to 0.10 are tolerated and post to 财务费用-手续费 5603.01 …
      tolerance: { amount: '0.10', account: '5603.01' },
      //  … but a person approves every match that carries a difference
      rules: [{ id: 'differences-approved', when: { type: ['MATCH'], differenceMin: '0.01' }, then: { action: 'requireApproval', role: 'approver' } }],
    },
  })
  await insertRecords(db, company.id, {
    orders: [anOrder('3001', '99.90', { paymentRef: 'T3001' })],
    settlements: [aTxn('P3001', 'payment', '99.85', { orderRef: '3001', tradeNo: 'T3001' })],
  })
  await runMatching(context, accountant, company.id, ASOF)
  return setup
}

describe('an approved tolerance match', () => {
  it('keeps the tolerance account, and the posting preview books the difference to it', async () => {
    const setup = await ledger()
    const [held] = await listExceptions(setup.context, setup.company.id, { type: 'NEEDS_APPROVAL' })
    expect([held?.orderKey, held?.difference, held?.rule]).toEqual(['3001', '-0.05', 'custom:differences-approved'])
    const { matchId } = await decideException(setup.context, approver, setup.company.id, held?.id ?? 0, 'approve', '差额 0.05 元为平台抹零')
    const approved = (await listMatches(setup.context, setup.company.id)).find((match) => match.id === matchId)
    expect([approved?.origin, approved?.rule, approved?.difference, approved?.differenceAccount]).toEqual(['approved', 'approved', '-0.05', '5603.01'])
    const preview = await planPosting(setup.context, await getCompany(setup.context, setup.company.id), { dryRun: true })
    expect(preview.held).toEqual([])
    const settle = preview.drafts.find((draft) => draft.input.idempotencyKey === 'settle:alipay|P3001|payment')
    //  借 其他货币资金-支付宝 99.85, 借 财务费用-手续费 0.05 (the tolerance's account) / 贷 应收账款 99.90
    expect(settle?.input.lines.map((line) => [line.account, line.debit ?? '', line.credit ?? ''])).toEqual([
      ['1012.01', '99.85', ''],
      ['5603.01', '0.05', ''],
      ['1122', '', '99.90'],
    ])
  })
})
