import { normalizeOrderRef } from '../records.ts'

/**
 * Key normalisation for matching (accounting.md "Matching and exceptions"):
 * strips Excel/CSV armour (`="…"`, backticks, quotes, tabs, spaces), the
 * Alipay `T200P` prefix (via normalizeOrderRef) and Shopify's leading `#`.
 * Taobao 支付单号 and the Alipay trade number are the same string after this,
 * and Amazon ids (`123-1234567-1234567`) pass through unchanged.
 * Sub-order -> order mapping needs the order lines and lives in the engine.
 *
 * @example normalizeKey('="T200P133899"') === '133899'
 * @example normalizeKey('#1001') === '1001'
 */
export function normalizeKey(raw: string | undefined): string {
  if (raw === undefined || raw.length === 0) return ''
  // Fast path, one pass: already clean (letters, digits, '-', '_', '.', '/', ':'), no leading '#' or '=';
  // a `T200P<digits>` reference loses its prefix exactly as normalizeOrderRef does.
  const length = raw.length
  let prefixed = length > 5 && raw.charCodeAt(0) === 84 /* T */ && raw.startsWith('T200P')
  for (let index = 0; index < length; index += 1) {
    const code = raw.charCodeAt(index)
    const ok = (code >= 48 && code <= 58) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 45 || code === 95 || code === 46 || code === 47
    if (!ok) return normalizeArmoured(raw)
    if (prefixed && index >= 5 && (code < 48 || code > 57)) prefixed = false
  }
  return prefixed ? raw.slice(5) : raw
}

function normalizeArmoured(raw: string): string {
  let text = raw.replace(/[\s`'"\u3000]/g, '')
  if (text.startsWith('=')) text = text.slice(1)
  if (text.startsWith('#')) text = text.slice(1)
  return normalizeOrderRef(text)
}

/** Buyer / counterparty names compare case-insensitively without spaces or masking stars. */
export function normalizeBuyer(raw: string | undefined): string {
  if (!raw) return ''
  return raw.replace(/[\s*]/g, '').toLowerCase()
}
