import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs'
import type { FileInput } from './source.ts'
import { streamEntry, zipEntries } from './zip.ts'

/**
 * How far through its input an import is, for progress bars (HTTP events, job
 * polling, the CLI). The readers do not expose a byte offset, so the position
 * is measured in the unit the loader sees on every item: the physical line a
 * CSV record starts on, or the sheet row of an XLSX. The total is counted up
 * front (newlines of a CSV, one pass at memory speed; the `<dimension>` of each
 * worksheet, read from its first inflated slice) and the byte position is that
 * fraction of the file size. Measuring is only done when someone listens.
 */

export interface InputExtent {
  readonly size: number
  readonly unit: 'line' | 'row'
  /** Lines of a CSV, or rows of all worksheets of an XLSX; null when unknown (a sheet without `<dimension>`). */
  readonly total: number | null
}

function isZip(head: Uint8Array): boolean {
  return head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04
}

function countLines(bytes: Uint8Array, state: { lines: number; last: number }): void {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let at = buffer.indexOf(10)
  while (at !== -1) {
    state.lines += 1
    at = buffer.indexOf(10, at + 1)
  }
  if (bytes.byteLength > 0) state.last = bytes[bytes.byteLength - 1] ?? 0
}

function csvLines(input: FileInput): number {
  const state = { lines: 0, last: 10 }
  if (input.bytes) {
    countLines(input.bytes, state)
  } else {
    const handle = openSync(input.path ?? '', 'r')
    const buffer = Buffer.allocUnsafe(1024 * 1024)
    try {
      for (;;) {
        const read = readSync(handle, buffer, 0, buffer.byteLength, null)
        if (read === 0) break
        countLines(buffer.subarray(0, read), state)
      }
    } finally {
      closeSync(handle)
    }
  }
  // A last line without a newline is a line too.
  return state.last === 10 ? state.lines : state.lines + 1
}

const DIMENSION = /<dimension\s+ref="[A-Z]+\d+(?::[A-Z]+(\d+))?"/

function xlsxRows(bytes: Uint8Array): number | null {
  let total = 0
  for (const entry of zipEntries(bytes).values()) {
    if (!/^xl\/worksheets\/[^/]+\.xml$/.test(entry.name)) continue
    const first = streamEntry(bytes, entry, 16 * 1024).next()
    if (first.done) continue
    const match = DIMENSION.exec(new TextDecoder('utf-8').decode(first.value.subarray(0, 4096)))
    if (!match) return null
    total += Number(match[1] ?? 1)
  }
  return total > 0 ? total : null
}

function headOf(input: FileInput): Uint8Array {
  if (input.bytes) return input.bytes.subarray(0, 4)
  const head = Buffer.alloc(4)
  const handle = openSync(input.path ?? '', 'r')
  try {
    readSync(handle, head, 0, 4, 0)
  } finally {
    closeSync(handle)
  }
  return head
}

/** The size and line/row count of an input; never throws (a damaged or unreadable file reports `total: null` and the parser names the problem). */
export function measureInput(input: FileInput): InputExtent {
  let size = input.bytes?.byteLength ?? 0
  let unit: InputExtent['unit'] = 'line'
  try {
    if (!input.bytes) size = statSync(input.path ?? '').size
    if (isZip(headOf(input))) {
      unit = 'row'
      return { size, unit, total: xlsxRows(input.bytes ?? readFileSync(input.path ?? '')) }
    }
    return { size, unit, total: csvLines(input) }
  } catch {
    return { size, unit, total: null }
  }
}

/**
 * The furthest line/row seen, across sheets (sheets are read in order, so a
 * new sheet name adds the rows of the one before).
 */
export class PositionTracker {
  private done = 0
  private sheet: string | undefined
  private current = 0

  constructor(readonly extent: InputExtent) {}

  see(rowNumber: number, sheet: string | undefined): void {
    if (sheet !== this.sheet) {
      this.done += this.current
      this.current = 0
      this.sheet = sheet
    }
    if (rowNumber > this.current) this.current = rowNumber
  }

  /** 0..1 while reading (held below 1 until the file is finished), or null when the total is unknown. */
  fraction(): number | null {
    const total = this.extent.total
    if (total === null || total <= 0) return null
    return Math.min(0.999, (this.done + this.current) / total)
  }

  /** The byte position the fraction stands for. */
  bytes(): number | null {
    const fraction = this.fraction()
    return fraction === null ? null : Math.round(fraction * this.extent.size)
  }
}
