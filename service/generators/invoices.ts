import { zipSync } from 'fflate'
import { type Invoice, type InvoiceItem, rateLabel } from '../../shared/invoices/record.ts'
import { type Minor, minor, toDecimal, vatOfGross } from '../../shared/money.ts'
import { type FormatSpec, type GeneratedRow, PENDING_SOURCE, Rng, type RowContext, clock, money } from './core.ts'
import { sha256Hex } from '../../shared/sha256.ts'

/**
 * 数电发票 files (issue #17), ASSUMED layouts (no public sample; see README.md):
 *
 * - `invoice-list` / `invoice-list-csv`: the 发票查询统计 → 全量发票查询 export,
 *   one row per invoice: blue invoices to persons (no tax id) and to 企业 buyers,
 *   some with `订单号：<order>` in 备注, red invoices (negative, 是否红字 = 是,
 *   对应蓝字发票号码) reversing an earlier blue one (that one then shows 已红冲),
 *   older coded invoices (发票代码 + 发票号码) some 作废, 13% / 9% / 6% / 免税 and
 *   the odd two-rate invoice printed `13%、9%`.
 * - `invoiceXml(invoice)`: one invoice as the platform's XML (EInvoice root),
 *   and `invoiceZip` a zip archive of many.
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

// ---------------------------------------------------------------------------
// XML (one invoice per file) and zip archives of them
// ---------------------------------------------------------------------------

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

function tag(name: string, value: string): string {
  return `<${name}>${escapeXml(value)}</${name}>`
}

/** A rate as the XML prints it: 0.13, 0.06, 免税. */
function xmlRate(rate: string): string {
  return rate === 'exempt' ? '免税' : rate
}

/**
 * One invoice as the 电子发票服务平台 XML (ASSUMED layout, from the element names
 * the platform's XML is described with): EInvoice / Header / EIid,
 * EInvoiceData (SellerInformation, BuyerInformation, BasicInformation,
 * IssuItemInformation*, AdditionalInformation/Remark), TaxSupervisionInfo
 * (InvoiceNumber, IssueTime, TaxBureauCode, TaxBureauName).
 */
export function invoiceXml(invoice: Invoice): string {
  const special = invoice.invoiceType.includes('专用')
  const items = invoice.items.map((item) => `<IssuItemInformation>${[
    tag('ItemName', item.name), tag('SpecMod', item.spec), tag('MeaUnits', item.unit), tag('Quantity', item.quantity), tag('UnPrice', item.unitPrice),
    tag('Amount', money(item.amount)), tag('TaxRate', xmlRate(item.taxRate)), tag('ComTaxAm', money(item.tax)), tag('TotaltaxIncludedAmount', money(minor(item.amount + item.tax))),
    tag('TaxClassificationCode', '1090511990000000000'),
  ].join('')}</IssuItemInformation>`).join('\n      ')
  const issued = invoice.issuedAt.slice(0, 19).replace('T', ' ')
  return `<?xml version="1.0" encoding="utf-8"?>
<EInvoice>
  <Header>
    ${tag('EIid', invoice.invoiceNo)}
    ${tag('EInvoiceTag', 'SWEI3300')}
    ${tag('Version', '0.1')}
    <InherentLabel><EInvoiceType>${tag('LabelCode', special ? '01' : '02')}${tag('LabelName', special ? '增值税专用发票' : '普通发票')}</EInvoiceType></InherentLabel>
  </Header>
  <EInvoiceData>
    <SellerInformation>${tag('SellerIdNum', invoice.sellerTaxId)}${tag('SellerName', invoice.sellerName)}</SellerInformation>
    <BuyerInformation>${tag('BuyerIdNum', invoice.buyerTaxId)}${tag('BuyerName', invoice.buyerName)}</BuyerInformation>
    <BasicInformation>${tag('TotalAmWithoutTax', money(invoice.amount))}${tag('TotalTaxAm', money(invoice.tax))}${tag('TotalTax-includedAmount', money(invoice.total))}${tag('Drawer', '王会计')}${tag('RequestTime', issued)}</BasicInformation>
    ${items}
    <AdditionalInformation>${tag('Remark', invoice.remark)}</AdditionalInformation>
  </EInvoiceData>
  <TaxSupervisionInfo>${tag('InvoiceNumber', invoice.invoiceNo)}${tag('IssueTime', issued)}${tag('TaxBureauCode', '13300000000')}${tag('TaxBureauName', '国家税务总局浙江省税务局')}</TaxSupervisionInfo>
</EInvoice>
`
}

export interface GeneratedInvoiceFile {
  fileName: string
  bytes: Uint8Array
  hash: string
  /** What an import must give back (source filled in). */
  expected: Invoice[]
}

function sha256(bytes: Uint8Array): string {
  return sha256Hex(bytes)
}

/** One invoice as an XML file, with the record an import gives back (source: the file, row 1). */
export function invoiceXmlFile(invoice: Invoice): GeneratedInvoiceFile {
  const bytes = new Uint8Array(Buffer.from(invoiceXml(invoice), 'utf8'))
  const hash = sha256(bytes)
  return { fileName: `dzfp_${invoice.invoiceNo}.xml`, bytes, hash, expected: [{ ...invoice, source: { fileHash: hash, rowNumber: 1 } }] }
}

/** A zip of one XML per invoice (`dzfp_<no>.xml`, in order); entry n is row n, its name the sheet. */
export function invoiceZip(invoices: ReadonlyArray<Invoice>, extra: Record<string, Uint8Array> = {}): GeneratedInvoiceFile {
  const entries: Record<string, Uint8Array> = {}
  const names: string[] = []
  for (const invoice of invoices) {
    const name = `dzfp_${invoice.invoiceNo}.xml`
    names.push(name)
    entries[name] = new Uint8Array(Buffer.from(invoiceXml(invoice), 'utf8'))
  }
  Object.assign(entries, extra)
  const bytes = zipSync(entries, { level: 6, mtime: new Date('2024-04-01T00:00:00Z') })
  const hash = sha256(bytes)
  const order = Object.keys(entries)
  return {
    fileName: 'invoices.zip', bytes, hash,
    expected: invoices.map((invoice, index) => ({ ...invoice, source: { fileHash: hash, sheet: names[index] ?? '', rowNumber: order.indexOf(names[index] ?? '') + 1 } })),
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
