import { LedgerError } from '../../shared/errors.ts'
import { Decimal, type Minor, minor, parseAmount, toMinor } from '../../shared/money.ts'
import { RowError } from './types.ts'

/**
 * Cell cleaning shared by every parser. Real exports carry Excel tricks:
 * a leading backtick (WeChat merchant), `="..."` formula text (JD), a trailing
 * TAB (Alipay ids), space padding, the literal `null` (Taobao) and `/` (WeChat).
 */
/** A character that is certainly not JS whitespace (`\s`), U+3000, a backtick or `=`: cells that start and end with one need no cleaning. */
function plainEdge(code: number): boolean {
  return (code > 32 && code < 127 && code !== 96 && code !== 61) || (code > 0xff && code < 0x1680) || (code > 0x3000 && code < 0xfeff) || code > 0xfeff
}

export function cleanCell(value: string): string {
  let text = value
  const length = text.length
  if (length === 0) return text
  // Fast path (most cells): nothing to trim, no formula text, not a null word.
  if (plainEdge(text.charCodeAt(0)) && plainEdge(text.charCodeAt(length - 1))) {
    if (length > 4) return text
    return text === 'null' || text === 'NULL' || text === '/' || text === '-' || text === '--' ? '' : text
  }
  text = text.replace(/^[\s\u3000`]+|[\s\u3000]+$/g, '')
  const formulaText = /^="(.*)"$/s.exec(text)
  if (formulaText) text = (formulaText[1] ?? '').replace(/""/g, '"').trim()
  if (text === 'null' || text === 'NULL' || text === '/' || text === '-' || text === '--') return ''
  return text
}

/** Header names are compared after this: no spaces, half-width brackets, lower case, 帐 -> 账. */
export function normalizeHeader(value: string): string {
  return cleanCell(value)
    .replace(/^\uFEFF/, '')
    .replace(/[\s\u3000]+/g, '')
    .replace(/（/g, '(').replace(/）/g, ')')
    .replace(/帐/g, '账')
    .toLowerCase()
}

const MONEY_PATTERN = /^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d+))?$/

export interface MoneyText {
  /** Plain decimal string, e.g. "-131.77". */
  value: string
  /** `131.77(已退款89.84)`: the inline refunded part. */
  refunded?: string
}

/**
 * Reads a money cell: currency signs, thousands separators, spaces, a trailing
 * minus, accounting parentheses and the JD inline refund form.
 * Returns null for a blank cell; throws RowError for anything else unreadable.
 * @example readMoneyText('¥1,234.50') -> { value: '1234.50' }
 */
/** `123`, `-0.27`, `131.77`: a cell that is already a plain decimal (whole part 1-16 digits). */
function isPlainDecimal(cell: string): boolean {
  const length = cell.length
  let index = cell.charCodeAt(0) === 45 ? 1 : 0
  const wholeStart = index
  while (index < length && cell.charCodeAt(index) >= 48 && cell.charCodeAt(index) <= 57) index += 1
  const whole = index - wholeStart
  if (whole === 0 || whole > 16) return false
  if (index === length) return true
  if (cell.charCodeAt(index) !== 46) return false
  index += 1
  if (index === length) return false
  while (index < length && cell.charCodeAt(index) >= 48 && cell.charCodeAt(index) <= 57) index += 1
  return index === length
}

export function readMoneyText(column: string, cell: string): MoneyText | null {
  // Fast path: the cleaning below would give back the same text.
  if (cell.length > 0 && isPlainDecimal(cell)) return { value: cell }
  let text = cell.replace(/[¥￥$€£\s\u3000]|CNY|RMB|USD|元/g, '')
  if (text === '') return null
  let refunded: string | undefined
  const inline = /^(.*?)\((?:已退款|已全额退款|退款|已部分退款)([\d.,]*)\)$/.exec(text)
  if (inline) {
    text = inline[1] ?? ''
    // `468.32(已全额退款)`: no number means the whole amount came back.
    refunded = inline[2] ? readMoneyText(column, inline[2])?.value : undefined
    if (refunded === undefined) refunded = readMoneyText(column, text)?.value
  }
  let negative = false
  const accounting = /^\((.*)\)$/.exec(text)
  if (accounting) {
    negative = true
    text = accounting[1] ?? ''
  }
  if (text.endsWith('-') && !text.startsWith('-')) {
    negative = true
    text = text.slice(0, -1)
  }
  const match = MONEY_PATTERN.exec(text)
  if (!match || (match[2] === undefined && match[3] === undefined)) {
    throw new RowError(column, `"${shorten(cell)}" is not an amount`)
  }
  const sign = match[1] === '-' !== negative ? '-' : ''
  const whole = (match[2] ?? '0').replace(/,/g, '')
  if (whole.length > 16) throw new RowError(column, `amount "${shorten(cell)}" is out of range`)
  const value = `${sign}${whole}${match[3] !== undefined ? `.${match[3]}` : ''}`
  return refunded === undefined ? { value } : { value, refunded }
}

/**
 * Decimal string -> minor units, exact when possible; more decimals than the
 * currency has are rounded half-up (WeChat fees carry 5) and reported through `onRounded`.
 */
export function decimalToMinor(column: string, value: string, currency: string, onRounded?: (message: string) => void): Minor {
  try {
    return parseAmount(value, currency)
  } catch (error) {
    if (error instanceof LedgerError && error.code === 'TOO_MANY_DECIMALS') {
      const rounded = toMinor(new Decimal(value), currency)
      onRounded?.(`${column} ${value} rounded to minor units`)
      return rounded
    }
    throw new RowError(column, error instanceof Error ? error.message : String(error))
  }
}

/** Blank -> null; otherwise minor units. */
export function moneyOrNull(column: string, cell: string, currency: string): Minor | null {
  const text = readMoneyText(column, cell)
  return text === null ? null : decimalToMinor(column, text.value, currency)
}

/** Required money: blank is an error. */
export function money(column: string, cell: string, currency: string): Minor {
  const value = moneyOrNull(column, cell, currency)
  if (value === null) throw new RowError(column, 'amount is missing')
  return value
}

/** Money where blank means zero (e.g. the unused side of 收入/支出 columns). */
export function moneyOrZero(column: string, cell: string, currency: string): Minor {
  return moneyOrNull(column, cell, currency) ?? minor(0n)
}

export function absMinor(value: Minor): Minor {
  return (value < 0n ? -value : value) as Minor
}

export function negate(value: Minor): Minor {
  return -value as Minor
}

const TIME_PATTERNS: ReadonlyArray<{ pattern: RegExp; order: 'ymd' | 'dmy' | 'mdy' }> = [
  { pattern: /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[T\s]+(\d{1,2})[:：](\d{1,2})(?:[:：](\d{1,2})(?:\.(\d{1,6}))?)?)?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?$/i, order: 'ymd' },
  { pattern: /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s+(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?\s*(?:\.(\d+))?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?$/i, order: 'dmy' },
  { pattern: /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?\s*(?:\.(\d+))?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?$/i, order: 'mdy' },
]

function two(value: number): string {
  return String(value).padStart(2, '0')
}

function offsetText(zone: string | undefined, fallback: string): string {
  if (zone === undefined) return fallback
  if (/^(z|utc|gmt)$/i.test(zone)) return '+00:00'
  const digits = zone.replace(':', '')
  return `${digits.slice(0, 3)}:${digits.slice(3, 5)}`
}

/**
 * Reads the date/time styles seen in exports into ISO 8601 with offset. Times
 * without a zone are the source's local time (`defaultOffset`, Beijing +08:00).
 * Accepts `2024-07-09 16:47:58`, `2024/7/9 16:47`, `2012年12月29日 21:02:06`,
 * full-width colons, `2025-06-28 15:15:52 -0400`, `2025-08-14T06:23:59+00:00`,
 * `14.08.2025 06:23:59 UTC`, `07/09/2024`, and plain dates.
 * @example readTimestamp('t', '2024-07-09 16:47:58', '+08:00') === '2024-07-09T16:47:58+08:00'
 */
function digitsAt(text: string, start: number, count: number): number {
  let value = 0
  for (let index = start; index < start + count; index += 1) {
    const code = text.charCodeAt(index) - 48
    if (code < 0 || code > 9) return -1
    value = value * 10 + code
  }
  return value
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

/** `yyyy-MM-dd HH:mm:ss` exactly (most exports): read without regexes; null to take the general path. */
function plainTimestamp(text: string, offset: string): string | null {
  if (text.length !== 19 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 32 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return null
  const year = digitsAt(text, 0, 4)
  const month = digitsAt(text, 5, 2)
  const day = digitsAt(text, 8, 2)
  const hour = digitsAt(text, 11, 2)
  const minute = digitsAt(text, 14, 2)
  const second = digitsAt(text, 17, 2)
  if (year < 1990 || year > 2100 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return null
  return `${text.slice(0, 10)}T${text.slice(11)}${offset}`
}

export function readTimestamp(column: string, cell: string, defaultOffset = '+08:00'): string {
  const plain = plainTimestamp(cell, defaultOffset)
  if (plain !== null) return plain
  const text = cell.trim()
  for (const { pattern, order } of TIME_PATTERNS) {
    const match = pattern.exec(text)
    if (!match) continue
    const [a, b, c] = [Number(match[1]), Number(match[2]), Number(match[3])]
    const [year, month, day] = order === 'ymd' ? [a, b, c] : order === 'dmy' ? [c, b, a] : [c, a, b]
    const hour = Number(match[4] ?? 0)
    const minute = Number(match[5] ?? 0)
    const second = Number(match[6] ?? 0)
    const check = new Date(Date.UTC(year, month - 1, day))
    if (month < 1 || month > 12 || check.getUTCDate() !== day || check.getUTCMonth() !== month - 1 || hour > 23 || minute > 59 || second > 59 || year < 1990 || year > 2100) {
      throw new RowError(column, `"${shorten(cell)}" is not a valid date`)
    }
    return `${year}-${two(month)}-${two(day)}T${two(hour)}:${two(minute)}:${two(second)}${offsetText(match[8], defaultOffset)}`
  }
  throw new RowError(column, cell === '' ? 'date is missing' : `"${shorten(cell)}" is not a date`)
}

export function timestampOrUndefined(column: string, cell: string, defaultOffset = '+08:00'): string | undefined {
  return cell === '' ? undefined : readTimestamp(column, cell, defaultOffset)
}

/** Required non-blank text. */
export function required(column: string, cell: string, maxLength = 200): string {
  if (cell === '') throw new RowError(column, 'value is missing')
  if (cell.length > maxLength) throw new RowError(column, `value is ${cell.length} characters long (limit ${maxLength})`)
  return cell
}

/** Free text, cut to the record limit (2000) so a 10,000-character cell never fails a row. */
export function freeText(cell: string, maxLength = 2000): string {
  return cell.length > maxLength ? `${cell.slice(0, maxLength - 1)}…` : cell
}

export function optionalText(cell: string): string | undefined {
  return cell === '' ? undefined : freeText(cell)
}

export function quantity(column: string, cell: string): number {
  const text = cell.replace(/[,\s]/g, '')
  if (!/^\d{1,7}(\.0+)?$/.test(text)) throw new RowError(column, `"${shorten(cell)}" is not a quantity`)
  return Number.parseInt(text, 10)
}

export function shorten(text: string, length = 60): string {
  return text.length > length ? `${text.slice(0, length)}…` : text
}
