import { type Report, cellDisplay, metaLine } from '../../../shared/reports/report.ts'
import { center, displayWidth, padEnd, padStart } from './text.ts'

/**
 * Plain-text table for the terminal: CJK-width aware, amounts right-aligned
 * with thousands separators, checks listed under the table.
 */
export function renderTable(report: Report): string {
  const header = report.columns.map((column) => column.label)
  const body = report.rows.map((row) => report.columns.map((column) => cellDisplay(row.cells[column.key], column.kind, report.currency)))
  const widths = report.columns.map((column, index) => Math.max(displayWidth(header[index] ?? ''), ...body.map((cells) => displayWidth(cells[index] ?? ''))))
  const right = report.columns.map((column) => column.kind !== 'text')
  const line = (cells: ReadonlyArray<string>) => cells.map((cell, index) => (right[index] ? padStart(cell, widths[index] ?? 0) : padEnd(cell, widths[index] ?? 0))).join('  ').trimEnd()
  const total = widths.reduce((sum, width) => sum + width, 0) + 2 * Math.max(0, widths.length - 1)
  const rule = (char: string) => char.repeat(total)
  const out: string[] = []
  out.push(center(report.title, total))
  out.push(center(report.dateLabel, total))
  const formCode = report.formCode ? `${report.formCode}  ` : ''
  const meta = metaLine(report)
  out.push(`${formCode}编制单位：${report.company.name}  单位：${report.currency === 'CNY' ? '元' : report.currency}${meta ? `  ${meta}` : ''}`)
  out.push(rule('='))
  out.push(line(header))
  out.push(rule('-'))
  report.rows.forEach((row, index) => {
    if (row.style === 'total') out.push(rule('-'))
    out.push(line(body[index] ?? []))
  })
  out.push(rule('='))
  for (const note of report.notes) out.push(note)
  for (const item of report.checks) out.push(`${item.ok ? '✓' : '✗'} ${item.label}${item.ok ? '' : `: expected ${item.expected}, got ${item.actual}`}`)
  return `${out.join('\n')}\n`
}
