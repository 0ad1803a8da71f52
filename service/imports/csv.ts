/**
 * A streaming RFC 4180 tokenizer over decoded text, written because csv-parse
 * cost ~30 µs per row here (more than the database insert it feeds; see the
 * import benchmark). Lenient the way real exports need:
 * - quotes only open a field at its start; a quote inside an unquoted field is text;
 * - text after a closing quote (Alipay's `"123"\t,`) is kept;
 * - CRLF, LF and lone CR end records; newlines inside quotes are kept;
 * - an unclosed quote at the end of input is reported, not thrown.
 */
export interface CsvRecord {
  /** 1-based line where the record starts. */
  rowNumber: number
  cells: string[]
}

export class CsvTokenizer {
  private cells: string[] = []
  private field = ''
  private inQuotes = false
  /** At the start of a field (a quote here opens a quoted field). */
  private fieldStart = true
  private line = 1
  private recordLine = 1
  private pendingCr = false
  private recordSize = 0
  /** A quote that ended the previous chunk inside a quoted field (`""` or a closing quote?). */
  private carry = ''

  constructor(private readonly delimiter: string, private readonly maxRecordChars = 1_000_000) {}

  /** Feeds text; returns the records completed by it. */
  push(chunk: string, out: CsvRecord[] = []): CsvRecord[] {
    const text = this.carry + chunk
    this.carry = ''
    const delimiter = this.delimiter.charCodeAt(0)
    let index = 0
    const length = text.length
    if (this.pendingCr && length > 0) {
      this.pendingCr = false
      if (text.charCodeAt(0) === 10) index = 1
    }
    while (index < length) {
      if (this.inQuotes) {
        const quote = text.indexOf('"', index)
        if (quote === -1) {
          this.appendQuoted(text.slice(index))
          return out
        }
        this.appendQuoted(text.slice(index, quote))
        if (quote + 1 >= length) {
          // A quote at the end of the chunk: `""` or a closing quote, decided with the next chunk.
          this.carry = '"'
          return out
        }
        if (text.charCodeAt(quote + 1) === 34) {
          this.field += '"'
          index = quote + 2
        } else {
          this.inQuotes = false
          index = quote + 1
        }
        continue
      }
      if (this.fieldStart && text.charCodeAt(index) === 34) {
        this.inQuotes = true
        this.fieldStart = false
        index += 1
        continue
      }
      // Unquoted run up to the next delimiter or line break.
      let end = index
      while (end < length) {
        const code = text.charCodeAt(end)
        if (code === 10 || code === 13 || code === delimiter) break
        end += 1
      }
      if (end > index) {
        this.field = this.field === '' ? text.slice(index, end) : this.field + text.slice(index, end)
        this.fieldStart = false
        this.recordSize += end - index
        if (this.recordSize > this.maxRecordChars) throw new Error(`a record starting on line ${this.recordLine} is longer than ${this.maxRecordChars} characters (one line of ${this.recordSize}+ characters: not a channel export)`)
      }
      if (end >= length) return out
      const code = text.charCodeAt(end)
      if (code === 10 || code === 13) {
        this.endField()
        out.push(this.endRecord())
        this.line += 1
        this.recordLine = this.line
        if (code === 13) {
          if (end + 1 < length) {
            if (text.charCodeAt(end + 1) === 10) end += 1
          } else this.pendingCr = true
        }
      } else {
        this.endField()
      }
      index = end + 1
    }
    return out
  }

  private appendQuoted(part: string): void {
    for (let newline = part.indexOf('\n'); newline !== -1; newline = part.indexOf('\n', newline + 1)) this.line += 1
    this.field += part
    this.recordSize += part.length
    if (this.recordSize > this.maxRecordChars) throw new Error(`a record starting on line ${this.recordLine} is longer than ${this.maxRecordChars} characters (broken quoting?)`)
  }

  private endField(): void {
    this.cells.push(this.field)
    this.field = ''
    this.fieldStart = true
  }

  private endRecord(): CsvRecord {
    const record = { rowNumber: this.recordLine, cells: this.cells }
    this.cells = []
    this.recordSize = 0
    return record
  }

  /** Ends input: the last record (if any) and whether a quote was left open. */
  end(): { record: CsvRecord | null; unclosedQuote: boolean } {
    if (this.carry === '"') {
      this.carry = ''
      this.inQuotes = false
    }
    const unclosedQuote = this.inQuotes
    if (this.cells.length === 0 && this.field === '' && this.fieldStart && !unclosedQuote) return { record: null, unclosedQuote }
    this.endField()
    return { record: this.endRecord(), unclosedQuote }
  }
}
