import { describe, expect, it } from 'vitest'
import { importFile } from '../../service/imports/load.ts'
import { SYSTEM } from '../../service/ledger/context.ts'
import { verifyLedger } from '../../service/ledger/verify.ts'
import { getVoucher } from '../../service/ledger/vouchers.ts'
import { decideException, listExceptions, runMatching, unmatch } from '../../service/matching/index.ts'
import { runPosting } from '../../service/posting/run.ts'
import { updatePostingSettings } from '../../service/posting/settings.ts'
import { type Defect, linkedFiles } from '../../service/generators/linked.ts'
import { ledgerWithCompany } from '../support/db.ts'

/**
 * 提现 (Dr 银行存款 / Cr 其他货币资金-支付宝) after matching, on linked generator
 * files: the Alipay 账务明细 carries three payouts — one the bank statement shows a
 * day later (payoutInBank), one the bank never shows (payoutNotInBank, older than
 * the 5-day window: MISSING_PAYMENT) and one still inside the window
 * (recentPayout). With the default 'bank' timing a payout posts on the bank
 * receipt's date into the receipt's bank account; the others wait, saying why.
 */
const accountant = { userId: 1, role: 'accountant' as const }
const ASOF = { asOf: '2024-04-10' }
const linked = linkedFiles({ seed: 11, orders: 3, defects: ['payoutInBank', 'payoutNotInBank', 'recentPayout'] })
const payoutKey = (defect: Defect) => `alipay|${linked.cases[defect]?.refs[0] ?? '?'}|payout`
const bankKey = (defect: Defect) => `bank:${linked.bankAccount}|${linked.cases[defect]?.refs[1] ?? '?'}|bankTxn`

async function imported(posting: Record<string, unknown> = {}) {
  const setup = await ledgerWithCompany()
  const { context, company, db } = setup
  await context.db.client.execute({ sql: "INSERT INTO stores (company_id, code, name, channel, vat_rate) VALUES (?, 'tmall', '天猫店', 'taobao', 'GENERAL_13')", args: [company.id] })
  await updatePostingSettings(context, SYSTEM, company.id, { autoApprove: { maxTotal: '100000.00' }, granularity: 'order', ...posting })
  for (const [file, store] of [[linked.files.orders, 'tmall'], [linked.files.alipay, 'tmall'], [linked.files.bank, linked.bankAccount]] as const) {
    const result = await importFile(db, company.id, { name: file.fileName, bytes: file.bytes }, { actor: SYSTEM, format: file.parser, store })
    expect([result.parser, result.rejected]).toEqual([file.parser, 0])
  }
  await runMatching(context, accountant, company.id, ASOF)
  return setup
}

type Setup = Awaited<ReturnType<typeof imported>>

async function payoutVouchers(setup: Setup, run: Awaited<ReturnType<typeof runPosting>>) {
  const payouts = run.vouchers.filter((voucher) => voucher.key.startsWith('payout:'))
  return Promise.all(payouts.map(async (planned) => {
    const voucher = await getVoucher(setup.context, setup.company.id, planned.id ?? 0)
    const sources = await setup.context.db.client.execute({ sql: 'SELECT source_kind, source_id FROM voucher_sources WHERE voucher_id = ? ORDER BY rowid', args: [voucher.id] })
    return { key: planned.key, date: voucher.date, lines: voucher.lines.map((line) => [line.account, line.side, line.amount]), sources: sources.rows.map((row) => `${String(row.source_kind)}:${String(row.source_id)}`) }
  }))
}

describe('payouts post when matching finds them in the bank', () => {
  it("posts the banked payout on the receipt's date and holds the others: not in the bank yet, or not found in the bank", async () => {
    const setup = await imported()
    const run = await runPosting(setup.context, accountant, setup.company.id)
    const [banked, ...others] = await payoutVouchers(setup, run)
    expect(others).toEqual([])
    //  Alipay paid out on 03-20, the bank received it on 03-21: 借 银行存款 12,345.67 / 贷 其他货币资金-支付宝 12,345.67 dated 03-21
    expect(banked).toMatchObject({
      key: `payout:${payoutKey('payoutInBank')}`, date: '2024-03-21',
      lines: [['1002', 'debit', '12345.67'], ['1012.01', 'credit', '12345.67']],
    })
    expect(banked?.sources).toEqual(expect.arrayContaining([`settlementTxn:${payoutKey('payoutInBank')}`, `bankTxn:${bankKey('payoutInBank')}`, expect.stringMatching(/^match:\d+$/)]))
    const waiting = run.held.filter((item) => item.reason === 'NOT_IN_BANK').map((item) => [item.source.id, item.message.replace(/#\d+/, '#n')])
    expect(waiting).toEqual([
      [payoutKey('payoutNotInBank'), 'payout not in bank: payout not found in the bank within 5 days (exception #n MISSING_PAYMENT open)'],
      [payoutKey('recentPayout'), 'payout not in bank yet: 999.00 paid out on 2024-04-08 (' + (linked.cases.recentPayout?.refs[0] ?? '') + ') has no bank receipt matched to it; run matching after importing the bank statement'],
    ])
    expect((await verifyLedger(setup.context)).breaches).toEqual([])
    //  a run for March lists what waits in March only: the 04-08 payout belongs to April
    const march = await runPosting(setup.context, accountant, setup.company.id, { period: '2024-03', dryRun: true })
    expect(march.held.filter((item) => item.reason === 'NOT_IN_BANK').map((item) => item.source.id)).toEqual([payoutKey('payoutNotInBank')])
  })

  it('posts a payout a person accepted without a bank receipt on its own date; unmatching the banked one reverses its voucher', async () => {
    const setup = await imported()
    await runPosting(setup.context, accountant, setup.company.id)
    const missing = (await listExceptions(setup.context, setup.company.id, { type: 'MISSING_PAYMENT' }))[0]
    await decideException(setup.context, accountant, setup.company.id, missing?.id ?? 0, 'resolve', '提现转入了另一张未导入的银行卡')
    const run = await runPosting(setup.context, accountant, setup.company.id)
    expect(await payoutVouchers(setup, run)).toMatchObject([{ key: `payout:${payoutKey('payoutNotInBank')}`, date: '2024-03-05', lines: [['1002', 'debit', '7654.00'], ['1012.01', 'credit', '7654.00']] }])
    const match = (await setup.context.db.client.execute({ sql: "SELECT match_id FROM match_items WHERE item_ref = ? AND item_kind = 'bankTxn'", args: [bankKey('payoutInBank')] })).rows[0]
    const undone = await unmatch(setup.context, accountant, setup.company.id, Number(match?.match_id), '对错了银行流水', ASOF)
    expect(undone.reversedVouchers).toHaveLength(1)
  })

  it('books a payout into the ledger account mapped to the bank account of its receipt', async () => {
    const setup = await ledgerWithCompany()
    //  the company keeps one sub-account per bank account (1002.01 工商银行, 1002.02 招商银行)
    await setup.context.db.client.execute({ sql: "UPDATE accounts SET is_leaf = 0 WHERE company_id = ? AND code = '1002'", args: [setup.company.id] })
    for (const [code, name] of [['1002.01', '工商银行 6222'], ['1002.02', '招商银行 0755']] as const) {
      await setup.context.db.client.execute({ sql: "INSERT INTO accounts (company_id, code, name, name_en, type, normal_side, parent_code, is_leaf) VALUES (?, ?, ?, ?, 'asset', 'debit', '1002', 1)", args: [setup.company.id, code, name, name] })
    }
    await setup.context.db.client.execute({ sql: "INSERT INTO stores (company_id, code, name, channel, vat_rate) VALUES (?, 'tmall', '天猫店', 'taobao', 'GENERAL_13')", args: [setup.company.id] })
    await expect(updatePostingSettings(setup.context, SYSTEM, setup.company.id, { accounts: { bank: '1002.02' }, bankAccounts: { [linked.bankAccount]: '1002' } })).rejects.toMatchObject({ message: expect.stringContaining(`bank ${linked.bankAccount}.bank -> 1002 (NON_LEAF_ACCOUNT)`) })
    await updatePostingSettings(setup.context, SYSTEM, setup.company.id, { autoApprove: { maxTotal: '100000.00' }, granularity: 'order', accounts: { bank: '1002.02' }, bankAccounts: { [linked.bankAccount]: '1002.01' } })
    for (const [file, store] of [[linked.files.orders, 'tmall'], [linked.files.alipay, 'tmall'], [linked.files.bank, linked.bankAccount]] as const) {
      await importFile(setup.db, setup.company.id, { name: file.fileName, bytes: file.bytes }, { actor: SYSTEM, format: file.parser, store })
    }
    await runMatching(setup.context, accountant, setup.company.id, ASOF)
    const run = await runPosting(setup.context, accountant, setup.company.id)
    expect(await payoutVouchers(setup, run)).toMatchObject([{ date: '2024-03-21', lines: [['1002.01', 'debit', '12345.67'], ['1012.01', 'credit', '12345.67']] }])
  })

  it("posts every payout on the platform's date into the store's bank account when the company chose 'channel' timing", async () => {
    const setup = await imported({ payouts: 'channel' })
    const run = await runPosting(setup.context, accountant, setup.company.id)
    expect((await payoutVouchers(setup, run)).map((voucher) => [voucher.key, voucher.date, voucher.lines])).toEqual([
      [`payout:${payoutKey('payoutNotInBank')}`, '2024-03-05', [['1002', 'debit', '7654.00'], ['1012.01', 'credit', '7654.00']]],
      [`payout:${payoutKey('payoutInBank')}`, '2024-03-20', [['1002', 'debit', '12345.67'], ['1012.01', 'credit', '12345.67']]],
      [`payout:${payoutKey('recentPayout')}`, '2024-04-08', [['1002', 'debit', '999.00'], ['1012.01', 'credit', '999.00']]],
    ])
    expect(run.held.filter((item) => item.reason === 'NOT_IN_BANK')).toEqual([])
  })
})
