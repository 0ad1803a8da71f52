import { describe, expect, it } from 'vitest'
import { createApp } from '../../service/app.ts'
import { main } from '../../service/cli.ts'
import { linkedFiles } from '../../service/generators/linked.ts'
import { importFile } from '../../service/imports/load.ts'
import { updateCompanySettings } from '../../service/ledger/company.ts'
import { SYSTEM } from '../../service/ledger/context.ts'
import { closeCheck } from '../../service/ledger/periods.ts'
import { deleteDraft, writeVouchers } from '../../service/ledger/vouchers.ts'
import { runMatching } from '../../service/matching/index.ts'
import { registerCloseChecks } from '../../service/posting/close-check.ts'
import { runPosting } from '../../service/posting/run.ts'
import { updatePostingSettings } from '../../service/posting/settings.ts'
import { ledgerWithCompany } from '../support/db.ts'
import { call, signedIn } from '../support/http.ts'

/**
 * 结账检查 (issue #13): the close refuses while the period has open exceptions, held items,
 * drafts, payouts not found in the bank or imported records not posted, names them by kind
 * with counts, and an admin may force it with a reason that is audited with the blockers.
 */
const STORE = '旗舰店'
const PERIOD = '2024-03'
const linked = linkedFiles({ seed: 31, orders: 12, defects: ['amountMismatch', 'payoutNotInBank'], shipped: true })

async function matched() {
  registerCloseChecks()
  const ledger = await ledgerWithCompany()
  const { context, company } = ledger
  await context.db.client.execute({ sql: "INSERT INTO stores (company_id, code, name, channel, vat_rate) VALUES (?, ?, '天猫旗舰店', 'tmall', 'GENERAL_13')", args: [company.id, STORE] })
  await updatePostingSettings(context, SYSTEM, company.id, { recognition: 'shipped', autoApprove: { maxTotal: '1000000.00' } })
  for (const file of [linked.files.orders, linked.files.alipay]) {
    const result = await importFile(ledger.db, company.id, { name: file.fileName, bytes: file.bytes }, { actor: SYSTEM, format: file.parser, store: STORE })
    expect(result.rejected).toBe(0)
  }
  await runMatching(context, SYSTEM, company.id, { asOf: '2024-04-10' })
  const api = createApp({ context })
  return { ...ledger, api }
}

const kinds = (blockers: ReadonlyArray<{ kind: string; count: number }>) => blockers.map((blocker) => `${blocker.kind} ${blocker.count}`)

async function cledger(url: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await main(['node', 'cledger', '--db', url, '--company', 'ACME', ...args], { stdout: (t) => { stdout += t }, stderr: (t) => { stderr += t } })
  return { code, stdout, stderr }
}

describe('a close that checks (结账检查)', () => {
  it('lists open exceptions, held items, payouts not in the bank and unposted records by kind, and the close refuses with them', async () => {
    const { context, company, api } = await matched()
    const check = await closeCheck(context, company.id, PERIOD)
    const unposted = check.blockers.find((blocker) => blocker.kind === 'unposted_records')?.count ?? 0
    expect(unposted).toBeGreaterThan(20)
    expect(kinds(check.blockers)).toEqual(['open_exceptions 2', 'held_items 1', 'payouts_not_in_bank 1', `unposted_records ${unposted}`])
    expect(check.ready).toBe(false)
    const exceptions = check.blockers[0]
    expect(exceptions?.message.en).toBe('2 open reconciliation exception(s) in the period (AMOUNT_MISMATCH 1, MISSING_PAYMENT 1); resolve, ignore or approve them')
    expect(exceptions?.message.zh).toContain('未处理的对账异常')
    expect(exceptions?.items.map((item) => ('type' in item ? item.type : '')).sort()).toEqual(['AMOUNT_MISMATCH', 'MISSING_PAYMENT'])
    expect(check.blockers[2]?.items).toEqual([expect.objectContaining({ kind: 'settlementTxn', ref: `alipay|${linked.cases.payoutNotInBank?.refs[0] ?? ''}|payout`, reason: 'NOT_IN_BANK' })])
    expect(check.blockers[3]?.items.length).toBe(Math.min(unposted, 50))

    const token = await signedIn(api, context, company, 'acct', 'accountant')
    const served = await call(api, token, 'GET', `/companies/ACME/periods/${PERIOD}/close-check`)
    expect(served.status).toBe(200)
    expect(JSON.parse(await served.text())).toEqual(JSON.parse(JSON.stringify(check)))
    const refused = await call(api, token, 'POST', `/companies/ACME/periods/${PERIOD}/close`)
    expect(refused.status).toBe(409)
    const body = (await refused.json()) as { error: { code: string; message: string; details: { blockers: Array<{ kind: string; count: number }> } } }
    expect(body.error.code).toBe('PERIOD_NOT_READY')
    expect(kinds(body.error.details.blockers)).toEqual(kinds(check.blockers))
    expect(body.error.message).toContain('open_exceptions 2')
    const periods = await context.db.client.execute("SELECT status FROM periods WHERE period = '2024-03'")
    expect(periods.rows.map((row) => row.status)).not.toContain('closed')

    // posting clears the unposted records; what waits still blocks
    await runPosting(context, SYSTEM, company.id)
    expect(kinds((await closeCheck(context, company.id, PERIOD)).blockers)).toEqual(['open_exceptions 2', 'held_items 1', 'payouts_not_in_bank 1'])
  })

  it('lets only an admin force it, only with a reason, never past drafts; the audit entry lists the blockers', async () => {
    const { context, company, api, url } = await matched()
    await runPosting(context, SYSTEM, company.id)
    const accountant = await signedIn(api, context, company, 'acct', 'accountant')
    const admin = await signedIn(api, context, company, 'boss', 'admin')
    const path = `/companies/ACME/periods/${PERIOD}/close`
    expect((await call(api, accountant, 'POST', path, { force: true, reason: '月底结账' })).status).toBe(403)
    expect((await call(api, admin, 'POST', path, { force: true })).status).toBe(400)
    expect((await call(api, admin, 'POST', path, { force: true, reason: '  ' })).status).toBe(400)

    const [draft] = await writeVouchers(context, { userId: 1 }, company.id, [{ input: { date: '2024-03-30', word: '记', summary: '手工凭证', lines: [{ account: '5602', debit: '10.00' }, { account: '1001', credit: '10.00' }] } }], { mode: 'draft' })
    const withDraft = await call(api, admin, 'POST', path, { force: true, reason: '月底结账' })
    expect(withDraft.status).toBe(409)
    expect(kinds(((await withDraft.json()) as { error: { details: { blockers: Array<{ kind: string; count: number }> } } }).error.details.blockers)).toEqual(['drafts 1'])
    await deleteDraft(context, { userId: 1 }, company.id, draft?.id ?? 0)

    // the CLI names what blocks and refuses too
    const cli = await cledger(url, '--user', 'boss', 'close', PERIOD)
    expect(cli.code).toBe(1)
    expect(cli.stderr).toContain('open_exceptions 2: 本期有 2 个未处理的对账异常')
    expect(cli.stderr).toContain('payouts_not_in_bank 1')
    expect(cli.stderr).toContain('cledger: period 2024-03 is not ready to close')
    const only = await cledger(url, '--user', 'acct', 'close', PERIOD, '--check')
    expect([only.code, only.stdout.split('\n')[0]]).toEqual([0, '2024-03: not ready to close (结账检查未通过)'])

    const forced = await cledger(url, '--user', 'boss', 'close', PERIOD, '--force', '--reason', '平台提现次月到账，异常已与平台确认')
    expect([forced.code, forced.stderr]).toEqual([0, ''])
    expect(forced.stdout).toContain('closed 2024-03 (forced; audited)')
    const audit = await context.db.client.execute("SELECT payload_json FROM audit_log WHERE action = 'period.close' AND entity_id = '2024-03'")
    const payload = JSON.parse(String(audit.rows[0]?.payload_json)) as { forced: boolean; reason: string; blockers: Array<{ kind: string; count: number; items: unknown[] }> }
    expect([payload.forced, payload.reason, kinds(payload.blockers)]).toEqual([true, '平台提现次月到账，异常已与平台确认', ['open_exceptions 2', 'held_items 1', 'payouts_not_in_bank 1']])
    expect(payload.blockers[0]?.items).toHaveLength(2)
    expect((await context.db.client.execute("SELECT status FROM periods WHERE period = '2024-03'")).rows[0]?.status).toBe('closed')
  })

  it('names a broken posting mapping as a held_items blocker instead of failing the check', async () => {
    const { context, company } = await matched()
    await updateCompanySettings(context, SYSTEM, company.id, { posting: { recognition: 'shipped', stores: { [STORE]: { accounts: { wallet: '1012' } } } } })
    const check = await closeCheck(context, company.id, PERIOD)
    expect(kinds(check.blockers)).toEqual(['open_exceptions 2', 'held_items 1'])
    expect(check.blockers[1]?.message.en).toMatch(/^the posting mapping is broken, so imported records cannot be posted: posting mapping: 旗舰店\.wallet -> 1012/)
  })

  it('closes without --force when nothing blocks, and says ready', async () => {
    registerCloseChecks()
    const { context, company } = await ledgerWithCompany()
    const api = createApp({ context })
    const admin = await signedIn(api, context, company, 'boss', 'admin')
    expect(JSON.parse(await (await call(api, admin, 'GET', '/companies/ACME/periods/2026-10/close-check')).text())).toEqual({ period: '2026-10', ready: true, blockers: [] })
    const closed = await call(api, admin, 'POST', '/companies/ACME/periods/2026-10/close')
    // a lone admin (one approver user) may approve the period-end vouchers themself, so the close completes in one call
    expect([closed.status, await closed.json()]).toEqual([200, { period: '2026-10', status: 'closed', closingVoucher: null, alreadyClosed: false, forced: false, pending: [], approvers: [], selfApproved: true }])
  })
})
