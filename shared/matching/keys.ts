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
    if (!plain(code)) return normalizeArmoured(raw)
    if (prefixed && index >= 5 && (code < 48 || code > 57)) prefixed = false
  }
  return prefixed ? raw.slice(5) : raw
}

/** A character the fast path keeps as it is: letters, digits, '-', '_', '.', '/', ':'. */
function plain(code: number): boolean {
  return (code >= 48 && code <= 58) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 45 || code === 95 || code === 46 || code === 47
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

const FNV_OFFSET = 0x811c9dc5 | 0
const FNV_PRIME = 0x01000193
const EMPTY_HASH = FNV_OFFSET ^ (FNV_OFFSET >>> 16)

/** 32-bit FNV-1a over the UTF-16 code units, high bits folded into the low ones (the table masks low bits). */
export function hashKey(key: string): number {
  let hash = FNV_OFFSET
  for (let index = 0; index < key.length; index += 1) hash = Math.imul(hash ^ key.charCodeAt(index), FNV_PRIME)
  return hash ^ (hash >>> 16)
}

/**
 * Normalised key -> slot number, for the order-level hash join. Open addressing with
 * linear probing in one Int32Array sized for the expected keys up front (no rehash
 * while indexing, no entry object, ~8 bytes per key), and the key's hash computed in
 * the same pass over the characters that normalises it (`normalize`). On 1M order
 * numbers x 1.5M references this is about half the CPU of a Map<string, number>.
 *
 * Slots are the caller's numbers (0 .. 2^31-2); `keys[slot]` is the key stored with a
 * slot. A key is in the table at most once: `add` of a present key returns the slot
 * it already has (the caller decides about duplicates).
 */
export class KeyIndex {
  /** Key of each slot given to `add` ('' for slots never added). Filled up to `expected`, so appending slots keeps it dense. */
  readonly keys: string[]
  private table: Int32Array
  private mask: number
  private count = 0
  private lastKey = ''
  private lastHash = EMPTY_HASH

  constructor(expected: number) {
    let capacity = 16
    while (capacity < expected * 2) capacity *= 2
    this.table = new Int32Array(capacity)
    this.mask = capacity - 1
    this.keys = new Array<string>(expected).fill('')
  }

  get size(): number {
    return this.count
  }

  /** normalizeKey(raw), hashing the result on the way: a get/add of the returned key right after does not hash again. */
  normalize(raw: string | undefined): string {
    if (raw === undefined || raw.length === 0) return this.remember('', EMPTY_HASH)
    const length = raw.length
    let prefixed = length > 5 && raw.charCodeAt(0) === 84 /* T */ && raw.startsWith('T200P')
    let hash = FNV_OFFSET
    let tail = FNV_OFFSET
    for (let index = 0; index < length; index += 1) {
      const code = raw.charCodeAt(index)
      if (!plain(code)) {
        const key = normalizeArmoured(raw)
        return this.remember(key, hashKey(key))
      }
      hash = Math.imul(hash ^ code, FNV_PRIME)
      if (prefixed && index >= 5) {
        if (code < 48 || code > 57) prefixed = false
        else tail = Math.imul(tail ^ code, FNV_PRIME)
      }
    }
    return prefixed ? this.remember(raw.slice(5), tail ^ (tail >>> 16)) : this.remember(raw, hash ^ (hash >>> 16))
  }

  /** Slot of `key`, or -1. */
  get(key: string): number {
    const table = this.table
    const mask = this.mask
    const keys = this.keys
    let at = this.hashOf(key) & mask
    for (;;) {
      const entry = table[at] as number
      if (entry === 0) return -1
      if (keys[entry - 1] === key) return entry - 1
      at = (at + 1) & mask
    }
  }

  has(key: string): boolean {
    return this.get(key) >= 0
  }

  /** Stores `key` as the key of `slot` (each slot once); maps key -> slot unless the key is present already. Returns the slot the key had before, else -1. */
  add(key: string, slot: number): number {
    if ((this.count + 1) * 2 > this.table.length) this.grow()
    const table = this.table
    const mask = this.mask
    const keys = this.keys
    keys[slot] = key
    let at = this.hashOf(key) & mask
    for (;;) {
      const entry = table[at] as number
      if (entry === 0) {
        table[at] = slot + 1
        this.count += 1
        return -1
      }
      if (keys[entry - 1] === key) return entry - 1
      at = (at + 1) & mask
    }
  }

  private remember(key: string, hash: number): string {
    this.lastKey = key
    this.lastHash = hash
    return key
  }

  private hashOf(key: string): number {
    return key === this.lastKey ? this.lastHash : hashKey(key)
  }

  private grow(): void {
    const old = this.table
    const capacity = old.length * 2
    const table = new Int32Array(capacity)
    const mask = capacity - 1
    for (let index = 0; index < old.length; index += 1) {
      const entry = old[index] as number
      if (entry === 0) continue
      let at = hashKey(this.keys[entry - 1] as string) & mask
      while (table[at] !== 0) at = (at + 1) & mask
      table[at] = entry
    }
    this.table = table
    this.mask = mask
  }
}
