import { z } from 'zod'
import { LedgerError } from './errors.ts'
import { MAX_ABS_MINOR, type Minor, formatAmount, isCurrency, parseAmount } from './money.ts'
import { type Invoice, type InvoiceJson, InvoiceJsonSchema, InvoiceSchema, invoiceFromJson, invoiceToJson } from './invoices/record.ts'

/**
 * Canonical channel records: what every import parser (and, later, every API
 * connector) produces, whatever the source looked like. Matching and posting
 * work only on these.
 *
 * ## Money: one shape builder, two forms
 *
 * Each record schema is built once by a shape function that takes the money
 * schema as a parameter, and instantiated twice:
 *
 * - **in-memory form** (`OrderSchema`, type `Order`, …): money fields are
 *   `Minor` (branded bigint, minor units of the record's `currency`). This is
 *   what parsers emit, what the database stores (INTEGER minor units) and what
 *   matching/posting code computes with.
 * - **JSON form** (`OrderJsonSchema`, type `OrderJson`, …): the same fields, but
 *   money is a decimal string in major units (`"131.77"`, `"-0.27"`), as on the
 *   HTTP API. Convert with `recordToJson(kind, record)` /
 *   `recordFromJson(kind, json)`; the exponent comes from `currency`
 *   (CNY 2, JPY 0, KWD 3), so a record is only valid with a known currency.
 *
 * Money is never a JS number here.
 *
 * ## Times
 *
 * Timestamps are ISO 8601 strings **with the source's own UTC offset**
 * (`2024-07-09T16:47:58+08:00` for Chinese channels, whose files are Beijing
 * time; `2025-06-28T15:15:52-04:00` for Shopify). The first 10 characters are
 * therefore the local business date, and `slice(0, 7)` the accounting period.
 *
 * ## Signs
 *
 * `SettlementTxn.amount` and `BankTxn.amount` are signed from the seller's
 * account: positive = money in, negative = money out (a refund, a fee). Order
 * money (`gross`, `unitPrice`, `discount`, …) is never negative.
 *
 * ## Identity (dedupe)
 *
 * Every record has a natural key, unique per company: see `naturalKey()`.
 * `externalId` is the source's own unique id of the line (账务流水号, 动账流水号,
 * a bank serial). Sources that have none (Shopify transactions, Amazon
 * settlement lines) use a deterministic key documented by their parser, so
 * re-importing the same or an overlapping file adds nothing.
 *
 * ## Source
 *
 * `source = {fileHash, sheet?, rowNumber}`: SHA-256 (hex) of the imported file
 * bytes, the XLSX sheet name, and the 1-based physical row (CSV line where the
 * record starts). API connectors put a hash of the fetched page and the item's
 * 1-based position in it.
 */

// ---------------------------------------------------------------------------
// 1. Vocabulary
// ---------------------------------------------------------------------------

export const CHANNELS = ['alipay', 'wechat', 'taobao', 'tmall', 'jd', 'pdd', 'douyin', 'shopify', 'amazon', 'bank', 'other'] as const
export type Channel = (typeof CHANNELS)[number]

/** Normalized order status; the source's wording stays in `statusRaw`. */
export const ORDER_STATUSES = ['pending', 'paid', 'shipped', 'completed', 'cancelled', 'refunded', 'partially_refunded', 'closed', 'unknown'] as const
export type OrderStatus = (typeof ORDER_STATUSES)[number]

/**
 * `transfer`: money moving between the owner's own accounts (余额宝, 零钱通, 理财通, a bank card,
 * a credit card repayment): never income or expense. Signed from the channel wallet like the
 * rest; `counterAccount` names the other side (see COUNTER_ACCOUNT_KINDS).
 */
export const SETTLEMENT_KINDS = ['payment', 'refund', 'commission', 'fee', 'promotion', 'payout', 'adjustment', 'transfer'] as const
export type SettlementKind = (typeof SETTLEMENT_KINDS)[number]

export const RECORD_KINDS = ['order', 'orderLine', 'settlementTxn', 'bankTxn', 'invoice'] as const
export type RecordKind = (typeof RECORD_KINDS)[number]

// ---------------------------------------------------------------------------
// 2. Scalar schemas
// ---------------------------------------------------------------------------

/** In-memory money: a Minor bigint inside the global range. */
export const MinorSchema = z.custom<Minor>((value) => typeof value === 'bigint' && value <= MAX_ABS_MINOR && value >= -MAX_ABS_MINOR, {
  message: 'expected minor units (bigint) within range',
})

/** JSON money: a plain decimal string in major units, e.g. "131.77" or "-0.27". */
export const DecimalStringSchema = z.string().regex(/^-?\d{1,16}(\.\d{1,6})?$/, 'expected a decimal string like "131.77"')

/** ISO 8601 date-time with explicit offset: 2024-07-09T16:47:58+08:00 (seconds required, fraction optional). */
export const TimestampSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}:\d{2}|Z)$/, 'expected ISO 8601 with offset')

export const CurrencySchema = z.string().refine(isCurrency, 'unknown currency')

export const SourceSchema = z.object({
  /** SHA-256 hex of the file (or API page) the record came from. */
  fileHash: z.string().regex(/^[0-9a-f]{64}$/),
  sheet: z.string().optional(),
  /** 1-based physical row / CSV line where the record starts. */
  rowNumber: z.number().int().min(1),
})
export type Source = z.infer<typeof SourceSchema>

const text = z.string().max(2000)
const id = z.string().min(1).max(200)

// ---------------------------------------------------------------------------
// 3. Shapes (built once, instantiated per money form)
// ---------------------------------------------------------------------------

function orderShape<M extends z.ZodType>(money: M) {
  return z.object({
    channel: z.enum(CHANNELS),
    /** Store (店铺) code or name as the user named it on import; '' when unknown. */
    store: z.string().max(200),
    orderNo: id,
    status: z.enum(ORDER_STATUSES),
    statusRaw: text,
    buyerRef: text.optional(),
    createdAt: TimestampSchema,
    paidAt: TimestampSchema.optional(),
    shippedAt: TimestampSchema.optional(),
    completedAt: TimestampSchema.optional(),
    cancelledAt: TimestampSchema.optional(),
    currency: CurrencySchema,
    /** What the buyer pays for the whole order after discounts, incl. shipping and tax. */
    gross: money,
    /** Total discount on the order (all parties). */
    discount: money,
    shipping: money,
    tax: money,
    /** Amount refunded so far, as the source states it. */
    refunded: money,
    /** Payment / trade number of the paying channel (Taobao 支付单号 = Alipay 交易号; Shopify Payment ID). */
    paymentRef: text.optional(),
    /**
     * The buyer asked for an invoice (Taobao 发票抬头 / 是否开票, JD 发票类型 / 增值税发票):
     * title = 发票抬头, buyerTaxId for a 企业 buyer when the export names one. The import
     * stores it in invoice_requests, so ORDER_NOT_INVOICED is raised until it is invoiced.
     */
    invoiceRequest: z.object({ title: z.string().max(200), buyerTaxId: z.string().max(40).optional() }).optional(),
    source: SourceSchema,
  })
}

function orderLineShape<M extends z.ZodType>(money: M) {
  return z.object({
    channel: z.enum(CHANNELS),
    store: z.string().max(200),
    orderNo: id,
    /** Sub-order id (子订单编号); sources without one use `<orderNo>-<1-based line index>`. */
    subOrderNo: id,
    sku: text,
    title: text,
    quantity: z.number().int().min(0).max(10_000_000),
    unitPrice: money,
    discount: money,
    /** Line amount the buyer pays: quantity x unitPrice - discount (as the source states it). */
    amount: money,
    refunded: money,
    status: z.enum(ORDER_STATUSES),
    statusRaw: text,
    currency: CurrencySchema,
    source: SourceSchema,
  })
}

function settlementTxnShape<M extends z.ZodType>(money: M) {
  return z.object({
    channel: z.enum(CHANNELS),
    store: z.string().max(200),
    /** Unique id of this money movement in the source (see header: Identity). */
    externalId: id,
    kind: z.enum(SETTLEMENT_KINDS),
    /** Signed: + into the seller's channel account, - out of it. */
    amount: money,
    currency: CurrencySchema,
    occurredAt: TimestampSchema,
    /** Normalized order number this movement belongs to (T200P prefix removed; Shopify `#1001`). */
    orderRef: text.optional(),
    /** Channel trade / payment number (支付宝交易号, 微信订单号, Shopify checkout). */
    tradeNo: text.optional(),
    /** Payout (提现 / Shopify payout date / Amazon settlement id) the movement was paid out in. */
    payoutRef: text.optional(),
    counterparty: text.optional(),
    balanceAfter: money.optional(),
    /**
     * Transfers only: the owner's other account the money came from or went to, as
     * `<kind>:<label>`: `wallet:余额宝` / `wallet:零钱通` (a wallet sub-account),
     * `investment:理财通` (交易性金融资产), `bank:工商银行(9876)`, `card:建设银行信用卡` (a credit card repaid).
     */
    counterAccount: z.string().regex(/^(wallet|investment|bank|card):.{0,190}$/s).optional(),
    /** Source wording of the type (业务类型, 账务类型, transaction-type / fee type). */
    description: text,
    source: SourceSchema,
  })
}

function bankTxnShape<M extends z.ZodType>(money: M) {
  return z.object({
    /** Our bank account (number or alias). */
    account: z.string().min(1).max(200),
    externalId: id,
    occurredAt: TimestampSchema,
    valueDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
    amount: money,
    currency: CurrencySchema,
    balanceAfter: money.optional(),
    counterparty: text.optional(),
    counterpartyAccount: text.optional(),
    reference: text.optional(),
    memo: text,
    source: SourceSchema,
  })
}

// ---------------------------------------------------------------------------
// 4. The two forms
// ---------------------------------------------------------------------------

export const OrderSchema = orderShape(MinorSchema)
export const OrderLineSchema = orderLineShape(MinorSchema)
export const SettlementTxnSchema = settlementTxnShape(MinorSchema)
export const BankTxnSchema = bankTxnShape(MinorSchema)

export type Order = z.infer<typeof OrderSchema>
export type OrderLine = z.infer<typeof OrderLineSchema>
export type SettlementTxn = z.infer<typeof SettlementTxnSchema>
export type BankTxn = z.infer<typeof BankTxnSchema>

export const OrderJsonSchema = orderShape(DecimalStringSchema)
export const OrderLineJsonSchema = orderLineShape(DecimalStringSchema)
export const SettlementTxnJsonSchema = settlementTxnShape(DecimalStringSchema)
export const BankTxnJsonSchema = bankTxnShape(DecimalStringSchema)

export type OrderJson = z.infer<typeof OrderJsonSchema>
export type OrderLineJson = z.infer<typeof OrderLineJsonSchema>
export type SettlementTxnJson = z.infer<typeof SettlementTxnJsonSchema>
export type BankTxnJson = z.infer<typeof BankTxnJsonSchema>

export interface RecordTypes {
  order: Order
  orderLine: OrderLine
  settlementTxn: SettlementTxn
  bankTxn: BankTxn
  /** 发票 (shared/invoices/record.ts) */
  invoice: Invoice
}
export interface RecordJsonTypes {
  order: OrderJson
  orderLine: OrderLineJson
  settlementTxn: SettlementTxnJson
  bankTxn: BankTxnJson
  invoice: InvoiceJson
}

/** A parser's output item: the kind tag plus the in-memory record. */
export type CanonicalRecord = { [K in RecordKind]: { kind: K; record: RecordTypes[K] } }[RecordKind]

export const RECORD_SCHEMAS = {
  order: OrderSchema,
  orderLine: OrderLineSchema,
  settlementTxn: SettlementTxnSchema,
  bankTxn: BankTxnSchema,
  invoice: InvoiceSchema,
} as const

export const RECORD_JSON_SCHEMAS = {
  order: OrderJsonSchema,
  orderLine: OrderLineJsonSchema,
  settlementTxn: SettlementTxnJsonSchema,
  bankTxn: BankTxnJsonSchema,
  invoice: InvoiceJsonSchema,
} as const

/** Money fields per record kind (required and optional). */
export const MONEY_FIELDS = {
  order: ['gross', 'discount', 'shipping', 'tax', 'refunded'],
  orderLine: ['unitPrice', 'discount', 'amount', 'refunded'],
  settlementTxn: ['amount', 'balanceAfter'],
  bankTxn: ['amount', 'balanceAfter'],
  /** items carry money too: converted by invoiceToJson / invoiceFromJson */
  invoice: ['amount', 'tax', 'total'],
} as const satisfies { [K in RecordKind]: ReadonlyArray<keyof RecordTypes[K]> }

// ---------------------------------------------------------------------------
// 5. Conversions and keys
// ---------------------------------------------------------------------------

function mapMoney(record: Record<string, unknown>, fields: ReadonlyArray<string>, convert: (value: unknown) => unknown): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...record }
  for (const field of fields) {
    if (copy[field] !== undefined) copy[field] = convert(copy[field])
  }
  return copy
}

/**
 * In-memory record -> JSON form (money as decimal strings).
 * @example recordToJson('settlementTxn', txn).amount === '-0.27'
 */
export function recordToJson<K extends RecordKind>(kind: K, record: RecordTypes[K]): RecordJsonTypes[K] {
  if (kind === 'invoice') return invoiceToJson(record as Invoice) as RecordJsonTypes[K]
  const plain = RECORD_SCHEMAS[kind].parse(record) as Record<string, unknown>
  const currency = String(plain.currency)
  const converted = mapMoney(plain, MONEY_FIELDS[kind], (value) => formatAmount(value as bigint, currency))
  return RECORD_JSON_SCHEMAS[kind].parse(converted) as RecordJsonTypes[K]
}

/**
 * JSON form -> in-memory record. Refuses money with more decimals than the currency has.
 * @example recordFromJson('settlementTxn', json).amount === -27n
 */
export function recordFromJson<K extends RecordKind>(kind: K, json: unknown): RecordTypes[K] {
  if (kind === 'invoice') return invoiceFromJson(json) as RecordTypes[K]
  const parsed = RECORD_JSON_SCHEMAS[kind].safeParse(json)
  if (!parsed.success) throw new LedgerError('VALIDATION', `invalid ${kind}: ${z.prettifyError(parsed.error)}`)
  const plain = parsed.data as Record<string, unknown>
  const currency = String(plain.currency)
  const converted = mapMoney(plain, MONEY_FIELDS[kind], (value) => parseAmount(String(value), currency))
  return RECORD_SCHEMAS[kind].parse(converted) as RecordTypes[K]
}

/**
 * The dedupe key of a record within a company: (channel or account, external id, kind).
 * Orders: order number; lines: order + sub-order; txns: external id + kind.
 * @example naturalKey({ kind: 'settlementTxn', record: txn }) === 'alipay|2088…|fee'
 */
export function naturalKey(item: CanonicalRecord): string {
  switch (item.kind) {
    case 'order':
      return `${item.record.channel}|${item.record.orderNo}|order`
    case 'orderLine':
      return `${item.record.channel}|${item.record.orderNo}/${item.record.subOrderNo}|orderLine`
    case 'settlementTxn':
      return `${item.record.channel}|${item.record.externalId}|${item.record.kind}`
    case 'bankTxn':
      return `bank:${item.record.account}|${item.record.externalId}|bankTxn`
    case 'invoice':
      return `invoice|${item.record.invoiceNo}|invoice`
  }
}

/**
 * Normalizes an order reference seen in payment files to the channel's order number:
 * Alipay `T200P<taobao order id>` -> `<taobao order id>`; trims spaces/tabs.
 * @example normalizeOrderRef('T200P133899') === '133899'
 */
export function normalizeOrderRef(reference: string): string {
  const trimmed = reference.trim()
  return /^T200P\d+$/.test(trimmed) ? trimmed.slice(5) : trimmed
}
