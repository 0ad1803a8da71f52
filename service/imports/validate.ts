import { MAX_ABS_MINOR, isCurrency } from '../../shared/money.ts'
import { checkInvoice } from '../../shared/invoices/record.ts'
import { type CanonicalRecord, CHANNELS, ORDER_STATUSES, RECORD_SCHEMAS, SETTLEMENT_KINDS, type Source } from '../../shared/records.ts'

/**
 * Record validation on the import hot path. `checkRecord` is a hand-written
 * form of the zod schemas in shared/records.ts (same fields, lengths, enums,
 * patterns, ranges) that never allocates; only when it finds a problem is the
 * zod schema run, so the verdict and the message of a bad record are zod's own.
 * The fast check must never accept what zod refuses: test/imports/validate.test.ts
 * compares the two on generated and mutated records.
 */

const CHANNEL_SET: ReadonlySet<string> = new Set(CHANNELS)
const STATUS_SET: ReadonlySet<string> = new Set(ORDER_STATUSES)
const KIND_SET: ReadonlySet<string> = new Set(SETTLEMENT_KINDS)
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}:\d{2}|Z)$/
const FILE_HASH = /^[0-9a-f]{64}$/
const VALUE_DATE = /^\d{4}-\d{2}-\d{2}$/

function isText(value: unknown, max: number): boolean {
  return typeof value === 'string' && value.length <= max
}

function isId(value: unknown): boolean {
  return typeof value === 'string' && value.length >= 1 && value.length <= 200
}

function isInvoiceRequest(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const request = value as { title?: unknown; buyerTaxId?: unknown }
  return isText(request.title, 200) && (request.buyerTaxId === undefined || isText(request.buyerTaxId, 40))
}

function isOptionalText(value: unknown): boolean {
  return value === undefined || (typeof value === 'string' && value.length <= 2000)
}

function isMoney(value: unknown): boolean {
  return typeof value === 'bigint' && value <= MAX_ABS_MINOR && value >= -MAX_ABS_MINOR
}

function isTimestamp(value: unknown): boolean {
  return typeof value === 'string' && TIMESTAMP.test(value)
}

function isOptionalTimestamp(value: unknown): boolean {
  return value === undefined || isTimestamp(value)
}

function isCurrencyCode(value: unknown): boolean {
  return typeof value === 'string' && isCurrency(value)
}

/** The last file hash that passed (every record of a file has the same one). */
let lastGoodHash = ''

function isFileHash(value: unknown): boolean {
  if (typeof value !== 'string') return false
  if (value === lastGoodHash) return true
  if (!FILE_HASH.test(value)) return false
  lastGoodHash = value
  return true
}

function isSource(source: Source | undefined): boolean {
  if (typeof source !== 'object' || source === null) return false
  return isFileHash(source.fileHash)
    && (source.sheet === undefined || typeof source.sheet === 'string')
    && Number.isSafeInteger(source.rowNumber) && source.rowNumber >= 1
}

/** True when the record certainly passes its zod schema (false: ask zod). */
export function checkRecord(item: CanonicalRecord): boolean {
  switch (item.kind) {
    case 'order': {
      const r = item.record
      return CHANNEL_SET.has(r.channel) && isText(r.store, 200) && isId(r.orderNo) && STATUS_SET.has(r.status) && isText(r.statusRaw, 2000)
        && isOptionalText(r.buyerRef) && isTimestamp(r.createdAt) && isOptionalTimestamp(r.paidAt) && isOptionalTimestamp(r.shippedAt)
        && isOptionalTimestamp(r.completedAt) && isOptionalTimestamp(r.cancelledAt) && isCurrencyCode(r.currency)
        && isMoney(r.gross) && isMoney(r.discount) && isMoney(r.shipping) && isMoney(r.tax) && isMoney(r.refunded)
        && isOptionalText(r.paymentRef) && isSource(r.source)
        && (r.invoiceRequest === undefined || isInvoiceRequest(r.invoiceRequest))
    }
    case 'orderLine': {
      const r = item.record
      return CHANNEL_SET.has(r.channel) && isText(r.store, 200) && isId(r.orderNo) && isId(r.subOrderNo) && isText(r.sku, 2000) && isText(r.title, 2000)
        && Number.isSafeInteger(r.quantity) && r.quantity >= 0 && r.quantity <= 10_000_000
        && isMoney(r.unitPrice) && isMoney(r.discount) && isMoney(r.amount) && isMoney(r.refunded)
        && STATUS_SET.has(r.status) && isText(r.statusRaw, 2000) && isCurrencyCode(r.currency) && isSource(r.source)
    }
    case 'settlementTxn': {
      const r = item.record
      return CHANNEL_SET.has(r.channel) && isText(r.store, 200) && isId(r.externalId) && KIND_SET.has(r.kind) && isMoney(r.amount)
        && isCurrencyCode(r.currency) && isTimestamp(r.occurredAt) && isOptionalText(r.orderRef) && isOptionalText(r.tradeNo)
        && isOptionalText(r.payoutRef) && isOptionalText(r.counterparty) && (r.balanceAfter === undefined || isMoney(r.balanceAfter))
        && (r.counterAccount === undefined || (typeof r.counterAccount === 'string' && /^(wallet|investment|bank|card):/.test(r.counterAccount) && r.counterAccount.length <= 200))
        && isText(r.description, 2000) && isSource(r.source)
    }
    case 'bankTxn': {
      const r = item.record
      return isId(r.account) && isId(r.externalId) && isTimestamp(r.occurredAt)
        && (r.valueDate === undefined || (typeof r.valueDate === 'string' && VALUE_DATE.test(r.valueDate)))
        && isMoney(r.amount) && isCurrencyCode(r.currency) && (r.balanceAfter === undefined || isMoney(r.balanceAfter))
        && isOptionalText(r.counterparty) && isOptionalText(r.counterpartyAccount) && isOptionalText(r.reference)
        && isText(r.memo, 2000) && isSource(r.source)
    }
    case 'invoice':
      return checkInvoice(item.record)
  }
}

export type Verdict = { ok: true } | { ok: false; column: string; reason: string }

const OK: Verdict = { ok: true }

/** The record's verdict: the fast check, then zod for the message (or when the fast check is unsure). */
export function validateRecord(item: CanonicalRecord): Verdict {
  if (checkRecord(item)) return OK
  const result = RECORD_SCHEMAS[item.kind].safeParse(item.record)
  if (result.success) return OK
  const issue = result.error.issues[0]
  return { ok: false, column: issue ? issue.path.join('.') : '', reason: `invalid ${item.kind}: ${issue ? issue.message : 'schema mismatch'}` }
}
