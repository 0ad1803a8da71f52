import { describe, expect, it } from 'vitest'
import { main } from '../../service/cli.ts'
import { createApp } from '../../service/app.ts'
import { updateCompanySettings } from '../../service/ledger/company.ts'
import { SYSTEM } from '../../service/ledger/context.ts'
import { writeVouchers } from '../../service/ledger/vouchers.ts'
import { ledgerWithCompany } from '../support/db.ts'
import { call, signedIn } from '../support/http.ts'

async function cledger(url: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await main(['node', 'cledger', '--db', url, ...args], { stdout: (t) => { stdout += t }, stderr: (t) => { stderr += t } })
  return { code, stdout, stderr }
}

const sale = { date: '2026-10-05', word: '记', lines: [{ account: '1122', store: 'tmall-main', debit: '113.00', summary: '订单 12345' }, { account: '5001', credit: '100.00' }, { account: '2221.01.02', credit: '13.00' }] }

describe('反审核 (un-approve)', () => {
  it('takes an approved, unposted voucher back to draft: approver or admin, audited with the reason; never a posted one; API and CLI', { timeout: 120_000 }, async () => {
    const { context, company, db, url } = await ledgerWithCompany()
    await updateCompanySettings(context, SYSTEM, company.id, { postOnApprove: false })
    const api = createApp({ context })
    const maker = await signedIn(api, context, company, 'maker', 'accountant')
    const approver = await signedIn(api, context, company, 'checker', 'approver')
    const makerId = Number((await db.client.execute("SELECT id FROM users WHERE username = 'maker'")).rows[0]?.id)
    const [draft] = await writeVouchers(context, { userId: makerId, username: 'maker' }, company.id, [{ input: sale }], { mode: 'draft' })
    const id = draft?.id ?? 0
    const status = async () => String((await db.client.execute({ sql: 'SELECT status, approver_id FROM vouchers WHERE id = ?', args: [id] })).rows[0]?.status)

    expect((await call(api, approver, 'POST', `/companies/${company.code}/vouchers/${id}/approve`)).status).toBe(200)
    expect(await status()).toBe('approved')
    // the maker (accountant) may not un-approve
    expect((await call(api, maker, 'POST', `/companies/${company.code}/vouchers/${id}/unapprove`, { reason: 'x' })).status).toBe(403)
    const undone = await call(api, approver, 'POST', `/companies/${company.code}/vouchers/${id}/unapprove`, { reason: '金额待核实' })
    expect(undone.status).toBe(200)
    expect(((await undone.json()) as { voucher: { status: string } }).voucher.status).toBe('draft')
    expect(await status()).toBe('draft')
    const approverAfter = (await db.client.execute({ sql: 'SELECT approver_id, approved_at FROM vouchers WHERE id = ?', args: [id] })).rows[0]
    expect([approverAfter?.approver_id, approverAfter?.approved_at]).toEqual([null, null])
    const audit = await db.client.execute({ sql: "SELECT payload_json FROM audit_log WHERE action = 'voucher.unapprove' AND entity_id = ?", args: [String(id)] })
    expect(audit.rows.map((row) => JSON.parse(String(row.payload_json)) as { reason: string }).map((payload) => payload.reason)).toEqual(['金额待核实'])
    // a draft cannot be un-approved
    const again = await call(api, approver, 'POST', `/companies/${company.code}/vouchers/${id}/unapprove`, {})
    expect(again.status).toBe(409)

    // CLI: approve, then 反审核 with --reason as the approver
    db.close()
    expect((await cledger(url, '--company', company.code, '--user', 'checker', 'voucher', 'approve', String(id))).code).toBe(0)
    const cli = await cledger(url, '--company', company.code, '--user', 'checker', '--json', 'voucher', 'unapprove', String(id), '--reason', '附件不全')
    expect(cli.code).toBe(0)
    expect((JSON.parse(cli.stdout) as { voucher: { status: string } }).voucher.status).toBe('draft')
    expect((await cledger(url, '--company', company.code, '--user', 'maker', 'voucher', 'unapprove', String(id))).code).not.toBe(0)
    // approved and posted: refused, pointing at 红字冲销
    expect((await cledger(url, '--company', company.code, '--user', 'checker', 'voucher', 'approve', String(id))).code).toBe(0)
    expect((await cledger(url, '--company', company.code, '--user', 'maker', 'voucher', 'post', String(id))).code).toBe(0)
    const posted = await cledger(url, '--company', company.code, '--user', 'checker', 'voucher', 'unapprove', String(id))
    expect(posted.code).not.toBe(0)
    expect(posted.stderr).toContain('红字冲销')
    expect((await cledger(url, '--company', company.code, 'verify')).code).toBe(0)
  })
})
