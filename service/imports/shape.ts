/**
 * Rows wider than their header (CSV only). Exports write amounts like
 * `¥1,500.00` or `222,228.50` without quotes, so the comma splits the cell
 * and every later column shifts by one: read by position, `¥1` becomes the
 * amount and `500.00` the payment method. A wider row is never read by
 * position. It is repaired only when exactly one unquoted thousands separator
 * in a money column explains the extra field; otherwise it is rejected with
 * the column and the reason.
 */

export type Shape =
  | { type: 'ok' }
  | { type: 'repaired'; cells: string[]; column: string; text: string }
  | { type: 'reject'; column: string; reason: string }

/** Left part of a split amount: an optional sign, currency sign or Excel prefix, then 1-3 digits. */
const LEFT = /^[`=]?"?[+-]?[¥￥$]?[+-]?\d{1,3}$/
/** Right part: exactly three digits, optional decimals, and optionally JD's `(已退款…)` tail. */
const RIGHT = /^\d{3}(?:\.\d+)?(?:[(（][^)）]*[)）])?"?$/

/** A further 3-digit group after the right part (`1,000,000.00` split into three cells). */
const GROUP = /^\d{3}(?:\.\d+)?(?:[(（][^)）]*[)）])?"?$/

function plain(cell: string): string {
  return cell.replace(/^[\s\u3000]+|[\s\u3000\t]+$/g, '')
}

function blank(cell: string): boolean {
  return plain(cell) === ''
}

/**
 * @param cells the row's raw cells
 * @param header the header's raw cells
 * @param amountPositions header positions of money columns, with their names
 */
export function shapeRow(cells: ReadonlyArray<string>, header: ReadonlyArray<string>, amountPositions: ReadonlyArray<{ position: number; name: string }>): Shape {
  const width = header.length
  if (cells.length <= width) return { type: 'ok' }
  // A header without a trailing delimiter, over rows that have one (JD: `…,备注` over `…, ,`).
  const trailingDelimiter = !blank(header[width - 1] ?? '')
  const fits = (row: ReadonlyArray<string>): boolean => row.length <= width || (trailingDelimiter && row.length === width + 1 && blank(row[width] ?? ''))
  const candidates = amountPositions.filter(({ position }) => position + 1 < cells.length && LEFT.test(plain(cells[position] ?? '')) && RIGHT.test(plain(cells[position + 1] ?? '')))
  const fields = `列数多于表头，不按位置读取 / the row has ${cells.length} fields but the header has ${width}`
  if (candidates.length > 1) {
    return { type: 'reject', column: candidates.map((candidate) => candidate.name).join(', '), reason: `${fields}, and an unquoted thousands separator could be in ${candidates.map((candidate) => candidate.name).join(' or ')}: ambiguous, not read by position` }
  }
  const candidate = candidates[0]
  if (candidate && GROUP.test(plain(cells[candidate.position + 2] ?? ''))) {
    return { type: 'reject', column: candidate.name, reason: `${fields}: ${candidate.name} looks written with more than one unquoted thousands separator; not read by position` }
  }
  if (candidate) {
    const text = `${cells[candidate.position] ?? ''},${cells[candidate.position + 1] ?? ''}`
    const repaired = [...cells.slice(0, candidate.position), text, ...cells.slice(candidate.position + 2)]
    if (fits(repaired)) return { type: 'repaired', cells: repaired, column: candidate.name, text: plain(text) }
    return { type: 'reject', column: candidate.name, reason: `${fields}; an unquoted thousands separator in ${candidate.name} explains one extra field but not all of them: not read by position` }
  }
  if (fits(cells)) return { type: 'ok' }
  return { type: 'reject', column: '', reason: `${fields}: an unquoted delimiter shifted the columns and no single thousands separator in an amount explains it; not read by position` }
}
