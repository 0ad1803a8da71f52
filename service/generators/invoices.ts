import type { Invoice, InvoiceItem } from '../../shared/invoices/record.ts'
import { type Minor, minor, toDecimal, vatOfGross } from '../../shared/money.ts'
import { PENDING_SOURCE, Rng, clock } from './core.ts'

/**
 * 数电发票 records for the invoice generators (issue #17): random blue invoices
 * to persons and 企业 buyers, red ones reversing them, and the 20-digit
 * 数电票号码. The files are in invoice-list.ts (the 全量发票查询 export) and
 * invoice-xml.ts (the platform's XML, one invoice per file, and zips of them);
 * layouts ASSUMED (no public sample; see README.md).
 */

/** The seller of every generated output invoice. */
export const GENERATED_SELLER = { taxId: '91330106MA2H7K5X3Q', name: '杭州某某电子商务有限公司' } as const

const BUYERS = [
  { taxId: '91310115MA1K4B2C8D', name: '上海某某贸易有限公司' },
  { taxId: '91440300MA5F3L9E2R', name: '深圳某某科技有限公司' },
  { taxId: '92330102MA2CXY0F4K', name: '杭州上城区某某商行' },
] as const

const GOODS = [
  { name: '*日用杂品*保温杯', spec: '500ml', unit: '个', rate: '0.13' },
  { name: '*纺织产品*毛巾', spec: '70x140', unit: '条', rate: '0.13' },
  { name: '*谷物*大米', spec: '5kg', unit: '袋', rate: '0.09' },
  { name: '*信息技术服务*软件服务费', spec: '', unit: '项', rate: '0.06' },
  { name: '*蔬菜*有机蔬菜', spec: '', unit: '箱', rate: 'exempt' },
] as const

/** 20-digit 数电票号码 of the n-th generated invoice: 2 digits year, 2 province (33 浙江), 16 serial. */
export function digitalInvoiceNo(year: number, serial: number): string {
  return `${String(year % 100).padStart(2, '0')}33${String(serial).padStart(16, '0')}`
}

/** Net and VAT of a gross (价税合计) at a rate ('exempt' and '0' carry no tax). */
function split(gross: Minor, rate: string): { amount: Minor; tax: Minor } {
  if (rate === 'exempt' || rate === '0') return { amount: gross, tax: minor(0n) }
  const { net, vat } = vatOfGross(gross, rate, 'CNY')
  return { amount: net, tax: vat }
}

function neg(value: Minor): Minor {
  return minor(-value)
}

/** One random blue invoice (items of one or two rates). */
export function randomInvoice(rng: Rng, fields: { invoiceNo: string; issuedAt: string; orderNo?: string; enterprise?: boolean; rate?: string; gross?: Minor }): Invoice {
  const enterprise = fields.enterprise ?? rng.chance(0.4)
  const buyer = enterprise ? rng.pick(BUYERS) : { taxId: '', name: rng.pick(['个人', '张三', '李四', '王五']) }
  const good = fields.rate ? GOODS.find((candidate) => candidate.rate === fields.rate) ?? GOODS[0] : rng.pick(GOODS)
  const gross = fields.gross ?? rng.minor(1_000, 300_000)
  const twoRates = fields.rate === undefined && fields.gross === undefined && rng.chance(0.05) && good.rate === '0.13'
  const items: InvoiceItem[] = []
  const parts = twoRates ? [{ good, gross: minor(gross - gross / 3n) }, { good: GOODS[2], gross: minor(gross / 3n) }] : [{ good, gross }]
  for (const part of parts) {
    const { amount, tax } = split(part.gross, part.good.rate)
    const quantity = rng.int(1, 5)
    items.push({ name: part.good.name, spec: part.good.spec, unit: part.good.unit, quantity: String(quantity), unitPrice: toDecimal(amount, 'CNY').div(quantity).toDecimalPlaces(8).toFixed(), amount, taxRate: part.good.rate, tax })
  }
  const amount = minor(items.reduce((sum, item) => sum + item.amount, 0n))
  const tax = minor(items.reduce((sum, item) => sum + item.tax, 0n))
  const special = enterprise && rng.chance(0.5)
  return {
    invoiceNo: fields.invoiceNo, invoiceType: special ? '数电票（增值税专用发票）' : '数电票（普通发票）', issuedAt: fields.issuedAt,
    sellerTaxId: GENERATED_SELLER.taxId, sellerName: GENERATED_SELLER.name, buyerTaxId: buyer.taxId, buyerName: buyer.name, currency: 'CNY',
    amount, tax, total: minor(amount + tax), taxRate: twoRates ? 'mixed' : good.rate, status: 'normal', statusRaw: '正常', isRed: false,
    remark: fields.orderNo ? `订单号：${fields.orderNo}` : '', items, source: PENDING_SOURCE,
  }
}

/** The red invoice (红字发票) reversing all of `blue`. */
export function redInvoiceOf(blue: Invoice, invoiceNo: string, issuedAt: string): Invoice {
  return {
    ...blue, invoiceNo, issuedAt, amount: neg(blue.amount), tax: neg(blue.tax), total: neg(blue.total), isRed: true, originalInvoiceNo: blue.invoiceNo,
    status: 'normal', statusRaw: '正常', remark: `被红冲蓝字数电发票号码：${blue.invoiceNo} 红字发票信息确认单编号：${invoiceNo.slice(-15)}`,
    items: blue.items.map((item) => ({ ...item, quantity: item.quantity === '' ? '' : `-${item.quantity}`, amount: neg(item.amount), tax: neg(item.tax) })),
    source: PENDING_SOURCE,
  }
}

/** n random blue invoices (seeded), some red ones reversing earlier ones, for XML tests. */
export function randomInvoices(seed: number, count: number): Invoice[] {
  const rng = new Rng(seed)
  const out: Invoice[] = []
  for (let index = 0; index < count; index += 1) {
    const [, iso] = clock(index * 53)
    const blue = out[index - 2]
    if (index >= 2 && blue && !blue.isRed && rng.chance(0.15)) out.push(redInvoiceOf(blue, digitalInvoiceNo(2024, 500_000 + index), iso))
    else out.push(randomInvoice(rng, { invoiceNo: digitalInvoiceNo(2024, 500_000 + index), issuedAt: iso, orderNo: rng.chance(0.5) ? rng.digits(19) : undefined }))
  }
  return out
}
