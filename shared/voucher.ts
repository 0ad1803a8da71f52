import { z } from 'zod'
import type { Account } from './accounts.ts'
import { LedgerError } from './errors.ts'
import { type Minor, convert, formatAmount, isCurrency, parseAmount } from './money.ts'
import { assertDate, periodOfDate } from './period.ts'

/** 记账凭证: the voucher model, its input schema and the balance check. Pure. */
export const VOUCHER_WORDS = ['记', '收', '付', '转'] as const
export type VoucherWord = (typeof VOUCHER_WORDS)[number]
export const VOUCHER_STATUSES = ['draft', 'approved', 'posted'] as const
export type VoucherStatus = (typeof VOUCHER_STATUSES)[number]
export type Side = 'debit' | 'credit'

export const STORE_PATTERN = /^[\p{L}\p{N}._-]{1,64}$/u
export const amountString = z.string().regex(/^-?\d{1,16}(\.\d{1,10})?$/, 'amount must be a decimal string like "113.00"')

export const voucherLineInputSchema = z.object({
  account: z.string().min(1),
  store: z.string().regex(STORE_PATTERN, 'store codes are letters, digits, . _ -').optional(),
  currency: z.string().regex(/^[A-Z]{3}$/).optional(),
  debit: amountString.optional(),
  credit: amountString.optional(),
  rate: z.string().regex(/^\d{1,8}(\.\d{1,10})?$/, 'rate must be a decimal string with up to 10 places').optional(),
  summary: z.string().max(500).optional(),
}).strict()

export const voucherInputSchema = z.object({
  date: z.string(),
  word: z.enum(VOUCHER_WORDS).default('记'),
  summary: z.string().max(500).optional(),
  idempotencyKey: z.string().min(1).max(200).optional(),
  /** 附件数: source documents attached (invoices, bank slips); 0 when omitted */
  attachments: z.number().int('attachments must be a whole number').min(0).max(9999).optional(),
  lines: z.array(voucherLineInputSchema).min(2, 'a voucher needs at least two lines').max(10_000),
}).strict()

export type VoucherLineInput = z.input<typeof voucherLineInputSchema>
export type VoucherInput = z.input<typeof voucherInputSchema>

export interface VoucherLine {
  readonly lineNo: number
  readonly account: string
  readonly store: string
  readonly currency: string
  readonly side: Side
  /** base-currency amount in minor units; negative on a red-ink (红字) line */
  readonly amount: Minor
  /** amount in the line's own currency, minor units */
  readonly original: Minor
  readonly rate: string | null
  readonly summary: string
}

export interface ValidVoucher {
  readonly date: string
  readonly period: string
  readonly word: VoucherWord
  readonly summary: string
  readonly idempotencyKey: string | null
  /** 附件数, only when given and above zero */
  readonly attachments?: number
  readonly lines: ReadonlyArray<VoucherLine>
}

export interface VoucherContext {
  readonly baseCurrency: string
  readonly account: (code: string) => Account | undefined
}

function lineError(index: number, message: string, code: LedgerError['code'] = 'VALIDATION'): LedgerError {
  return new LedgerError(code, `line ${index + 1}: ${message}`, { line: index + 1 })
}

function validateLine(line: z.output<typeof voucherLineInputSchema>, index: number, context: VoucherContext, voucherSummary: string): VoucherLine {
  const account = context.account(line.account)
  if (!account) throw lineError(index, `unknown account ${line.account}`, 'UNKNOWN_ACCOUNT')
  if (!account.isLeaf) throw lineError(index, `account ${line.account} ${account.name} has sub-accounts; post to one of them`, 'NON_LEAF_ACCOUNT')
  const hasDebit = line.debit !== undefined
  if (hasDebit === (line.credit !== undefined)) throw lineError(index, 'give exactly one of debit or credit')
  const currency = line.currency ?? context.baseCurrency
  if (!isCurrency(currency)) throw lineError(index, `unknown currency ${currency}`, 'UNKNOWN_CURRENCY')
  const text = hasDebit ? line.debit : line.credit
  let original: Minor
  try {
    original = parseAmount(text ?? '', currency)
  } catch (error) {
    if (error instanceof LedgerError) throw lineError(index, error.message, error.code)
    throw error
  }
  if (original === 0n) throw lineError(index, 'amount is zero', 'INVALID_AMOUNT')
  const foreign = currency !== context.baseCurrency
  if (foreign && line.rate === undefined) throw lineError(index, `a ${currency} line needs a rate to ${context.baseCurrency}`)
  if (!foreign && line.rate !== undefined && line.rate !== '1') throw lineError(index, 'a base-currency line takes no rate')
  const amount = foreign ? convert(original, currency, context.baseCurrency, line.rate ?? '1') : original
  return {
    lineNo: index + 1,
    account: account.code,
    store: line.store ?? '',
    currency,
    side: hasDebit ? 'debit' : 'credit',
    amount,
    original,
    rate: foreign ? (line.rate ?? null) : null,
    summary: line.summary ?? voucherSummary,
  }
}

/**
 * Validates a voucher against the chart: known leaf accounts, exact amounts,
 * Σ debit = Σ credit in base currency. Throws a LedgerError naming the line.
 * @example validateVoucher({ date: '2026-10-05', lines: [...] }, { baseCurrency: 'CNY', account })
 */
export function validateVoucher(input: unknown, context: VoucherContext): ValidVoucher {
  const parsed = voucherInputSchema.safeParse(input)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : ''
    throw new LedgerError('VALIDATION', `${where}${issue?.message ?? 'invalid voucher'}`, parsed.error.issues)
  }
  const voucher = parsed.data
  assertDate(voucher.date)
  const summary = voucher.summary ?? ''
  const lines = voucher.lines.map((line, index) => validateLine(line, index, context, summary))
  assertBalanced(lines, context.baseCurrency)
  return { date: voucher.date, period: periodOfDate(voucher.date), word: voucher.word, summary: summary || (lines[0]?.summary ?? ''), idempotencyKey: voucher.idempotencyKey ?? null, ...(voucher.attachments ? { attachments: voucher.attachments } : {}), lines }
}

export function totals(lines: ReadonlyArray<Pick<VoucherLine, 'side' | 'amount'>>): { debit: bigint; credit: bigint } {
  let debit = 0n
  let credit = 0n
  for (const line of lines) {
    if (line.side === 'debit') debit += line.amount
    else credit += line.amount
  }
  return { debit, credit }
}

export function assertBalanced(lines: ReadonlyArray<Pick<VoucherLine, 'side' | 'amount'>>, baseCurrency: string): void {
  const { debit, credit } = totals(lines)
  if (debit !== credit) {
    throw new LedgerError('UNBALANCED', `voucher does not balance: debit ${formatAmount(debit, baseCurrency)}, credit ${formatAmount(credit, baseCurrency)}, difference ${formatAmount(debit - credit, baseCurrency)}`, { debit: formatAmount(debit, baseCurrency), credit: formatAmount(credit, baseCurrency) })
  }
}

/**
 * 红字冲销: the same accounts on the same sides with negated amounts, so
 * movement (发生额) nets to zero instead of inflating both sides.
 */
export function reversalLines(lines: ReadonlyArray<VoucherLine>, summary: string): VoucherLine[] {
  return lines.map((line) => ({ ...line, amount: -line.amount as Minor, original: -line.original as Minor, summary }))
}

/** Stable JSON (sorted keys) used for idempotency hashes and audit payloads. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value))
}

function sortKeys(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString()
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, sortKeys(v)]))
  }
  return value
}
