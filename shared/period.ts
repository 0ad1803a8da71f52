import { LedgerError } from './errors.ts'

/** Monthly accounting periods, written `YYYY-MM`. Dates are `YYYY-MM-DD`, no time zone. */
export const PERIOD_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/
export const DATE_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/

export function assertPeriod(period: string): string {
  if (!PERIOD_PATTERN.test(period)) throw new LedgerError('INVALID_PERIOD', `"${period}" is not a period (YYYY-MM)`)
  return period
}

export function assertDate(date: string): string {
  const match = DATE_PATTERN.exec(date)
  if (!match) throw new LedgerError('VALIDATION', `"${date}" is not a date (YYYY-MM-DD)`)
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  if (day > daysInMonth(year, month)) throw new LedgerError('VALIDATION', `"${date}" is not a calendar date`)
  return date
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}

export function periodOfDate(date: string): string {
  return assertDate(date).slice(0, 7)
}

export function lastDayOfPeriod(period: string): string {
  assertPeriod(period)
  const year = Number(period.slice(0, 4))
  const month = Number(period.slice(5, 7))
  return `${period}-${String(daysInMonth(year, month)).padStart(2, '0')}`
}

export function nextPeriod(period: string): string {
  assertPeriod(period)
  const year = Number(period.slice(0, 4))
  const month = Number(period.slice(5, 7))
  return month === 12 ? `${year + 1}-01` : `${year}-${String(month + 1).padStart(2, '0')}`
}

export function previousPeriod(period: string): string {
  assertPeriod(period)
  const year = Number(period.slice(0, 4))
  const month = Number(period.slice(5, 7))
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`
}

/** The 12 periods of a year, or those of `from..to` inclusive. */
export function periodRange(from: string, to: string): string[] {
  assertPeriod(from)
  assertPeriod(to)
  const result: string[] = []
  for (let period = from; period <= to; period = nextPeriod(period)) result.push(period)
  return result
}

/**
 * Accepts `2026-10`, `2026-10-31`, `2026/10`, `202610`, or an Excel serial date
 * number, and returns the period. Used by CLI flags and worksheet functions.
 */
export function normalizePeriod(input: string | number): string {
  if (typeof input === 'number') return periodOfDate(excelSerialToDate(input))
  const text = input.trim()
  if (text.length === 7 && PERIOD_PATTERN.test(text)) return text
  if (/^\d+(\.\d+)?$/.test(text) && Number(text) > 20000 && Number(text) < 80000) return periodOfDate(excelSerialToDate(Number(text)))
  let match = /^(\d{4})[-/.年]?(\d{1,2})月?$/.exec(text)
  if (match) return assertPeriod(`${match[1]}-${String(Number(match[2])).padStart(2, '0')}`)
  match = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(text)
  if (match) return periodOfDate(`${match[1]}-${String(Number(match[2])).padStart(2, '0')}-${String(Number(match[3])).padStart(2, '0')}`)
  throw new LedgerError('INVALID_PERIOD', `"${input}" is not a period (YYYY-MM, a date or an Excel date)`)
}

/** Excel's 1900 date system (serial 60 is the phantom 1900-02-29). */
export function excelSerialToDate(serial: number): string {
  if (!Number.isFinite(serial) || serial < 1 || serial > 2958465) throw new LedgerError('INVALID_PERIOD', `${serial} is not an Excel date`)
  const days = Math.floor(serial) - (serial > 60 ? 1 : 0)
  const date = new Date(Date.UTC(1899, 11, 31) + days * 86_400_000)
  return date.toISOString().slice(0, 10)
}
