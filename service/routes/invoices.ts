import { attachRequest, attachResponse, inputStatusResponse, invoiceDecisionResponse, invoiceExceptionsQuery, invoiceExceptionsResponse, invoiceFeesResponse, invoiceMatchRequest, invoiceMatchResponse, invoiceReasonRequest, invoiceRequestRequest, invoiceRequestResponse, invoiceResponse, invoiceSettingsRequest, invoiceSettingsResponse, invoicesQuery, invoicesResponse, periodQuery } from '../../shared/api/invoices.ts'
import { z } from 'zod'
import { LedgerError } from '../../shared/errors.ts'
import { invoiceToJson } from '../../shared/invoices/record.ts'
import { formatAmount, minor } from '../../shared/money.ts'
import { attachInvoiceFile, listAttachments } from '../invoices/attachments.ts'
import { addInvoiceRequest, decideInvoiceException, invoiceLinks, listInvoiceExceptions, runInvoiceMatching } from '../invoices/match.ts'
import { getInvoice, listInvoices } from '../invoices/query.ts'
import { inputInvoicesByStatus } from '../invoices/report.ts'
import { matchFeeInvoices } from '../invoices/fees.ts'
import { companyTaxId, updateInvoiceSettings } from '../invoices/settings.ts'
import { type AppDeps, companyOf, routeGroup } from './kit.ts'

const yuan = (value: bigint): string => formatAmount(minor(value), 'CNY')
const id = (text: string) => z.coerce.number().int().positive().parse(text)

/** 发票 (issue #17): invoices are imported through POST /imports; these read, match, attach and configure. Money as decimal strings. */
export function invoiceRoutes(deps: AppDeps) {
  return routeGroup('invoices', deps)
    .route({ method: 'get', path: '/companies/:company/invoices', summary: 'Imported invoices (direction output = 销项, input = 进项, by the company tax id)', permission: 'import.read', query: invoicesQuery, response: invoicesResponse }, async ({ c, json, access, query }) => {
      const company = companyOf(access)
      const { taxId } = await companyTaxId(deps.context, company)
      if (query.direction && taxId === null) throw new LedgerError('VALIDATION', '尚无发票，或发票设置中未填写本公司纳税人识别号 / no invoices yet, or no company tax id in the invoice settings')
      const list = await listInvoices(deps.context.db, company.id, {
        ...(query.period ? { period: query.period } : {}), ...(query.limit ? { limit: query.limit } : {}), ...(query.offset ? { offset: query.offset } : {}),
        ...(query.direction === 'output' && taxId ? { sellerTaxId: taxId } : {}), ...(query.direction === 'input' && taxId ? { buyerTaxId: taxId } : {}),
      })
      return json({ invoices: list.map(invoiceToJson) }, 200)
    })
    .route({ method: 'get', path: '/companies/:company/invoices/:invoiceNo', summary: 'One invoice with the orders it is linked to and its attachments', permission: 'import.read', response: invoiceResponse }, async ({ c, json, access, param }) => {
      const company = companyOf(access)
      const invoiceNo = param('invoiceNo')
      const invoice = await getInvoice(deps.context.db, company.id, invoiceNo)
      const links = await invoiceLinks(deps.context, company.id, { invoiceNo })
      return json({ invoice: invoiceToJson(invoice), orders: links.map((link) => ({ ...link, amount: yuan(link.amount) })), attachments: await listAttachments(deps.context, company.id, invoiceNo) }, 200)
    })
    .route({ method: 'post', path: '/companies/:company/invoices/match', summary: 'Match output invoices to orders; counts of links and exceptions', permission: 'match.run', body: invoiceMatchRequest, response: invoiceMatchResponse }, async ({ c, json, access }) => {
      return json({ run: await runInvoiceMatching(deps.context, access.actor, companyOf(access).id) }, 200)
    })
    .route({ method: 'post', path: '/companies/:company/invoices/:invoiceNo/attachments', summary: 'Keep the invoice PDF/OFD (base64) with the invoice', permission: 'import.create', body: attachRequest, response: attachResponse }, async ({ c, json, access, body, param }) => {
      const result = await attachInvoiceFile(deps.context, access.actor, companyOf(access).id, param('invoiceNo'), { name: body.fileName, bytes: new Uint8Array(Buffer.from(body.contentBase64, 'base64')) })
      return json(result, result.added ? 201 : 200)
    })
    .route({ method: 'get', path: '/companies/:company/invoice-exceptions', summary: 'Invoice exceptions (INVOICE_WITHOUT_ORDER, ORDER_NOT_INVOICED, INVOICE_AMOUNT_MISMATCH)', permission: 'exceptions.read', query: invoiceExceptionsQuery, response: invoiceExceptionsResponse }, async ({ c, json, access, query }) => {
      const list = await listInvoiceExceptions(deps.context, companyOf(access).id, query)
      return json({ exceptions: list.map((each) => ({ ...each, expected: yuan(each.expected), invoiced: yuan(each.invoiced) })) }, 200)
    })
    .route({ method: 'post', path: '/companies/:company/invoice-exceptions/:id/resolve', summary: 'Resolve an invoice exception (reason required)', permission: 'exceptions.decide', body: invoiceReasonRequest, response: invoiceDecisionResponse }, async ({ c, json, access, body, param }) => {
      await decideInvoiceException(deps.context, access.actor, companyOf(access).id, id(param('id')), 'resolved', body.reason)
      return json({ ok: true }, 200)
    })
    .route({ method: 'post', path: '/companies/:company/invoice-exceptions/:id/ignore', summary: 'Ignore an invoice exception (reason required)', permission: 'exceptions.decide', body: invoiceReasonRequest, response: invoiceDecisionResponse }, async ({ c, json, access, body, param }) => {
      await decideInvoiceException(deps.context, access.actor, companyOf(access).id, id(param('id')), 'ignored', body.reason)
      return json({ ok: true }, 200)
    })
    .route({ method: 'post', path: '/companies/:company/invoice-requests', summary: 'The buyer of an order asked for an invoice (title, tax id of a 企业 buyer)', permission: 'match.run', body: invoiceRequestRequest, response: invoiceRequestResponse }, async ({ c, json, access, body }) => {
      await addInvoiceRequest(deps.context, access.actor, companyOf(access).id, { channel: body.channel, orderNo: body.orderNo, title: body.title, ...(body.buyerTaxId ? { buyerTaxId: body.buyerTaxId } : {}) })
      return json({ ok: true }, 201)
    })
    .route({ method: 'get', path: '/companies/:company/invoices-input-status', summary: '进项发票 by 勾选/认证 status, with the input VAT deductible under the inputVatOn setting', permission: 'reports.read', query: periodQuery, response: inputStatusResponse }, async ({ c, json, access, query }) => {
      const result = await inputInvoicesByStatus(deps.context, companyOf(access).id, query.period)
      return json({ ...result, rows: result.rows.map((row) => ({ ...row, amount: yuan(row.amount), tax: yuan(row.tax), deductibleTax: yuan(row.deductibleTax) })) }, 200)
    })
    .route({ method: 'get', path: '/companies/:company/invoice-fees', summary: 'Input invoices for platform fees matched to the fee settlement lines (platform, month, amount); unmatched ones with why (zh, en)', permission: 'reports.read', query: periodQuery, response: invoiceFeesResponse }, async ({ c, json, access, query }) => {
      const result = await matchFeeInvoices(deps.context, companyOf(access), query.period ? { period: query.period } : {})
      return json({
        matched: result.matched.map((each) => ({ ...each, total: yuan(each.total), tax: yuan(each.tax), stores: each.stores.map((store) => ({ ...store, fee: yuan(store.fee) })) })),
        unmatched: result.unmatched.map((each) => ({ ...each, total: yuan(each.total) })),
      }, 200)
    })
    .route({ method: 'put', path: '/companies/:company/invoice-settings', summary: 'Invoice settings: taxId, inputVatOn (receipt|certification), windowDays', permission: 'company.settings', body: invoiceSettingsRequest, response: invoiceSettingsResponse }, async ({ c, json, access, body }) => {
      return json({ settings: await updateInvoiceSettings(deps.context, access.actor, companyOf(access).id, body) }, 200)
    })
}
