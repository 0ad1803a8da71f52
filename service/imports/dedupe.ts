import { type CanonicalRecord, RECORD_SCHEMAS, type RecordKind } from '../../shared/records.ts'

/**
 * In-file dedupe of the import pipeline (load.ts): a natural key per record as
 * two 32-bit hash lanes, an open-addressing table of key -> content hash, and
 * the rule for a key seen twice in one file.
 */

/**
 * Two 32-bit FNV-1a lanes over a string, into `out[0]`, `out[1]` (a 64-bit key
 * with no allocation). Collisions need ~2^32 distinct keys in one file.
 */
function keyLanes(text: string, out: Int32Array): void {
  let a = 0x811c9dc5
  let b = 0x01000193
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index)
    a = Math.imul(a ^ code, 16777619)
    b = Math.imul(b ^ code, 2246822519)
  }
  out[0] = a
  out[1] = b
}

/**
 * Open-addressing table of 64-bit key -> 64-bit content hash in typed arrays:
 * no per-entry objects, so a million-row file costs 32 MB of flat memory and no GC work.
 */
class KeyTable {
  private slots: Int32Array = new Int32Array(4 * 65_536)
  private used: Uint8Array = new Uint8Array(65_536)
  private size = 0

  /** The content stored for the key, or null (and stores `content` for it). */
  getOrSet(key0: number, key1: number, content0: number, content1: number): [number, number] | null {
    const mask = this.used.length - 1
    let slot = (key0 ^ Math.imul(key1, 0x9e3779b1)) & mask
    for (;;) {
      if (this.used[slot] === 0) {
        this.used[slot] = 1
        const base = slot * 4
        this.slots[base] = key0
        this.slots[base + 1] = key1
        this.slots[base + 2] = content0
        this.slots[base + 3] = content1
        this.size += 1
        if (this.size * 2 > this.used.length) this.grow()
        return null
      }
      const base = slot * 4
      if (this.slots[base] === key0 && this.slots[base + 1] === key1) return [this.slots[base + 2] ?? 0, this.slots[base + 3] ?? 0]
      slot = (slot + 1) & mask
    }
  }

  private grow(): void {
    const oldSlots = this.slots
    const oldUsed = this.used
    this.slots = new Int32Array(oldSlots.length * 2)
    this.used = new Uint8Array(oldUsed.length * 2)
    this.size = 0
    for (let slot = 0; slot < oldUsed.length; slot += 1) {
      if (oldUsed[slot] === 0) continue
      const base = slot * 4
      this.getOrSet(oldSlots[base] ?? 0, oldSlots[base + 1] ?? 0, oldSlots[base + 2] ?? 0, oldSlots[base + 3] ?? 0)
    }
  }
}

/** Content fields per kind (every schema field but `source`), in schema order. */
const CONTENT_FIELDS: { [K in RecordKind]: ReadonlyArray<string> } = {
  order: Object.keys(RECORD_SCHEMAS.order.shape).filter((name) => name !== 'source'),
  orderLine: Object.keys(RECORD_SCHEMAS.orderLine.shape).filter((name) => name !== 'source'),
  settlementTxn: Object.keys(RECORD_SCHEMAS.settlementTxn.shape).filter((name) => name !== 'source'),
  bankTxn: Object.keys(RECORD_SCHEMAS.bankTxn.shape).filter((name) => name !== 'source'),
  invoice: Object.keys(RECORD_SCHEMAS.invoice.shape).filter((name) => name !== 'source' && name !== 'items'),
}

/** Hash of a record's content (all fields but its source) into `out`, field by field without building a key string. */
function contentHash(item: CanonicalRecord, out: Int32Array): void {
  const record: Record<string, unknown> = item.record
  let a = 0x811c9dc5
  let b = 0x01000193
  for (const name of CONTENT_FIELDS[item.kind]) {
    const value = record[name]
    // A type tag per field (so '' / absent / 0n / '0' differ), then the value's text.
    const tag = value === undefined ? 1 : typeof value === 'string' ? 2 : typeof value === 'bigint' ? 3 : 4
    a = Math.imul(a ^ tag, 16777619)
    b = Math.imul(b ^ tag, 2246822519)
    if (value === undefined) continue
    const text = typeof value === 'string' ? value : String(value)
    for (let index = 0; index < text.length; index += 1) {
      const code = text.charCodeAt(index)
      a = Math.imul(a ^ code, 16777619)
      b = Math.imul(b ^ code, 2246822519)
    }
  }
  out[0] = a
  out[1] = b
}

function naturalKeyText(item: CanonicalRecord): string {
  switch (item.kind) {
    case 'order': return `o|${item.record.channel}|${item.record.orderNo}`
    case 'orderLine': return `l|${item.record.channel}|${item.record.orderNo}|${item.record.subOrderNo}`
    case 'settlementTxn': return `s|${item.record.channel}|${item.record.externalId}|${item.record.kind}`
    case 'bankTxn': return `b|${item.record.account}|${item.record.externalId}`
    case 'invoice': return `i|${item.record.invoiceNo}`
  }
}

/**
 * The same natural key twice in one file: identical content is a duplicate row;
 * different content (personal bills reuse ids across lines) gets `~2`, `~3`… so
 * nothing is lost and a re-import produces the same ids.
 */
export class InFileKeys {
  private readonly seen = new KeyTable()
  private readonly variants = new Map<string, string[]>()
  private readonly key = new Int32Array(2)
  private readonly content = new Int32Array(2)

  /** Returns the item to insert (maybe with a suffixed id) or null for an in-file duplicate. */
  admit(item: CanonicalRecord): CanonicalRecord | null {
    keyLanes(naturalKeyText(item), this.key)
    contentHash(item, this.content)
    const first = this.seen.getOrSet(this.key[0] ?? 0, this.key[1] ?? 0, this.content[0] ?? 0, this.content[1] ?? 0)
    if (first === null) return item
    if (first[0] === this.content[0] && first[1] === this.content[1]) return null
    if (item.kind === 'order' || item.kind === 'orderLine' || item.kind === 'invoice') return null
    const keyText = `${this.key[0]}:${this.key[1]}`
    const contentText = `${this.content[0]}:${this.content[1]}`
    const others = this.variants.get(keyText) ?? []
    if (others.includes(contentText)) return null
    others.push(contentText)
    this.variants.set(keyText, others)
    const suffix = `~${others.length + 1}`
    return item.kind === 'settlementTxn'
      ? { kind: 'settlementTxn', record: { ...item.record, externalId: `${item.record.externalId}${suffix}` } }
      : { kind: 'bankTxn', record: { ...item.record, externalId: `${item.record.externalId}${suffix}` } }
  }
}
