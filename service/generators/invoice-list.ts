import { type Invoice, rateLabel } from '../../shared/invoices/record.ts'
import { minor } from '../../shared/money.ts'
import { type FormatSpec, type GeneratedRow, Rng, type RowContext, clock, money } from './core.ts'
import { digitalInvoiceNo, randomInvoice, redInvoiceOf } from './invoices.ts'

/**
 * `invoice-list` / `invoice-list-csv`: the 发票查询统计 → 全量发票查询 export
 * (parser: service/imports/parsers/invoice-list.ts), ASSUMED layout (see
 * README.md), one row per invoice: blue invoices to persons (no tax id) and to
 * 企业 buyers, some with `订单号：<order>` in 备注, red invoices (negative,
 * 是否红字 = 是, 对应蓝字发票号码) reversing an earlier blue one (that one then
 * shows 已红冲), older coded invoices (发票代码 + 发票号码) some 作废, 13% / 9% /
 * 6% / 免税 and the odd two-rate invoice printed `13%、9%`.
 */

export const INVOICE_LIST_HEADER = [
  '序号', '发票代码', '发票号码', '数电票号码', '销方识别号', '销方名称', '购方识别号', '购买方名称', '开票日期', '金额', '税率', '税额', '价税合计',
  '发票来源', '发票票种', '发票状态', '是否红字', '对应蓝字发票号码', '备注', '开票人',
]

function cellsOf(index: number, invoice: Invoice, rateText: string): string[] {
  return [
    String(index + 1), invoice.invoiceCode ?? '', invoice.invoiceCode ? invoice.invoiceNo.split('-')[1] ?? '' : '', invoice.invoiceCode ? '' : invoice.invoiceNo,
    invoice.sellerTaxId, invoice.sellerName, invoice.buyerTaxId, invoice.buyerName, invoice.issuedAt.slice(0, 19).replace('T', ' '),
    money(invoice.amount), rateText, money(invoice.tax), money(invoice.total), '电子发票服务平台', invoice.invoiceType, invoice.statusRaw,
    invoice.isRed ? '是' : '否', invoice.originalInvoiceNo ?? '', invoice.remark, '王会计',
  ]
}

function listRateText(invoice: Invoice): string {
  if (invoice.taxRate !== 'mixed') return rateLabel(invoice.taxRate)
  return [...new Set(invoice.items.map((item) => rateLabel(item.taxRate)))].join('、')
}

/** The list export keeps no items: the record it must produce. */
function listRecord(invoice: Invoice): Invoice {
  return { ...invoice, items: [] }
}

function listRow(context: RowContext): GeneratedRow {
  const { rng, index } = context
  const [, iso] = clock(index * 37 + rng.int(0, 30))
  const kind = rng.next()
  // A red invoice reverses the blue one made three rows earlier (when it was a plain 正常 blue one).
  if (kind < 0.08 && index >= 3 && context.state[`blue:${index - 3}`] !== undefined) {
    const gross = context.state[`blue:${index - 3}`] ?? 0n
    const rate = ['0.13', '0.09', '0.06'][Number(context.state[`rate:${index - 3}`] ?? 0n)] ?? '0.13'
    const blue = randomInvoice(new Rng(index - 3), { invoiceNo: digitalInvoiceNo(2024, index - 3), issuedAt: iso, rate, gross: minor(gross), enterprise: false })
    const red = redInvoiceOf(blue, digitalInvoiceNo(2024, index), iso)
    const record = listRecord(red)
    return { cells: cellsOf(index, record, listRateText(red)), records: [{ kind: 'invoice', record }] }
  }
  if (kind < 0.13) {
    // An older coded invoice (发票代码 + 发票号码), some 作废.
    const code = `0330${rng.digits(8)}`.slice(0, 12)
    const number = rng.digits(8)
    const invoice = randomInvoice(rng, { invoiceNo: `${code}-${number}`, issuedAt: iso, rate: '0.13' })
    const cancelled = rng.chance(0.5)
    const record = listRecord({ ...invoice, invoiceCode: code, invoiceType: '增值税电子普通发票', status: cancelled ? 'cancelled' : 'normal', statusRaw: cancelled ? '作废' : '正常' })
    return { cells: cellsOf(index, record, listRateText(invoice)), records: [{ kind: 'invoice', record }] }
  }
  const reversedLater = rng.chance(0.1)
  const rateIndex = rng.int(0, 2)
  const plain = kind > 0.2
  const invoice = plain
    ? randomInvoice(new Rng(index), { invoiceNo: digitalInvoiceNo(2024, index), issuedAt: iso, rate: ['0.13', '0.09', '0.06'][rateIndex], gross: rng.minor(1_000, 300_000), enterprise: false })
    : randomInvoice(rng, { invoiceNo: digitalInvoiceNo(2024, index), issuedAt: iso, orderNo: rng.chance(0.5) ? rng.digits(19) : undefined })
  if (plain && !reversedLater) {
    context.state[`blue:${index}`] = invoice.total
    context.state[`rate:${index}`] = BigInt(rateIndex)
  }
  const record = listRecord(reversedLater ? { ...invoice, status: 'reversed', statusRaw: '已红冲' } : invoice)
  return { cells: cellsOf(index, record, listRateText(invoice)), records: [{ kind: 'invoice', record }] }
}

export const invoiceListXlsx: FormatSpec = {
  parser: 'invoice-list',
  container: 'xlsx',
  encoding: 'utf8',
  header: INVOICE_LIST_HEADER,
  row: listRow,
}

export const invoiceListCsv: FormatSpec = {
  parser: 'invoice-list',
  container: 'csv',
  encoding: 'utf8-bom',
  header: INVOICE_LIST_HEADER,
  row: listRow,
}
