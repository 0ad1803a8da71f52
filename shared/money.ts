import DecimalBase from 'decimal.js'
import { LedgerError, invariant } from './errors.ts'

/**
 * Money in channel-ledger: integer minor units (fen, cents) as a branded bigint,
 * with the currency's exponent from one table. decimal.js only where a rate or a
 * division is involved, always rounded half-up once, at the rule's point.
 */
export const Decimal = DecimalBase.clone({ precision: 40, rounding: DecimalBase.ROUND_HALF_UP, toExpNeg: -40, toExpPos: 40 })
export type Decimal = InstanceType<typeof Decimal>

export type Minor = bigint & { readonly __brand: 'Minor' }

/** ISO 4217 exponents of the currencies sellers meet. Unknown codes are refused, never guessed. */
export const CURRENCY_EXPONENTS: Readonly<Record<string, number>> = {
  CNY: 2, USD: 2, EUR: 2, GBP: 2, HKD: 2, TWD: 2, SGD: 2, AUD: 2, CAD: 2, NZD: 2, CHF: 2, SEK: 2,
  NOK: 2, DKK: 2, PLN: 2, CZK: 2, MXN: 2, BRL: 2, INR: 2, MYR: 2, THB: 2, PHP: 2, IDR: 2, AED: 2,
  SAR: 2, TRY: 2, ZAR: 2, RUB: 2, ILS: 2, MOP: 2,
  JPY: 0, KRW: 0, VND: 0, CLP: 0, ISK: 0, HUF: 2,
  KWD: 3, BHD: 3, OMR: 3, JOD: 3, TND: 3,
}

/** Largest absolute amount accepted anywhere: 10^15 minor units (10 trillion yuan). */
export const MAX_ABS_MINOR = 10n ** 15n

export function isCurrency(code: string): boolean {
  return Object.hasOwn(CURRENCY_EXPONENTS, code)
}

export function exponentOf(currency: string): number {
  const exponent = CURRENCY_EXPONENTS[currency]
  if (exponent === undefined) throw new LedgerError('UNKNOWN_CURRENCY', `unknown currency "${currency}"`)
  return exponent
}

export function minor(value: bigint | number | string): Minor {
  const result = BigInt(value)
  if (result > MAX_ABS_MINOR || result < -MAX_ABS_MINOR) {
    throw new LedgerError('INVALID_AMOUNT', `amount ${result} minor units is out of range`)
  }
  return result as Minor
}

export const ZERO = 0n as Minor

const DECIMAL_PATTERN = /^[+-]?(\d+)(?:\.(\d+))?$/

/**
 * Parses a decimal string exactly into minor units, refusing anything that would
 * need rounding (more decimals than the currency has) or is not a plain number.
 * @example parseAmount('113.00', 'CNY') === 11300n
 */
export function parseAmount(text: string, currency: string): Minor {
  const exponent = exponentOf(currency)
  const trimmed = text.trim()
  const match = DECIMAL_PATTERN.exec(trimmed)
  if (!match) throw new LedgerError('INVALID_AMOUNT', `"${text}" is not a decimal amount`)
  const whole = match[1] ?? '0'
  const fraction = match[2] ?? ''
  if (fraction.length > exponent && /[1-9]/.test(fraction.slice(exponent))) {
    throw new LedgerError('TOO_MANY_DECIMALS', `amount ${trimmed} has more decimals than ${currency} allows (${exponent})`)
  }
  if (whole.length > 16) throw new LedgerError('INVALID_AMOUNT', `amount ${trimmed} is out of range`)
  const digits = whole + fraction.slice(0, exponent).padEnd(exponent, '0')
  const magnitude = BigInt(digits)
  return minor(trimmed.startsWith('-') ? -magnitude : magnitude)
}

/** Rounds a decimal major-unit value half-up to the currency's minor unit. */
export function toMinor(value: Decimal | string, currency: string): Minor {
  const exponent = exponentOf(currency)
  const scaled = new Decimal(value).times(new Decimal(10).pow(exponent)).toDecimalPlaces(0, Decimal.ROUND_HALF_UP)
  return minor(scaled.toString())
}

export function toDecimal(amount: Minor, currency: string): Decimal {
  return new Decimal(amount.toString()).dividedBy(new Decimal(10).pow(exponentOf(currency)))
}

/** Decimal string for JSON and CSV: always the currency's exponent of digits, `-` for negatives. */
export function formatAmount(amount: Minor | bigint, currency: string): string {
  const exponent = exponentOf(currency)
  const negative = amount < 0n
  const digits = (negative ? -amount : amount).toString().padStart(exponent + 1, '0')
  const whole = exponent === 0 ? digits : digits.slice(0, -exponent)
  const fraction = exponent === 0 ? '' : `.${digits.slice(-exponent)}`
  return `${negative ? '-' : ''}${whole}${fraction}`
}

const SAFE_MINOR = BigInt(Number.MAX_SAFE_INTEGER)
const POWERS_OF_TEN = [1, 10, 100, 1_000, 10_000] as const

/**
 * The only money-to-number conversion: values handed to Excel cells.
 * Below 2^53 minor units, `minor / 10^e` is one correctly rounded IEEE
 * division of two exact doubles, so it is the same double as parsing the
 * decimal string (which is also correctly rounded); above, through the string.
 */
export function toExcelNumber(amount: Minor | bigint, currency: string): number {
  const exponent = exponentOf(currency)
  const scale = POWERS_OF_TEN[exponent]
  if (scale !== undefined && amount <= SAFE_MINOR && amount >= -SAFE_MINOR) return Number(amount) / scale
  return Number(formatAmount(amount, currency))
}

export function sumMinor(values: Iterable<Minor | bigint>): Minor {
  let total = 0n
  for (const value of values) total += value
  return total as Minor
}

/**
 * Splits `total` into parts proportional to `weights` so the parts add up to the
 * total exactly (largest remainder; ties go to the earlier part).
 * @example allocate(100n, [1n, 1n, 1n]) -> [34n, 33n, 33n]
 */
export function allocate(total: Minor | bigint, weights: ReadonlyArray<bigint>): Minor[] {
  invariant(weights.length > 0, 'allocate needs at least one weight')
  invariant(weights.every((weight) => weight >= 0n), 'allocate weights must not be negative')
  const weightSum = weights.reduce((sum, weight) => sum + weight, 0n)
  if (weightSum === 0n) {
    return allocate(total, weights.map(() => 1n))
  }
  const negative = total < 0n
  const magnitude = negative ? -total : total
  const parts = weights.map((weight) => (magnitude * weight) / weightSum)
  const remainders = weights.map((weight, index) => ({ index, remainder: (magnitude * weight) % weightSum }))
  let left = magnitude - parts.reduce((sum, part) => sum + part, 0n)
  remainders.sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1))
  for (const { index } of remainders) {
    if (left === 0n) break
    parts[index] = (parts[index] ?? 0n) + 1n
    left -= 1n
  }
  return parts.map((part) => (negative ? -part : part) as Minor)
}

/**
 * VAT contained in a gross amount: round(G - G/(1+r)) half-up, so net + VAT = G exactly.
 * @example vatOfGross(11300n, '0.13', 'CNY') -> { net: 10000n, vat: 1300n }
 */
export function vatOfGross(gross: Minor | bigint, rate: string | Decimal, currency: string): { net: Minor; vat: Minor } {
  exponentOf(currency)
  const rateDecimal = new Decimal(rate)
  if (rateDecimal.isNegative() || rateDecimal.greaterThan(1)) {
    throw new LedgerError('VALIDATION', `VAT rate ${rateDecimal.toString()} is out of range`)
  }
  const grossDecimal = new Decimal(gross.toString())
  const vat = BigInt(grossDecimal.minus(grossDecimal.dividedBy(rateDecimal.plus(1))).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toString())
  return { net: (BigInt(gross) - vat) as Minor, vat: vat as Minor }
}

/** Converts a foreign amount to base currency at a rate (up to 10 decimals), half-up. */
export function convert(amount: Minor, from: string, to: string, rate: string): Minor {
  const major = toDecimal(amount, from).times(new Decimal(rate))
  return toMinor(major, to)
}
