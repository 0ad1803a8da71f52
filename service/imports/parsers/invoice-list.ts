import { type CertificationStatus, type Invoice, type InvoiceStatus, normalizeRate } from '../../../shared/invoices/record.ts'
import { type Minor, minor } from '../../../shared/money.ts'
import { freeText, money, optionalText, readTimestamp } from '../clean.ts'
import type { FileParser, MappedRow, ParseContext, RowOutcome } from '../types.ts'
import { RowError } from '../types.ts'
import { sourceOf } from './common.ts'

/**
 * 电子发票服务平台 → 发票业务 → 发票查询统计 → 全量发票查询, 导出 (XLSX; CSV when
 * saved as CSV): one row per invoice. The layout is ASSUMED (no public sample;
 * see service/generators/README.md): column names as the platform prints
 * them, with the spellings seen in accountants' guides accepted as aliases
 * (销方识别号 / 销售方纳税人识别号, 购买方名称 / 购方名称 …).
 *
 * - Invoice number: 数电票号码 (20 digits); the older coded invoices have
 *   发票代码 + 发票号码 and get `<代码>-<号码>`.
 * - Red invoices: 是否红字 = 是 (or 是否正数发票 = 否), 金额/税额/价税合计 printed
 *   negative (a positive figure on a red row is negated), 对应蓝字发票号码.
 * - 发票状态: 正常 / 作废 / 已红冲 (全额红冲) / 部分红冲; anything else is rejected.
 * - 税率: `13%`, `0.13`, `免税`, `不征税`; several rates on one invoice (`13%、9%`) give `mixed`.
 * - 勾选状态 (input invoices, optional): 未勾选 / 已勾选 / 已认证 (已确认, 已抵扣).
 * - 金额 + 税额 must equal 价税合计 to the fen, else the row is rejected.
 */

const STATUS: Readonly<Record<string, InvoiceStatus>> = {
  正常: 'normal', 作废: 'cancelled', 已作废: 'cancelled', 已红冲: 'reversed', 全额红冲: 'reversed', 已全额红冲: 'reversed', 红冲: 'reversed',
  部分红冲: 'partially_reversed', 已部分红冲: 'partially_reversed',
}

const CERTIFICATION: Readonly<Record<string, CertificationStatus>> = {
  未勾选: 'unchecked', 未认证: 'unchecked', 已勾选: 'selected', 已认证: 'certified', 已确认: 'certified', 已抵扣: 'certified', 已勾选已确认: 'certified',
}

function first(row: MappedRow, ...columns: string[]): string {
  for (const column of columns) {
    const value = row.get(column)
    if (value !== '') return value
  }
  return ''
}

function yes(value: string): boolean {
  return value === '是' || value === 'Y' || value === 'y' || value === '红字' || value === '1'
}

function signed(value: Minor, red: boolean): Minor {
  return red && value > 0n ? minor(-value) : value
}

/** The rate column: one rate, `mixed` for several, `exempt` for 免税. */
export function rateOf(column: string, cell: string): string {
  const parts = cell.split(/[、,，;；/]/).map((part) => part.trim()).filter((part) => part !== '')
  if (parts.length === 0) throw new RowError(column, 'tax rate is missing')
  const rates = new Set<string>()
  for (const part of parts) {
    const rate = normalizeRate(part)
    if (rate === null) throw new RowError(column, `"${part}" is not a tax rate (13%, 0.13, 免税)`)
    rates.add(rate)
  }
  return rates.size === 1 ? [...rates][0] ?? '0' : 'mixed'
}

/** Invoice number: 数电票号码, else `<发票代码>-<发票号码>`, else 发票号码 alone. */
export function invoiceNumberOf(row: MappedRow): { invoiceNo: string; invoiceCode?: string } {
  const digital = row.get('数电票号码') || row.get('数电发票号码')
  const code = row.get('发票代码')
  const number = row.get('发票号码')
  if (digital !== '') {
    if (!/^\d{8,30}$/.test(digital)) throw new RowError('数电票号码', `"${digital}" is not an invoice number`)
    return { invoiceNo: digital }
  }
  if (number === '') throw new RowError('数电票号码', 'invoice number is missing (数电票号码 or 发票号码)')
  if (!/^\d{6,30}$/.test(number)) throw new RowError('发票号码', `"${number}" is not an invoice number`)
  if (code !== '') {
    if (!/^\d{8,12}$/.test(code)) throw new RowError('发票代码', `"${code}" is not an invoice code`)
    return { invoiceNo: `${code}-${number}`, invoiceCode: code }
  }
  return { invoiceNo: number }
}

function listRow(context: ParseContext, row: MappedRow): RowOutcome {
  const currency = 'CNY'
  const { invoiceNo, invoiceCode } = invoiceNumberOf(row)
  const redFlag = first(row, '是否红字', '是否红字发票')
  const positiveFlag = row.get('是否正数发票')
  const red = yes(redFlag) || positiveFlag === '否'
  const amount = signed(money('金额', row.get('金额'), currency), red)
  const tax = signed(money('税额', row.get('税额'), currency), red)
  const total = signed(money('价税合计', row.get('价税合计'), currency), red)
  if (amount + tax !== total) throw new RowError('价税合计', `金额 ${row.get('金额')} + 税额 ${row.get('税额')} is not 价税合计 ${row.get('价税合计')}`)
  if (!red && total < 0n) throw new RowError('价税合计', 'a negative invoice not marked 红字 (是否红字 = 是)')
  const statusRaw = row.get('发票状态') || '正常'
  const status = STATUS[statusRaw]
  if (!status) throw new RowError('发票状态', `unknown 发票状态 "${statusRaw}" (正常, 作废, 已红冲, 部分红冲)`)
  const certificationRaw = row.get('勾选状态') || row.get('认证状态')
  let certification: CertificationStatus | undefined
  if (certificationRaw !== '') {
    certification = CERTIFICATION[certificationRaw]
    if (!certification) throw new RowError('勾选状态', `unknown 勾选状态 "${certificationRaw}" (未勾选, 已勾选, 已认证)`)
  }
  const original = optionalText(first(row, '对应蓝字发票号码', '对应蓝字数电票号码', '蓝字发票号码', '原发票号码'))
  if (red && original === undefined) context.warn({ level: 'warning', code: 'RED_WITHOUT_BLUE', message: `red invoice ${invoiceNo} names no 对应蓝字发票号码` })
  const record: Invoice = {
    invoiceNo,
    invoiceType: freeText(first(row, '发票票种', '票种', '发票类型')),
    issuedAt: readTimestamp('开票日期', row.get('开票日期')),
    sellerTaxId: first(row, '销方识别号', '销售方纳税人识别号', '销方纳税人识别号', '销售方识别号'),
    sellerName: freeText(first(row, '销方名称', '销售方名称')),
    buyerTaxId: first(row, '购方识别号', '购买方纳税人识别号', '购方纳税人识别号', '购买方识别号'),
    buyerName: freeText(first(row, '购买方名称', '购方名称')),
    currency,
    amount, tax, total,
    taxRate: rateOf('税率', row.get('税率') || row.get('税率/征收率')),
    status, statusRaw, isRed: red,
    remark: freeText(row.get('备注')),
    items: [],
    source: sourceOf(context, row),
  }
  if (invoiceCode !== undefined) record.invoiceCode = invoiceCode
  if (original !== undefined) record.originalInvoiceNo = original
  if (certification !== undefined) record.certification = certification
  if (record.sellerTaxId === '' && record.buyerTaxId === '') throw new RowError('销方识别号', 'neither 销方识别号 nor 购方识别号 is given')
  return { type: 'records', records: [{ kind: 'invoice', record }] }
}

export const invoiceList: FileParser = {
  id: 'invoice-list',
  family: 'invoice',
  channel: 'other',
  label: '发票查询统计 list export (数电发票)',
  containers: ['csv', 'xlsx'],
  required: ['开票日期', '金额', '税额', '价税合计', '税率'],
  amountColumns: ['金额', '税额', '价税合计'],
  optional: ['数电票号码', '发票代码', '发票号码', '销方识别号', '销方名称', '购方识别号', '购买方名称', '销售方名称', '销售方纳税人识别号', '购买方纳税人识别号',
    '发票状态', '是否红字', '对应蓝字发票号码', '备注', '发票票种', '勾选状态', '发票来源', '序号', '开票人'],
  start(context) {
    return {
      row: (row) => listRow(context, row),
      finish: () => [],
    }
  },
}

export const INVOICE_PARSERS = [invoiceList]
