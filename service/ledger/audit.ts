import type { Client, Transaction } from '@libsql/client'
import { canonicalJson } from '../../shared/voucher.ts'
import { multiRowInsert } from '../db/connection.ts'
import { sha256Hex } from '../../shared/sha256.ts'

export const GENESIS_HASH = '0'.repeat(64)

export interface AuditEntry {
  readonly at: string
  readonly companyId: number | null
  readonly actorId: number | null
  readonly action: string
  readonly entity: string
  readonly entityId: string
  readonly payload: unknown
  /** canonicalJson(payload), when the caller built it more cheaply (bulk posting) */
  readonly payloadJson?: string
}

export function chainHash(previous: string, entry: Omit<AuditEntry, 'payload'> & { payloadJson: string }): string {
  const text = [previous, entry.at, entry.companyId ?? '', entry.actorId ?? '', entry.action, entry.entity, entry.entityId, entry.payloadJson].join('\n')
  return sha256Hex(text)
}

/**
 * Appends entries to the hash-chained audit log inside the caller's write
 * transaction (so the chain head read here cannot move under us).
 */
export async function appendAudit(tx: Transaction, entries: ReadonlyArray<AuditEntry>): Promise<void> {
  if (entries.length === 0) return
  const head = await tx.execute('SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1')
  let previous = head.rows.length ? String(head.rows[0]?.hash) : GENESIS_HASH
  const rows = entries.map((entry) => {
    const payloadJson = entry.payloadJson ?? canonicalJson(entry.payload)
    const hash = chainHash(previous, { ...entry, payloadJson })
    const row = [entry.at, entry.companyId, entry.actorId, entry.action, entry.entity, entry.entityId, payloadJson, previous, hash]
    previous = hash
    return row
  })
  for (const statement of multiRowInsert('INSERT INTO audit_log (at, company_id, actor_id, action, entity, entity_id, payload_json, prev_hash, hash) VALUES', 9, rows)) {
    await tx.execute(statement)
  }
}

export interface ChainBreak {
  readonly id: number
  readonly reason: string
}

/** Recomputes the whole chain; returns the first break, if any. */
export async function verifyAuditChain(client: Client): Promise<{ entries: number; breaks: ChainBreak[] }> {
  const breaks: ChainBreak[] = []
  let previous = GENESIS_HASH
  let entries = 0
  let lastId = 0
  for (;;) {
    const page = await client.execute({ sql: 'SELECT id, at, company_id, actor_id, action, entity, entity_id, payload_json, prev_hash, hash FROM audit_log WHERE id > ? ORDER BY id LIMIT 5000', args: [lastId] })
    if (page.rows.length === 0) break
    for (const row of page.rows) {
      entries += 1
      const id = Number(row.id)
      lastId = id
      if (String(row.prev_hash) !== previous) breaks.push({ id, reason: `audit entry ${id} does not point at the previous entry's hash` })
      const expected = chainHash(String(row.prev_hash), {
        at: String(row.at), companyId: row.company_id === null ? null : Number(row.company_id), actorId: row.actor_id === null ? null : Number(row.actor_id),
        action: String(row.action), entity: String(row.entity), entityId: String(row.entity_id), payloadJson: String(row.payload_json),
      })
      if (expected !== String(row.hash)) breaks.push({ id, reason: `audit entry ${id} was altered (hash mismatch)` })
      previous = String(row.hash)
      if (breaks.length >= 20) return { entries, breaks }
    }
  }
  return { entries, breaks }
}

/** One audit entry as the audit log lists it (GET /companies/:company/audit). */
export interface ListedAuditEntry {
  readonly id: number
  readonly at: string
  readonly actorId: number | null
  readonly action: string
  readonly entity: string
  readonly entityId: string
  readonly payload: unknown
  readonly hash: string
}

/** The company's audit log, newest first. */
export async function listAuditEntries(client: Client, companyId: number, limit = 100): Promise<ListedAuditEntry[]> {
  const result = await client.execute({ sql: 'SELECT id, at, actor_id, action, entity, entity_id, payload_json, hash FROM audit_log WHERE company_id = ? ORDER BY id DESC LIMIT ?', args: [companyId, limit] })
  return result.rows.map((row) => ({
    id: Number(row.id), at: String(row.at), actorId: row.actor_id === null ? null : Number(row.actor_id), action: String(row.action), entity: String(row.entity),
    entityId: String(row.entity_id), payload: JSON.parse(String(row.payload_json)) as unknown, hash: String(row.hash),
  }))
}
