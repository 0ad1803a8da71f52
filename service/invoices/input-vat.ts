import { LedgerError } from '../../shared/errors.ts'
import { formatAmount, minor } from '../../shared/money.ts'
import { assertPeriod, lastDayOfPeriod } from '../../shared/period.ts'
import { getCompany } from '../ledger/company.ts'
import type { Actor, LedgerContext } from '../ledger/context.ts'
import { type WriteMode, writeVouchers } from '../ledger/vouchers.ts'
import { companyTaxId, invoiceSettings } from './settings.ts'
import { unpostedInputVatRows } from './queries.ts'
import { matchFeeInvoices, taxByStore } from './fees.ts'

/**
 * Input VAT (进项税额) from input invoices: the fee or purchase was booked at its
 * gross (platform commissions and promotion come out of the wallet incl. VAT), so
 * when an input invoice becomes deductible — on receipt, or on 勾选/认证 (setting
 * `inputVatOn`) — its tax moves out of that cost: Dr 2221.01.01 进项税额 / Cr the
 * cost account. The cost account follows the invoice: 推广 -> 推广费, 佣金 / 技术服务费 /
 * 服务费 -> 平台佣金, 运费 / 物流 / 快递 -> 运费, anything else (goods) -> 库存商品.
 * One voucher per invoice, dated the last day of `period`, source (invoice, no) so
 * it posts once; its 附件数 is 1 through that source link (voucher-attachments.ts counts
 * stored attachments + invoices, so the voucher stores none itself: no double count). Red input invoices
 * carry negative tax and so reverse the move.
 */

export interface InputVatResult {
  vouchers: Array<{ invoiceNo: string; voucherId: number; tax: string; account: string; fee?: { kind: string; month: string; rate: string; stores: string[] } }>
  skipped: number
  /** fee invoices whose input VAT the settlement posting books already (vat.feeTaxCodes): no voucher, or it would count twice */
  bookedBySettlement: Array<{ invoiceNo: string; taxCode: string }>
}

function costAccount(template: string, text: string): string {
  const selling = template === 'enterprise' ? '6601' : '5601'
  if (/推广|广告|直通车|巨量|多多搜索/.test(text)) return `${selling}.02`
  if (/运费|物流|快递|运输/.test(text)) return `${selling}.03`
  if (/佣金|技术服务费|服务费|软件服务/.test(text)) return `${selling}.01`
  return '1405'
}

export async function postInputVat(context: LedgerContext, actor: Actor, companyId: number, options: { period: string; mode?: WriteMode }): Promise<InputVatResult> {
  const period = assertPeriod(options.period)
  const company = await getCompany(context, companyId)
  const { taxId } = await companyTaxId(context, company)
  if (taxId === null) throw new LedgerError('VALIDATION', '尚无发票，或未设置本公司纳税人识别号（cledger invoice settings --tax-id）/ no invoices yet, or no company tax id (cledger invoice settings --tax-id)')
  const onReceipt = invoiceSettings(company).inputVatOn === 'receipt'
  const result = await unpostedInputVatRows(context.db.client, companyId, taxId, period)
  const date = lastDayOfPeriod(period)
  const requests: Array<{ input: unknown; sources: Array<{ kind: string; id: string }> }> = []
  const planned: Array<{ invoiceNo: string; tax: string; account: string; fee?: { kind: string; month: string; rate: string; stores: string[] } }> = []
  const bookedBySettlement: InputVatResult['bookedBySettlement'] = []
  // an input invoice matched to platform fee lines takes their stores and fee accounts (service/invoices/fees.ts)
  const fees = new Map((await matchFeeInvoices(context, company)).matched.map((match) => [match.invoiceNo, match]))
  let skipped = 0
  for (const row of result.rows) {
    if (!onReceipt && row.certification !== 'certified') {
      skipped += 1
      continue
    }
    const invoiceNo = String(row.invoice_no)
    const tax = formatAmount(minor(BigInt(String(row.tax_minor))), company.baseCurrency)
    const fee = fees.get(invoiceNo)
    if (fee?.bookedBySettlement) {
      bookedBySettlement.push({ invoiceNo, taxCode: fee.bookedBySettlement })
      continue
    }
    const account = fee ? fee.stores[0]?.account ?? '' : costAccount(company.chartTemplate, `${String(row.remark)} ${String(row.items_json)}`)
    const summary = (fee ? `进项税额 发票${invoiceNo} ${fee.kind === 'promotion' ? '推广费' : fee.kind === 'fee' ? '支付手续费' : '佣金'} ${fee.month} ${String(row.seller_name)}` : `进项税额 发票${invoiceNo} ${String(row.seller_name)}`).slice(0, 200)
    const credits = fee
      ? taxByStore(fee).filter((part) => part.tax !== 0n).map((part) => ({ account: part.account, ...(part.store ? { store: part.store } : {}), credit: formatAmount(part.tax, company.baseCurrency), summary }))
      : [{ account, credit: tax, summary }]
    requests.push({
      input: { date, word: '转', summary, idempotencyKey: `invoice-vat:${invoiceNo}`, lines: [{ account: '2221.01.01', debit: tax, summary }, ...credits] },
      sources: [{ kind: 'invoice', id: invoiceNo }],
    })
    planned.push({ invoiceNo, tax, account, ...(fee ? { fee: { kind: fee.kind, month: fee.month, rate: fee.taxRate, stores: fee.stores.map((each) => each.store) } } : {}) })
  }
  if (requests.length === 0) return { vouchers: [], skipped, bookedBySettlement }
  const written = await writeVouchers(context, actor, companyId, requests, { mode: options.mode ?? 'draft', sourceKind: 'invoice' })
  return { vouchers: written.map((voucher, index) => ({ invoiceNo: planned[index]?.invoiceNo ?? '', voucherId: voucher.id, tax: planned[index]?.tax ?? '', account: planned[index]?.account ?? '', ...(planned[index]?.fee ? { fee: planned[index]?.fee } : {}) })), skipped, bookedBySettlement }
}
