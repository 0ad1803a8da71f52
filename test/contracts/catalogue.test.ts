import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { type CodeGroup, type Language, MESSAGE_KEYS, codeName, hasCode, translator } from '../../addin/taskpane/i18n.ts'
import { ERROR_CODES } from '../../shared/errors.ts'
import { EXCEPTION_STATUSES, EXCEPTION_TYPES, MATCH_STATUSES } from '../../shared/matching/index.ts'
import { BLOCKER_KINDS } from '../../service/ledger/periods.ts'
import { STORE_CHANNELS, STORE_ROLES, TAX_CODES } from '../../addin/taskpane/StoresSection.tsx'
import { POSTING_ROLES } from '../../shared/posting/types.ts'
import { DEFAULT_TAX_RATES } from '../../shared/posting/vat.ts'
import { CHANNELS } from '../../shared/records.ts'
import { PROFILE_FIELDS } from '../../service/imports/profile-fields.ts'
import { VOUCHER_STATUSES } from '../../shared/voucher.ts'
import { INVOICE_EXCEPTION_TYPES } from '../../shared/invoices/matching.ts'
import { untranslated } from '../support/untranslated.ts'

/**
 * Every code the service sends has a name in both languages, and no zh-CN entry reads as a code or English.
 * The codes are read from the source itself, so a new code without a translation fails here:
 * error codes = ERROR_CODES (every LedgerError) + any `error: { code: 'X' }` the service answers by hand
 * (BUSY, NOT_FOUND for an unknown route …); hold reasons = the union in `Held['reason']`.
 */
const ROOT = join(import.meta.dirname, '../..')
function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') ? [path] : []
  })
}
const SOURCES = [...sourceFiles('service'), ...sourceFiles('shared')].map((path) => ({ path, text: readFileSync(join(ROOT, path), 'utf8') }))
/** `new LedgerError('X'` and `error: { code: 'X'` anywhere in service/ and shared/. */
const THROWN_CODES = [...new Set(SOURCES.flatMap(({ text }) => [...text.matchAll(/new LedgerError\(\s*'([A-Z_]+)'|error:\s*\{\s*code:\s*'([A-Z_]+)'/g)].map((m) => m[1] ?? m[2] ?? '')))].sort()
const ERROR_CODE_LIST = [...new Set([...Object.keys(ERROR_CODES), ...THROWN_CODES])].sort()
const HOLD_REASONS = (() => {
  const types = readFileSync(join(ROOT, 'shared/posting/types.ts'), 'utf8')
  const union = /interface Held \{[^}]*?readonly reason: ([^\n]+)/.exec(types)?.[1] ?? ''
  return [...union.matchAll(/'([A-Z_]+)'/g)].map((m) => m[1] ?? '')
})()
const GROUPS: ReadonlyArray<readonly [CodeGroup, readonly string[]]> = [
  ['exceptionType', EXCEPTION_TYPES], ['exceptionType', INVOICE_EXCEPTION_TYPES], ['exceptionStatus', EXCEPTION_STATUSES], ['matchStatus', MATCH_STATUSES], ['holdReason', HOLD_REASONS],
  ['voucherStatus', VOUCHER_STATUSES], ['periodStatus', ['open', 'closed']], ['errorCode', ERROR_CODE_LIST],
  ['blocker', BLOCKER_KINDS], ['channel', CHANNELS], ['postingRole', POSTING_ROLES], ['taxCode', [...new Set(DEFAULT_TAX_RATES.map((rate) => rate.code))]],
  ['profileRecord', Object.keys(PROFILE_FIELDS)], ['profileField', [...new Set(Object.values(PROFILE_FIELDS).flat().map((field) => field.field))]],
]
const LANGUAGES: readonly Language[] = ['zh-CN', 'en']

describe('the code catalogue', () => {
  it('reads the codes from the source (so the lists below are not empty or stale)', () => {
    expect(HOLD_REASONS).toContain('NOT_IN_BANK')
    expect(HOLD_REASONS.length).toBeGreaterThanOrEqual(9)
    // RATE_LIMITED: sign-in throttling and the import slots; BUSY: answered by hand in app.ts
    expect(ERROR_CODE_LIST).toEqual(expect.arrayContaining(['RATE_LIMITED', 'BUSY', 'UNSUPPORTED_FORMAT', 'NOT_FOUND']))
    expect(THROWN_CODES.length).toBeGreaterThan(10)
  })

  for (const [group, codes] of GROUPS) {
    it(`names every ${group} in both languages`, () => {
      for (const language of LANGUAGES) expect(codes.filter((code) => !hasCode(language, group, code)), language).toEqual([])
      expect(codes.flatMap((code) => untranslated(codeName('zh-CN', group, code)))).toEqual([])
    })
  }

  it('offers in Settings → 店铺 exactly the channels, posting roles and tax codes the service knows', () => {
    expect([...STORE_CHANNELS].sort()).toEqual([...CHANNELS].sort())
    expect([...STORE_ROLES].sort()).toEqual([...POSTING_ROLES].sort())
    expect([...TAX_CODES].sort()).toEqual([...new Set(DEFAULT_TAX_RATES.map((rate) => rate.code))].sort())
  })

  it('never shows an unknown code raw in zh-CN (English shows it as given)', () => {
    expect(codeName('zh-CN', 'exceptionType', 'NEW_KIND')).toBe('其他异常')
    expect(codeName('zh-CN', 'errorCode', 'SOMETHING_NEW')).toBe('操作未完成。')
    expect(codeName('en', 'exceptionType', 'NEW_KIND')).toBe('NEW_KIND')
  })

  it('has no zh-CN UI string with a raw code or an English sentence (product names and placeholders aside)', () => {
    const zh = translator('zh-CN')
    const allowed = ['LEDGER_FORMULAS', 'cledger serve', 'cledger profile', 'http(s)', 'http://localhost:8787', 'no access', 'LEDGER.BALANCE("1122","2026-10")']
    expect(MESSAGE_KEYS.length).toBeGreaterThan(200)
    expect(MESSAGE_KEYS.filter((key) => untranslated(zh(key), allowed).length > 0).map((key) => [key, zh(key)])).toEqual([])
  })
})
