import { ACCOUNT_CODE_PATTERN } from '../../shared/accounts.ts'
import { isLedgerError } from '../../shared/errors.ts'
import { normalizeRate } from '../../shared/invoices/record.ts'
import { Decimal, isCurrency } from '../../shared/money.ts'
import { DATE_PATTERN, assertDate, excelSerialToDate, normalizePeriod } from '../../shared/period.ts'
import { STORE_PATTERN } from '../../shared/voucher.ts'
import type { CellErrorCode, FunctionArgument } from './contract.ts'

/**
 * Argument parsing for worksheet functions. Excel hands omitted optional
 * arguments over as `null` and typed-in codes like 1122 as numbers; both are
 * accepted. Anything else that cannot be read is a #VALUE! with a message.
 */
export class CallError extends Error {
  readonly error: CellErrorCode
  constructor(error: CellErrorCode, message: string) {
    super(message)
    this.name = 'CallError'
    this.error = error
  }
}

export function badValue(message: string): CallError {
  return new CallError('#VALUE!', message)
}

export function notAvailable(message: string): CallError {
  return new CallError('#N/A', message)
}

export function isOmitted(value: FunctionArgument | undefined): value is null | undefined {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '')
}

export interface AccountPattern {
  /** what the user wrote, normalized: `1122`, `5601*` */
  readonly text: string
  /** the code or prefix stem, for visibility */
  readonly stem: string
  readonly isPrefix: boolean
}

/** `1122`, 1122, `5601*`, `2221.01.02`; numbers like 1012.1 mean `1012.10`. */
export function accountArgument(value: FunctionArgument | undefined, name = 'account'): AccountPattern {
  if (isOmitted(value)) throw badValue(`${name} is required`)
  let text: string
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw badValue(`${name} ${value} is not an account code`)
    const [whole = '', fraction] = String(value).split('.')
    text = fraction === undefined ? whole : `${whole}.${fraction.padEnd(2, '0')}`
  } else if (typeof value === 'string') {
    text = value.trim()
  } else {
    throw badValue(`${name} must be an account code like "1122" or "5601*"`)
  }
  const isPrefix = text.endsWith('*')
  const stem = isPrefix ? text.slice(0, -1).replace(/\.$/, '') : text
  const valid = isPrefix ? /^\d{1,4}(\.\d{0,2}){0,3}$/.test(stem) && stem !== '' : ACCOUNT_CODE_PATTERN.test(stem)
  if (!valid) throw badValue(`${name} "${text}" is not an account code like "1122" or a prefix like "5601*"`)
  return { text, stem, isPrefix }
}

/** Required or defaulted period: `2026-10`, a date, an Excel serial date. */
export function periodArgument(value: FunctionArgument | undefined, name: string, fallback?: string): string {
  if (isOmitted(value)) {
    if (fallback !== undefined) return fallback
    throw badValue(`${name} is required (YYYY-MM, a date or an Excel date)`)
  }
  if (typeof value === 'boolean') throw badValue(`${name} must be a period like "2026-10"`)
  try {
    return normalizePeriod(value)
  } catch (error) {
    if (isLedgerError(error)) throw badValue(`${name}: ${error.message}`)
    throw error
  }
}

/** A calendar date (`2026-10-05`, `2026/10/5`, an Excel serial). */
export function dateArgument(value: FunctionArgument | undefined, name: string): string {
  if (isOmitted(value) || typeof value === 'boolean') throw badValue(`${name} must be a date like "2026-10-05"`)
  try {
    if (typeof value === 'number') return excelSerialToDate(value)
    const text = value.trim()
    if (/^\d+(\.\d+)?$/.test(text)) return excelSerialToDate(Number(text))
    const match = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(text)
    const iso = match ? `${match[1]}-${String(match[2]).padStart(2, '0')}-${String(match[3]).padStart(2, '0')}` : text
    if (!DATE_PATTERN.test(iso)) throw badValue(`${name} "${text}" is not a date like "2026-10-05"`)
    return assertDate(iso)
  } catch (error) {
    if (isLedgerError(error)) throw badValue(`${name}: ${error.message}`)
    throw error
  }
}

/** Optional store code; omitted = all stores. */
export function storeArgument(value: FunctionArgument | undefined): string | null {
  if (isOmitted(value)) return null
  const text = typeof value === 'number' ? String(value) : value
  if (typeof text !== 'string' || !STORE_PATTERN.test(text.trim())) throw badValue(`store "${String(value)}" is not a store code`)
  return text.trim()
}

/** Required store code (matching functions). */
export function requiredStoreArgument(value: FunctionArgument | undefined): string {
  const store = storeArgument(value)
  if (store === null) throw badValue('store is required')
  return store
}

export function currencyArgument(value: FunctionArgument | undefined): string | null {
  if (isOmitted(value)) return null
  if (typeof value !== 'string' || !isCurrency(value.trim().toUpperCase())) throw badValue(`currency "${String(value)}" is not a known currency code`)
  return value.trim().toUpperCase()
}

export function textArgument(value: FunctionArgument | undefined, name: string): string {
  if (isOmitted(value)) throw badValue(`${name} is required`)
  if (typeof value === 'boolean') throw badValue(`${name} must be text`)
  return String(value).trim()
}

export function optionalTextArgument(value: FunctionArgument | undefined): string | null {
  if (isOmitted(value)) return null
  if (typeof value === 'boolean') throw badValue('expected text')
  return String(value).trim()
}

export function assertArity(args: ReadonlyArray<FunctionArgument>, fn: string, max: number): void {
  if (args.length > max) throw badValue(`${fn} takes at most ${max} arguments, got ${args.length}`)
}

/**
 * A VAT rate: omitted = all rates; 0.13 (a number), "13%", "0.13", "免税"; null when omitted.
 * @example rateArgument('13%') === '0.13'
 */
export function rateArgument(value: FunctionArgument | undefined): string | null {
  if (isOmitted(value) || value === '') return null
  const text = typeof value === 'number' ? new Decimal(value).toDecimalPlaces(4).toFixed() : String(value)
  const rate = normalizeRate(text)
  if (rate === null) throw badValue(`"${text}" is not a VAT rate (13%, 0.13, 免税)`)
  return rate
}
