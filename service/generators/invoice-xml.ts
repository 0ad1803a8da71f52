import { zipSync } from 'fflate'
import type { Invoice } from '../../shared/invoices/record.ts'
import { minor } from '../../shared/money.ts'
import { money } from './core.ts'
import { sha256Hex } from '../../shared/sha256.ts'

/**
 * `invoiceXml(invoice)`: one 数电发票 as the platform's XML (EInvoice root), and
 * `invoiceZip` a zip archive of many (parser: service/imports/parsers/invoice-xml.ts).
 */

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
