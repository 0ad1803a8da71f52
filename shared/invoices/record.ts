import { z } from 'zod'
import { LedgerError } from '../errors.ts'
import { MAX_ABS_MINOR, type Minor, formatAmount, isCurrency, parseAmount } from '../money.ts'

/**
 * The canonical invoice (数电发票 / 全电发票 and the older coded 增值税发票):
 * what the list-export and XML parsers produce. Plugged into the canonical
 * records of shared/records.ts as kind `invoice` so it rides the import
 * pipeline (detection, streaming, rejects, dedupe, batches).
 *
 * - `invoiceNo`: the 20-digit 数电票号码, or `<发票代码>-<发票号码>` for coded invoices.
 * - Money in fen, signed: a red invoice (红字发票) carries negative amount/tax/total.
 * - `taxRate`: decimal string of the rate ('0.13', '0.06', '0'), `exempt` (免税),
 *   or `mixed` when the items carry several rates (then `items` has the split).
 * - `status`: normal | cancelled (作废) | reversed (已红冲) | partially_reversed (部分红冲).
 * - `items`: the goods lines when the source has them (XML, item-level export).
 *
 * Defined apart from shared/records.ts (which imports it), so no import cycle.
 */

export const INVOICE_STATUSES = ['normal', 'cancelled', 'reversed', 'partially_reversed'] as const
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number]

export const CERTIFICATION_STATUSES = ['unchecked', 'selected', 'certified'] as const
export type CertificationStatus = (typeof CERTIFICATION_STATUSES)[number]

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}:\d{2}|Z)$/
const RATE = /^(0(\.\d{1,4})?|1|exempt|mixed)$/
const DECIMAL = /^-?\d{1,16}(\.\d{1,8})?$/

const minorSchema = z.custom<Minor>((value) => typeof value === 'bigint' && value <= MAX_ABS_MINOR && value >= -MAX_ABS_MINOR, { message: 'expected minor units (bigint) within range' })
const decimalSchema = z.string().regex(/^-?\d{1,16}(\.\d{1,6})?$/, 'expected a decimal string like "131.77"')
const text = z.string().max(2000)

function itemShape<M extends z.ZodType>(money: M) {
  return z.object({
    name: text,
    spec: text,
    unit: text,
    /** decimal strings as printed (quantity and unit price may have up to 8 places) */
    quantity: z.string().regex(/^(-?\d{1,16}(\.\d{1,8})?)?$/),
    unitPrice: z.string().regex(/^(-?\d{1,16}(\.\d{1,8})?)?$/),
    amount: money,
    taxRate: z.string().regex(RATE, 'expected a rate like 0.13'),
    tax: money,
  })
}

function invoiceShape<M extends z.ZodType>(money: M) {
  return z.object({
    invoiceNo: z.string().min(1).max(60),
    invoiceCode: z.string().max(20).optional(),
    /** 票种 as printed: 数电票（增值税专用发票）, 数电票（普通发票）… */
    invoiceType: text,
    issuedAt: z.string().regex(TIMESTAMP, 'expected ISO 8601 with offset'),
    sellerTaxId: z.string().max(40),
    sellerName: text,
    buyerTaxId: z.string().max(40),
    buyerName: text,
    currency: z.string().refine(isCurrency, 'unknown currency'),
    amount: money,
    tax: money,
    total: money,
    taxRate: z.string().regex(RATE, 'expected a rate like 0.13'),
    status: z.enum(INVOICE_STATUSES),
    statusRaw: text,
    isRed: z.boolean(),
    originalInvoiceNo: z.string().max(60).optional(),
    remark: text,
    certification: z.enum(CERTIFICATION_STATUSES).optional(),
    items: z.array(itemShape(money)).max(2000),
    source: z.object({ fileHash: z.string().regex(/^[0-9a-f]{64}$/), sheet: z.string().optional(), rowNumber: z.number().int().min(1) }),
  })
}

export const InvoiceSchema = invoiceShape(minorSchema)
export const InvoiceJsonSchema = invoiceShape(decimalSchema)
export type Invoice = z.infer<typeof InvoiceSchema>
export type InvoiceJson = z.infer<typeof InvoiceJsonSchema>
export type InvoiceItem = Invoice['items'][number]

/** Money of an invoice as decimal strings (the JSON form); items too. */
export function invoiceToJson(invoice: Invoice): InvoiceJson {
  const plain = InvoiceSchema.parse(invoice)
  const c = plain.currency
  return InvoiceJsonSchema.parse({
    ...plain,
    amount: formatAmount(plain.amount, c), tax: formatAmount(plain.tax, c), total: formatAmount(plain.total, c),
    items: plain.items.map((item) => ({ ...item, amount: formatAmount(item.amount, c), tax: formatAmount(item.tax, c) })),
  })
}

export function invoiceFromJson(json: unknown): Invoice {
  const parsed = InvoiceJsonSchema.safeParse(json)
  if (!parsed.success) throw new LedgerError('VALIDATION', `invalid invoice: ${z.prettifyError(parsed.error)}`)
  const plain = parsed.data
  const c = plain.currency
  return InvoiceSchema.parse({
    ...plain,
    amount: parseAmount(plain.amount, c), tax: parseAmount(plain.tax, c), total: parseAmount(plain.total, c),
    items: plain.items.map((item) => ({ ...item, amount: parseAmount(item.amount, c), tax: parseAmount(item.tax, c) })),
  })
}

/** Items as stored in invoices.items_json (money as decimal strings). */
export function itemsToJsonText(items: ReadonlyArray<InvoiceItem>, currency: string): string {
  if (items.length === 0) return '[]'
  return JSON.stringify(items.map((item) => ({ ...item, amount: formatAmount(item.amount, currency), tax: formatAmount(item.tax, currency) })))
}

export function itemsFromJsonText(textValue: string, currency: string): InvoiceItem[] {
  const raw = JSON.parse(textValue) as Array<Record<string, string>>
  return raw.map((item) => ({
    name: item.name ?? '', spec: item.spec ?? '', unit: item.unit ?? '', quantity: item.quantity ?? '', unitPrice: item.unitPrice ?? '',
    amount: parseAmount(item.amount ?? '0', currency), taxRate: item.taxRate ?? '0', tax: parseAmount(item.tax ?? '0', currency),
  }))
}

function isMoney(value: unknown): boolean {
  return typeof value === 'bigint' && value <= MAX_ABS_MINOR && value >= -MAX_ABS_MINOR
}

function isText(value: unknown, max: number): boolean {
  return typeof value === 'string' && value.length <= max
}

const STATUS_SET: ReadonlySet<string> = new Set(INVOICE_STATUSES)

/** Fast allocation-free form of InvoiceSchema for the import hot path: true only when zod would accept. */
export function checkInvoice(r: Invoice): boolean {
  if (!(typeof r.invoiceNo === 'string' && r.invoiceNo.length >= 1 && r.invoiceNo.length <= 60)) return false
  if (r.invoiceCode !== undefined && !isText(r.invoiceCode, 20)) return false
  if (!(isText(r.invoiceType, 2000) && typeof r.issuedAt === 'string' && TIMESTAMP.test(r.issuedAt))) return false
  if (!(isText(r.sellerTaxId, 40) && isText(r.sellerName, 2000) && isText(r.buyerTaxId, 40) && isText(r.buyerName, 2000))) return false
  if (!(typeof r.currency === 'string' && isCurrency(r.currency) && isMoney(r.amount) && isMoney(r.tax) && isMoney(r.total))) return false
  if (!(typeof r.taxRate === 'string' && RATE.test(r.taxRate) && STATUS_SET.has(r.status) && isText(r.statusRaw, 2000) && typeof r.isRed === 'boolean')) return false
  if (r.originalInvoiceNo !== undefined && !isText(r.originalInvoiceNo, 60)) return false
  if (!isText(r.remark, 2000)) return false
  if (r.certification !== undefined && !(CERTIFICATION_STATUSES as ReadonlyArray<string>).includes(r.certification)) return false
  if (!Array.isArray(r.items) || r.items.length > 2000) return false
  for (const item of r.items) {
    if (!(isText(item.name, 2000) && isText(item.spec, 2000) && isText(item.unit, 2000) && isMoney(item.amount) && isMoney(item.tax))) return false
    if (!(typeof item.taxRate === 'string' && RATE.test(item.taxRate))) return false
    if (!(typeof item.quantity === 'string' && (item.quantity === '' || DECIMAL.test(item.quantity)))) return false
    if (!(typeof item.unitPrice === 'string' && (item.unitPrice === '' || DECIMAL.test(item.unitPrice)))) return false
  }
  const s = r.source
  return typeof s === 'object' && s !== null && typeof s.fileHash === 'string' && /^[0-9a-f]{64}$/.test(s.fileHash)
    && (s.sheet === undefined || typeof s.sheet === 'string') && Number.isSafeInteger(s.rowNumber) && s.rowNumber >= 1
}

/**
 * Normalizes a printed rate: '13%' -> '0.13', '0.13' -> '0.13', '免税' -> 'exempt', '不征税' -> '0', '6%' -> '0.06'.
 * Returns null for anything else.
 */
export function normalizeRate(printed: string): string | null {
  const value = printed.trim().replace(/\s/g, '')
  if (value === '') return null
  if (value === '免税') return 'exempt'
  if (value === '不征税' || value === '零税率' || value === '0%' || value === '0') return '0'
  const percent = /^(\d{1,2}(?:\.\d{1,2})?)%$/.exec(value)
  if (percent?.[1]) return stripZeros(decimalShift(percent[1], -2))
  if (/^0(\.\d{1,4})?$/.test(value)) return stripZeros(value)
  return null
}

function decimalShift(value: string, places: number): string {
  const [whole = '0', fraction = ''] = value.split('.')
  const digits = `${whole}${fraction}`.replace(/^0+/, '') || '0'
  const point = whole.replace(/^0+/, '').length + places
  if (digits === '0') return '0'
  if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`
  return `${digits.slice(0, point)}.${digits.slice(point)}`
}

function stripZeros(value: string): string {
  if (!value.includes('.')) return value
  const stripped = value.replace(/0+$/, '').replace(/\.$/, '')
  return stripped === '' ? '0' : stripped
}

/** '0.13' -> '13%', 'exempt' -> '免税', 'mixed' -> '多税率'. */
export function rateLabel(rate: string): string {
  if (rate === 'exempt') return '免税'
  if (rate === 'mixed') return '多税率'
  if (rate === '0') return '0%'
  const [whole = '0', fraction = ''] = rate.split('.')
  const padded = fraction.padEnd(2, '0')
  const percent = `${Number(whole) * 100 + Number(padded.slice(0, 2))}`
  const rest = padded.slice(2).replace(/0+$/, '')
  return rest === '' ? `${percent}%` : `${percent}.${rest}%`
}
