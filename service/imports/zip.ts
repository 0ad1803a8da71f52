import { Inflate } from 'fflate'
import { LedgerError } from '../../shared/errors.ts'
import { inflateRawSync } from 'node:zlib'
import { INFLATE_STEP, PART_CAPS, assertDeclaredSize } from './limits.ts'

/**
 * Just enough of ZIP for XLSX: the central directory (names, methods, sizes,
 * offsets) and entries inflated either whole (small parts) or in slices
 * (worksheets), so a sheet is never held unzipped in memory. Entry sizes come
 * from the central directory, which is right even when the local headers use
 * data descriptors (exceljs's streaming writer). Every inflate is held to the
 * entry's declared size and to an absolute cap per part (limits.ts): a part
 * that inflates to more than it declared, or than its cap, is refused as a
 * possible zip bomb without being held whole.
 */

export interface ZipEntry {
  name: string
  /** 0 stored, 8 deflate. */
  method: number
  compressedSize: number
  size: number
  /** Offset of the local file header. */
  headerOffset: number
}

function u16(bytes: Uint8Array, at: number): number {
  return (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8)
}

function u32(bytes: Uint8Array, at: number): number {
  return (u16(bytes, at) + u16(bytes, at + 2) * 65_536)
}

function damaged(message: string): LedgerError {
  return new LedgerError('UNSUPPORTED_FORMAT', `not a readable XLSX (zip): ${message}`)
}

/** Reads the central directory. Throws LedgerError UNSUPPORTED_FORMAT for a damaged or ZIP64 archive. */
export function zipEntries(bytes: Uint8Array): Map<string, ZipEntry> {
  // End of central directory: 22 bytes plus a comment of up to 65,535.
  let end = -1
  for (let at = bytes.byteLength - 22; at >= Math.max(0, bytes.byteLength - 22 - 65_535); at -= 1) {
    if (u32(bytes, at) === 0x06054b50) {
      end = at
      break
    }
  }
  if (end === -1) throw damaged('no end of central directory (truncated file?)')
  const count = u16(bytes, end + 10)
  let at = u32(bytes, end + 16)
  if (count === 0xffff || at === 0xffffffff) throw damaged('ZIP64 archives are not supported')
  const decoder = new TextDecoder('utf-8')
  const entries = new Map<string, ZipEntry>()
  for (let index = 0; index < count; index += 1) {
    if (at + 46 > bytes.byteLength || u32(bytes, at) !== 0x02014b50) throw damaged('broken central directory')
    const nameLength = u16(bytes, at + 28)
    const entry: ZipEntry = {
      method: u16(bytes, at + 10),
      compressedSize: u32(bytes, at + 20),
      size: u32(bytes, at + 24),
      headerOffset: u32(bytes, at + 42),
      name: decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength)),
    }
    if (entry.compressedSize === 0xffffffff || entry.size === 0xffffffff || entry.headerOffset === 0xffffffff) throw damaged('ZIP64 entries are not supported')
    entries.set(entry.name, entry)
    at += 46 + nameLength + u16(bytes, at + 30) + u16(bytes, at + 32)
  }
  return entries
}

/** The entry's compressed bytes. */
function entryData(bytes: Uint8Array, entry: ZipEntry): Uint8Array {
  const at = entry.headerOffset
  if (at + 30 > bytes.byteLength || u32(bytes, at) !== 0x04034b50) throw damaged(`no local header for ${entry.name}`)
  const start = at + 30 + u16(bytes, at + 26) + u16(bytes, at + 28)
  if (start + entry.compressedSize > bytes.byteLength) throw damaged(`${entry.name} is truncated`)
  if (entry.method !== 0 && entry.method !== 8) throw damaged(`${entry.name} uses compression method ${entry.method}`)
  return bytes.subarray(start, start + entry.compressedSize)
}

function tooBig(entry: ZipEntry): LedgerError {
  return new LedgerError('PAYLOAD_TOO_LARGE', `XLSX part ${entry.name} inflates to more than its declared ${entry.size} bytes: refusing a possible zip bomb`)
}

/**
 * A small entry, whole, held to its declared size and to `cap` (limits.ts):
 * a declared size over the cap is refused before inflating, and inflating
 * stops as soon as the output passes either (declared sizes can lie).
 */
export function readEntry(bytes: Uint8Array, entry: ZipEntry, cap: number = PART_CAPS.styles): Uint8Array {
  assertDeclaredSize(entry.name, entry.size, cap)
  const data = entryData(bytes, entry)
  if (entry.method === 0) {
    if (data.byteLength > cap) assertDeclaredSize(entry.name, data.byteLength, cap)
    return data
  }
  // Native inflate with an output ceiling: it stops at the first chunk past the declared size (which is within the cap).
  try {
    return new Uint8Array(inflateRawSync(data, { maxOutputLength: Math.max(1, entry.size) }))
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooBig(entry)
    throw damaged(`${entry.name}: ${error instanceof Error ? error.message : String(error)}`)
  }
}

/**
 * An entry inflated in slices: `compressedSlice` input bytes at a time, each
 * yielding inflated chunks of at most INFLATE_STEP bytes. Held to the entry's
 * declared size and to `cap`: a declared size over the cap is refused before
 * inflating, and the stream stops as soon as its output passes either.
 */
export function* streamEntry(bytes: Uint8Array, entry: ZipEntry, compressedSlice = 64 * 1024, cap: number = PART_CAPS.sheet): Generator<Uint8Array> {
  assertDeclaredSize(entry.name, entry.size, cap)
  const data = entryData(bytes, entry)
  if (entry.method === 0) {
    if (data.byteLength > cap) assertDeclaredSize(entry.name, data.byteLength, cap)
    for (let start = 0; start < data.byteLength; start += compressedSlice) yield data.subarray(start, start + compressedSlice)
    return
  }
  let chunks: Uint8Array[] = []
  let total = 0
  const inflater = new Inflate((chunk) => {
    total += chunk.byteLength
    if (total > entry.size) throw tooBig(entry)
    if (total > cap) throw new LedgerError('PAYLOAD_TOO_LARGE', `XLSX part ${entry.name} inflates to more than ${cap} bytes (its limit): refusing a possible zip bomb`)
    for (let start = 0; start < chunk.byteLength; start += INFLATE_STEP) chunks.push(chunk.subarray(start, Math.min(chunk.byteLength, start + INFLATE_STEP)))
  })
  for (let start = 0; start < data.byteLength; start += compressedSlice) {
    const end = Math.min(data.byteLength, start + compressedSlice)
    try {
      inflater.push(data.subarray(start, end), end === data.byteLength)
    } catch (error) {
      if (error instanceof LedgerError) throw error
      throw damaged(`${entry.name}: ${error instanceof Error ? error.message : String(error)}`)
    }
    const ready = chunks
    chunks = []
    yield* ready
  }
}
