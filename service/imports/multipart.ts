import { mkdtempSync, rmSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LedgerError } from '../../shared/errors.ts'

/**
 * A streaming multipart/form-data reader for uploads: file parts go straight
 * from the request stream to temporary files, text fields stay in memory, and
 * every size is capped while it streams (a part, all parts, a header block, a
 * text field), so an upload costs the service a few 64 KB buffers whatever its
 * size, and an oversized one is refused at the first byte past its cap.
 * Written because the platform's `Request.formData()` (what Hono's parseBody
 * uses) holds the whole body, then each file again, and takes ~5 s of
 * blocked event loop for 50 MB (measured: /health stalled 1.3 s during one).
 */

export interface ReceivedFile {
  readonly field: string
  readonly name: string
  readonly path: string
  readonly size: number
}

export interface Received {
  readonly files: ReceivedFile[]
  readonly fields: Record<string, string>
  /** Removes the temporary files (call once the import is done). */
  cleanup(): void
}

export interface MultipartLimits {
  /** Largest file part. */
  readonly maxFileBytes: number
  /** All parts together. */
  readonly maxTotalBytes: number
  readonly maxFiles: number
  readonly maxFieldBytes: number
}

export const DEFAULT_MULTIPART_LIMITS: MultipartLimits = { maxFileBytes: 200 * 1024 * 1024, maxTotalBytes: 400 * 1024 * 1024, maxFiles: 20, maxFieldBytes: 64 * 1024 }

const CRLF = Buffer.from('\r\n')
const HEADER_END = Buffer.from('\r\n\r\n')
const MAX_HEADER_BYTES = 16 * 1024

function bad(message: string): LedgerError {
  return new LedgerError('BAD_REQUEST', `multipart upload: ${message}`)
}

export function boundaryOf(contentType: string): string {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType)
  const boundary = match?.[1] ?? match?.[2]
  if (!contentType.toLowerCase().startsWith('multipart/form-data') || !boundary) throw new LedgerError('BAD_REQUEST', 'send the files as multipart/form-data (field "file")')
  if (boundary.length > 200) throw bad('boundary longer than 200 characters')
  return boundary
}

function dispositionOf(headers: string): { field: string; filename: string | undefined } {
  const line = headers.split('\r\n').find((header) => /^content-disposition:/i.test(header))
  if (!line) throw bad('a part has no Content-Disposition header')
  const field = /\bname="([^"]*)"/i.exec(line)?.[1] ?? /\bname=([^;\s]+)/i.exec(line)?.[1]
  if (field === undefined) throw bad('a part has no field name')
  const extended = /\bfilename\*=(?:UTF-8|utf-8)''([^;\s]+)/.exec(line)?.[1]
  let filename = /\bfilename="([^"]*)"/i.exec(line)?.[1]
  if (extended) {
    try {
      filename = decodeURIComponent(extended)
    } catch {
      // keep the plain filename
    }
  }
  // Browsers escape a quote in a file name as %22; a path in it is not ours to keep.
  if (filename !== undefined) filename = filename.replace(/%22/g, '"').split(/[\\/]/).pop() ?? ''
  return { field, filename }
}

/**
 * Reads a multipart body into temporary files. Throws PAYLOAD_TOO_LARGE at the
 * first byte past a cap and BAD_REQUEST on a malformed body; either way the
 * files written so far are removed.
 */
export async function receiveMultipart(request: Request, limits: MultipartLimits = DEFAULT_MULTIPART_LIMITS): Promise<Received> {
  const boundary = boundaryOf(request.headers.get('content-type') ?? '')
  const delimiter = Buffer.from(`\r\n--${boundary}`)
  const dir = mkdtempSync(join(tmpdir(), 'cledger-upload-'))
  const cleanup = () => rmSync(dir, { recursive: true, force: true })
  const files: ReceivedFile[] = []
  const fields: Record<string, string> = {}
  let total = 0
  // The body starts with `--boundary`; prefixing CRLF lets one delimiter search find the first one too.
  let pending: Buffer = Buffer.from(CRLF)
  type State = 'preamble' | 'headers' | 'body' | 'after' | 'done'
  // Asserted, not narrowed: step() changes it.
  let state = 'preamble' as State
  let current: { field: string; filename: string | undefined; handle: Awaited<ReturnType<typeof open>> | null; size: number; text: Buffer[]; path: string } | null = null

  const append = async (bytes: Buffer): Promise<void> => {
    if (!current || bytes.byteLength === 0) return
    current.size += bytes.byteLength
    total += bytes.byteLength
    if (total > limits.maxTotalBytes) throw new LedgerError('PAYLOAD_TOO_LARGE', `the upload is over the ${limits.maxTotalBytes}-byte limit`)
    if (current.handle) {
      if (current.size > limits.maxFileBytes) throw new LedgerError('PAYLOAD_TOO_LARGE', `${current.filename || 'upload'}: over the ${limits.maxFileBytes}-byte limit`)
      await current.handle.write(bytes)
    } else {
      if (current.size > limits.maxFieldBytes) throw new LedgerError('PAYLOAD_TOO_LARGE', `field ${current.field}: over the ${limits.maxFieldBytes}-byte limit`)
      current.text.push(Buffer.from(bytes))
    }
  }
  const finishPart = async (): Promise<void> => {
    if (!current) return
    if (current.handle) {
      await current.handle.close()
      files.push({ field: current.field, name: current.filename || 'upload', path: current.path, size: current.size })
    } else {
      fields[current.field] = Buffer.concat(current.text).toString('utf8')
    }
    current = null
  }
  const startPart = async (headers: string): Promise<void> => {
    const { field, filename } = dispositionOf(headers)
    if (filename === undefined) {
      current = { field, filename, handle: null, size: 0, text: [], path: '' }
      return
    }
    if (files.length >= limits.maxFiles) throw new LedgerError('PAYLOAD_TOO_LARGE', `more than ${limits.maxFiles} files in one upload`)
    const path = join(dir, `part-${files.length}`)
    current = { field, filename, handle: await open(path, 'wx', 0o600), size: 0, text: [], path }
  }

  const step = async (final: boolean): Promise<void> => {
    for (;;) {
      if (state === 'preamble' || state === 'body') {
        const at = pending.indexOf(delimiter)
        if (at === -1) {
          // Keep what could be the start of a delimiter; the rest is part data (or preamble, dropped).
          const keep = Math.min(pending.byteLength, delimiter.byteLength - 1)
          if (state === 'body') await append(pending.subarray(0, pending.byteLength - keep))
          else if (pending.byteLength > MAX_HEADER_BYTES) throw bad('no boundary where the body should start')
          pending = Buffer.from(pending.subarray(pending.byteLength - keep))
          if (final) throw bad('the body ends before its closing boundary (truncated upload?)')
          return
        }
        if (state === 'body') {
          await append(pending.subarray(0, at))
          await finishPart()
        }
        pending = pending.subarray(at + delimiter.byteLength)
        state = 'after'
      }
      if (state === 'after') {
        if (pending.byteLength < 2) {
          if (final) throw bad('the body ends after a boundary')
          return
        }
        if (pending[0] === 0x2d && pending[1] === 0x2d) {
          state = 'done'
          return
        }
        // Transport padding, then CRLF.
        const lineEnd = pending.indexOf(CRLF)
        if (lineEnd === -1) {
          if (pending.byteLength > 1024) throw bad('garbage after a boundary')
          if (final) throw bad('the body ends after a boundary')
          return
        }
        pending = pending.subarray(lineEnd + 2)
        state = 'headers'
      }
      if (state === 'headers') {
        const end = pending.indexOf(HEADER_END)
        if (end === -1) {
          if (pending.byteLength > MAX_HEADER_BYTES) throw bad(`part headers longer than ${MAX_HEADER_BYTES} bytes`)
          if (final) throw bad('the body ends inside part headers')
          return
        }
        await startPart(pending.subarray(0, end).toString('utf8'))
        // The delimiter search needs the CRLF before the next boundary; headers end with one, so start the data after it.
        pending = pending.subarray(end + HEADER_END.byteLength)
        state = 'body'
        continue
      }
      if (state === 'done') return
    }
  }

  try {
    const body = request.body
    if (!body) throw bad('no body')
    const reader = body.getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      if (state === 'done') continue
      pending = pending.byteLength === 0 ? Buffer.from(value) : Buffer.concat([pending, value])
      await step(false)
    }
    if (state !== 'done') await step(true)
    if (state !== 'done') throw bad('the body ends before its closing boundary (truncated upload?)')
    return { files, fields, cleanup }
  } catch (error) {
    const open = current as { handle: { close(): Promise<void> } | null } | null
    await open?.handle?.close().catch(() => undefined)
    cleanup()
    throw error
  }
}
