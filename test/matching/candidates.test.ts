import { describe, expect, it } from 'vitest'
import { createApp } from '../../service/app.ts'
import { createUser, issueToken, setRole } from '../../service/auth/users.ts'
import { main } from '../../service/cli.ts'
import { linkedFiles } from '../../service/generators/linked.ts'
import { importFile } from '../../service/imports/load.ts'
import { SYSTEM } from '../../service/ledger/context.ts'
import { listExceptions, runMatching } from '../../service/matching/index.ts'
import type { CandidateView } from '../../service/matching/queries.ts'
import { keyProbe, keysRelated, rankCandidates } from '../../shared/matching/index.ts'
import { formatAmount } from '../../shared/money.ts'
import { ledgerWithCompany } from '../support/db.ts'
import { aTxn } from './builders.ts'
import { insertRecords } from './support.ts'

describe('manual-match candidates (ranking)', () => {
  it('relates order numbers when one starts with the other and the shorter is long enough', () => {
    expect([keysRelated('2001', '2001-77'), keysRelated('1001', '1001'), keysRelated('300', '3001'), keysRelated('3012345678', '30'), keysRelated('12345', '1234567890123')]).toEqual([true, true, false, false, false])
    expect([keyProbe('1001'), keyProbe('3012345678901234567'), keyProbe('abc')]).toEqual(['1001', '3012345678', ''])
  })

  it('ranks key and amount above key above amount, then by amount off, days apart and natural key; drops what fits neither', () => {
    const target = { key: '1001', amount: 5000n, tolerance: 10n, date: '2026-10-03' }
    const input = (ref: string, key: string | undefined, amount: bigint, date = '2026-10-04') => ({ item: ref, ref, key, amount, date })
    const ranked = rankCandidates(target, [
      input('amount-far', undefined, 5000n, '2026-10-09'), input('neither', '9999', 1n), input('key-only', 'T200P1001', 7n), input('both', '#1001-2', 5000n),
      input('amount-near', undefined, 5000n), input('amount-off', '', 4995n), input('both-later', '1001', 5000n, '2026-10-12'),
    ])
    expect(ranked.map((c) => [c.ref, c.fits.join('+'), c.off, c.days])).toEqual([
      ['both', 'key+amount', 0n, 1], ['both-later', 'key+amount', 0n, 9], ['key-only', 'key', 4993n, 1], ['amount-near', 'amount', 0n, 1], ['amount-far', 'amount', 0n, 6], ['amount-off', 'amount', 5n, 1],
    ])
    expect(rankCandidates(target, Array.from({ length: 30 }, (_, n) => input(`t${String(n).padStart(2, '0')}`, undefined, 5000n)))).toHaveLength(10)
    expect(rankCandidates({ ...target, key: '' }, [input('no-key', '1001', 1n)])).toEqual([])
  })
})

describe('GET /exceptions/:id candidates (generated Taobao + Alipay files)', () => {
  const STORE = '旗舰店'
  const ASOF = { asOf: '2024-04-10' }
  const linked = linkedFiles({ seed: 5, orders: 12, defects: ['missingPayment', 'orphanPayment', 'amountMismatch', 'payoutNotInBank'] })
  const missing = linked.cases.missingPayment
  const missingNo = missing?.orderNo ?? ''
  const missingGross = formatAmount(missing?.gross ?? 0n, 'CNY')

  async function setUp() {
    const ledger = await ledgerWithCompany()
    for (const file of [linked.files.orders, linked.files.alipay]) {
      const result = await importFile(ledger.db, ledger.company.id, { name: file.fileName, bytes: file.bytes }, { actor: SYSTEM, format: file.parser, store: STORE })
      expect([result.parser, result.rejected]).toEqual([file.parser, 0])
    }
    await runMatching(ledger.context, SYSTEM, ledger.company.id, ASOF)
    const [short] = await listExceptions(ledger.context, ledger.company.id, { type: 'AMOUNT_MISMATCH' })
    const nextDay = (date: string, days: number) => `${new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)}T15:00:00+08:00`
    // the missing order's money under a suffixed reference; the amount-mismatch order's missing 12.00 without any reference; decoys: other store, too late
    await insertRecords(ledger.db, ledger.company.id, {
      settlements: [
        aTxn('typo1', 'payment', missingGross, { store: STORE, orderRef: `${missingNo}-1`, occurredAt: '2024-03-03T10:00:00+08:00' }),
        aTxn('short1', 'payment', '12.00', { store: STORE, occurredAt: nextDay(short?.date ?? '2024-03-05', 1) }),
        aTxn('decoy-store', 'payment', missingGross, { store: '专营店', orderRef: `${missingNo}-2`, occurredAt: '2024-03-03T10:00:00+08:00' }),
        aTxn('decoy-late', 'payment', missingGross, { store: STORE, occurredAt: '2024-04-05T10:00:00+08:00' }),
      ],
    })
    await runMatching(ledger.context, SYSTEM, ledger.company.id, ASOF)
    const accountant = await createUser(ledger.context, SYSTEM, { username: 'acc1', password: 'correct horse battery' })
    const sales = await createUser(ledger.context, SYSTEM, { username: 'sales1', password: 'correct horse battery' })
    await setRole(ledger.context, SYSTEM, accountant.id, ledger.company.id, 'accountant')
    await setRole(ledger.context, SYSTEM, sales.id, ledger.company.id, 'sales')
    const tokens = { accountant: (await issueToken(ledger.context, accountant.id, 'api')).token, sales: (await issueToken(ledger.context, sales.id, 'api')).token }
    const { app } = createApp({ context: ledger.context })
    const call = async (token: string, method: string, path: string, body?: unknown) => {
      const response = await app.request(`/api/v1/companies/ACME${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
      return { status: response.status, json: await response.json() as Record<string, unknown> }
    }
    const exceptions = async () => ((await call(tokens.sales, 'GET', '/exceptions?status=open')).json.exceptions as Array<{ id: number; type: string; level: string; orderKey: string | null }>)
    const candidatesOf = async (id: number) => {
      const response = await call(tokens.sales, 'GET', `/exceptions/${id}`)
      expect(response.status).toBe(200)
      return (response.json.exception as { candidates: CandidateView[] }).candidates
    }
    return { ledger, tokens, call, exceptions, candidatesOf }
  }

  it('offers the likely counterparts, ranked, and `match manual` with the first one settles both exceptions', async () => {
    const { ledger, tokens, call, exceptions, candidatesOf } = await setUp()
    const open = await exceptions()
    const find = (type: string, orderKey: string | null) => open.find((e) => e.type === type && e.level === 'order' && e.orderKey === orderKey)
    const missingException = find('MISSING_PAYMENT', missingNo)
    const typoException = find('ORPHAN_PAYMENT', `${missingNo}-1`)
    const shortException = open.find((e) => e.type === 'AMOUNT_MISMATCH')
    expect([missingException, typoException, shortException].every((e) => e !== undefined)).toBe(true)

    const forMissing = await candidatesOf(missingException?.id ?? 0)
    expect(forMissing[0]).toEqual({ kind: 'settlementTxn', ref: 'alipay|typo1|payment', role: 'payment', orderNo: null, orderRef: `${missingNo}-1`, channel: 'alipay', store: STORE, date: '2024-03-03', amount: missingGross, fits: ['key', 'amount'], off: '0.00', days: 1 })
    expect(forMissing.map((c) => c.ref)).not.toContain('alipay|decoy-store|payment')
    expect(forMissing.map((c) => c.ref)).not.toContain('alipay|decoy-late|payment')
    expect(forMissing.length).toBeLessThanOrEqual(10)

    const forTypo = await candidatesOf(typoException?.id ?? 0)
    expect(forTypo[0]).toMatchObject({ kind: 'order', ref: `taobao|${missingNo}|order`, orderNo: missingNo, orderRef: null, amount: missingGross, fits: ['key', 'amount'], off: '0.00', days: -1 })

    const forShort = await candidatesOf(shortException?.id ?? 0)
    expect(forShort.find((c) => c.ref === 'alipay|short1|payment')).toMatchObject({ fits: ['amount'], amount: '12.00', off: '0.00', days: 1 })
    // matched records are never offered: every clean order's payment is in a live match
    expect(forShort.every((c) => c.fits.includes('amount') || c.fits.includes('key'))).toBe(true)

    const payout = open.find((e) => e.type === 'MISSING_PAYMENT' && e.level === 'payout')
    expect(payout && await candidatesOf(payout.id)).toEqual([])

    const matched = await call(tokens.accountant, 'POST', '/match/manual', { order: missingNo, txns: [forMissing[0]?.ref], reason: 'buyer paid with a suffixed order number' })
    expect(matched.status).toBe(201)
    const after = await exceptions()
    expect(after.map((e) => e.id)).not.toContain(missingException?.id)
    expect(after.map((e) => e.id)).not.toContain(typoException?.id)
    expect(await candidatesOf(missingException?.id ?? 0)).toEqual([])
    expect((await listExceptions(ledger.context, ledger.company.id, { status: 'open', type: 'AMOUNT_MISMATCH' })).map((e) => e.id)).toEqual([shortException?.id])
  })

  it('`cledger exceptions show` prints the candidates', async () => {
    const { ledger, exceptions } = await setUp()
    const shortException = (await exceptions()).find((e) => e.type === 'AMOUNT_MISMATCH')
    const out: string[] = []
    const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t) }
    expect(await main(['node', 'cledger', '--db', ledger.url, '--user', 'sales1', 'exceptions', 'show', String(shortException?.id)], io)).toBe(0)
    const text = out.join('')
    expect(text).toContain('candidates for `match manual` (best first):')
    expect(text).toMatch(/1\s+alipay\|short1\|payment\s+-\s+\d{4}-\d{2}-\d{2}\s+12\.00\s+amount\s+0\.00/)
  })
})
