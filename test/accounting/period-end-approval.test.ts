import { describe, expect, it } from 'vitest'
import { createApp } from '../../service/app.ts'
import { main } from '../../service/cli.ts'
import { createUser, setRole } from '../../service/auth/users.ts'
import { selfApproval } from '../../service/ledger/approval.ts'
import { getCompany, updateCompanySettings } from '../../service/ledger/company.ts'
import { SYSTEM } from '../../service/ledger/context.ts'
import { closeCheck, closePeriod } from '../../service/ledger/periods.ts'
import { verifyLedger } from '../../service/ledger/verify.ts'
import { approveVoucher, deleteDraft, getVoucher } from '../../service/ledger/vouchers.ts'
import { registerRevaluation } from '../../service/posting/revaluation.ts'
import { call, signedIn } from '../support/http.ts'
import { companyOn, post, rates } from './support.ts'

/**
 * Issue #16.6: period-end vouchers (期末汇兑损益, 增值税月末, 结转损益) go through
 * approval like any other. Worked by hand: a USD receivable of 100.00 booked at
 * 7.10 (710.00) is restated at the month-end rate 7.20 (720.00): 借 1122 10.00,
 * 贷 财务费用-汇兑损益 10.00. 结转损益 then brings 主营业务收入 710.00 and the
 * 10.00 gain into 本年利润 720.00.
 */
const PERIOD = '2026-10'

async function users(context: Parameters<typeof createUser>[0], companyId: number, list: Array<[string, 'admin' | 'approver' | 'accountant']>): Promise<Record<string, { userId: number; username: string }>> {
  const actors: Record<string, { userId: number; username: string }> = {}
  for (const [username, role] of list) {
    const { id } = await createUser(context, SYSTEM, { username, password: `${username}-Kw9!pass-2026` })
    await setRole(context, SYSTEM, id, companyId, role)
    actors[username] = { userId: id, username }
  }
  return actors
}

async function usdSale(template: 'small-enterprise' | 'enterprise') {
  registerRevaluation()
  const ledger = await companyOn(template)
  const { context, company, pl } = ledger
  await rates(ledger.context, company.id, [['2026-10-05', 'USD', '7.10'], ['2026-10-31', 'USD', '7.20']])
  const people = await users(context, company.id, [['boss', 'admin'], ['li', 'approver']])
  const boss = people.boss as { userId: number; username: string }
  await post(context, company.id, [{ date: '2026-10-05', summary: '订单 US-1001', lines: [{ account: '1122', store: 'shop', currency: 'USD', rate: '7.10', debit: '100.00' }, { account: pl('5001'), store: 'shop', credit: '710.00' }] }])
  return { ...ledger, people, boss, li: people.li as { userId: number; username: string } }
}

const lines = (voucher: Awaited<ReturnType<typeof getVoucher>>) => voucher.lines.map((line) => [line.account, line.store, line.side, line.amount])

describe.each(['small-enterprise', 'enterprise'] as const)('period-end vouchers need another user to approve (%s)', (template) => {
  const profit = '3103' // 本年利润 on both charts

  it('close drafts the revaluation, then 结转损益, each approved by the approver, then closes', async () => {
    const { context, company, pl, boss, li } = await usdSale(template)
    expect((await selfApproval(context, company, '2026-10-31')).allowed).toBe(false)

    const first = await closePeriod(context, boss, company.id, PERIOD)
    expect(first).toMatchObject({ status: 'pending', closingVoucher: null, approvers: ['li (approver)'], selfApproved: false })
    expect(first.pending.map((voucher) => [voucher.sourceKind, voucher.status, voucher.total, voucher.maker])).toEqual([['revaluation', 'draft', '10.00', 'boss']])
    const revaluation = first.pending[0]?.id ?? 0
    expect(lines(await getVoucher(context, company.id, revaluation))).toEqual([['1122', 'shop', 'debit', '10.00'], [pl('5603.02'), 'shop', 'credit', '10.00']])

    // 结账检查 lists it in both languages; the period is not closed
    const check = await closeCheck(context, company.id, PERIOD)
    expect(check.blockers.map((blocker) => [blocker.kind, blocker.count])).toEqual([['period_end_pending', 1]])
    expect(check.blockers[0]?.message.zh).toMatch(/^期末凭证待审核：1 张.*请由 li \(approver\) 审核/)
    expect(check.blockers[0]?.message.en).toMatch(/^1 period-end voucher\(s\) pending approval .*to be approved by li \(approver\)/)
    expect((await context.db.client.execute({ sql: 'SELECT status FROM periods WHERE company_id = ? AND period = ?', args: [company.id, PERIOD] })).rows[0]?.status).toBe('open')

    // closing again while it waits writes nothing new
    const again = await closePeriod(context, boss, company.id, PERIOD)
    expect([again.status, again.pending.map((voucher) => voucher.id)]).toEqual(['pending', [revaluation]])
    expect(Number((await context.db.client.execute("SELECT COUNT(*) AS n FROM vouchers WHERE source_kind = 'revaluation'")).rows[0]?.n)).toBe(1)

    await expect(approveVoucher(context, boss, company.id, revaluation)).rejects.toMatchObject({ code: 'MAKER_CANNOT_APPROVE' })
    await approveVoucher(context, li, company.id, revaluation)

    // now 结转损益, from the posted balances (the revaluation gain included)
    const second = await closePeriod(context, boss, company.id, PERIOD)
    expect(second.pending.map((voucher) => [voucher.sourceKind, voucher.total])).toEqual([['closing', '720.00']])
    const closing = second.pending[0]?.id ?? 0
    expect(lines(await getVoucher(context, company.id, closing))).toEqual([[pl('5001'), 'shop', 'debit', '710.00'], [pl('5603.02'), 'shop', 'debit', '10.00'], [profit, 'shop', 'credit', '720.00']])
    await approveVoucher(context, li, company.id, closing)

    const closed = await closePeriod(context, boss, company.id, PERIOD)
    expect(closed).toMatchObject({ status: 'closed', closingVoucher: closing, pending: [], selfApproved: false, alreadyClosed: false })
    for (const id of [revaluation, closing]) expect(await getVoucher(context, company.id, id)).toMatchObject({ status: 'posted', makerId: boss.userId, approverId: li.userId })
    expect(await closePeriod(context, boss, company.id, PERIOD)).toMatchObject({ status: 'closed', alreadyClosed: true, closingVoucher: closing })
    expect((await verifyLedger(context)).breaches).toEqual([])
  })

  it('a deleted revaluation draft is drafted again at the same amount (the carried adjustment is not kept)', async () => {
    const { context, company, boss, li } = await usdSale(template)
    const first = await closePeriod(context, boss, company.id, PERIOD)
    await deleteDraft(context, boss, company.id, first.pending[0]?.id ?? 0)
    const second = await closePeriod(context, boss, company.id, PERIOD)
    expect(second.pending.map((voucher) => [voucher.sourceKind, voucher.total])).toEqual([['revaluation', '10.00']])
    const carried = await context.db.client.execute({ sql: 'SELECT account_code, currency, adjustment_minor, voucher_id FROM fx_revaluations WHERE company_id = ?', args: [company.id] })
    expect(carried.rows.map((row) => [row.account_code, row.currency, Number(row.adjustment_minor), Number(row.voucher_id)])).toEqual([['1122', 'USD', 1000, second.pending[0]?.id]])
    await approveVoucher(context, li, company.id, second.pending[0]?.id ?? 0)
    const third = await closePeriod(context, boss, company.id, PERIOD)
    expect(third.pending.map((voucher) => voucher.sourceKind)).toEqual(['closing'])
  })

  it('self-approval: a dated company setting allows it (one call closes), or forbids it even for a lone admin', async () => {
    const { context, company, boss } = await usdSale(template)
    await updateCompanySettings(context, SYSTEM, company.id, { selfApproval: [{ validFrom: '2026-01-01', validTo: '2026-09-30', allowed: false }, { validFrom: '2026-10-01', validTo: null, allowed: true }] })
    const fresh = await getCompany(context, company.id)
    expect([(await selfApproval(context, fresh, '2026-09-30')).allowed, (await selfApproval(context, fresh, '2026-10-31')).allowed]).toEqual([false, true])
    const closed = await closePeriod(context, boss, company.id, PERIOD)
    expect(closed).toMatchObject({ status: 'closed', selfApproved: true, pending: [] })
    const made = await context.db.client.execute({ sql: "SELECT source_kind, maker_id, approver_id, status FROM vouchers WHERE company_id = ? AND source_kind IN ('revaluation', 'closing') ORDER BY id", args: [company.id] })
    expect(made.rows.map((row) => [row.source_kind, Number(row.maker_id), Number(row.approver_id), row.status])).toEqual([['revaluation', boss.userId, boss.userId, 'posted'], ['closing', boss.userId, boss.userId, 'posted']])
    // audited as self-approval
    const audit = await context.db.client.execute({ sql: "SELECT payload_json FROM audit_log WHERE company_id = ? AND action = 'voucher.post' ORDER BY id DESC LIMIT 2", args: [company.id] })
    for (const row of audit.rows) expect(JSON.parse(String(row.payload_json))).toMatchObject({ selfApproved: true })
  })

  it('a one-person company closes in one call; the same company with self-approval forbidden waits and says an approver is needed', async () => {
    registerRevaluation()
    const solo = await companyOn(template)
    const { boss } = await users(solo.context, solo.company.id, [['boss', 'admin']]) as { boss: { userId: number; username: string } }
    await rates(solo.context, solo.company.id, [['2026-10-05', 'USD', '7.10'], ['2026-10-31', 'USD', '7.20']])
    await post(solo.context, solo.company.id, [{ date: '2026-10-05', lines: [{ account: '1122', currency: 'USD', rate: '7.10', debit: '100.00' }, { account: solo.pl('5001'), credit: '710.00' }] }])
    await updateCompanySettings(solo.context, SYSTEM, solo.company.id, { selfApproval: [{ validFrom: '2026-10-01', validTo: '2026-10-31', allowed: false }] })
    const waiting = await closePeriod(solo.context, boss, solo.company.id, PERIOD)
    expect([waiting.status, waiting.approvers]).toEqual(['pending', []])
    expect((await closeCheck(solo.context, solo.company.id, PERIOD)).blockers[0]?.message.en).toContain('add a user with the approver role')
    await deleteDraft(solo.context, boss, solo.company.id, waiting.pending[0]?.id ?? 0)
    await updateCompanySettings(solo.context, SYSTEM, solo.company.id, { selfApproval: [] })
    expect(await closePeriod(solo.context, boss, solo.company.id, PERIOD)).toMatchObject({ status: 'closed', selfApproved: true })
  })

  it('an admin forcing a close takes the period-end vouchers on themself (audited); a broken setting is a clear error', async () => {
    const { context, company, boss } = await usdSale(template)
    // nothing else blocks, but taking the approval on themself is a forced close: audited with the reason
    await expect(closePeriod(context, boss, company.id, PERIOD, { force: true, reason: '审核人休假，老板确认' })).resolves.toMatchObject({ status: 'closed', selfApproved: true, forced: true })
    const audit = await context.db.client.execute({ sql: "SELECT payload_json FROM audit_log WHERE company_id = ? AND action = 'period.close'", args: [company.id] })
    expect(JSON.parse(String(audit.rows[0]?.payload_json))).toMatchObject({ forced: true, reason: '审核人休假，老板确认', blockers: [], selfApproved: true })
    await updateCompanySettings(context, SYSTEM, company.id, { selfApproval: [{ validFrom: 'soon', allowed: true }] })
    await expect(closePeriod(context, boss, company.id, '2026-11')).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('selfApproval') })
  })
})

describe('VAT month-end at close, and the CLI', () => {
  it('with closing.vatMonthEnd the VAT vouchers are drafted with the revaluation; `cledger close` prints them and who approves', async () => {
    const { context, company, url, boss, li, pl } = await usdSale('small-enterprise')
    await updateCompanySettings(context, SYSTEM, company.id, { closing: { vatMonthEnd: true } })
    // a CNY sale with 13% VAT: 贷 应交增值税(销项) 130.00 -> 转出未交增值税 130.00; 城建 7% 9.10, 教育 3% 3.90, 地方教育 2% 2.60
    await post(context, company.id, [{ date: '2026-10-06', lines: [{ account: '1122', store: 'shop', debit: '1130.00' }, { account: pl('5001'), store: 'shop', credit: '1000.00' }, { account: '2221.01.02', store: 'shop', credit: '130.00' }] }])
    const run = async (...args: string[]) => {
      let stdout = ''
      let stderr = ''
      const code = await main(['node', 'cledger', '--db', url, '--company', 'ACCT', ...args], { stdout: (text) => { stdout += text }, stderr: (text) => { stderr += text } })
      return { code, stdout, stderr }
    }
    const cli = await run('--user', 'boss', 'close', PERIOD)
    expect([cli.code, cli.stderr]).toEqual([0, ''])
    expect(cli.stdout).toContain('2026-10: not closed yet, period-end vouchers pending approval (期末凭证待审核, 3)')
    expect(cli.stdout).toContain('approve (审核人): li (approver), with: cledger voucher approve <id>')
    const pending = ((await closeCheck(context, company.id, PERIOD)).blockers[0]?.items ?? []).flatMap((item) => ('sourceKind' in item ? [item] : []))
    expect(pending.map((item) => [item.sourceKind, item.total])).toEqual([['vat.month-end', '130.00'], ['vat.month-end', '15.60'], ['revaluation', '10.00']])
    for (const item of pending) expect((await run('--user', 'li', 'voucher', 'approve', String(item.id))).code).toBe(0)
    const closing = await run('--user', 'boss', 'close', PERIOD)
    expect(closing.stdout).toContain('(期末凭证待审核, 1)')
    // 结转损益 per store: shop 1,710.00 + 10.00 into 本年利润; 税金及附加 15.60 (no store) out of it; debits 1,735.60
    const draft = (await closePeriod(context, boss, company.id, PERIOD)).pending[0]
    expect([draft?.sourceKind, draft?.total]).toEqual(['closing', '1735.60'])
    expect(lines(await getVoucher(context, company.id, draft?.id ?? 0))).toEqual([
      ['5001', 'shop', 'debit', '1710.00'], ['5403', '', 'credit', '15.60'], ['5603.02', 'shop', 'debit', '10.00'], ['3103', 'shop', 'credit', '1720.00'], ['3103', '', 'debit', '15.60'],
    ])
    await approveVoucher(context, li, company.id, draft?.id ?? 0)
    const closed = await run('--user', 'boss', 'close', PERIOD)
    expect(closed.stdout).toContain(`closed 2026-10 (结转损益 voucher id ${draft?.id})`)
    void boss
  })

  it('the API answers a close that waits with the pending vouchers and who approves; the approver approves over HTTP; the next close closes', async () => {
    const { context, company, boss } = await usdSale('small-enterprise')
    const api = createApp({ context })
    const accountant = await signedIn(api, context, company, 'wuming', 'accountant')
    const approver = await signedIn(api, context, company, 'zhaoqian', 'approver')
    const close = () => call(api, accountant, 'POST', '/companies/ACCT/periods/2026-10/close')
    const first = await close()
    const body = (await first.json()) as { status: string; pending: Array<{ id: number; sourceKind: string; maker: string }>; approvers: string[] }
    expect([first.status, body.status, body.pending.map((voucher) => [voucher.sourceKind, voucher.maker]), body.approvers]).toEqual([200, 'pending', [['revaluation', 'wuming']], ['boss (admin)', 'li (approver)', 'zhaoqian (approver)']])
    const check = (await (await call(api, approver, 'GET', '/companies/ACCT/periods/2026-10/close-check')).json()) as { blockers: Array<{ kind: string; message: { zh: string } }> }
    expect(check.blockers.map((blocker) => blocker.kind)).toEqual(['period_end_pending'])
    expect(check.blockers[0]?.message.zh).toContain('期末凭证待审核')
    expect((await call(api, approver, 'POST', `/companies/ACCT/vouchers/${body.pending[0]?.id}/approve`)).status).toBe(200)
    const second = (await (await close()).json()) as { status: string; pending: Array<{ id: number; sourceKind: string }> }
    expect([second.status, second.pending.map((voucher) => voucher.sourceKind)]).toEqual(['pending', ['closing']])
    expect((await call(api, approver, 'POST', `/companies/ACCT/vouchers/${second.pending[0]?.id}/approve`)).status).toBe(200)
    expect(await (await close()).json()).toMatchObject({ status: 'closed', closingVoucher: second.pending[0]?.id })
    void boss
  })

  it('the settings route checks selfApproval and closing before storing them', async () => {
    const { context, company } = await usdSale('enterprise')
    const api = createApp({ context })
    const admin = await signedIn(api, context, company, 'zhouwu', 'admin')
    const path = '/companies/ACCT/settings'
    const bad = await call(api, admin, 'PATCH', path, { selfApproval: [{ validFrom: '2026-13-01', allowed: true }] })
    expect([bad.status, ((await bad.json()) as { error: { code: string; message: string } }).error.message]).toEqual([400, expect.stringContaining('selfApproval')])
    expect((await call(api, admin, 'PATCH', path, { closing: { vatMonthEnd: 'yes' } })).status).toBe(400)
    const ok = await call(api, admin, 'PATCH', path, { selfApproval: [{ validFrom: '2026-10-01', validTo: null, allowed: true }], closing: { vatMonthEnd: true } })
    expect(ok.status).toBe(200)
    expect((await closePeriod(context, { userId: 1 }, company.id, PERIOD)).status).toBe('closed')
  })

  it('`cledger approval show|set` says the rule and who approves, and sets a dated entry', async () => {
    const { url, company, context } = await usdSale('small-enterprise')
    const run = async (...args: string[]) => {
      let stdout = ''
      let stderr = ''
      const code = await main(['node', 'cledger', '--db', url, '--company', 'ACCT', '--user', 'boss', ...args], { stdout: (text) => { stdout += text }, stderr: (text) => { stderr += text } })
      return { code, stdout, stderr }
    }
    const shown = await run('approval', 'show', '--date', '2026-10-31')
    expect(shown.code).toBe(0)
    expect(shown.stdout).toContain('2026-10-31: self-approval not allowed (期末凭证须由另一位审核人审核) — no setting covers the date: 2 user(s) with approver rights')
    expect(shown.stdout).toContain('approvers: boss (admin), li (approver)')
    expect((await run('approval', 'set', '--allowed', 'yes', '--from', '2026-10-01', '--to', '2026-12-31')).code).toBe(0)
    expect((await run('approval', 'set', '--allowed', 'maybe', '--from', '2026-10-01')).stderr).toContain('--allowed takes yes or no')
    expect((await run('approval', 'show', '--date', '2026-10-31')).stdout).toContain('self-approval allowed (制单人可自行审核期末凭证) — by the dated setting')
    expect((await run('approval', 'show', '--date', '2027-01-01')).stdout).toContain('self-approval not allowed')
    expect(await closePeriod(context, { userId: 1 }, company.id, PERIOD)).toMatchObject({ status: 'closed', selfApproved: true })
  })

  it('reversals by the CLI wait for an approver when self-approval is not allowed', async () => {
    const { context, company, url, li } = await usdSale('enterprise')
    const run = async (...args: string[]) => {
      let stdout = ''
      const code = await main(['node', 'cledger', '--db', url, '--company', 'ACCT', '--json', ...args], { stdout: (text) => { stdout += text }, stderr: () => {} })
      return { code, stdout }
    }
    const reversed = await run('--user', 'boss', 'voucher', 'reverse', '1')
    const voucher = (JSON.parse(reversed.stdout) as { voucher: { id: number; status: string } }).voucher
    expect([reversed.code, voucher.status]).toEqual([0, 'draft'])
    await approveVoucher(context, li, company.id, voucher.id)
    expect(await getVoucher(context, company.id, 1)).toMatchObject({ reversedBy: voucher.id })
  })
})
