import { readFileSync } from 'node:fs'
import { XMLParser } from 'fast-xml-parser'
import { LedgerError } from '../../../shared/errors.ts'
import { type Invoice, type InvoiceItem, normalizeRate } from '../../../shared/invoices/record.ts'
import { type Minor, minor } from '../../../shared/money.ts'
import { freeText, money, readTimestamp } from '../clean.ts'
import type { ParseOptions, ParseSession, ParseItem } from '../parse.ts'
import { DEFAULT_LIMITS, type FileInput, type OpenedFile } from '../source.ts'
import { type Check, type FileParser, RowError } from '../types.ts'
import { validateRecord } from '../validate.ts'
import { readEntry, zipEntries } from '../zip.ts'
import { sha256Hex } from '../../../shared/sha256.ts'

/**
 * 数电发票 XML from the 电子发票服务平台 (one invoice per file) and zip archives
 * of many (the platform's 批量下载). Layout ASSUMED from the element names the
 * platform's XML is described with (see service/generators/README.md):
 *
 *   EInvoice
 *     Header/EIid, Header/InherentLabel/EInvoiceType/LabelName (增值税专用发票 | 普通发票)
 *     EInvoiceData
 *       SellerInformation/SellerIdNum, SellerName; BuyerInformation/BuyerIdNum, BuyerName
 *       BasicInformation/TotalAmWithoutTax, TotalTaxAm, TotalTax-includedAmount, RequestTime
 *       IssuItemInformation* (ItemName, SpecMod, MeaUnits, Quantity, UnPrice, Amount, TaxRate, ComTaxAm)
 *       AdditionalInformation/Remark
 *     TaxSupervisionInfo/InvoiceNumber, IssueTime, TaxBureauCode
 *
 * A red invoice has negative totals; its blue one is read from the remark the
 * platform prints on red invoices (`被红冲蓝字数电发票号码：<no>`).
 *
 * In a zip, each `.xml` entry is one "row": the record's source is (zip hash,
 * sheet = entry name, row = 1-based entry position); PDF/OFD entries are
 * counted in a check (attach them with `cledger invoice attach`), other
 * entries are skipped with a check. An unreadable entry is a reject of its row.
 */

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => name === 'IssuItemInformation',
  processEntities: true,
})

type Node = Record<string, unknown>

function node(value: unknown): Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Node : {}
}

function textOf(value: unknown): string {
  if (value === undefined || value === null) return ''
  if (typeof value === 'string') return value.trim()
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return ''
}

function required(path: string, value: string): string {
  if (value === '') throw new RowError(path, `缺少 ${path} / ${path} is missing`)
  return value
}

const RED_REMARK = /被红冲蓝字(?:数电)?发票号码[:：]\s*(\d{8,30})/

/** The blue invoice number a red invoice's remark names, if any. */
export function blueNumberInRemark(remark: string): string | undefined {
  return RED_REMARK.exec(remark)?.[1]
}

function xmlRate(path: string, cell: string): string {
  const rate = normalizeRate(cell)
  if (rate === null) throw new RowError(path, `“${cell}”不是税率 / "${cell}" is not a tax rate`)
  return rate
}

/** Parses one invoice XML document into the canonical record. Throws RowError (a reject) on a bad document. */
export function parseInvoiceXml(xml: string, source: Invoice['source']): Invoice {
  let document: Node
  try {
    document = node(parser.parse(xml, true))
  } catch (error) {
    throw new RowError('', `XML 格式错误 / not well-formed XML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`)
  }
  const root = node(document.EInvoice)
  if (Object.keys(root).length === 0) throw new RowError('EInvoice', '没有 EInvoice 根元素（不是数电发票 XML？）/ no EInvoice root element (not a 数电发票 XML?)')
  const header = node(root.Header)
  const data = node(root.EInvoiceData)
  const seller = node(data.SellerInformation)
  const buyer = node(data.BuyerInformation)
  const basic = node(data.BasicInformation)
  const supervision = node(root.TaxSupervisionInfo)
  const additional = node(data.AdditionalInformation)
  const currency = 'CNY'
  const invoiceNo = required('TaxSupervisionInfo/InvoiceNumber', textOf(supervision.InvoiceNumber) || textOf(header.EIid))
  if (!/^\d{8,30}$/.test(invoiceNo)) throw new RowError('TaxSupervisionInfo/InvoiceNumber', `“${invoiceNo}”不是发票号码 / "${invoiceNo}" is not an invoice number`)
  const amount = money('TotalAmWithoutTax', textOf(basic.TotalAmWithoutTax), currency)
  const tax = money('TotalTaxAm', textOf(basic.TotalTaxAm), currency)
  const total = money('TotalTax-includedAmount', textOf(basic['TotalTax-includedAmount']), currency)
  if (amount + tax !== total) throw new RowError('TotalTax-includedAmount', `合计金额 + 合计税额不等于价税合计（${textOf(basic['TotalTax-includedAmount'])}）/ TotalAmWithoutTax + TotalTaxAm is not TotalTax-includedAmount`)
  const rawItems = Array.isArray(data.IssuItemInformation) ? data.IssuItemInformation.map(node) : []
  const items: InvoiceItem[] = rawItems.map((item, index) => ({
    name: freeText(textOf(item.ItemName)), spec: freeText(textOf(item.SpecMod)), unit: freeText(textOf(item.MeaUnits)),
    quantity: decimalText(`IssuItemInformation[${index + 1}]/Quantity`, textOf(item.Quantity)),
    unitPrice: decimalText(`IssuItemInformation[${index + 1}]/UnPrice`, textOf(item.UnPrice)),
    amount: money(`IssuItemInformation[${index + 1}]/Amount`, textOf(item.Amount), currency),
    taxRate: xmlRate(`IssuItemInformation[${index + 1}]/TaxRate`, textOf(item.TaxRate)),
    tax: money(`IssuItemInformation[${index + 1}]/ComTaxAm`, textOf(item.ComTaxAm) || '0', currency),
  }))
  if (items.length > 0) {
    const itemAmount = items.reduce((sum, item) => sum + item.amount, 0n)
    const itemTax = items.reduce((sum, item) => sum + item.tax, 0n)
    if (itemAmount !== amount || itemTax !== tax) throw new RowError('IssuItemInformation', `明细合计 ${itemAmount} + ${itemTax} 分，与合计 ${amount} + ${tax} 分不符 / the items add up to ${itemAmount} + ${itemTax} fen, the totals say ${amount} + ${tax}`)
  }
  const rates = new Set(items.map((item) => item.taxRate))
  const remark = freeText(textOf(additional.Remark))
  const red = total < 0n
  const labelName = textOf(node(node(header.InherentLabel).EInvoiceType).LabelName)
  const record: Invoice = {
    invoiceNo,
    invoiceType: labelName === '' ? '数电票' : `数电票（${labelName}）`,
    issuedAt: readTimestamp('TaxSupervisionInfo/IssueTime', textOf(supervision.IssueTime) || textOf(basic.RequestTime)),
    sellerTaxId: textOf(seller.SellerIdNum), sellerName: freeText(textOf(seller.SellerName)),
    buyerTaxId: textOf(buyer.BuyerIdNum), buyerName: freeText(textOf(buyer.BuyerName)),
    currency, amount, tax, total,
    taxRate: rates.size === 0 ? rateFromTotals(amount, tax) : rates.size === 1 ? [...rates][0] ?? '0' : 'mixed',
    status: 'normal', statusRaw: '正常', isRed: red, remark, items, source,
  }
  const blue = red ? blueNumberInRemark(remark) : undefined
  if (blue !== undefined) record.originalInvoiceNo = blue
  if (record.sellerTaxId === '') throw new RowError('SellerInformation/SellerIdNum', '缺少销方识别号 / SellerIdNum is missing')
  return record
}

function decimalText(path: string, cell: string): string {
  if (cell === '') return ''
  if (!/^-?\d{1,16}(\.\d{1,8})?$/.test(cell)) throw new RowError(path, `“${cell}”不是数字 / "${cell}" is not a number`)
  return cell
}

/** No items: the rate follows from the totals when it is one of the standard rates, else 'mixed'. */
function rateFromTotals(amount: Minor, tax: Minor): string {
  if (tax === 0n) return '0'
  for (const rate of ['0.13', '0.09', '0.06', '0.05', '0.03', '0.01']) {
    const [, fraction = ''] = rate.split('.')
    const expected = (amount * BigInt(fraction.padEnd(2, '0')) * 2n + (amount < 0n ? -100n : 100n)) / 200n
    if (minor(expected) === tax) return rate
  }
  return 'mixed'
}

// ---------------------------------------------------------------------------
// Files: a single XML or a zip of them, as a parse session for the loader
// ---------------------------------------------------------------------------

export const invoiceXmlParser: FileParser = {
  id: 'invoice-xml',
  family: 'invoice',
  channel: 'other',
  label: '数电发票 XML (one invoice per file, or a zip of them)',
  containers: ['xml'],
  required: [],
  start() {
    throw new LedgerError('UNSUPPORTED_FORMAT', 'invoice XML is read by startInvoiceXmlParse, not row by row')
  },
}

function bytesOf(input: FileInput): Uint8Array {
  if (input.bytes) return input.bytes
  if (input.path) return readFileSync(input.path)
  throw new LedgerError('BAD_REQUEST', `${input.name}: no path or bytes given`)
}

function headOf(input: FileInput): Uint8Array {
  if (input.bytes) return input.bytes.subarray(0, 512)
  return bytesOf(input).subarray(0, 512)
}

function looksLikeXml(head: Uint8Array): boolean {
  const text = new TextDecoder('utf-8').decode(head).replace(/^\uFEFF/, '').trimStart()
  // An XHTML page (`<?xml …?><html>`, the "HTML .xls" of bank exports) is no invoice: service/imports/xls.ts reads it.
  return text.startsWith('<EInvoice') || (text.startsWith('<?xml') && !/<(html|!doctype\s+html)/i.test(text))
}

const isZip = (head: Uint8Array): boolean => head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04

/**
 * True for an invoice XML, or a zip holding XML / PDF / OFD entries and no
 * `[Content_Types].xml` (which would make it an XLSX or an OFD package).
 */
export function isInvoiceDocument(input: FileInput): boolean {
  if (!input.bytes && !input.path) return false
  const head = headOf(input)
  if (looksLikeXml(head)) return true
  if (!isZip(head)) return false
  try {
    const names = [...zipEntries(bytesOf(input)).keys()]
    // An XLSX (or anything shaped like one, even without its [Content_Types].xml) is read, and capped, by the XLSX reader.
    if (names.includes('[Content_Types].xml') || names.includes('OFD.xml') || names.some((name) => /^(xl|_rels|docProps)\//.test(name))) return false
    return names.some((name) => /\.(xml|pdf|ofd)$/i.test(name))
  } catch {
    return false
  }
}

/** A parse session over an invoice XML or a zip of them, for importFile's loader. */
export async function startInvoiceXmlParse(input: FileInput, options: ParseOptions = {}): Promise<ParseSession> {
  const limits = options.limits ?? DEFAULT_LIMITS
  const bytes = bytesOf(input)
  if (bytes.byteLength > limits.maxBytes) throw new LedgerError('PAYLOAD_TOO_LARGE', `${input.name}: ${bytes.byteLength} bytes is over the ${limits.maxBytes}-byte limit`)
  const hash = sha256Hex(bytes)
  const zipped = isZip(bytes)
  const entries = zipped ? [...zipEntries(bytes).values()] : []
  if (zipped) {
    const total = entries.reduce((sum, entry) => sum + entry.size, 0)
    if (total > limits.maxUncompressedBytes) throw new LedgerError('PAYLOAD_TOO_LARGE', `${input.name}: the zip expands to more than ${limits.maxUncompressedBytes} bytes`)
  }
  const file: OpenedFile = {
    name: input.name, hash, size: bytes.byteLength, container: 'xml',
    batches: () => { throw new LedgerError('UNSUPPORTED_FORMAT', 'invoice XML has no rows') },
    rows: () => { throw new LedgerError('UNSUPPORTED_FORMAT', 'invoice XML has no rows') },
  }
  const checks: Check[] = []
  const stats = { read: 0, skipped: 0 }
  const detection = { parser: invoiceXmlParser, headerRow: 0, message: `${input.name}: ${invoiceXmlParser.label} [${invoiceXmlParser.id}], ${zipped ? `zip of ${entries.length} entries` : 'XML'}` }

  function one(xml: string, rowNumber: number, sheet: string | undefined): ParseItem {
    stats.read += 1
    const source = sheet === undefined ? { fileHash: hash, rowNumber } : { fileHash: hash, sheet, rowNumber }
    try {
      const record = parseInvoiceXml(xml, source)
      const item = { kind: 'invoice' as const, record }
      const verdict = validateRecord(item)
      if (verdict.ok) return { type: 'record', item, rowNumber, ...(sheet === undefined ? {} : { sheet }) }
      return { type: 'reject', reject: { rowNumber, ...(sheet === undefined ? {} : { sheet }), column: verdict.column, reason: verdict.reason, raw: '' } }
    } catch (error) {
      if (error instanceof RowError) return { type: 'reject', reject: { rowNumber, ...(sheet === undefined ? {} : { sheet }), column: error.column, reason: error.message, raw: xml.slice(0, 200) } }
      if (error instanceof LedgerError) return { type: 'reject', reject: { rowNumber, ...(sheet === undefined ? {} : { sheet }), column: '', reason: error.message, raw: xml.slice(0, 200) } }
      throw error
    }
  }

  async function* batches(): AsyncIterable<ParseItem[]> {
    const decoder = new TextDecoder('utf-8')
    if (!zipped) {
      yield [one(decoder.decode(bytes).replace(/^\uFEFF/, ''), 1, undefined)]
      return
    }
    let batch: ParseItem[] = []
    let attachments = 0
    let others = 0
    for (const [index, entry] of entries.entries()) {
      if (entry.name.endsWith('/')) continue
      if (/\.(pdf|ofd)$/i.test(entry.name)) {
        attachments += 1
        continue
      }
      if (!/\.xml$/i.test(entry.name)) {
        others += 1
        continue
      }
      let xml: string
      try {
        xml = decoder.decode(readEntry(bytes, entry)).replace(/^\uFEFF/, '')
      } catch (error) {
        // A part over its size cap (a zip bomb) refuses the whole file, as in every other reader; a broken entry is one reject.
        if (error instanceof LedgerError && error.code === 'PAYLOAD_TOO_LARGE') throw error
        stats.read += 1
        batch.push({ type: 'reject', reject: { rowNumber: index + 1, sheet: entry.name, column: '', reason: error instanceof Error ? error.message : String(error), raw: '' } })
        continue
      }
      batch.push(one(xml, index + 1, entry.name))
      if (batch.length >= 500) {
        yield batch
        batch = []
      }
    }
    if (attachments > 0) checks.push({ level: 'info', code: 'INVOICE_ATTACHMENTS', message: `压缩包中 ${attachments} 个 PDF/OFD 文件不作为发票导入，可用 cledger invoice attach 附加到发票 / ${attachments} PDF/OFD file(s) in the zip are not imported as invoices; attach them with \`cledger invoice attach <invoice no> <file>\`` })
    if (others > 0) checks.push({ level: 'warning', code: 'SKIPPED_ENTRIES', message: `压缩包中 ${others} 个既非 XML 也非 PDF/OFD 的文件已跳过 / ${others} zip entr(ies) neither XML nor PDF/OFD were skipped` })
    if (batch.length > 0) yield batch
  }

  async function* items(): AsyncIterable<ParseItem> {
    for await (const batch of batches()) yield* batch
  }
  // Invoices belong to the company, not to a store.
  return { file, detection, checks, stats, batches, items, store: () => '', storeName: () => null }
}
