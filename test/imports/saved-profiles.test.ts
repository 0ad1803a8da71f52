import { describe, expect, it } from 'vitest'
import { createApp } from '../../service/app.ts'
import { unknownLayoutFile } from '../../service/generators/unknown-layout.ts'
import { ledgerWithCompany } from '../support/db.ts'
import { type Api, call, signedIn } from '../support/http.ts'

async function upload(api: Api, token: string, company: string, file: { fileName: string; bytes: Uint8Array }): Promise<Response> {
  const form = new FormData()
  form.append('file', new Blob([new Uint8Array(file.bytes)]), file.fileName)
  form.append('store', 'web')
  return api.app.request(`/api/v1/companies/${company}/imports`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form })
}

describe('mapping profiles over HTTP (the pane\'s 建立映射)', () => {
  it('an unknown layout answers 415 with its header; a saved profile makes the next import detect and load it', async () => {
    const { context, company } = await ledgerWithCompany()
    const api = createApp({ context })
    const token = await signedIn(api, context, company, 'acc', 'accountant')
    const file = await unknownLayoutFile({ seed: 5, rows: 12 })

    const refused = await upload(api, token, company.code, file)
    expect(refused.status).toBe(415)
    const error = ((await refused.json()) as { error: { code: string; details: { columns: string[] } } }).error
    expect(error.code).toBe('UNSUPPORTED_FORMAT')
    expect(error.details.columns).toEqual(file.columns)

    // What a profile maps, per record kind, required fields marked
    const listed = (await (await call(api, token, 'GET', `/companies/${company.code}/import-profiles`)).json()) as { profiles: unknown[]; fields: Record<string, Array<{ field: string; required: boolean }>> }
    expect(listed.profiles).toEqual([])
    expect(listed.fields.settlementTxn?.find((field) => field.field === 'occurredAt')?.required).toBe(true)
    expect(listed.fields.order?.filter((field) => field.required).map((field) => field.field)).toEqual(['orderNo', 'occurredAt', 'amount'])

    // A profile without an amount is refused with the reason; a bad name too
    const noAmount = await call(api, token, 'PUT', `/companies/${company.code}/import-profiles/web`, { record: 'settlementTxn', channel: 'shopify', currency: 'USD', columns: { occurredAt: '入账时间' } })
    expect(noAmount.status).toBe(400)
    expect(((await noAmount.json()) as { error: { message: string } }).error.message).toContain('amount')
    expect((await call(api, token, 'PUT', `/companies/${company.code}/import-profiles/${encodeURIComponent('a/b')}`, { record: 'settlementTxn', columns: file.mapping })).status).toBe(400)
    expect((await call(api, token, 'PUT', `/companies/${company.code}/import-profiles/${encodeURIComponent('bad:name')}`, { record: 'settlementTxn', columns: file.mapping })).status).toBe(400)

    const saved = await call(api, token, 'PUT', `/companies/${company.code}/import-profiles/${encodeURIComponent('网店流水')}`, { record: 'settlementTxn', channel: 'shopify', currency: 'USD', columns: file.mapping })
    expect(saved.status).toBe(200)
    expect(((await saved.json()) as { profile: { name: string; columns: Record<string, string> } }).profile).toMatchObject({ name: '网店流水', columns: file.mapping })
    // saving again under the same name replaces it
    expect((await call(api, token, 'PUT', `/companies/${company.code}/import-profiles/${encodeURIComponent('网店流水')}`, { record: 'settlementTxn', channel: 'shopify', currency: 'USD', columns: file.mapping })).status).toBe(200)
    const after = (await (await call(api, token, 'GET', `/companies/${company.code}/import-profiles`)).json()) as { profiles: Array<{ name: string }> }
    expect(after.profiles.map((profile) => profile.name)).toEqual(['网店流水'])

    const imported = await upload(api, token, company.code, file)
    expect(imported.status).toBe(201)
    const body = (await imported.json()) as { imports: Array<{ format: string; imported: number; rejected: number }> }
    expect(body.imports[0]).toMatchObject({ format: 'generic:网店流水', imported: file.rows, rejected: 0 })
    const stored = await context.db.client.execute({ sql: 'SELECT COUNT(*) AS n, SUM(currency = ?) AS usd FROM settlement_txns WHERE company_id = ?', args: ['USD', company.id] })
    expect(Number(stored.rows[0]?.n)).toBe(file.rows)
    expect(Number(stored.rows[0]?.usd)).toBe(file.rows)
    const audit = await context.db.client.execute("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'import.profile.save'")
    expect(Number(audit.rows[0]?.n)).toBe(2)
  })

  it('only bookkeepers save profiles; everyone may read them', async () => {
    const { context, company } = await ledgerWithCompany()
    const api = createApp({ context })
    const sales = await signedIn(api, context, company, 'sam', 'sales')
    const file = await unknownLayoutFile({ seed: 5, rows: 3 })
    expect((await call(api, sales, 'PUT', `/companies/${company.code}/import-profiles/web`, { record: 'settlementTxn', columns: file.mapping })).status).toBe(403)
    expect((await call(api, sales, 'GET', `/companies/${company.code}/import-profiles`)).status).toBe(200)
  })
})
