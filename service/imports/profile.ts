import { z } from 'zod'
import { LedgerError } from '../../shared/errors.ts'
import { minor } from '../../shared/money.ts'
import { CHANNELS, SETTLEMENT_KINDS, type BankTxn, type SettlementKind } from '../../shared/records.ts'
import { absMinor, freeText, moneyOrNull, moneyOrZero, negate, normalizeHeader, optionalText, readTimestamp, required } from './clean.ts'
import { sourceOf, txn } from './parsers/common.ts'
import type { FileParser, MappedRow } from './types.ts'

/**
 * The `generic` format: a saved mapping profile (JSON) turns any CSV/XLSX with a
 * header row into settlement or bank txns. `cledger profile` writes one.
 */
export const MappingProfileSchema = z.object({
  name: z.string().min(1).max(100),
  record: z.enum(['settlementTxn', 'bankTxn']).default('settlementTxn'),
  channel: z.enum(CHANNELS).default('other'),
  currency: z.string().default('CNY'),
  /** UTC offset of times without a zone. */
  timezone: z.string().regex(/^[+-]\d{2}:\d{2}$/).default('+08:00'),
  /** Field -> column header in the file. Either `amount` (signed) or `income` + `expense`. */
  columns: z.object({
    occurredAt: z.string().min(1),
    amount: z.string().optional(),
    income: z.string().optional(),
    expense: z.string().optional(),
    externalId: z.string().optional(),
    direction: z.string().optional(),
    kind: z.string().optional(),
    orderRef: z.string().optional(),
    tradeNo: z.string().optional(),
    counterparty: z.string().optional(),
    description: z.string().optional(),
    balanceAfter: z.string().optional(),
    account: z.string().optional(),
  }).refine((columns) => columns.amount !== undefined || (columns.income !== undefined && columns.expense !== undefined), 'map either amount or both income and expense'),
  /** Values of the direction column that mean money out (the amount is then negated). */
  outValues: z.array(z.string()).default(['支出', '出账', 'debit', 'out']),
  /** `signed`: the amount column carries the sign; `negate`: flip it (exports from the payer's side). */
  sign: z.enum(['signed', 'negate']).default('signed'),
  kindMap: z.record(z.string(), z.enum(SETTLEMENT_KINDS)).default({}),
  defaultKind: z.enum(SETTLEMENT_KINDS).default('adjustment'),
})
export type MappingProfile = z.output<typeof MappingProfileSchema>

export function parseProfile(json: unknown): MappingProfile {
  const parsed = MappingProfileSchema.safeParse(json)
  if (!parsed.success) throw new LedgerError('VALIDATION', `invalid mapping profile: ${z.prettifyError(parsed.error)}`)
  return parsed.data
}

function mappedColumns(profile: MappingProfile): string[] {
  return Object.values(profile.columns).filter((value): value is string => typeof value === 'string').map(normalizeHeader)
}

/** Compiles a profile into a parser of the `generic` family. */
export function profileParser(profile: MappingProfile): FileParser {
  const column = (field: keyof MappingProfile['columns']): string => {
    const name = profile.columns[field]
    return name === undefined ? '' : normalizeHeader(name)
  }
  const get = (row: MappedRow, field: keyof MappingProfile['columns']) => (profile.columns[field] === undefined ? '' : row.get(column(field)))
  return {
    id: `generic:${profile.name}`,
    family: 'generic',
    channel: profile.channel,
    label: `mapping profile "${profile.name}"`,
    containers: ['csv', 'xlsx'],
    required: mappedColumns(profile),
    start(context) {
      const currency = context.currency ?? profile.currency
      return {
        row(row) {
          let amount = profile.columns.amount !== undefined
            ? moneyOrZero(profile.columns.amount, required(profile.columns.amount, get(row, 'amount')), currency)
            : minor(absMinor(moneyOrZero('income', get(row, 'income'), currency)) - absMinor(moneyOrZero('expense', get(row, 'expense'), currency)))
          if (profile.sign === 'negate') amount = negate(amount)
          const direction = get(row, 'direction')
          if (direction !== '' && profile.outValues.includes(direction)) amount = negate(absMinor(amount))
          const occurredAt = readTimestamp(profile.columns.occurredAt, get(row, 'occurredAt'), profile.timezone)
          const description = get(row, 'description')
          const externalId = get(row, 'externalId') || `${occurredAt}|${amount}|${description}|${row.rowNumber}`
          const balance = moneyOrNull('balanceAfter', get(row, 'balanceAfter'), currency)
          if (profile.record === 'bankTxn') {
            const record: BankTxn = { account: get(row, 'account') || context.store || profile.name, externalId, occurredAt, amount, currency, memo: freeText(description), source: sourceOf(context, row) }
            if (balance !== null) record.balanceAfter = balance
            const counterparty = optionalText(get(row, 'counterparty'))
            if (counterparty) record.counterparty = counterparty
            return { type: 'records', records: [{ kind: 'bankTxn', record }] }
          }
          const kindText = get(row, 'kind')
          const kind: SettlementKind = profile.kindMap[kindText] ?? profile.defaultKind
          return { type: 'records', records: [txn(context, row, profile.channel, { externalId, kind, amount, currency, occurredAt, orderRef: get(row, 'orderRef'), tradeNo: get(row, 'tradeNo'), counterparty: get(row, 'counterparty'), balanceAfter: balance ?? undefined, description: description || kindText })] }
        },
        finish: () => [],
      }
    },
  }
}
