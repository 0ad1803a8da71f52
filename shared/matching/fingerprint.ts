import { type CanonicalRecord, naturalKey } from '../records.ts'
import type { Group, GroupResult } from './types.ts'

/** The key of a group within a company: level + anchor. One group, one result, one key. */
export function groupKey(group: Pick<Group, 'level' | 'anchor'>): string {
  return `${group.level}:${group.anchor}`
}

/** Natural keys of every record in a group, sorted, with the record kind. */
export function groupItems(group: Pick<Group, 'orders' | 'settlements' | 'bank'>): Array<{ kind: 'order' | 'settlementTxn' | 'bankTxn'; ref: string; amount: bigint; role: string; currency: string }> {
  const items: Array<{ kind: 'order' | 'settlementTxn' | 'bankTxn'; ref: string; amount: bigint; role: string; currency: string }> = []
  for (const record of group.orders) items.push({ kind: 'order', ref: naturalKey({ kind: 'order', record }), amount: record.gross, role: 'order', currency: record.currency })
  for (const record of group.settlements) items.push({ kind: 'settlementTxn', ref: naturalKey({ kind: 'settlementTxn', record }), amount: record.amount, role: record.kind, currency: record.currency })
  for (const record of group.bank) items.push({ kind: 'bankTxn', ref: naturalKey({ kind: 'bankTxn', record }), amount: record.amount, role: 'bank', currency: record.currency })
  items.sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0))
  return items
}

export function refOf(item: CanonicalRecord): string {
  return naturalKey(item)
}

/** FNV-1a, two 32-bit lanes -> 16 hex chars. Pure (runs in the add-in too); not cryptographic. */
export function hash64(text: string): string {
  let a = 0x811c9dc5
  let b = 0x01000193 ^ 0x5bd1e995
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index)
    a = Math.imul(a ^ code, 0x01000193) >>> 0
    b = Math.imul(b ^ code, 0x5bd1e995) >>> 0
    b = (b ^ (b >>> 13)) >>> 0
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0')
}

/**
 * Content fingerprint of a result: which records (and their amounts) and what was
 * decided. Persistence rewrites a stored row only when this changes; approvals are
 * bound to the content they approved.
 */
export function contentHash(result: GroupResult): string {
  return hash64(contentText(result))
}

/** The group part only (what records, which amounts): approvals bind to this. */
export function membersHash(group: Pick<Group, 'orders' | 'settlements' | 'bank'>): string {
  return hash64(groupItems(group).map((item) => `${item.ref}=${item.amount}`).join('|'))
}

function contentText(result: GroupResult): string {
  const members = groupItems(result).map((item) => `${item.ref}=${item.amount}`).join('|')
  const decided = result.outcome === 'match'
    ? `match|${result.rule}|${result.status}|${result.differenceAccount ?? ''}`
    : `exception|${result.type}|${result.status}|${result.rule}|${result.requiredRole ?? ''}`
  return `${members}#${decided}#${result.difference}#${result.channel}|${result.store}|${result.currency}|${result.date}`
}
