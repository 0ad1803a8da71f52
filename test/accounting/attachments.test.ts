import { describe, expect, it } from 'vitest'
import { getVoucher, writeVouchers } from '../../service/ledger/vouchers.ts'
import { admin, companyOn, post } from './support.ts'

/** Issue #16.6: 附件数 on vouchers. */
describe('附件数', () => {
  it('stores the number of attached documents, keeps it in the idempotency identity and protects it once posted', async () => {
    const { context, company } = await companyOn('small-enterprise')
    const input = { date: '2026-10-08', summary: '采购商品', idempotencyKey: 'po-1', attachments: 3, lines: [{ account: '1405', debit: '100.00' }, { account: '2202', credit: '100.00' }] }
    const [written] = await post(context, company.id, [input])
    expect((await getVoucher(context, company.id, written?.id ?? 0)).attachments).toBe(3)
    // the same request replays; another 附件数 under the same key is a conflict
    expect((await post(context, company.id, [input]))[0]).toMatchObject({ id: written?.id, replayed: true })
    await expect(post(context, company.id, [{ ...input, attachments: 4 }])).rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' })
    // without 附件数 a voucher has 0
    const [plain] = await post(context, company.id, [{ date: '2026-10-09', lines: [{ account: '1405', debit: '1.00' }, { account: '2202', credit: '1.00' }] }])
    expect((await getVoucher(context, company.id, plain?.id ?? 0)).attachments).toBe(0)
    await expect(writeVouchers(context, admin, company.id, [{ input: { ...input, idempotencyKey: 'po-2', attachments: -1 } }], { mode: 'draft' })).rejects.toMatchObject({ code: 'VALIDATION' })
    await expect(writeVouchers(context, admin, company.id, [{ input: { ...input, idempotencyKey: 'po-3', attachments: 1.5 } }], { mode: 'draft' })).rejects.toMatchObject({ code: 'VALIDATION' })
    await expect(context.db.client.execute({ sql: 'UPDATE vouchers SET attachments = 9 WHERE id = ?', args: [written?.id ?? 0] })).rejects.toThrow(/immutable/)
  })

  it('shows 附件 N 张 in voucher show', async () => {
    const { main } = await import('../../service/cli.ts')
    const { createUser, setRole } = await import('../../service/auth/users.ts')
    const { SYSTEM } = await import('../../service/ledger/context.ts')
    const { context, company, url } = await companyOn('enterprise')
    const user = await createUser(context, SYSTEM, { username: 'boss', password: 'boss-password-2026' })
    await setRole(context, SYSTEM, user.id, company.id, 'admin')
    const [written] = await post(context, company.id, [{ date: '2026-10-08', summary: '采购商品', attachments: 2, lines: [{ account: '1405', debit: '100.00' }, { account: '2202', credit: '100.00' }] }])
    let out = ''
    expect(await main(['node', 'cledger', '--db', url, '--user', 'boss', 'voucher', 'show', String(written?.id)], { stdout: (text) => { out += text }, stderr: () => undefined })).toBe(0)
    expect(out).toContain('采购商品  附件 2 张')
  })
})
