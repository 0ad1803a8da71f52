import { LedgerError } from '../../shared/errors.ts'
import { appendAudit } from '../ledger/audit.ts'
import { type Actor, type LedgerContext, isoNow } from '../ledger/context.ts'
import { findVoucherId, getVoucher } from '../ledger/vouchers.ts'
import { getInvoice } from './query.ts'
import { voucherAttachments } from './voucher-attachments.ts'
import { attachmentContentRow, attachmentIdRow, attachmentRows, insertAttachment, insertVoucherInvoice, voucherInvoiceNos } from './queries.ts'
import { sha256Hex } from '../../shared/sha256.ts'

/**
 * Files kept with an invoice (the PDF / OFD the platform issues; no OCR), and
 * invoice <-> voucher links: a voucher's 附件数 counts the invoices linked to it.
 */

export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024

/** The media type from the file's first bytes: PDF, OFD (a zip with OFD.xml), XML; anything else is refused. */
export function attachmentType(name: string, bytes: Uint8Array): string {
  const head = Buffer.from(bytes.subarray(0, 512)).toString('latin1')
  if (head.startsWith('%PDF-')) return 'application/pdf'
  if (head.startsWith('PK\u0003\u0004') && (/\.ofd$/i.test(name) || Buffer.from(bytes).includes('OFD.xml'))) return 'application/ofd'
  if (/^(\uFEFF|ï»¿)?\s*<\?xml|^\s*<EInvoice/.test(head)) return 'application/xml'
  throw new LedgerError('UNSUPPORTED_FORMAT', `${name}：不是 PDF、OFD 或 XML 发票文件 / not a PDF, OFD or XML invoice file`)
}

export interface AttachmentInfo {
  id: number
  fileName: string
  mediaType: string
  sha256: string
  size: number
}

export async function attachInvoiceFile(context: LedgerContext, actor: Actor, companyId: number, invoiceNo: string, file: { name: string; bytes: Uint8Array }): Promise<AttachmentInfo & { added: boolean }> {
  await getInvoice(context.db, companyId, invoiceNo)
  if (file.bytes.byteLength === 0) throw new LedgerError('VALIDATION', `${file.name}：文件为空 / the file is empty`)
  if (file.bytes.byteLength > MAX_ATTACHMENT_BYTES) throw new LedgerError('PAYLOAD_TOO_LARGE', `${file.name}：${file.bytes.byteLength} 字节，超过 ${MAX_ATTACHMENT_BYTES} 字节上限 / ${file.bytes.byteLength} bytes is over the ${MAX_ATTACHMENT_BYTES}-byte limit`)
  const mediaType = attachmentType(file.name, file.bytes)
  const sha256 = sha256Hex(file.bytes)
  const at = isoNow(context)
  return context.db.write(async (tx) => {
    const added = await insertAttachment(tx, { companyId, invoiceNo, fileName: file.name, mediaType, sha256, size: file.bytes.byteLength, contentBase64: Buffer.from(file.bytes).toString('base64'), createdAt: at })
    if (added) await appendAudit(tx, [{ at, companyId, actorId: actor.userId, action: 'invoice.attach', entity: 'invoice', entityId: invoiceNo, payload: { fileName: file.name, sha256, size: file.bytes.byteLength } }])
    const row = (await attachmentIdRow(tx, companyId, invoiceNo, sha256)).rows[0]
    return { id: Number(row?.id), fileName: file.name, mediaType, sha256, size: file.bytes.byteLength, added }
  })
}

export async function listAttachments(context: LedgerContext, companyId: number, invoiceNo: string): Promise<AttachmentInfo[]> {
  return (await attachmentRows(context.db, companyId, invoiceNo)).map((row) => ({ id: row.id, fileName: row.fileName, mediaType: row.mediaType, sha256: row.sha256, size: row.size }))
}

export async function attachmentContent(context: LedgerContext, companyId: number, id: number): Promise<{ fileName: string; mediaType: string; bytes: Uint8Array }> {
  const row = (await attachmentContentRow(context.db.client, companyId, id)).rows[0]
  if (!row) throw new LedgerError('NOT_FOUND', `找不到发票附件 ${id} / no invoice attachment ${id}`)
  return { fileName: String(row.file_name), mediaType: String(row.media_type), bytes: new Uint8Array(Buffer.from(String(row.content_base64), 'base64')) }
}

/** Links an invoice to a voucher (reference: id or 2026-10:记-3); the voucher's 附件数 then counts it. */
export async function linkVoucherInvoice(context: LedgerContext, actor: Actor, companyId: number, voucherReference: string, invoiceNo: string): Promise<{ voucherId: number; attachments: number }> {
  const voucherId = await findVoucherId(context, companyId, voucherReference)
  await getInvoice(context.db, companyId, invoiceNo)
  const at = isoNow(context)
  await context.db.write(async (tx) => {
    if ((await insertVoucherInvoice(tx, companyId, voucherId, invoiceNo, at)) > 0) await appendAudit(tx, [{ at, companyId, actorId: actor.userId, action: 'invoice.link-voucher', entity: 'voucher', entityId: String(voucherId), payload: { invoiceNo } }])
  })
  // 附件数: the voucher's stored attachments + its invoices
  return { voucherId, attachments: (await voucherAttachments(context, companyId, await getVoucher(context, companyId, voucherId))).count }
}

/** The invoices attached to a voucher (linked by hand, or the voucher's own invoice sources): its 附件数 is their count. */
export async function voucherInvoices(context: LedgerContext, companyId: number, voucherId: number): Promise<string[]> {
  const result = await voucherInvoiceNos(context.db.client, companyId, voucherId)
  return result.rows.map((row) => String(row.invoice_no))
}
