import type { InValue, Transaction } from '@libsql/client'
import type { AuditEntry } from '../ledger/audit.ts'
import type { Check } from '../imports/types.ts'
import { INVOICE_TABLE } from './table.ts'

/**
 * Status updates of stored invoices (issue #17): the 发票查询统计 list export is
 * downloaded again and again, and a later one shows an invoice 已红冲 / 部分红冲 /
 * 作废, or an input invoice 已勾选 / 已认证. The invoice's number is its key, so the
 * row is a duplicate for the import; its status and certification move forward
 * here, in the import's transaction, each change audited (`invoice.status`) and
 * counted in a check of the import result — never silently. They only move
 * forward (正常 -> 部分红冲 -> 已红冲 / 作废; 未勾选 -> 已勾选 -> 已认证): an older
 * export read after a newer one changes nothing. Money, parties and dates of a
 * stored invoice are never changed by a re-export.
 */

export interface InvoiceStatusChange {
  readonly invoiceNo: string
  readonly oldStatus: string
  readonly newStatus: string
  readonly oldStatusRaw: string
  readonly newStatusRaw: string
  readonly oldCertification: string | null
  readonly newCertification: string | null
}

const STATUS_RANK = (alias: string) => `CASE ${alias}.status WHEN 'normal' THEN 0 WHEN 'partially_reversed' THEN 1 ELSE 2 END`
const CERT_RANK = (alias: string) => `CASE ${alias}.certification WHEN 'certified' THEN 2 WHEN 'selected' THEN 1 ELSE 0 END`
const STAGE = 'invoice_status_stage'

/** Called by the import loader when some rows of a chunk were stored already (ON CONFLICT skipped them). */
export async function applyInvoiceStatusUpdates(tx: Transaction, args: InValue[], rows: number, insert: (table: string, columns: ReadonlyArray<string>, rows: number) => string): Promise<InvoiceStatusChange[]> {
  const columns = INVOICE_TABLE.columns.map((column) => `"${column}"`).join(',')
  await tx.execute(`CREATE TEMP TABLE IF NOT EXISTS ${STAGE} AS SELECT ${columns} FROM invoices WHERE 0`)
  await tx.execute(`DELETE FROM temp.${STAGE}`)
  await tx.execute({ sql: insert(`temp.${STAGE}`, INVOICE_TABLE.columns, rows), args })
  const forward = `i.company_id = s.company_id AND i.invoice_no = s.invoice_no AND i.batch_id <> s.batch_id
    AND (${STATUS_RANK('s')} > ${STATUS_RANK('i')} OR ${CERT_RANK('s')} > ${CERT_RANK('i')})`
  const found = await tx.execute(`SELECT i.invoice_no, i.status AS old_status, s.status AS new_status, i.status_raw AS old_raw, s.status_raw AS new_raw, i.certification AS old_cert, s.certification AS new_cert
    FROM temp.${STAGE} s JOIN invoices i ON ${forward} ORDER BY i.invoice_no`)
  const changes = found.rows.map((row): InvoiceStatusChange => {
    const statusMoves = rank(String(row.new_status)) > rank(String(row.old_status))
    const certMoves = certRank(row.new_cert) > certRank(row.old_cert)
    return {
      invoiceNo: String(row.invoice_no),
      oldStatus: String(row.old_status), newStatus: statusMoves ? String(row.new_status) : String(row.old_status),
      oldStatusRaw: String(row.old_raw), newStatusRaw: statusMoves ? String(row.new_raw) : String(row.old_raw),
      oldCertification: row.old_cert === null ? null : String(row.old_cert), newCertification: certMoves ? String(row.new_cert) : row.old_cert === null ? null : String(row.old_cert),
    }
  })
  if (changes.length > 0) {
    await tx.execute(`UPDATE invoices AS i SET
        status = CASE WHEN ${STATUS_RANK('s')} > ${STATUS_RANK('i')} THEN s.status ELSE i.status END,
        status_raw = CASE WHEN ${STATUS_RANK('s')} > ${STATUS_RANK('i')} THEN s.status_raw ELSE i.status_raw END,
        certification = CASE WHEN ${CERT_RANK('s')} > ${CERT_RANK('i')} THEN s.certification ELSE i.certification END
      FROM temp.${STAGE} s WHERE ${forward}`)
  }
  await tx.execute(`DELETE FROM temp.${STAGE}`)
  return changes
}

function rank(status: string): number {
  return status === 'normal' ? 0 : status === 'partially_reversed' ? 1 : 2
}

function certRank(value: unknown): number {
  return value === 'certified' ? 2 : value === 'selected' ? 1 : 0
}

export async function dropInvoiceStatusStage(tx: Transaction): Promise<void> {
  await tx.execute(`DROP TABLE IF EXISTS temp.${STAGE}`)
}

/** The audit entries (one per invoice) and the import check for the changes of one import. */
export function invoiceStatusReport(changes: ReadonlyArray<InvoiceStatusChange>, context: { at: string; companyId: number; actorId: number | null; batchId: number; file: string }): { audit: AuditEntry[]; check: Check | null } {
  if (changes.length === 0) return { audit: [], check: null }
  const audit = changes.map((change): AuditEntry => ({
    at: context.at, companyId: context.companyId, actorId: context.actorId, action: 'invoice.status', entity: 'invoice', entityId: change.invoiceNo,
    payload: { batchId: context.batchId, file: context.file, from: { status: change.oldStatus, statusRaw: change.oldStatusRaw, certification: change.oldCertification }, to: { status: change.newStatus, statusRaw: change.newStatusRaw, certification: change.newCertification } },
  }))
  const shown = changes.slice(0, 10).map((change) => `${change.invoiceNo} ${change.oldStatusRaw}${change.oldCertification ? `/${change.oldCertification}` : ''} -> ${change.newStatusRaw}${change.newCertification ? `/${change.newCertification}` : ''}`).join('; ')
  return {
    audit,
    check: {
      level: 'warning', code: 'INVOICE_STATUS_UPDATED',
      message: `${changes.length} 张已导入发票的状态已按本文件更新（已记入审计日志）/ ${changes.length} stored invoice(s) changed status from this file (audited): ${shown}${changes.length > 10 ? `; … ${changes.length - 10} more` : ''}`,
    },
  }
}

/**
 * SQL condition: the invoice counts (reports, input VAT). 作废 does not; a blue invoice
 * shown 已红冲 does not when its red invoice is not imported (with the red one present,
 * blue + red net to nothing by themselves). `table` is the alias of `invoices` in the query.
 */
export function invoiceCounts(table: string): string {
  return `${table}.status <> 'cancelled' AND NOT (${table}.status = 'reversed' AND ${table}.is_red = 0 AND NOT EXISTS (SELECT 1 FROM invoices red WHERE red.company_id = ${table}.company_id AND red.original_invoice_no = ${table}.invoice_no AND red.is_red = 1 AND red.status <> 'cancelled'))`
}
