import type { InValue, Transaction } from '@libsql/client'
import type { VoucherStatus } from '../../../shared/voucher.ts'
import { jsonArgument } from '../../db/connection.ts'
import type { AuditEntry } from '../audit.ts'

/** [id, period, word, number, total, linesHash] of a written voucher, as the batch audit entry lists it */
export type VoucherAudit = [id: number, period: string, word: string, number: number | null, total: string, linesHash: string]

/**
 * One audit entry per voucher for small writes; one entry per write for bulk
 * posting (listing every voucher with its lines hash), so a 5,000-voucher run
 * adds one link to the chain, not 5,000. verify reads both shapes.
 */
export function auditEntries(audits: ReadonlyArray<VoucherAudit>, sourceCounts: ReadonlyArray<number>, meta: { at: string; companyId: number; actorId: number | null; status: VoucherStatus; selfApproved: boolean; sourceKind: string; each: boolean }): AuditEntry[] {
  const action = meta.status === 'posted' ? 'voucher.post' : 'voucher.create'
  const selfApproved = meta.selfApproved ? true : undefined
  if (audits.length <= 10 || meta.each) {
    return audits.map(([id, period, word, number, total, linesHash], index) => ({
      at: meta.at, companyId: meta.companyId, actorId: meta.actorId, action, entity: 'voucher', entityId: String(id),
      payload: { status: meta.status, period, word, number, total, linesHash, sources: sourceCounts[index] || undefined, selfApproved },
    }))
  }
  const first = audits[0]?.[0] ?? 0
  const last = audits[audits.length - 1]?.[0] ?? 0
  // Keys in sorted order and only primitives in the rows: JSON.stringify gives
  // exactly canonicalJson(payload) without walking 5,000 rows to sort keys.
  const payload = { count: audits.length, selfApproved, sourceKind: meta.sourceKind, status: meta.status, vouchers: audits }
  return [{ at: meta.at, companyId: meta.companyId, actorId: meta.actorId, action: `${action}.batch`, entity: 'voucher', entityId: `${first}-${last}`, payload, payloadJson: JSON.stringify(payload) }]
}

/** What is the same for every voucher of one write (bound once per statement). */
export interface VoucherWrite {
  readonly companyId: number
  readonly status: VoucherStatus
  readonly at: string
  readonly maker: number
  readonly approver: number | null
  readonly poster: number | null
  readonly sourceKind: string
  readonly baseCurrency: string
}

/**
 * Consecutive vouchers of one period and word with consecutive ids (a posting
 * day is one group), inserted with three statements. Each row is JSON handed to
 * json_each, where SQLite's cost is mostly one `->>` per column and row (~0.5 µs
 * each). So ids and numbers come from the array position (`?base + key`), line
 * numbers from the position of the line in its voucher; period, word, company,
 * status, actors and times are bound once; lines and sources are nested per
 * voucher; a line carries currency and rate only when it is not in the base
 * currency. Voucher lines take 6 extractions instead of 12 (8 in a group with
 * foreign-currency lines), vouchers 5 instead of 18, sources none instead of 4.
 * bigints travel as decimal strings (CAST back), so JSON.stringify needs no replacer.
 */
export interface WriteGroup {
  readonly firstId: number
  readonly period: string
  readonly word: string
  /** number of the first voucher when posting (the rest follow), else null */
  readonly firstNumber: number | null
  readonly vouchers: InValue[][]
  readonly lineRows: InValue[][][]
  readonly sources: Array<Record<string, string[]>>
  sourceCount: number
  lines: number
  foreign: boolean
}

export const GROUP_VOUCHERS = 5000
export const GROUP_LINES = 20_000

export function newGroup(firstId: number, period: string, word: string, firstNumber: number | null): WriteGroup {
  return { firstId, period, word, firstNumber, vouchers: [], lineRows: [], sources: [], sourceCount: 0, lines: 0, foreign: false }
}

const INSERT_VOUCHERS = `INSERT INTO vouchers (id, company_id, period, word, number, date, status, summary, total_minor, maker_id, approver_id, approved_at, poster_id, posted_at, idempotency_key, input_hash, source_kind, created_at, attachments)
  SELECT ?2 + key, ?3, ?4, ?5, ?6 + key, value->>0, ?7, value->>1, CAST(value->>2 AS INTEGER), ?8, ?9, ?10, ?11, ?12, value->>3, value->>4, ?13, ?14, COALESCE(CAST(value->>5 AS INTEGER), 0) FROM json_each(?1)`
const LINE_COLUMNS = 'INSERT INTO voucher_lines (voucher_id, line_no, company_id, period, account_code, store, currency, side, amount_minor, original_minor, rate, summary)'
/** lines of a group all in the base currency (?5) */
const INSERT_BASE_LINES = `${LINE_COLUMNS}
  SELECT ?2 + v.key, l.key + 1, ?3, ?4, l.value->>0, l.value->>1, ?5, l.value->>2, CAST(l.value->>3 AS INTEGER), CAST(l.value->>4 AS INTEGER), NULL, l.value->>5 FROM json_each(?1) AS v, json_each(v.value) AS l`
/** lines of a group with foreign-currency lines, which carry [6] currency and [7] rate */
const INSERT_LINES = `${LINE_COLUMNS}
  SELECT ?2 + v.key, l.key + 1, ?3, ?4, l.value->>0, l.value->>1, COALESCE(l.value->>6, ?5), l.value->>2, CAST(l.value->>3 AS INTEGER), CAST(l.value->>4 AS INTEGER), l.value->>7, l.value->>5 FROM json_each(?1) AS v, json_each(v.value) AS l`
/** sources of a voucher as `{ kind: [id, ...] }`: kind and id come out of json_each with no `->>` */
const INSERT_SOURCES = `INSERT INTO voucher_sources (voucher_id, company_id, source_kind, source_id)
  SELECT ?2 + v.key, ?3, k.key, s.value FROM json_each(?1) AS v, json_each(v.value) AS k, json_each(k.value) AS s`

export async function insertGroup(tx: Transaction, write: VoucherWrite, group: WriteGroup): Promise<void> {
  const { companyId, status, at } = write
  await tx.execute({ sql: INSERT_VOUCHERS, args: [jsonArgument(group.vouchers), group.firstId, companyId, group.period, group.word, group.firstNumber, status, write.maker, write.approver, status === 'draft' ? null : at, write.poster, status === 'posted' ? at : null, write.sourceKind, at] })
  await tx.execute({ sql: group.foreign ? INSERT_LINES : INSERT_BASE_LINES, args: [jsonArgument(group.lineRows), group.firstId, companyId, group.period, write.baseCurrency] })
  if (group.sourceCount > 0) await tx.execute({ sql: INSERT_SOURCES, args: [jsonArgument(group.sources), group.firstId, companyId] })
}
