import { LedgerError } from '../../shared/errors.ts'

/**
 * Absolute caps for everything an upload can make the service hold or inflate,
 * shared by every reader (XLSX here, the .xls path of the bank parsers):
 * compression ratios alone do not bound memory (a 1.9 GB workbook.xml at 60:1
 * passes any sane ratio check), so each part is either held to a fixed byte
 * cap while it inflates (parts read whole) or streamed in slices with a cap on
 * its total (worksheets). Caps are in inflated bytes; a part's declared size is
 * checked first (cheap refusal) and the running count while it inflates
 * (declared sizes can lie).
 */
export const PART_CAPS = {
  /** xl/workbook.xml: sheet names and ids. Real ones are a few KB. */
  workbook: 8 * 1024 * 1024,
  /** Relationship parts and [Content_Types].xml. */
  rels: 4 * 1024 * 1024,
  /** xl/styles.xml: formats and cell styles. Real ones are under 1 MB. */
  styles: 16 * 1024 * 1024,
  /** xl/sharedStrings.xml, tokenized as it inflates; its strings stay in memory while sheets are read. */
  sharedStrings: 96 * 1024 * 1024,
  /** Characters of all shared strings together (JS strings are 2 bytes a character at worst). */
  sharedStringChars: 48 * 1024 * 1024,
  /** One worksheet, streamed: bounds CPU time, not memory. */
  sheet: 1536 * 1024 * 1024,
  /** A whole legacy .xls (BIFF) workbook read by @e965/xlsx, which holds it whole. */
  legacyXls: 64 * 1024 * 1024,
} as const

/** Caps of the streaming XML tokenizers. */
export const XML_CAPS = {
  /** One tag, `<` to `>`. */
  tagChars: 64 * 1024,
  /** Text of one cell or one shared string. */
  textChars: 1024 * 1024,
  /** Element nesting. Worksheets nest 6 deep; rich text a few more. */
  depth: 64,
  /** Rows handed on at once by a sheet reader. */
  rowsPerBatch: 2000,
} as const

/** Inflated bytes handled per step when a part is streamed (the inflater's output is cut to this). */
export const INFLATE_STEP = 1024 * 1024

function tooLarge(message: string): LedgerError {
  return new LedgerError('PAYLOAD_TOO_LARGE', message)
}

/** Refuses a part whose declared inflated size is over its cap, before anything is inflated. */
export function assertDeclaredSize(name: string, declared: number, cap: number): void {
  if (declared > cap) throw tooLarge(`XLSX part ${name} declares ${declared} bytes inflated, over the ${cap}-byte limit for it: refusing a possible zip bomb`)
}

/** Refuses a legacy workbook (or any file read whole by a library) over `cap` bytes before parsing it. */
export function assertWholeFileSize(name: string, size: number, cap: number = PART_CAPS.legacyXls): void {
  if (size > cap) throw tooLarge(`${name}: ${size} bytes is over the ${cap}-byte limit for files that are read whole (save it as .xlsx or .csv)`)
}

/**
 * At most `max` imports at once in this process: each import holds its upload
 * and a database write for seconds, so more at once only adds memory. A caller
 * that finds no slot gets RATE_LIMITED (HTTP 429) at once instead of queueing
 * unbounded uploads in memory.
 */
export interface ImportSlots {
  readonly max: number
  active(): number
  /** Takes a slot or throws RATE_LIMITED; call the returned function exactly once to give it back. */
  acquire(): () => void
}

export function createImportSlots(max: number): ImportSlots {
  let active = 0
  return {
    max,
    active: () => active,
    acquire() {
      if (active >= max) throw new LedgerError('RATE_LIMITED', `${active} imports are running (the limit is ${max}); try again when one has finished`)
      active += 1
      let released = false
      return () => {
        if (released) return
        released = true
        active -= 1
      }
    },
  }
}
