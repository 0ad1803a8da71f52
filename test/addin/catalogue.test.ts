import { describe, expect, it } from 'vitest'
import { type CodeGroup, type Language, MESSAGE_KEYS, codeName, hasCode, translator } from '../../addin/taskpane/i18n.ts'
import { ERROR_CODES } from '../../shared/errors.ts'
import { EXCEPTION_STATUSES, EXCEPTION_TYPES, MATCH_STATUSES } from '../../shared/matching/index.ts'
import type { Held } from '../../shared/posting/types.ts'
import { VOUCHER_STATUSES } from '../../shared/voucher.ts'
import { INVOICE_EXCEPTION_TYPES } from '../../shared/invoices/matching.ts'
import { untranslated } from '../support/untranslated.ts'

/** Every code the service sends has a name in both languages, and no zh-CN entry reads as a code or English. */
const HOLD_REASONS = ['NEEDS_APPROVAL', 'NOT_MATCHED', 'AMOUNT_MISMATCH', 'NOT_IN_BANK', 'IGNORED', 'NO_RATE', 'NO_COST', 'UNKNOWN_STORE', 'NOT_RECOGNISED'] as const satisfies readonly Held['reason'][]
const GROUPS: ReadonlyArray<readonly [CodeGroup, readonly string[]]> = [
  ['exceptionType', EXCEPTION_TYPES], ['exceptionType', INVOICE_EXCEPTION_TYPES], ['exceptionStatus', EXCEPTION_STATUSES], ['matchStatus', MATCH_STATUSES], ['holdReason', HOLD_REASONS],
  ['voucherStatus', VOUCHER_STATUSES], ['periodStatus', ['open', 'closed']], ['errorCode', Object.keys(ERROR_CODES)],
  ['blocker', ['open_exceptions', 'held_items', 'drafts', 'payouts_not_in_bank', 'unposted_records']],
]
const LANGUAGES: readonly Language[] = ['zh-CN', 'en']

describe('the code catalogue', () => {
  for (const [group, codes] of GROUPS) {
    it(`names every ${group} in both languages`, () => {
      for (const language of LANGUAGES) expect(codes.filter((code) => !hasCode(language, group, code)), language).toEqual([])
      expect(codes.flatMap((code) => untranslated(codeName('zh-CN', group, code)))).toEqual([])
    })
  }

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
