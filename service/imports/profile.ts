import { z } from 'zod'
import { LedgerError } from '../../shared/errors.ts'
import { minor } from '../../shared/money.ts'
import { CHANNELS, SETTLEMENT_KINDS, type BankTxn, type Order, type OrderLine, type OrderStatus, type SettlementKind } from '../../shared/records.ts'
import { absMinor, freeText, moneyOrNull, moneyOrZero, negate, normalizeHeader, optionalText, quantity, readTimestamp, required, timestampOrUndefined } from './clean.ts'
import { OrderAssembler, chineseOrderStatus, orderItems, sourceOf, txn } from './parsers/common.ts'
import type { FileParser, MappedRow } from './types.ts'

/**
 * The `generic` format: a saved mapping profile (JSON) turns any CSV/XLSX with a
 * header row into settlement txns, bank txns or orders. `cledger profile` writes one.
 *
 * Orders (`record: "order"`): one row per order line; consecutive rows with the
 * same `orderNo` are one order whose gross is the sum of the line `amount`s
 * (plus `shipping`, read from the order's first row). `externalId` names the
 * sub-order; without it lines are `<orderNo>-<n>`.
 */
export const MappingProfileSchema = z.object({
  name: z.string().min(1).max(100),
  record: z.enum(['settlementTxn', 'bankTxn', 'order']).default('settlementTxn'),
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
    // orders
    orderNo: z.string().optional(),
    status: z.string().optional(),
    sku: z.string().optional(),
    title: z.string().optional(),
    quantity: z.string().optional(),
    unitPrice: z.string().optional(),
    discount: z.string().optional(),
    refunded: z.string().optional(),
    shipping: z.string().optional(),
    paidAt: z.string().optional(),
    shippedAt: z.string().optional(),
    completedAt: z.string().optional(),
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
  if (parsed.data.record === 'order' && (parsed.data.columns.orderNo === undefined || parsed.data.columns.amount === undefined)) {
    throw new LedgerError('VALIDATION', 'invalid mapping profile: an order profile maps orderNo, occurredAt (created) and amount (the line amount the buyer pays)')
  }
  return parsed.data
}

/** Order status words of English and Chinese exports. */
export function genericOrderStatus(text: string): OrderStatus {
  const word = text.trim().toLowerCase()
  if (/partial/.test(word) && /refund/.test(word)) return 'partially_refunded'
  if (/refund/.test(word)) return 'refunded'
  if (/cancel/.test(word)) return 'cancelled'
  if (/closed|void/.test(word)) return 'closed'
  if (/complete|fulfilled|delivered|success/.test(word)) return 'completed'
  if (/ship|transit/.test(word)) return 'shipped'
  if (/paid|authorized/.test(word)) return 'paid'
  if (/pending|unpaid|awaiting/.test(word)) return 'pending'
  return chineseOrderStatus(text)
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
    ...(profile.record === 'bankTxn' ? { bankStatement: true } : {}),
    label: `mapping profile "${profile.name}"`,
    containers: ['csv', 'xlsx'],
    required: mappedColumns(profile),
    start(context) {
      const currency = context.currency ?? profile.currency
      if (profile.record === 'order') return orderRows(profile, context, currency, get)
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

type Getter = (row: MappedRow, field: keyof MappingProfile['columns']) => string

function orderRows(profile: MappingProfile, context: Parameters<FileParser['start']>[0], currency: string, get: Getter): ReturnType<FileParser['start']> {
  const assembler = new OrderAssembler()
  const columnOf = (field: keyof MappingProfile['columns']) => profile.columns[field] ?? field
  const time = (field: 'paidAt' | 'shippedAt' | 'completedAt', row: MappedRow) => (profile.columns[field] === undefined ? undefined : timestampOrUndefined(columnOf(field), get(row, field), profile.timezone))
  return {
    row(row) {
      const orderNo = required(columnOf('orderNo'), get(row, 'orderNo'))
      const amount = moneyOrZero(columnOf('amount'), required(columnOf('amount'), get(row, 'amount')), currency)
      const qty = profile.columns.quantity === undefined || get(row, 'quantity') === '' ? 1 : quantity(columnOf('quantity'), get(row, 'quantity'))
      const discount = moneyOrZero(columnOf('discount'), get(row, 'discount'), currency)
      const refunded = absMinor(moneyOrZero(columnOf('refunded'), get(row, 'refunded'), currency))
      const unitPrice = profile.columns.unitPrice === undefined ? (qty > 0 ? minor((amount + discount) / BigInt(qty)) : amount) : moneyOrZero(columnOf('unitPrice'), get(row, 'unitPrice'), currency)
      const statusRaw = freeText(get(row, 'status'))
      const status = genericOrderStatus(statusRaw)
      const first = assembler.nextLineIndex(orderNo) === 1
      const shipping = first ? moneyOrZero(columnOf('shipping'), get(row, 'shipping'), currency) : minor(0n)
      const order: Order = {
        channel: profile.channel, store: context.store, orderNo, status, statusRaw,
        createdAt: readTimestamp(profile.columns.occurredAt, get(row, 'occurredAt'), profile.timezone),
        currency, gross: minor(amount + shipping), discount, shipping, tax: minor(0n), refunded, source: sourceOf(context, row),
      }
      const paidAt = time('paidAt', row)
      if (paidAt) order.paidAt = paidAt
      const shippedAt = time('shippedAt', row)
      if (shippedAt) order.shippedAt = shippedAt
      const completedAt = time('completedAt', row)
      if (completedAt) order.completedAt = completedAt
      const buyer = optionalText(get(row, 'counterparty'))
      if (buyer) order.buyerRef = buyer
      const paymentRef = optionalText(get(row, 'tradeNo'))
      if (paymentRef) order.paymentRef = paymentRef
      const line: OrderLine = {
        channel: profile.channel, store: context.store, orderNo,
        subOrderNo: optionalText(get(row, 'externalId')) ?? `${orderNo}-${assembler.nextLineIndex(orderNo)}`,
        sku: freeText(get(row, 'sku')), title: freeText(get(row, 'title') || get(row, 'description')), quantity: qty,
        unitPrice, discount, amount, refunded, status, statusRaw, currency, source: sourceOf(context, row),
      }
      return { type: 'records', records: orderItems(assembler.add(order, line, true), line) }
    },
    flush: () => assembler.flush().map((record) => ({ kind: 'order' as const, record })),
    finish: () => (assembler.repeated > 0 ? [{ level: 'warning' as const, code: 'ORDER_SPLIT', message: `${assembler.repeated} order(s) appear in non-adjacent rows; only their first block is kept as the order header` }] : []),
  }
}
