import { LedgerError } from '../../shared/errors.ts'
import { Decimal, isCurrency } from '../../shared/money.ts'
import { assertDate } from '../../shared/period.ts'
import type { FileInput } from '../imports/source.ts'
import { type Table, parseTableText, readRecords, readTable } from '../imports/table.ts'
import { appendAudit } from '../ledger/audit.ts'
import { type Actor, type LedgerContext, isoNow } from '../ledger/context.ts'
import { getCompany } from '../ledger/company.ts'
import { selectRates, upsertRates } from './queries.ts'

/**
 * Exchange rates (汇率) to the company's base currency: decimal strings with up
 * to 10 places per date and currency, with their source. CSV columns:
 * `date,currency,rate[,source]` (header required), read through the import
 * pipeline's reader (imports/table.ts).
 */
export interface RateRow {
  readonly date: string
  readonly currency: string
  readonly rate: string
  readonly source: string
}

const RATE_PATTERN = /^\d{1,8}(\.\d{1,10})?$/

/** Rows of a rates table; every bad line is named in one error (see imports/table.ts). */
export function ratesFromTable(table: Table, defaultSource: string): RateRow[] {
  return readRecords(table, ['date', 'currency', 'rate'], (record, line) => {
    const date = record.date ?? ''
    const currency = (record.currency ?? '').toUpperCase()
    const rate = record.rate ?? ''
    try {
      assertDate(date)
    } catch {
      throw new LedgerError('VALIDATION', `line ${line}: "${date}" is not a date (YYYY-MM-DD)`)
    }
    if (!isCurrency(currency)) throw new LedgerError('UNKNOWN_CURRENCY', `line ${line}: unknown currency "${currency}"`)
    if (!RATE_PATTERN.test(rate) || new Decimal(rate).isZero()) throw new LedgerError('VALIDATION', `line ${line}: rate "${rate}" must be a positive decimal with up to 10 places`)
    return { date, currency, rate, source: record.source || defaultSource }
  })
}

/** Rates from decoded CSV text (the import pipeline's tokenizer). */
export function parseRatesCsv(text: string, defaultSource: string, name = 'rates'): RateRow[] {
  return ratesFromTable(parseTableText(text, name), defaultSource)
}

/** Rates from a file or bytes: CSV in UTF-8 or GBK, XLSX or XLS, read by the import pipeline. */
export async function readRatesFile(input: FileInput, defaultSource: string): Promise<RateRow[]> {
  return ratesFromTable(await readTable(input), defaultSource)
}

/** Stores rates (a later import of the same date and currency replaces the rate). */
export async function importRates(context: LedgerContext, actor: Actor, companyId: number, rows: ReadonlyArray<RateRow>): Promise<{ imported: number }> {
  const company = await getCompany(context, companyId)
  const foreign = rows.filter((row) => row.currency !== company.baseCurrency)
  await context.db.write(async (tx) => {
    const values = foreign.map((row) => [companyId, row.date, row.currency, company.baseCurrency, row.rate, row.source])
    await upsertRates(tx, values)
    await appendAudit(tx, [{ at: isoNow(context), companyId, actorId: actor.userId, action: 'rates.import', entity: 'exchange_rates', entityId: String(foreign.length), payload: { rows: foreign.length } }])
  })
  return { imported: foreign.length }
}

export async function listRates(context: LedgerContext, companyId: number): Promise<RateRow[]> {
  return (await selectRates(context.db, companyId)).map((row) => ({ date: row.date, currency: row.currency, rate: row.rate, source: row.source }))
}

/** A lookup: the latest rate on or before a date. */
export async function rateLookup(context: LedgerContext, companyId: number): Promise<(currency: string, date: string) => string | undefined> {
  const byCurrency = new Map<string, RateRow[]>()
  for (const row of await listRates(context, companyId)) byCurrency.set(row.currency, [...(byCurrency.get(row.currency) ?? []), row])
  return (currency, date) => {
    const rows = byCurrency.get(currency)
    if (!rows) return undefined
    let low = 0
    let high = rows.length - 1
    let found: string | undefined
    while (low <= high) {
      const middle = (low + high) >> 1
      const row = rows[middle]
      if (row && row.date <= date) {
        found = row.rate
        low = middle + 1
      } else high = middle - 1
    }
    return found
  }
}
