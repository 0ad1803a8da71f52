import * as XLSX from '@e965/xlsx'
import * as cptable from '@e965/xlsx/dist/cpexcel.full.mjs'
import { LedgerError } from '../../shared/errors.ts'
import { Decimal } from '../../shared/money.ts'
import { type SheetRow, excelSerialText, unescapeXml } from './xlsx.ts'

/**
 * Legacy `.xls` files, as Chinese banks still export them, turned into the
 * same row stream the CSV and XLSX readers give (so the parsers never know):
 *
 * - real BIFF workbooks (CFB container, magic D0 CF 11 E0 A1 B1 1A E1) are
 *   read with SheetJS (`@e965/xlsx`, the registry build of SheetJS 0.20.3),
 *   used for this and nothing else. SheetJS reads a whole workbook into
 *   memory, so the file size is capped (MAX_XLS_BYTES) and rows per sheet too;
 * - "HTML .xls" (an HTML table saved under an .xls name, which many 网银
 *   exports are) is read by the small table reader below, no library needed.
 *
 * Cells read as Excel shows them, like xlsx.ts: text as is, numbers as plain
 * decimals (15 significant digits), date-formatted numbers as `yyyy-MM-dd HH:mm:ss`.
 */

/** Largest legacy .xls accepted: SheetJS holds the whole workbook (several times the file) in memory. */
export const MAX_XLS_BYTES = 64 * 1024 * 1024
/** Rows read per sheet (BIFF8 holds at most 65,536; BIFF5 16,384). */
const MAX_XLS_ROWS = 1_048_576
/** Largest HTML-table .xls accepted. */
export const MAX_HTML_BYTES = 64 * 1024 * 1024

XLSX.set_cptable(cptable)

export function isCfb(head: Uint8Array): boolean {
  const magic = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]
  return magic.every((byte, index) => head[index] === byte)
}

function cellText(cell: XLSX.CellObject | undefined): string {
  if (!cell || cell.v === undefined || cell.v === null) return ''
  if (cell.t === 'n' && typeof cell.v === 'number') {
    if (!Number.isFinite(cell.v)) return ''
    if (cell.z !== undefined && XLSX.SSF.is_date(cell.z)) return excelSerialText(cell.v)
    return new Decimal(cell.v).toSignificantDigits(15).toString()
  }
  if (cell.t === 'b') return cell.v ? 'TRUE' : 'FALSE'
  if (cell.t === 'e') return ''
  if (cell.t === 'd' && cell.v instanceof Date) return excelSerialText(cell.v.getTime() / 86_400_000 + 25569)
  return String(cell.v)
}

/**
 * Rows of every sheet of a BIFF (.xls) workbook, in workbook order.
 * Throws LedgerError PAYLOAD_TOO_LARGE over MAX_XLS_BYTES, UNSUPPORTED_FORMAT when SheetJS cannot read it.
 */
export async function* readXlsRows(bytes: Uint8Array, name = 'file'): AsyncIterable<SheetRow[]> {
  if (bytes.byteLength > MAX_XLS_BYTES) throw new LedgerError('PAYLOAD_TOO_LARGE', `${name}: a legacy .xls of ${bytes.byteLength} bytes is over the ${MAX_XLS_BYTES}-byte limit for .xls; save it as .xlsx or .csv`)
  let workbook: XLSX.WorkBook
  try {
    workbook = XLSX.read(bytes, { type: 'array', dense: true, cellNF: true, cellDates: false, cellHTML: false, cellFormula: false, sheetRows: MAX_XLS_ROWS, WTF: false })
  } catch (error) {
    throw new LedgerError('UNSUPPORTED_FORMAT', `${name}: not a readable legacy .xls (${error instanceof Error ? error.message : String(error)})`)
  }
  for (const sheetName of workbook.SheetNames) {
    const sheet = workbook.Sheets[sheetName]
    if (!sheet || !sheet['!ref']) continue
    const range = XLSX.utils.decode_range(sheet['!ref'])
    const data = (sheet as XLSX.DenseSheet)['!data'] ?? []
    let batch: SheetRow[] = []
    for (let r = range.s.r; r <= range.e.r; r += 1) {
      const source = data[r] ?? []
      const cells: string[] = []
      for (let c = 0; c <= Math.min(range.e.c, 16_383); c += 1) cells.push(cellText(source[c]))
      while (cells.length > 0 && cells[cells.length - 1] === '') cells.pop()
      batch.push({ sheet: sheetName, rowNumber: r + 1, cells })
      if (batch.length >= 5000) {
        yield batch
        batch = []
      }
    }
    if (batch.length > 0) yield batch
  }
}

/** An HTML page (`<html`, `<!DOCTYPE`, `<table`, `<meta`) rather than a workbook: the "HTML .xls" of many bank exports. */
export function isHtmlTable(head: Uint8Array): boolean {
  const text = new TextDecoder('latin1').decode(head.subarray(0, 4096)).replace(/^\uFEFF|^ï»¿/, '').trimStart().toLowerCase()
  if (!text.startsWith('<')) return false
  return /^<(!doctype\s+html|html|table|meta|head|body|\?xml[^>]*>\s*<html)/.test(text) && new TextDecoder('latin1').decode(head).toLowerCase().includes('<t')
}

function htmlEncoding(bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8'
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 8192))
  const charset = /charset\s*=\s*["']?([\w-]+)/i.exec(head)?.[1]?.toLowerCase()
  if (charset && /^(gbk|gb2312|gb18030|x-gbk|cp936)$/.test(charset)) return 'gb18030'
  if (charset && /^utf-?8$/.test(charset)) return 'utf-8'
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, 65_536), { stream: true })
    return 'utf-8'
  } catch {
    return 'gb18030'
  }
}

function htmlCellText(parts: ReadonlyArray<string>): string {
  return unescapeXml(parts.join('').replace(/&nbsp;|&#160;/gi, ' ')).replace(/[\s\u00a0]+/g, ' ').trim()
}

/** The lower-case name of a tag body (`td class=x` -> `td`, `/TR` -> `tr`), from its first characters only. */
function tagName(body: string): string {
  const match = /^\/?\s*([a-zA-Z][a-zA-Z0-9]{0,15})/.exec(body.slice(0, 24))
  return match?.[1]?.toLowerCase() ?? ''
}

/**
 * Rows of the tables of an HTML page, one row per `<tr>` (numbered 1… in
 * document order), `colspan` kept as empty cells so columns stay aligned.
 * A single pass with indexOf from `<` to the next `>` (no backtracking
 * regex over the page), so a hostile page costs time linear in its size;
 * text outside cells (scripts, styles, titles) is ignored.
 */
export async function* readHtmlTableRows(bytes: Uint8Array, name = 'file'): AsyncIterable<SheetRow[]> {
  if (bytes.byteLength > MAX_HTML_BYTES) throw new LedgerError('PAYLOAD_TOO_LARGE', `${name}: an HTML table of ${bytes.byteLength} bytes is over the ${MAX_HTML_BYTES}-byte limit`)
  const text = new TextDecoder(htmlEncoding(bytes)).decode(bytes)
  let batch: SheetRow[] = []
  let rowNumber = 0
  let row: string[] | null = null
  let cell: string[] | null = null
  let span = 1
  const endCell = (): void => {
    if (cell === null) return
    if (row === null) row = []
    row.push(htmlCellText(cell))
    for (let extra = 1; extra < span; extra += 1) row.push('')
    cell = null
  }
  const endRow = (): void => {
    endCell()
    if (row === null) return
    const cells = row
    while (cells.length > 0 && cells[cells.length - 1] === '') cells.pop()
    batch.push({ sheet: 'Sheet1', rowNumber, cells })
    row = null
  }
  let position = 0
  while (position < text.length) {
    const open = text.indexOf('<', position)
    if (open === -1) {
      cell?.push(text.slice(position))
      break
    }
    if (open > position) cell?.push(text.slice(position, open))
    if (text.startsWith('<!--', open)) {
      const close = text.indexOf('-->', open + 4)
      position = close === -1 ? text.length : close + 3
      continue
    }
    const close = text.indexOf('>', open + 1)
    if (close === -1) {
      cell?.push(text.slice(open))
      break
    }
    const body = text.slice(open + 1, close)
    position = close + 1
    const closing = body.startsWith('/')
    const tag = tagName(body)
    if (tag === 'tr') {
      endRow()
      if (!closing) {
        rowNumber += 1
        row = []
      }
    } else if (tag === 'td' || tag === 'th') {
      endCell()
      if (!closing) {
        if (row === null) {
          rowNumber += 1
          row = []
        }
        cell = []
        span = Math.min(Math.max(Number(/colspan\s*=\s*["']?(\d{1,4})/i.exec(body.slice(0, 2000))?.[1] ?? '1'), 1), 1000)
      }
    } else if (tag === 'br') {
      cell?.push(' ')
    } else if (tag === 'table' && closing) {
      endRow()
    }
    if (batch.length >= 5000) {
      yield batch
      batch = []
    }
  }
  endRow()
  if (rowNumber === 0) throw new LedgerError('UNSUPPORTED_FORMAT', `${name}: an HTML page without a table (<tr>) is not a spreadsheet export`)
  if (batch.length > 0) yield batch
}
