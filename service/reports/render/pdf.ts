import PDFDocument from 'pdfkit'
import { type Report, type ReportRow, cellDisplay, metaLine } from '../../../shared/reports/report.ts'
import { renderChartPng } from './chart.ts'
import { type CjkFont, findCjkFont } from './fonts.ts'

/**
 * PDF via pdfkit with a Chinese font embedded (subset of Noto Sans CJK SC from
 * Debian's fonts-noto-cjk): A4, landscape when the table is wide, header row
 * repeated on every page, 第 x 页 共 y 页, the chart on its own page.
 */
const MARGIN = 36
const FULL_ROW = 16
const TIGHT_ROW = 11

export async function renderPdf(report: Report, options: { font?: CjkFont; now?: Date } = {}): Promise<Uint8Array> {
  const font = options.font ?? findCjkFont()
  const landscape = report.columns.length > 6
  const doc = new PDFDocument({ size: 'A4', layout: landscape ? 'landscape' : 'portrait', margin: MARGIN, bufferPages: true, info: { Title: `${report.title} ${report.period}`, Author: report.company.name, Creator: 'channel-ledger', CreationDate: options.now ?? new Date() } })
  const chunks: Buffer[] = []
  doc.on('data', (chunk: Buffer) => chunks.push(chunk))
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve())
    doc.on('error', reject)
  })
  doc.registerFont('cjk', font.path, font.face)
  doc.font('cjk')
  const pageWidth = doc.page.width - 2 * MARGIN
  const weights = report.columns.map((column) => column.width ?? 12)
  const weightSum = weights.reduce((sum, weight) => sum + weight, 0)
  const widths = weights.map((weight) => (weight / weightSum) * pageWidth)
  const fontSize = report.columns.length > 9 ? 7 : report.columns.length > 6 ? 8 : 9
  let y = drawTitle(doc, report, pageWidth)
  const bottom = doc.page.height - MARGIN - 20
  // a statement that fits on one page at a tighter row height is kept on one page
  const footer = 8 + 12 * (report.notes.length + report.checks.length)
  const room = Math.floor((bottom - y - FULL_ROW - 2 - footer) / Math.max(1, report.rows.length))
  const rowHeight = room >= FULL_ROW ? FULL_ROW : room >= TIGHT_ROW ? room : FULL_ROW
  y = drawHeader(doc, report, widths, y, fontSize)
  for (const row of report.rows) {
    if (y + rowHeight > bottom) {
      doc.addPage()
      y = drawHeader(doc, report, widths, MARGIN, fontSize)
    }
    y = drawRow(doc, report, row, widths, y, fontSize, rowHeight)
  }
  y += 8
  doc.fontSize(8).fillColor('#333333')
  for (const text of [...report.notes, ...report.checks.map((item) => `${item.ok ? '✓' : '✗'} ${item.label}${item.ok ? '' : `（应为 ${item.expected}，实为 ${item.actual}）`}`)]) {
    if (y + 12 > doc.page.height - MARGIN - 20) {
      doc.addPage()
      y = MARGIN
    }
    doc.text(text, MARGIN, y, { width: pageWidth })
    y = doc.y + 2
  }
  if (report.chart) {
    doc.addPage()
    const png = Buffer.from(renderChartPng(report.chart, report.currency, font))
    doc.image(png, MARGIN, MARGIN + 10, { fit: [pageWidth, doc.page.height - 2 * MARGIN - 40], align: 'center' })
  }
  const range = doc.bufferedPageRange()
  for (let index = range.start; index < range.start + range.count; index += 1) {
    doc.switchToPage(index)
    doc.page.margins.bottom = 0
    doc.fontSize(8).fillColor('#666666').text(`第 ${index + 1} 页 共 ${range.count} 页`, MARGIN, doc.page.height - MARGIN - 8, { width: pageWidth, align: 'center', lineBreak: false })
  }
  doc.end()
  await done
  return new Uint8Array(Buffer.concat(chunks))
}

function drawTitle(doc: PDFKit.PDFDocument, report: Report, width: number): number {
  doc.fillColor('#000000').fontSize(16).text(report.title, MARGIN, MARGIN, { width, align: 'center' })
  doc.fontSize(9).text(report.dateLabel, MARGIN, MARGIN + 24, { width, align: 'center' })
  if (report.formCode) doc.text(report.formCode, MARGIN, MARGIN + 24, { width, align: 'right' })
  const meta = metaLine(report)
  doc.text(`编制单位：${report.company.name}`, MARGIN, MARGIN + 40, { width: width / 2 })
  doc.text(`单位：${report.currency === 'CNY' ? '元' : report.currency}${meta ? `  ${meta}` : ''}`, MARGIN + width / 2, MARGIN + 40, { width: width / 2, align: 'right' })
  return MARGIN + 56
}

function drawHeader(doc: PDFKit.PDFDocument, report: Report, widths: ReadonlyArray<number>, y: number, fontSize: number): number {
  const total = widths.reduce((sum, width) => sum + width, 0)
  doc.rect(MARGIN, y, total, FULL_ROW + 2).fillColor('#dde7f3').fill()
  doc.fillColor('#000000').fontSize(fontSize)
  let x = MARGIN
  report.columns.forEach((column, index) => {
    const width = widths[index] ?? 0
    doc.text(column.label, x + 2, y + 4, { width: width - 4, align: 'center', lineBreak: false, ellipsis: true, height: FULL_ROW })
    x += width
  })
  doc.moveTo(MARGIN, y + FULL_ROW + 2).lineTo(MARGIN + total, y + FULL_ROW + 2).lineWidth(0.8).strokeColor('#333333').stroke()
  return y + FULL_ROW + 2
}

function drawRow(doc: PDFKit.PDFDocument, report: Report, row: ReportRow, widths: ReadonlyArray<number>, y: number, fontSize: number, rowHeight: number): number {
  const total = widths.reduce((sum, width) => sum + width, 0)
  if (row.style === 'total' || row.style === 'subtotal') doc.rect(MARGIN, y, total, rowHeight).fillColor('#f3f3f3').fill()
  doc.fillColor('#000000').fontSize(fontSize)
  let x = MARGIN
  report.columns.forEach((column, index) => {
    const width = widths[index] ?? 0
    const text = cellDisplay(row.cells[column.key], column.kind, report.currency)
    const align = column.kind === 'text' ? 'left' : 'right'
    if (text) doc.text(text, x + 3, y + (rowHeight - fontSize) / 2 - 1, { width: width - 6, align, lineBreak: false, ellipsis: true, height: rowHeight })
    x += width
  })
  doc.moveTo(MARGIN, y + rowHeight).lineTo(MARGIN + total, y + rowHeight).lineWidth(row.style === 'total' ? 0.8 : 0.3).strokeColor(row.style === 'total' ? '#333333' : '#bbbbbb').stroke()
  return y + rowHeight
}
