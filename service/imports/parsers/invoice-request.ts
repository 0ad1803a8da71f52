import type { Order } from '../../../shared/records.ts'
import { freeText } from '../clean.ts'
import type { MappedRow } from '../types.ts'

/**
 * The invoice request an order export carries (issue #17): the buyer asked for an
 * invoice at checkout, so the order must be invoiced (ORDER_NOT_INVOICED until it is).
 * Layouts are column lists without a real sample (formats.md §3.2, §4.2); the values
 * read here are assumed:
 *
 * - Taobao/Tmall (classic ExportOrderList, 千牛): `是否开票` 是/否 when present
 *   (是 asks, 否 does not, whatever the title); otherwise a non-empty `发票抬头`
 *   asks. `发票税号` / `纳税人识别号`, when the export has it, makes a 企业 buyer.
 * - JD order export: `发票类型` empty / 不开发票 / 无 asks for nothing; any other type
 *   (电子发票, 普通发票, 增值税专用发票 …) asks with `发票抬头` as title (`增值税发票`
 *   是/否 says 专票 or not; the request is the same, so it is not kept).
 */

const NO = /^(否|不开发票|不需要发票|不需要|无|不开|no|false|0|-)$/i
const YES = /^(是|需要|需要发票|开票|yes|true|1)$/i

function title(row: MappedRow): string {
  return freeText(row.get('发票抬头'), 200)
}

function taxId(row: MappedRow): string | undefined {
  const value = (row.get('发票税号') || row.get('纳税人识别号') || row.get('购买方税号')).replace(/\s/g, '').toUpperCase()
  return /^[0-9A-Z]{15,20}$/.test(value) ? value : undefined
}

export const TAOBAO_INVOICE_COLUMNS = ['发票抬头', '是否开票', '发票税号']
export const JD_INVOICE_COLUMNS = ['发票类型', '发票抬头', '增值税发票', '发票税号']

export function taobaoInvoiceRequest(row: MappedRow): Order['invoiceRequest'] {
  const asked = row.get('是否开票').trim()
  const heading = title(row)
  if (asked !== '' ? !YES.test(asked) : heading.trim() === '') return undefined
  const id = taxId(row)
  return id ? { title: heading, buyerTaxId: id } : { title: heading }
}

export function jdInvoiceRequest(row: MappedRow): Order['invoiceRequest'] {
  const type = row.get('发票类型').trim()
  if (type === '' || NO.test(type)) return undefined
  const id = taxId(row)
  return id ? { title: title(row), buyerTaxId: id } : { title: title(row) }
}
