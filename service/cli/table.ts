import { writeFileSync } from 'node:fs'
import { LedgerError } from '../../shared/errors.ts'
/** Plain-text tables that line up with Chinese text (CJK is two columns wide). */
export function displayWidth(text: string): number {
  let width = 0
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0
    const wide = (code >= 0x1100 && code <= 0x115f) || (code >= 0x2e80 && code <= 0xa4cf) || (code >= 0xac00 && code <= 0xd7a3) || (code >= 0xf900 && code <= 0xfaff) || (code >= 0xfe30 && code <= 0xfe4f) || (code >= 0xff00 && code <= 0xff60) || (code >= 0xffe0 && code <= 0xffe6) || (code >= 0x20000 && code <= 0x3fffd)
    width += wide ? 2 : 1
  }
  return width
}

export type Align = 'left' | 'right'

export function formatTable(headers: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>, align: ReadonlyArray<Align> = []): string {
  const widths = headers.map((header, column) => Math.max(displayWidth(header), ...rows.map((row) => displayWidth(row[column] ?? ''))))
  const pad = (text: string, column: number) => {
    const gap = ' '.repeat(Math.max(0, (widths[column] ?? 0) - displayWidth(text)))
    return align[column] === 'right' ? gap + text : text + gap
  }
  const line = (cells: ReadonlyArray<string>) => cells.map((cell, column) => pad(cell, column)).join('  ').trimEnd()
  return [line(headers), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n')
}

/** RFC 4180 CSV; cells that Excel would read as formulas are prefixed with '. */
export function toCsv(headers: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string {
  const cell = (value: string) => {
    const safe = /^[=+@\t\r]/.test(value) || (/^-/.test(value) && !/^-\d+(\.\d+)?$/.test(value)) ? `'${value}` : value
    return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
  }
  return [headers, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n'
}

/**
 * Writes a command's --out file: a new file only, unless `force` (--force)
 * replaces an existing one. Opened with 'wx', so a file that appears between
 * the check and the write is not overwritten either.
 */
export function writeOutFile(path: string, body: string | Uint8Array, force = false): void {
  try {
    writeFileSync(path, body, { flag: force ? 'w' : 'wx' })
  } catch (error) {
    if ((error as { code?: string }).code === 'EEXIST') throw new LedgerError('DUPLICATE', `${path} exists; choose a new file name or pass --force to replace it / 文件已存在：请换一个文件名，或加 --force 覆盖`)
    throw error
  }
}
