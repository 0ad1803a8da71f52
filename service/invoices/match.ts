import type { InValue, Transaction } from '@libsql/client'
import { LedgerError } from '../../shared/errors.ts'
import { type InvoiceException, type InvoiceLink, type InvoiceRequest, type MatchInvoice, type MatchOrder, matchInvoices } from '../../shared/invoices/matching.ts'
import { type Minor, minor } from '../../shared/money.ts'
import { appendAudit } from '../ledger/audit.ts'
import { getCompany } from '../ledger/company.ts'
import { type Actor, type LedgerContext, isoNow } from '../ledger/context.ts'
import { companyTaxId, invoiceSettings } from './settings.ts'
import * as q from './queries.ts'

/**
 * Runs output-invoice <-> order matching for a company (shared/invoices/matching.ts
 * decides) and stores the result in one transaction: automatic links are
 * replaced, manual ones kept; exceptions are upserted by key (a person's
 * decision stands), and the ones that no longer apply are cleared (live = 0,
 * resolved unless a person decided them).
 */

export interface InvoiceMatchCounts {
  taxId: string | null
  taxIdInferred: boolean
  invoices: number
  orders: number
  links: { remark: number; 'buyer-amount': number; red: number; manual: number }
  exceptions: Record<string, number>
  cleared: number
}

const big = (value: unknown): Minor => minor(typeof value === 'bigint' ? value : BigInt(String(value ?? 0)))

export async function runInvoiceMatching(context: LedgerContext, actor: Actor, companyId: number): Promise<InvoiceMatchCounts> {
  const company = await getCompany(context, companyId)
  const settings = invoiceSettings(company)
  const { taxId, inferred } = await companyTaxId(context, company)
  const client = context.db.client
  const invoiceRows = taxId === null ? [] : (await q.sellerInvoiceRows(client, companyId, taxId)).rows
  const invoices: MatchInvoice[] = invoiceRows.map((row) => ({
    invoiceNo: String(row.invoice_no), issuedAt: String(row.issued_at), buyerName: String(row.buyer_name), buyerTaxId: String(row.buyer_tax_id),
    total: big(row.total_minor), isRed: Number(row.is_red) === 1, status: String(row.status), remark: String(row.remark),
    ...(row.original_invoice_no === null ? {} : { originalInvoiceNo: String(row.original_invoice_no) }),
  }))
  const orders: MatchOrder[] = (await q.orderDueRows(client, companyId)).rows.map((row) => ({
    channel: String(row.channel), orderNo: String(row.order_no), store: String(row.store), createdAt: String(row.created_at),
    due: minor(big(row.gross_minor) - big(row.refunded_minor)), status: String(row.status),
    ...(row.buyer_ref === null ? {} : { buyerRef: String(row.buyer_ref) }),
  }))
  const requests: InvoiceRequest[] = (await q.invoiceRequestRows(context.db, companyId)).map((row) => ({
    channel: row.channel, orderNo: row.orderNo, title: row.title, ...(row.buyerTaxId === null ? {} : { buyerTaxId: row.buyerTaxId }),
  }))
  const manual: InvoiceLink[] = (await q.manualLinkRows(client, companyId)).rows.map((row) => ({
    invoiceNo: String(row.invoice_no), channel: String(row.channel), orderNo: String(row.order_no), amount: big(row.amount_minor), rule: 'manual', why: String(row.why),
  }))
  const result = matchInvoices({ orders, invoices, requests, manual, windowDays: settings.windowDays })
  const at = isoNow(context)
  const counts: InvoiceMatchCounts = { taxId, taxIdInferred: inferred, invoices: invoices.length, orders: orders.length, links: { remark: 0, 'buyer-amount': 0, red: 0, manual: 0 }, exceptions: {}, cleared: 0 }
  for (const each of result.links) counts.links[each.rule] += 1
  for (const each of result.exceptions) counts.exceptions[each.type] = (counts.exceptions[each.type] ?? 0) + 1
  await context.db.write(async (tx) => {
    await q.replaceAutomaticLinks(tx, companyId, result.links.filter((each) => each.rule !== 'manual').map((each): InValue[] => [companyId, each.invoiceNo, each.channel, each.orderNo, each.amount, each.rule, each.why, at]))
    counts.cleared = await storeExceptions(tx, companyId, result.exceptions, at)
    await appendAudit(tx, [{ at, companyId, actorId: actor.userId, action: 'invoice.match', entity: 'company', entityId: String(companyId), payload: { links: counts.links, exceptions: counts.exceptions, cleared: counts.cleared } }])
  })
  return counts
}

async function storeExceptions(tx: Transaction, companyId: number, exceptions: ReadonlyArray<InvoiceException>, at: string): Promise<number> {
  const existing = new Map((await q.invoiceExceptionStates(tx, companyId)).rows.map((row) => [String(row.key), { live: Number(row.live), decided: row.decided_by !== null }]))
  const rows = exceptions.map((each): InValue[] => [companyId, each.key, each.type, 'open', 1, each.period, each.invoiceNo ?? null, each.channel ?? null, each.orderNo ?? null, each.expected, each.invoiced, each.why, at, at])
  await q.upsertInvoiceExceptions(tx, rows)
  const produced = new Set(exceptions.map((each) => each.key))
  let cleared = 0
  for (const [key, state] of existing) {
    if (produced.has(key) || state.live === 0) continue
    await q.clearInvoiceException(tx, companyId, key, state.decided, at)
    cleared += 1
  }
  return cleared
}

/** Records that the buyer of an order asked for an invoice (title = 发票抬头; a tax id makes it a 企业 buyer). */
export async function addInvoiceRequest(context: LedgerContext, actor: Actor, companyId: number, request: InvoiceRequest): Promise<void> {
  if (request.orderNo.trim() === '') throw new LedgerError('VALIDATION', '缺少订单号 / order number is missing')
  const at = isoNow(context)
  await context.db.write(async (tx) => {
    await q.upsertInvoiceRequest(tx, companyId, { channel: request.channel, orderNo: request.orderNo, title: request.title, buyerTaxId: request.buyerTaxId ?? null }, at)
    await appendAudit(tx, [{ at, companyId, actorId: actor.userId, action: 'invoice.request', entity: 'order', entityId: `${request.channel}/${request.orderNo}`, payload: request }])
  })
}

export interface StoredInvoiceException {
  id: number
  key: string
  type: string
  status: string
  period: string
  invoiceNo: string | null
  channel: string | null
  orderNo: string | null
  expected: Minor
  invoiced: Minor
  why: string
}

export async function listInvoiceExceptions(context: LedgerContext, companyId: number, filter: { status?: string; type?: string } = {}): Promise<StoredInvoiceException[]> {
  const clauses = ['company_id = ?', 'live = 1']
  const args: InValue[] = [companyId]
  if (filter.status) { clauses.push('status = ?'); args.push(filter.status) }
  if (filter.type) { clauses.push('type = ?'); args.push(filter.type) }
  const result = await q.invoiceExceptionRows(context.db.client, clauses, args)
  return result.rows.map((row) => ({
    id: Number(row.id), key: String(row.key), type: String(row.type), status: String(row.status), period: String(row.period),
    invoiceNo: row.invoice_no === null ? null : String(row.invoice_no), channel: row.channel === null ? null : String(row.channel), orderNo: row.order_no === null ? null : String(row.order_no),
    expected: big(row.expected_minor), invoiced: big(row.invoiced_minor), why: String(row.why),
  }))
}

/** The orders an invoice is linked to, and the invoices of an order. */
export async function invoiceLinks(context: LedgerContext, companyId: number, by: { invoiceNo?: string; channel?: string; orderNo?: string }): Promise<InvoiceLink[]> {
  const clauses = ['company_id = ?']
  const args: InValue[] = [companyId]
  if (by.invoiceNo) { clauses.push('invoice_no = ?'); args.push(by.invoiceNo) }
  if (by.orderNo) { clauses.push('order_no = ?'); args.push(by.orderNo) }
  if (by.channel) { clauses.push('channel = ?'); args.push(by.channel) }
  const result = await q.invoiceLinkRows(context.db.client, clauses, args)
  return result.rows.map((row) => ({ invoiceNo: String(row.invoice_no), channel: String(row.channel), orderNo: String(row.order_no), amount: big(row.amount_minor), rule: String(row.rule) as InvoiceLink['rule'], why: String(row.why) }))
}

/** Resolves or ignores an invoice exception (audited); a re-run keeps the decision. */
export async function decideInvoiceException(context: LedgerContext, actor: Actor, companyId: number, id: number, status: 'resolved' | 'ignored', reason: string): Promise<void> {
  if (reason.trim() === '') throw new LedgerError('VALIDATION', '请填写原因 / a reason is required')
  const at = isoNow(context)
  await context.db.write(async (tx) => {
    if ((await q.decideInvoiceExceptionRow(tx, companyId, id, status, actor.userId, reason, at)) === 0) throw new LedgerError('NOT_FOUND', `找不到发票异常 ${id} / no invoice exception ${id}`)
    await appendAudit(tx, [{ at, companyId, actorId: actor.userId, action: `invoice.exception.${status}`, entity: 'invoice_exception', entityId: String(id), payload: { reason } }])
  })
}

/** Links an invoice to an order by hand (rule `manual`, kept by every re-run). */
export async function linkInvoiceOrder(context: LedgerContext, actor: Actor, companyId: number, link: { invoiceNo: string; channel: string; orderNo: string; amount: Minor; reason: string }): Promise<void> {
  const at = isoNow(context)
  await context.db.write(async (tx) => {
    if (!(await q.invoiceExists(tx, companyId, link.invoiceNo))) throw new LedgerError('NOT_FOUND', `找不到发票 ${link.invoiceNo} / no invoice ${link.invoiceNo}`)
    if (!(await q.orderExists(tx, companyId, link.channel, link.orderNo))) throw new LedgerError('NOT_FOUND', `找不到订单 ${link.channel}/${link.orderNo} / no order ${link.channel}/${link.orderNo}`)
    await q.upsertManualLink(tx, companyId, link, at)
    await appendAudit(tx, [{ at, companyId, actorId: actor.userId, action: 'invoice.link-order', entity: 'invoice', entityId: link.invoiceNo, payload: { channel: link.channel, orderNo: link.orderNo, amount: String(link.amount), reason: link.reason } }])
  })
}
