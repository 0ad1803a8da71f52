import { LedgerError } from '../../shared/errors.ts'
import { Decimal } from '../../shared/money.ts'
import { PART_CAPS, XML_CAPS } from './limits.ts'
import { type ZipEntry, readEntry, streamEntry, zipEntries } from './zip.ts'

/**
 * A small XLSX reader: each sheet's XML is inflated in slices straight from its
 * byte range in the zip (zip.ts), decoded with a streaming TextDecoder and
 * tokenized here, so memory holds the compressed file, the shared strings and
 * one slice of XML, never a whole unzipped sheet. Written because
 * exceljs's streaming reader decodes each zip chunk separately and breaks
 * multi-byte characters that straddle chunks (`某���户` in a 200k-row sheet).
 * Reads values as Excel shows them: shared/inline strings, cached formula
 * results, booleans, numbers, and date-formatted numbers as `yyyy-MM-dd HH:mm:ss`.
 */

export interface SheetRow {
  sheet: string
  rowNumber: number
  cells: string[]
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

export function unescapeXml(text: string): string {
  if (!text.includes('&')) return text
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_match, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16))
    if (entity.startsWith('#')) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10))
    return ENTITIES[entity] ?? ''
  })
}

function attributes(tag: string): Map<string, string> {
  const result = new Map<string, string>()
  for (const match of tag.matchAll(/([\w:]+)="([^"]*)"/g)) result.set(match[1] ?? '', unescapeXml(match[2] ?? ''))
  return result
}

/** One attribute of a tag body, without building a map (hot path: every cell). */
function attribute(body: string, name: string): string | undefined {
  const start = body.indexOf(` ${name}="`)
  if (start === -1) return undefined
  const from = start + name.length + 3
  const end = body.indexOf('"', from)
  return end === -1 ? undefined : body.slice(from, end)
}

function readText(bytes: Uint8Array, entries: ReadonlyMap<string, ZipEntry>, path: string, cap: number): string {
  const entry = entries.get(path)
  return entry ? new TextDecoder('utf-8').decode(readEntry(bytes, entry, cap)) : ''
}

function refuse(part: string, message: string): LedgerError {
  return new LedgerError('PAYLOAD_TOO_LARGE', `XLSX part ${part}: ${message}; refusing the file`)
}

/** Element depth of a streaming tokenizer, refused past XML_CAPS.depth (a nesting bomb). */
function nextDepth(part: string, depth: number, body: string): number {
  if (body.startsWith('?') || body.startsWith('!')) return depth
  if (body.startsWith('/')) return depth - 1
  if (body.endsWith('/')) return depth
  if (depth + 1 > XML_CAPS.depth) throw refuse(part, `elements nest more than ${XML_CAPS.depth} deep`)
  return depth + 1
}

function columnIndex(reference: string): number {
  let index = 0
  for (const char of reference) {
    const code = char.charCodeAt(0)
    if (code < 65 || code > 90) break
    index = index * 26 + (code - 64)
  }
  return index - 1
}

const BUILTIN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 30, 36, 45, 46, 47, 50, 57])

function isDateFormat(code: string): boolean {
  const bare = code.replace(/"[^"]*"|\[[^\]]*\]|\\./g, '')
  return /[yd]/i.test(bare) || /h.*m|m.*s/i.test(bare)
}

interface Workbook {
  entries: Map<string, ZipEntry>
  sheets: Array<{ name: string; path: string }>
  sharedStrings: string[]
  dateStyles: Set<number>
}

function readWorkbook(bytes: Uint8Array): Workbook {
  const entries = zipEntries(bytes)
  const workbookXml = readText(bytes, entries, 'xl/workbook.xml', PART_CAPS.workbook)
  if (workbookXml === '') throw new LedgerError('UNSUPPORTED_FORMAT', 'not an XLSX workbook (no xl/workbook.xml)')
  const targets = new Map<string, string>()
  for (const match of readText(bytes, entries, 'xl/_rels/workbook.xml.rels', PART_CAPS.rels).matchAll(/<Relationship\b[^>]*>/g)) {
    const attrs = attributes(match[0])
    const target = attrs.get('Target') ?? ''
    targets.set(attrs.get('Id') ?? '', target.startsWith('/') ? target.slice(1) : `xl/${target}`)
  }
  const sheets = [...workbookXml.matchAll(/<sheet\b[^>]*>/g)].map((match) => {
    const attrs = attributes(match[0])
    return { name: attrs.get('name') ?? 'Sheet', path: targets.get(attrs.get('r:id') ?? '') ?? '' }
  }).filter((sheet) => sheet.path !== '')
  const sharedStrings = readSharedStrings(bytes, entries.get('xl/sharedStrings.xml'))
  const styles = readText(bytes, entries, 'xl/styles.xml', PART_CAPS.styles)
  const customDates = new Set([...styles.matchAll(/<numFmt\b[^>]*>/g)].map((match) => attributes(match[0])).filter((attrs) => isDateFormat(attrs.get('formatCode') ?? '')).map((attrs) => Number(attrs.get('numFmtId'))))
  const cellXfs = /<cellXfs\b[^>]*>([\s\S]*?)<\/cellXfs>/.exec(styles)?.[1] ?? ''
  const dateStyles = new Set<number>()
  ;[...cellXfs.matchAll(/<xf\b[^>]*>/g)].forEach((match, index) => {
    const id = Number(attributes(match[0]).get('numFmtId') ?? '0')
    if (BUILTIN_DATE_FORMATS.has(id) || customDates.has(id)) dateStyles.add(index)
  })
  return { entries, sheets, sharedStrings, dateStyles }
}

/**
 * The shared-string table, inflated in slices and tokenized as it arrives:
 * memory holds the strings themselves (cells refer to them by index, so they
 * must stay), never the whole XML nor a second copy of it. Text of a string's
 * runs is joined; phonetic guides (<rPh>) are left out, as Excel shows them.
 */
export function readSharedStrings(bytes: Uint8Array, entry: ZipEntry | undefined, compressedSlice = 64 * 1024): string[] {
  const strings: string[] = []
  if (!entry) return strings
  const decoder = new TextDecoder('utf-8')
  let buffer = ''
  let current: string[] | null = null
  let inText = false
  let phonetic = 0
  let text = ''
  let depth = 0
  let chars = 0
  const part = entry.name
  const addText = (piece: string) => {
    text += piece
    if (text.length > XML_CAPS.textChars) throw refuse(part, `a string is longer than ${XML_CAPS.textChars} characters`)
  }
  const consume = (chunk: string) => {
    buffer += chunk
    let position = 0
    for (;;) {
      const open = buffer.indexOf('<', position)
      if (open === -1) break
      if (inText && open > position) addText(buffer.slice(position, open))
      const close = buffer.indexOf('>', open)
      if (close === -1) {
        buffer = buffer.slice(open)
        if (buffer.length > XML_CAPS.tagChars) throw refuse(part, `a tag is longer than ${XML_CAPS.tagChars} characters`)
        return
      }
      const body = buffer.slice(open + 1, close)
      position = close + 1
      depth = nextDepth(part, depth, body)
      const closing = body.startsWith('/')
      const name = (closing ? body.slice(1) : body).split(/[\s/]/, 1)[0] ?? ''
      if (name === 'si') {
        if (closing || body.endsWith('/')) {
          const value = current === null ? '' : current.join('')
          chars += value.length + 8
          if (chars > PART_CAPS.sharedStringChars) throw refuse(part, `the shared strings hold more than ${PART_CAPS.sharedStringChars} characters`)
          strings.push(value)
          current = null
        } else {
          current = []
        }
      } else if (name === 'rPh') {
        if (closing) phonetic -= 1
        else if (!body.endsWith('/')) phonetic += 1
      } else if (name === 't') {
        if (closing) {
          if (inText && phonetic === 0) current?.push(unescapeXml(text))
          inText = false
          text = ''
        } else if (!body.endsWith('/')) {
          inText = true
          text = ''
        }
      }
    }
    if (inText) addText(buffer.slice(position))
    buffer = ''
  }
  for (const chunk of streamEntry(bytes, entry, compressedSlice, PART_CAPS.sharedStrings)) consume(decoder.decode(chunk, { stream: true }))
  consume(decoder.decode())
  return strings
}

function two(value: number): string {
  return String(value).padStart(2, '0')
}

/** Excel serial day number (1900 system) -> `yyyy-MM-dd HH:mm:ss`. */
export function excelSerialText(serial: number): string {
  const date = new Date(Math.round((serial - 25569) * 86_400_000))
  if (Number.isNaN(date.getTime())) return ''
  return `${date.getUTCFullYear()}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`
}

/** Tokenizes one sheet's XML as it arrives and collects finished rows. */
class SheetParser {
  private buffer = ''
  private row: string[] = []
  private rowNumber = 0
  private cell: { column: number; type: string; style: number } | null = null
  private value = ''
  private inValue = false
  private depth = 0
  readonly rows: SheetRow[] = []

  constructor(private readonly sheet: string, private readonly workbook: Workbook, private readonly part = sheet) {}

  private addValue(piece: string): void {
    this.value += piece
    if (this.value.length > XML_CAPS.textChars) throw refuse(this.part, `a cell holds more than ${XML_CAPS.textChars} characters`)
  }

  write(text: string): void {
    this.buffer += text
    let position = 0
    for (;;) {
      const open = this.buffer.indexOf('<', position)
      if (open === -1) break
      if (this.inValue && open > position) this.addValue(this.buffer.slice(position, open))
      const close = this.buffer.indexOf('>', open)
      if (close === -1) {
        position = open
        this.buffer = this.buffer.slice(position)
        if (this.buffer.length > XML_CAPS.tagChars) throw refuse(this.part, `a tag is longer than ${XML_CAPS.tagChars} characters`)
        return
      }
      const body = this.buffer.slice(open + 1, close)
      this.depth = nextDepth(this.part, this.depth, body)
      this.tag(body)
      position = close + 1
    }
    if (this.inValue) this.addValue(this.buffer.slice(position))
    this.buffer = ''
  }

  private tag(body: string): void {
    const closing = body.startsWith('/')
    const name = (closing ? body.slice(1) : body).split(/[\s/]/, 1)[0] ?? ''
    if (name === 'row') {
      if (closing) return this.endRow()
      this.rowNumber = Number(attribute(body, 'r') ?? this.rowNumber + 1)
      this.row = []
      if (body.endsWith('/')) this.endRow()
    } else if (name === 'c') {
      if (closing) return this.endCell()
      this.cell = { column: columnIndex(attribute(body, 'r') ?? ''), type: attribute(body, 't') ?? 'n', style: Number(attribute(body, 's') ?? '0') }
      this.value = ''
      if (body.endsWith('/')) this.endCell()
    } else if (name === 'v' || name === 't') {
      if (closing) this.inValue = false
      else if (!body.endsWith('/')) this.inValue = true
    }
  }

  private endCell(): void {
    const cell = this.cell
    if (!cell) return
    const raw = unescapeXml(this.value)
    let text = raw
    if (cell.type === 's') text = this.workbook.sharedStrings[Number(raw)] ?? ''
    else if (cell.type === 'b') text = raw === '1' ? 'TRUE' : 'FALSE'
    else if (cell.type === 'e') text = ''
    else if (cell.type === 'n' && raw !== '') {
      const number = Number(raw)
      text = !Number.isFinite(number) ? '' : this.workbook.dateStyles.has(cell.style) ? excelSerialText(number) : new Decimal(raw).toSignificantDigits(15).toString()
    }
    const column = cell.column >= 0 ? cell.column : this.row.length
    if (column < 100_000) {
      while (this.row.length < column) this.row.push('')
      this.row[column] = text
    }
    this.cell = null
    this.value = ''
  }

  private endRow(): void {
    this.rows.push({ sheet: this.sheet, rowNumber: this.rowNumber, cells: this.row })
    this.row = []
  }
}

/**
 * Streams the rows of every sheet, in workbook order.
 * Throws LedgerError UNSUPPORTED_FORMAT when the zip is not a workbook.
 */
export async function* readXlsxRows(bytes: Uint8Array): AsyncIterable<SheetRow[]> {
  let workbook: Workbook
  try {
    workbook = readWorkbook(bytes)
  } catch (error) {
    if (error instanceof LedgerError) throw error
    throw new LedgerError('UNSUPPORTED_FORMAT', `not a readable XLSX: ${error instanceof Error ? error.message : String(error)}`)
  }
  for (const sheet of workbook.sheets) {
    const entry = workbook.entries.get(sheet.path)
    if (!entry) continue
    const parser = new SheetParser(sheet.name, workbook, sheet.path)
    const decoder = new TextDecoder('utf-8')
    // 64 KB of compressed XML per step (~400 KB inflated for a typical sheet, at most 1 MB per chunk
    // whatever the ratio), the part held to PART_CAPS.sheet; rows handed on per chunk.
    for (const chunk of streamEntry(bytes, entry, 64 * 1024, PART_CAPS.sheet)) {
      parser.write(decoder.decode(chunk, { stream: true }))
      if (parser.rows.length > 0) yield parser.rows.splice(0, parser.rows.length)
    }
    parser.write(decoder.decode())
    if (parser.rows.length > 0) yield parser.rows.splice(0, parser.rows.length)
  }
}
