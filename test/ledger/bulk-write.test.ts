import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { chartTemplate } from '../../shared/accounts.ts'
import { LedgerError } from '../../shared/errors.ts'
import { type Minor, convert, formatAmount } from '../../shared/money.ts'
import { canonicalJson, validateVoucher } from '../../shared/voucher.ts'
import { verifyLedger } from '../../service/ledger/verify.ts'
import { bulkMemo, linesHash, tryValidateBulk, validateBulk, voucherHash, writeVouchers } from '../../service/ledger/vouchers.ts'
import { ledgerWithCompany } from '../support/db.ts'

/**
 * The bulk write path (Posting (4) in docs/decisions.md): the hand-written
 * validator, the grouped json_each inserts and the batch audit payload must
 * give exactly what the zod path and the per-row inserts gave.
 */
const CHART = new Map(chartTemplate('small-enterprise').map((account) => [account.code, account]))
const CONTEXT = { baseCurrency: 'CNY', account: (code: string) => CHART.get(code) }

function outcome(run: () => unknown): { ok: unknown } | { code: string; message: string } {
  try {
    return { ok: run() }
  } catch (error) {
    if (error instanceof LedgerError) return { code: error.code, message: error.message }
    throw error
  }
}

// Values at and around every limit of voucherInputSchema and validateLine.
const text = (max: number) => fc.oneof(fc.string({ maxLength: 3 }), fc.constantFrom('', 'x'.repeat(max - 1), 'x'.repeat(max), 'x'.repeat(max + 1)))
const amount = fc.oneof(
  fc.constantFrom('1.00', '113', '0.01', '-5.00', '0.00', '-0', '1.005', '1.0000000000', '1.00000000000', '1234567890123456', '12345678901234567', '9999999999999.99', '10000000000000.01', ' 1.00', '+1.00', '1e3', 'abc', '１.00'),
  fc.bigInt({ min: -(10n ** 9n), max: 10n ** 9n }).map((value) => `${value < 0n ? '-' : ''}${(value < 0n ? -value : value) / 100n}.${String((value < 0n ? -value : value) % 100n).padStart(2, '0')}`),
)
const line = fc.record({
  account: fc.constantFrom('1122', '5001', '2221.01.02', '1002', '1012', '9999', '', '5603.02'),
  store: fc.constantFrom('tmall-main', 'jd.flag_ship-1', '天猫旗舰', 'bad store', '', 'x'.repeat(64), 'x'.repeat(65)),
  currency: fc.constantFrom('CNY', 'USD', 'JPY', 'KWD', 'XXX', 'usd', 'US'),
  debit: amount,
  credit: amount,
  rate: fc.constantFrom('1', '7.1234', '0', '12345678', '123456789', '7.12345678901', 'x'),
  summary: text(500),
  extra: fc.constantFrom(1, 'x'),
}, { requiredKeys: [] })
const voucher = fc.record({
  date: fc.constantFrom('2026-10-05', '2026-02-29', '2028-02-29', '2026-13-01', '2026-1-05', '2026-10-05T00:00', 20261005),
  word: fc.constantFrom('记', '收', '付', '转', '凭', null),
  summary: text(500),
  idempotencyKey: text(200),
  lines: fc.array(line, { minLength: 0, maxLength: 5 }),
  extra: fc.constantFrom(1),
}, { requiredKeys: ['lines'] })
// Mostly-valid vouchers, so the accepting branch is compared often too.
const balanced = fc.record({
  amounts: fc.array(fc.bigInt({ min: -(10n ** 8n), max: 10n ** 12n }).filter((value) => value !== 0n), { minLength: 1, maxLength: 4 }),
  store: fc.constantFrom(undefined, 'tmall-main', '天猫旗舰'),
  summary: fc.constantFrom(undefined, '', '销售', 'x'.repeat(500)),
  lineSummary: fc.constantFrom(undefined, '', '行'),
  usd: fc.boolean(),
}).map(({ amounts, store, summary, lineSummary, usd }) => {
  const format = (value: bigint) => `${value < 0n ? '-' : ''}${(value < 0n ? -value : value) / 100n}.${String((value < 0n ? -value : value) % 100n).padStart(2, '0')}`
  const total = amounts.reduce((sum, value) => sum + value, 0n)
  const lines: Array<Record<string, string>> = amounts.map((value) => ({ account: '1122', debit: format(value), ...(store ? { store } : {}), ...(lineSummary !== undefined ? { summary: lineSummary } : {}) }))
  if (usd) lines.push({ account: '1002', currency: 'USD', rate: '1', debit: '0.01' }, { account: '5603.02', credit: '0.01' })
  lines.push({ account: '5001', credit: format(total) })
  return { date: '2026-10-05', ...(summary !== undefined ? { summary } : {}), lines }
})

type Input = Record<string, unknown> & { lines: Array<Record<string, unknown>> }
const BASE: Input = { date: '2026-10-05', word: '记', summary: '销售', idempotencyKey: 'k1', lines: [{ account: '1122', debit: '113.00', store: 'tmall-main' }, { account: '5001', credit: '100.00', store: 'tmall-main' }, { account: '2221.01.02', credit: '13.00' }] }
const pair = (debit: Record<string, unknown>, credit = '1.00') => (input: Input): Input => ({ ...input, lines: [...input.lines, { account: '1122', debit: '1.00', ...debit }, { account: '5001', credit }] })
const foreign = (currency: string, rate: string | undefined, amountText: string, base: string) => pair({ account: '1002', currency, ...(rate === undefined ? {} : { rate }), debit: amountText }, base)
const set = (fields: Record<string, unknown>) => (input: Input): Input => ({ ...input, ...fields })
/** One change each, at and around every limit, keeping debits = credits unless the change is the amount. */
const PERTURBATIONS: Record<string, (input: Input) => Input> = {
  'as is': (input) => input,
  'summary 500': set({ summary: 'x'.repeat(500) }), 'summary 501': set({ summary: 'x'.repeat(501) }), 'summary number': set({ summary: 5 }), 'no summary': ({ summary: _summary, ...input }) => input as Input,
  'key empty': set({ idempotencyKey: '' }), 'key 200': set({ idempotencyKey: 'k'.repeat(200) }), 'key 201': set({ idempotencyKey: 'k'.repeat(201) }), 'key number': set({ idempotencyKey: 5 }), 'key undefined': set({ idempotencyKey: undefined }),
  'word 收': set({ word: '收' }), 'word 凭': set({ word: '凭' }), 'word null': set({ word: null }), 'word undefined': set({ word: undefined }),
  'date leap': set({ date: '2028-02-29' }), 'date not leap': set({ date: '2026-02-29' }), 'date month 13': set({ date: '2026-13-01' }), 'date short': set({ date: '2026-1-05' }), 'date number': set({ date: 20261005 }),
  'extra key': set({ extra: 1 }), 'one line': (input) => ({ ...input, lines: input.lines.slice(0, 1) }), 'lines object': set({ lines: { 0: BASE.lines[0] } }),
  'line store 64': pair({ store: 's'.repeat(64) }), 'line store 65': pair({ store: 's'.repeat(65) }), 'line store space': pair({ store: 'bad store' }), 'line store empty': pair({ store: '' }), 'line store cjk': pair({ store: '天猫旗舰' }),
  'line summary 500': pair({ summary: 'x'.repeat(500) }), 'line summary 501': pair({ summary: 'x'.repeat(501) }), 'line extra key': pair({ note: 'x' }), 'line undefined store': pair({ store: undefined }),
  'unknown account': pair({ account: '9999' }), 'parent account': pair({ account: '2221' }), 'empty account': pair({ account: '' }), 'account number': pair({ account: 1122 }),
  'amount 16 digits': pair({ debit: '1234567890123456' }, '1234567890123456'), 'amount 17 digits': pair({ debit: '12345678901234567' }, '12345678901234567'), 'amount at max': pair({ debit: '10000000000000.00' }, '10000000000000.00'), 'amount over max': pair({ debit: '10000000000000.01' }, '10000000000000.01'),
  'amount 3 decimals': pair({ debit: '1.005' }, '1.005'), 'amount 10 zero decimals': pair({ debit: '1.0000000000' }), 'amount 11 decimals': pair({ debit: '1.00000000000' }), 'amount space': pair({ debit: ' 1.00' }), 'amount plus': pair({ debit: '+1.00' }), 'amount number': pair({ debit: 1 }),
  'amount negative': pair({ debit: '-1.00' }, '-1.00'), 'amount zero': (input) => ({ ...input, lines: [...input.lines, { account: '1122', debit: '0.00' }] }), 'amount minus zero': (input) => ({ ...input, lines: [...input.lines, { account: '1122', debit: '-0' }] }),
  'debit and credit': pair({ credit: '1.00' }), 'neither side': pair({ debit: undefined }), 'unbalanced': pair({ debit: '1.01' }),
  'currency explicit base': pair({ currency: 'CNY' }), 'currency unknown': pair({ currency: 'XXX' }), 'currency lowercase': pair({ currency: 'usd' }),
  'base with rate 1': pair({ rate: '1' }), 'base with rate 2': pair({ rate: '2' }), 'base with rate 1.0': pair({ rate: '1.0' }),
  'usd': foreign('USD', '7.1234', '10.00', '71.23'), 'usd no rate': foreign('USD', undefined, '10.00', '71.23'), 'usd rate 8 digits': foreign('USD', '12345678', '0.01', '123456.78'), 'usd rate 9 digits': foreign('USD', '123456789', '0.01', '1234567.89'),
  'usd rate 11 decimals': foreign('USD', '7.12345678901', '10.00', '71.23'), 'usd rate 0': foreign('USD', '0', '10.00', '0.00'), 'jpy': foreign('JPY', '0.05', '100', '5.00'), 'jpy decimals': foreign('JPY', '0.05', '100.5', '5.03'), 'kwd': foreign('KWD', '23.1', '1.005', '23.22'),
}

describe('bulk voucher writes', () => {
  it('the hand-written validator accepts exactly what validateVoucher accepts, with the same result, and otherwise defers to it', () => {
    fc.assert(fc.property(fc.oneof(voucher, balanced, fc.constantFrom(null, [], 'x', 1, { lines: null })), (input) => {
      const reference = outcome(() => validateVoucher(input, CONTEXT))
      const fast = tryValidateBulk(input, CONTEXT, bulkMemo())
      if ('code' in reference) expect(fast).toBeUndefined()
      else if (fast !== undefined) expect(fast).toEqual(reference.ok)
      expect(outcome(() => validateBulk(input, CONTEXT, bulkMemo()))).toEqual(reference)
    }), { numRuns: 3000 })
  })

  it('agrees with validateVoucher on one change at a time around every limit of the schema and of validateLine', () => {
    const accepted: string[] = []
    for (const [name, perturb] of Object.entries(PERTURBATIONS)) {
      const input = perturb(BASE)
      const reference = outcome(() => validateVoucher(input, CONTEXT))
      const fast = tryValidateBulk(input, CONTEXT, bulkMemo())
      if ('code' in reference) expect(fast, name).toBeUndefined()
      else {
        expect(fast, name).toEqual(reference.ok)
        accepted.push(name)
      }
      expect(outcome(() => validateBulk(input, CONTEXT, bulkMemo())), name).toEqual(reference)
    }
    // the valid variants all take the fast path (nothing valid is left to zod)
    expect(accepted.length).toBeGreaterThan(20)
  })

  it('takes the fast path for the vouchers posting makes (base and foreign currency)', () => {
    const memo = bulkMemo()
    const sale = { date: '2026-10-05', word: '记', summary: 'tmall-main 销售 订单 B1', idempotencyKey: 'sale:taobao|B1|order', lines: [{ account: '1122', store: 'tmall-main', debit: '113.00', summary: 's' }, { account: '5001', store: 'tmall-main', credit: '100.00', summary: 's' }, { account: '2221.01.02', store: 'tmall-main', credit: '13.00', summary: 's' }] }
    const usd = { date: '2026-10-31', lines: [{ account: '1002', currency: 'USD', rate: '7.1234', debit: '10.00' }, { account: '5001', credit: '71.23' }] }
    for (const input of [sale, usd, sale]) expect(tryValidateBulk(input, CONTEXT, memo)).toEqual(validateVoucher(input, CONTEXT))
  })

  it('refuses an unbalanced voucher in a 250-voucher write with the zod path’s error code and message', async () => {
    const { context, company } = await ledgerWithCompany()
    const unbalanced = { date: '2026-10-05', lines: [{ account: '1122', debit: '10.00' }, { account: '5001', credit: '9.99' }] }
    const requests = Array.from({ length: 250 }, (_, index) => ({ input: index === 123 ? unbalanced : { date: '2026-10-05', idempotencyKey: `k${index}`, lines: [{ account: '1122', debit: '1.00' }, { account: '5001', credit: '1.00' }] } }))
    const expected = outcome(() => validateVoucher(unbalanced, { baseCurrency: 'CNY', account: (code) => CHART.get(code) }))
    expect(expected).toMatchObject({ code: 'UNBALANCED' })
    await expect(writeVouchers(context, { userId: 1 }, company.id, requests, { mode: 'post' })).rejects.toMatchObject({ code: 'UNBALANCED', message: `voucher 124: ${(expected as { message: string }).message}` })
    // the small (zod) path names it the same way
    await expect(writeVouchers(context, { userId: 1 }, company.id, requests.slice(100, 150), { mode: 'post' })).rejects.toMatchObject({ code: 'UNBALANCED', message: `voucher 24: ${(expected as { message: string }).message}` })
    expect(Number((await context.db.client.execute('SELECT COUNT(*) AS n FROM vouchers')).rows[0]?.n)).toBe(0)
  })

  it('keeps the stored hashes of the earlier code (input_hash replays, verify recomputes lines hashes)', () => {
    // values computed with the createHash / Array.join implementation before Posting (4)
    const input = { date: '2026-10-05', summary: 'x|y\u0001', idempotencyKey: 'k', lines: [{ account: '1122', debit: '113.00', store: 'tm' }, { account: '5001', credit: '113' }] }
    const usd = { date: '2026-10-05', word: '收', lines: [{ account: '1002', debit: '10.00', currency: 'USD', rate: '7.1234', summary: '美元' }, { account: '5001', credit: '71.23' }] }
    const chart = new Map([['1122', { code: '1122', isLeaf: true }], ['5001', { code: '5001', isLeaf: true }], ['1002', { code: '1002', isLeaf: true }]])
    const context = { baseCurrency: 'CNY', account: (code: string) => chart.get(code) as never }
    const sources = [{ kind: 'order', id: 'a|1' }, { kind: 'txn', id: 'b' }]
    const first = validateVoucher(input, context)
    const second = validateVoucher(usd, context)
    expect(voucherHash(first, sources)).toBe('ace977835c099a18482a5dc3526c69e476c2d0b7312d713cea7962c50ef1f234')
    expect(linesHash(first.lines)).toBe('e9376dfda1776c30615cfc676a6b584027f4766d98e043e6518a5bd00a184b35')
    expect(voucherHash(second, sources)).toBe('2c66a6febd864eae0c88e2b0fa31d8c78abb7995051d36afe9e3d32ac11b8384')
    expect(linesHash(second.lines)).toBe('a703359ffcfbe9bcc52d6d051945b178de6ea8822965623b74eae4a4ed8f3aed')
  })

  it('writes the same rows in one bulk write as one voucher at a time (ids, numbers, lines, sources, balances), across interleaved periods', async () => {
    const inputs = Array.from({ length: 260 }, (_, index) => {
      const month = ['10', '11', '10', '12'][index % 4]
      const cents = BigInt(index * 37 + 1) as Minor
      const amountText = formatAmount(cents, 'USD')
      const lines = index % 7 === 0
        ? [{ account: '1002', currency: 'USD', rate: '7.1', debit: amountText, summary: '美元 "quoted" \\ line' }, { account: '5001', credit: formatAmount(convert(cents, 'USD', 'CNY', '7.1'), 'CNY'), store: 'jd-flagship' }]
        : [{ account: '1122', debit: index % 5 === 0 ? `-${amountText}` : amountText, store: 'tmall-main' }, { account: '5001', credit: index % 5 === 0 ? `-${amountText}` : amountText, store: 'tmall-main', summary: `行 ${index}` }]
      return { input: { date: `2026-${month}-${String(1 + (index % 28)).padStart(2, '0')}`, word: index % 3 === 0 ? '收' : '记', summary: `凭证 ${index}`, ...(index % 2 ? { idempotencyKey: `key-${index}` } : {}), lines }, sources: index % 4 === 1 ? [] : [{ kind: 'order', id: `o${index}` }, { kind: 'txn', id: `t${index}` }, ...(index % 9 === 0 ? [{ kind: '__proto__', id: `p${index}` }, { kind: '7', id: `n${index}` }, { kind: 'order', id: `o${index}b` }] : [])] }
    })
    for (const request of inputs) expect(tryValidateBulk(request.input, CONTEXT, bulkMemo())).toBeDefined()
    const prepared = inputs
    const bulk = await ledgerWithCompany('BULK')
    const single = await ledgerWithCompany('BULK')
    const bulkResults = await writeVouchers(bulk.context, { userId: 1 }, bulk.company.id, prepared, { mode: 'post', sourceKind: 'test' })
    const singleResults = []
    for (const request of prepared) singleResults.push(...(await writeVouchers(single.context, { userId: 1 }, single.company.id, [request], { mode: 'post', sourceKind: 'test' })))
    expect(bulkResults).toEqual(singleResults)
    const dump = async (db: typeof bulk.db) => ({
      vouchers: (await db.client.execute('SELECT id, company_id, period, word, number, date, status, summary, total_minor, maker_id, approver_id, poster_id, idempotency_key, input_hash, source_kind FROM vouchers ORDER BY id')).rows,
      lines: (await db.client.execute('SELECT * FROM voucher_lines ORDER BY voucher_id, line_no')).rows,
      sources: (await db.client.execute('SELECT * FROM voucher_sources ORDER BY voucher_id, source_kind, source_id')).rows,
      balances: (await db.client.execute('SELECT * FROM balances ORDER BY account_code, period, store, currency')).rows,
      types: (await db.client.execute('SELECT DISTINCT typeof(id), typeof(number), typeof(total_minor) FROM vouchers')).rows,
      lineTypes: (await db.client.execute('SELECT DISTINCT typeof(voucher_id), typeof(line_no), typeof(amount_minor), typeof(original_minor), typeof(rate) FROM voucher_lines')).rows,
    })
    expect(await dump(bulk.db)).toEqual(await dump(single.db))
    expect((await verifyLedger(bulk.context)).ok).toBe(true)
  })

  it('writes one batch audit entry whose payload is canonical JSON, and verify catches a bulk-posted line edited later', async () => {
    const { context, company, db } = await ledgerWithCompany()
    const requests = Array.from({ length: 220 }, (_, index) => ({ input: { date: '2026-10-05', summary: `s${index}`, lines: [{ account: '1122', debit: '2.00', store: 'tmall-main' }, { account: '5001', credit: '2.00', store: 'tmall-main' }] }, sources: [{ kind: 'order', id: `o${index}` }] }))
    await writeVouchers(context, { userId: 1 }, company.id, requests, { mode: 'post', sourceKind: 'posting.order', selfApprove: true })
    const entries = await db.client.execute("SELECT action, entity_id, payload_json FROM audit_log WHERE action = 'voucher.post.batch'")
    expect(entries.rows).toHaveLength(1)
    const payloadJson = String(entries.rows[0]?.payload_json)
    expect(canonicalJson(JSON.parse(payloadJson))).toBe(payloadJson)
    expect(JSON.parse(payloadJson)).toMatchObject({ count: 220, selfApproved: true, sourceKind: 'posting.order', status: 'posted' })
    expect((await verifyLedger(context)).ok).toBe(true)
    await db.client.execute('DROP TRIGGER posted_lines_immutable')
    await db.client.execute("UPDATE voucher_lines SET account_code = '1221.02' WHERE voucher_id = 100 AND account_code = '1122'")
    const report = await verifyLedger(context)
    expect(report.breaches.map((breach) => breach.invariant)).toEqual(expect.arrayContaining(['immutable']))
    expect(report.breaches.find((breach) => breach.invariant === 'immutable')?.message).toContain('#100')
  })

  it('returns replays of a bulk write in request order next to new vouchers, and refuses a changed replay', async () => {
    const { context, company } = await ledgerWithCompany()
    const request = (index: number, amountText = '1.00') => ({ input: { date: '2026-10-05', idempotencyKey: `k${index}`, lines: [{ account: '1122', debit: amountText }, { account: '5001', credit: amountText }] }, sources: [{ kind: 'order', id: `o${index}` }] })
    const first = await writeVouchers(context, { userId: 1 }, company.id, Array.from({ length: 210 }, (_, index) => request(index * 2)), { mode: 'post' })
    const mixed = Array.from({ length: 420 }, (_, index) => request(index))
    const second = await writeVouchers(context, { userId: 1 }, company.id, mixed, { mode: 'post' })
    second.forEach((result, index) => {
      if (index % 2 === 0) expect(result).toEqual({ ...first[index / 2], replayed: true })
      else expect(result).toMatchObject({ replayed: false, status: 'posted' })
    })
    expect(new Set(second.map((result) => result.number)).size).toBe(420)
    await expect(writeVouchers(context, { userId: 1 }, company.id, [...mixed.slice(0, 300), request(300, '2.00')], { mode: 'post' })).rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' })
    expect((await verifyLedger(context)).ok).toBe(true)
  })

  it('treats a few vouchers with many sources (day summaries) as bulk and still names a source posted before', async () => {
    const { context, company } = await ledgerWithCompany()
    const summary = (day: number, ids: string[]) => ({ input: { date: `2026-10-${String(day).padStart(2, '0')}`, lines: [{ account: '1122', debit: '5.00' }, { account: '5001', credit: '5.00' }] }, sources: ids.map((id) => ({ kind: 'order', id })) })
    const [posted] = await writeVouchers(context, { userId: 1 }, company.id, [summary(1, Array.from({ length: 500 }, (_, index) => `o${index}`))], { mode: 'post' })
    await expect(writeVouchers(context, { userId: 1 }, company.id, [summary(2, Array.from({ length: 450 }, (_, index) => `p${index}`)), summary(3, ['p-x', 'o77'])], { mode: 'post' }))
      .rejects.toMatchObject({ code: 'DUPLICATE', message: `source order o77 is already on voucher id ${posted?.id}` })
    await expect(writeVouchers(context, { userId: 1 }, company.id, [summary(2, Array.from({ length: 450 }, (_, index) => `q${index}`)), summary(3, ['q3'])], { mode: 'post' }))
      .rejects.toMatchObject({ code: 'DUPLICATE', message: 'source order q3 appears in two vouchers of one request' })
    expect(Number((await context.db.client.execute('SELECT COUNT(*) AS n FROM vouchers')).rows[0]?.n)).toBe(1)
  })
})
