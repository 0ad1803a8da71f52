import { type Report, cellText } from '../../../shared/reports/report.ts'

/**
 * CSV with a UTF-8 byte-order mark (so Excel on Windows reads the Chinese),
 * decimal strings for amounts, and text cells that would start a formula
 * (= + - @) prefixed with an apostrophe.
 */
function quote(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value
}

function guardFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
}

export function renderCsv(report: Report, options: { bom?: boolean } = {}): string {
  const lines = [report.columns.map((column) => quote(column.label)).join(',')]
  for (const row of report.rows) {
    lines.push(report.columns.map((column) => {
      const text = cellText(row.cells[column.key], column.kind, report.currency)
      return quote(column.kind === 'text' ? guardFormula(text.trim()) : text)
    }).join(','))
  }
  return `${options.bom === false ? '' : '\uFEFF'}${lines.join('\r\n')}\r\n`
}
