import type { Account } from '../../../shared/accounts.ts'
import { type Minor, convert, isCurrency, parseAmount } from '../../../shared/money.ts'
import { DATE_PATTERN, daysInMonth } from '../../../shared/period.ts'
import { STORE_PATTERN, VOUCHER_WORDS, type ValidVoucher, type VoucherContext, type VoucherLine, type VoucherWord, validateVoucher } from '../../../shared/voucher.ts'

/** Per-write memo of the bulk validator: dates and store codes already checked. */
export interface BulkMemo {
  readonly periods: Map<string, string>
  readonly stores: Set<string>
}

export function bulkMemo(): BulkMemo {
  return { periods: new Map(), stores: new Set() }
}

const VOUCHER_KEYS = new Set(['date', 'word', 'summary', 'idempotencyKey', 'lines'])
const LINE_KEYS = new Set(['account', 'store', 'currency', 'debit', 'credit', 'rate', 'summary'])
const WORDS: ReadonlySet<string> = new Set(VOUCHER_WORDS)
// Copies of voucherInputSchema's checks (shared/voucher.ts). test/ledger/bulk-validate
// compares this validator with validateVoucher on generated inputs around every limit.
const AMOUNT = /^-?\d{1,16}(\.\d{1,10})?$/
const RATE = /^\d{1,8}(\.\d{1,10})?$/
const CURRENCY = /^[A-Z]{3}$/

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

function periodOf(date: string, memo: BulkMemo): string | undefined {
  const known = memo.periods.get(date)
  if (known !== undefined) return known
  const match = DATE_PATTERN.exec(date)
  if (!match || Number(match[3]) > daysInMonth(Number(match[1]), Number(match[2]))) return undefined
  const period = date.slice(0, 7)
  memo.periods.set(date, period)
  return period
}

/**
 * The bulk path's validator: the same result as validateVoucher for an input it
 * accepts, `undefined` for anything else (then validateVoucher runs and throws
 * its usual error, so error codes and messages cannot differ). Hand-written
 * checks instead of zod: ~6x faster on posting runs, where every voucher is valid.
 */
export function tryValidateBulk(input: unknown, context: VoucherContext, memo: BulkMemo): ValidVoucher | undefined {
  if (!isPlainObject(input)) return undefined
  for (const key in input) if (!VOUCHER_KEYS.has(key)) return undefined
  const { date, word = '记', summary, idempotencyKey, lines: rawLines } = input
  if (typeof date !== 'string' || typeof word !== 'string' || !WORDS.has(word)) return undefined
  if (summary !== undefined && (typeof summary !== 'string' || summary.length > 500)) return undefined
  if (idempotencyKey !== undefined && (typeof idempotencyKey !== 'string' || idempotencyKey.length < 1 || idempotencyKey.length > 200)) return undefined
  if (!Array.isArray(rawLines) || rawLines.length < 2 || rawLines.length > 10_000) return undefined
  const period = periodOf(date, memo)
  if (period === undefined) return undefined
  const voucherSummary = summary ?? ''
  const base = context.baseCurrency
  const lines: VoucherLine[] = new Array(rawLines.length)
  let debit = 0n
  let credit = 0n
  for (let index = 0; index < rawLines.length; index += 1) {
    const line: unknown = rawLines[index]
    if (!isPlainObject(line)) return undefined
    for (const key in line) if (!LINE_KEYS.has(key)) return undefined
    const { account: code, store, currency: rawCurrency, debit: debitText, credit: creditText, rate, summary: lineSummary } = line
    if (typeof code !== 'string' || code.length === 0) return undefined
    if (store !== undefined && (typeof store !== 'string' || !(memo.stores.has(store) || (STORE_PATTERN.test(store) && memo.stores.add(store))))) return undefined
    if (rawCurrency !== undefined && (typeof rawCurrency !== 'string' || !CURRENCY.test(rawCurrency))) return undefined
    if (debitText !== undefined && (typeof debitText !== 'string' || !AMOUNT.test(debitText))) return undefined
    if (creditText !== undefined && (typeof creditText !== 'string' || !AMOUNT.test(creditText))) return undefined
    if (rate !== undefined && (typeof rate !== 'string' || !RATE.test(rate))) return undefined
    if (lineSummary !== undefined && (typeof lineSummary !== 'string' || lineSummary.length > 500)) return undefined
    const account: Account | undefined = context.account(code)
    if (!account || !account.isLeaf) return undefined
    const hasDebit = debitText !== undefined
    if (hasDebit === (creditText !== undefined)) return undefined
    const currency = rawCurrency ?? base
    if (!isCurrency(currency)) return undefined
    let original: Minor
    try {
      original = parseAmount((hasDebit ? debitText : creditText) as string, currency)
    } catch {
      return undefined
    }
    if (original === 0n) return undefined
    const foreign = currency !== base
    if (foreign ? rate === undefined : rate !== undefined && rate !== '1') return undefined
    const amount = foreign ? convert(original, currency, base, rate as string) : original
    if (hasDebit) debit += amount
    else credit += amount
    lines[index] = { lineNo: index + 1, account: account.code, store: (store as string | undefined) ?? '', currency, side: hasDebit ? 'debit' : 'credit', amount, original, rate: foreign ? (rate as string) : null, summary: (lineSummary as string | undefined) ?? voucherSummary }
  }
  if (debit !== credit) return undefined
  return { date, period, word: word as VoucherWord, summary: voucherSummary || (lines[0]?.summary ?? ''), idempotencyKey: (idempotencyKey as string | undefined) ?? null, lines }
}

/** validateVoucher through the bulk validator: identical results and errors. */
export function validateBulk(input: unknown, context: VoucherContext, memo: BulkMemo): ValidVoucher {
  return tryValidateBulk(input, context, memo) ?? validateVoucher(input, context)
}
