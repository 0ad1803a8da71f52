import type { BankTxnsResponse, ImportBatchesResponse, ImportJobResponse, ImportProgressDto, ImportRejectDto, ImportRejectsResponse, ImportStarted, ImportSummaryDto, ImportsResult, OrdersResponse, TxnsResponse } from '../../shared/api/imports.ts'
import { type Transport, apiErrorOf, companyPath, networkError, query, segment, xhrUpload } from './core.ts'

/** Imports with progress, their rejects and periods (shared/api/imports.ts). */
export type ImportSummary = ImportSummaryDto
export type ImportReject = ImportRejectDto

/**
 * Where an import stands. `upload`: the files are on their way (percent only
 * when the transport can count bytes); `parse`: the service reads, checks and
 * writes the rows of file `fileIndex` of `files`; `insert`: it writes the last
 * rows and commits. Counts run over all files of the upload.
 */
export interface ImportProgress {
  readonly phase: 'upload' | 'parse' | 'insert'
  /** 0-100, or null while unknown (show an indeterminate bar). */
  readonly percent: number | null
  readonly file: string | null
  readonly fileIndex: number
  readonly files: number
  readonly rows: number
  readonly records: number
  readonly rejects: number
}

export interface ServerEvent {
  readonly event: string
  readonly data: string
}

/**
 * Reads a `text/event-stream` body event by event with a stream reader (an
 * EventSource cannot POST or send a bearer token). Comments (`: keep-alive`)
 * and events without a name are skipped; `\r\n` line ends are accepted.
 * @example await readServerEvents(response.body, (event) => console.log(event.event, JSON.parse(event.data)))
 */
export async function readServerEvents(body: ReadableStream<Uint8Array>, onEvent: (event: ServerEvent) => void): Promise<void> {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  const dispatch = (block: string) => {
    let event = ''
    const data: string[] = []
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith('event:')) event = line.slice(6).trim()
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''))
    }
    if (event !== '') onEvent({ event, data: data.join('\n') })
  }
  for (;;) {
    const { done, value } = await reader.read()
    buffer += done ? decoder.decode() : decoder.decode(value, { stream: true })
    const blocks = buffer.split(/\r?\n\r?\n/)
    buffer = blocks.pop() ?? ''
    for (const block of blocks) dispatch(block)
    if (done) {
      if (buffer.trim() !== '') dispatch(buffer)
      return
    }
  }
}

export interface ImportsApi {
  /**
   * Uploads and imports files. Progress comes from the service's event stream
   * on the same request (fetch + stream reader); without streams in the page
   * the upload goes through XHR with upload progress only. `force`: import
   * files whose rows contradict their own running balance or stated totals.
   */
  uploadImport(company: string, files: readonly File[], options: { store?: string; force?: boolean; onProgress?: (progress: ImportProgress) => void }): Promise<ImportSummary[]>
  importRejects(company: string, id: string | number): Promise<ImportReject[]>
  /** Periods (YYYY-MM) of imported records, newest batch first: of the batches given, or of the latest batches. */
  importedPeriods(company: string, batchIds?: readonly (string | number)[]): Promise<string[]>
}

function startOf(files: number): ImportProgress {
  return { phase: 'upload', percent: null, file: null, fileIndex: 0, files, rows: 0, records: 0, rejects: 0 }
}

function progressOf(data: ImportProgressDto): ImportProgress {
  return {
    phase: data.phase,
    percent: data.percent === null ? null : Math.max(0, Math.min(100, data.percent)),
    file: data.file, fileIndex: data.fileIndex, files: data.files, rows: data.rows, records: data.records, rejects: data.rejects,
  }
}

type Ended = { readonly done: ImportsResult } | { readonly error: ReturnType<typeof apiErrorOf> }

export function importsApi(transport: Transport): ImportsApi {
  const { request, options } = transport
  const upload = options.upload ?? xhrUpload

  /** The plain POST through the upload transport (XHR: upload progress, then the 201 body). */
  async function plainImport(url: string, form: FormData, files: number, onProgress?: (progress: ImportProgress) => void): Promise<ImportsResult> {
    let response: Response
    try {
      response = await upload({
        url, headers: transport.headers(false), body: form,
        onProgress: ({ loaded, total }) => onProgress?.({ ...startOf(files), percent: total > 0 ? Math.round((loaded / total) * 100) : null }),
      })
    } catch (cause) {
      throw networkError(cause)
    }
    return (await transport.settle(response)) as ImportsResult
  }

  /**
   * The POST with `Accept: text/event-stream`: `job`, `progress`…, then `done`
   * (the 201 body) or `error`. If the stream breaks off after the job event,
   * the import is still running on the service: poll the job for its end. An
   * answer that is not a stream (an error before the import started) settles
   * like any response.
   */
  async function streamedImport(url: string, form: FormData, files: number, onProgress?: (progress: ImportProgress) => void): Promise<ImportsResult> {
    onProgress?.({ ...startOf(files), percent: null })
    let response: Response
    try {
      response = await transport.fetcher(url, { method: 'POST', headers: { ...transport.headers(false), accept: 'text/event-stream' }, body: form })
    } catch (cause) {
      throw networkError(cause)
    }
    if (!response.ok || !(response.headers.get('content-type') ?? '').startsWith('text/event-stream') || response.body === null) return (await transport.settle(response)) as ImportsResult
    let location: string | null = null
    let ended: Ended | null = null
    try {
      await readServerEvents(response.body, (event) => {
        const data: unknown = JSON.parse(event.data)
        if (event.event === 'job') location = (data as ImportStarted).location
        else if (event.event === 'progress') onProgress?.(progressOf(data as ImportProgressDto))
        else if (event.event === 'done') ended = { done: data as ImportsResult }
        else if (event.event === 'error') ended = { error: apiErrorOf(data as Parameters<typeof apiErrorOf>[0]) }
      })
    } catch {
      // The connection dropped mid-stream; the job below says how the import ended.
    }
    const outcome = ended as Ended | null
    if (outcome !== null) {
      if ('error' in outcome) throw outcome.error
      return outcome.done
    }
    if (location === null) throw networkError(new Error('the import stream ended before the import started'))
    return pollJob(location, onProgress)
  }

  async function pollJob(location: string, onProgress?: (progress: ImportProgress) => void): Promise<ImportsResult> {
    const path = location.replace(/^\/api\/v1/, '')
    for (;;) {
      const job = await request<ImportJobResponse>('GET', path)
      if (job.status === 'done') return { imports: job.imports }
      if (job.status === 'error') throw apiErrorOf({ error: job.error })
      onProgress?.(progressOf(job.progress))
      await new Promise((resolve) => setTimeout(resolve, options.pollIntervalMs ?? 1000))
    }
  }

  return {
    async uploadImport(code, files, { store, force, onProgress }) {
      const form = new FormData()
      for (const file of files) form.append('file', file, file.name)
      if (store !== undefined && store !== '') form.append('store', store)
      if (force === true) form.append('force', 'true')
      const url = `${transport.base()}${companyPath(code)}/imports`
      const streaming = options.streamImports ?? typeof ReadableStream !== 'undefined'
      const result = streaming ? await streamedImport(url, form, files.length, onProgress) : await plainImport(url, form, files.length, onProgress)
      return result.imports
    },
    async importRejects(code, id) {
      return (await request<ImportRejectsResponse>('GET', `${companyPath(code)}/imports/${segment(id)}/rejects`)).rejects
    },
    async importedPeriods(code, batchIds) {
      const ids = batchIds ?? (await request<ImportBatchesResponse>('GET', `${companyPath(code)}/imports`)).imports.slice(0, 5).map((batch) => batch.id)
      const base = companyPath(code)
      const firstDate = async (batchId: string): Promise<string | undefined> => {
        const params = query({ batchId, limit: '1' })
        // An order is dated when it was created; settlement and bank lines when the money moved.
        return (await request<OrdersResponse>('GET', `${base}/orders${params}`)).orders[0]?.createdAt
          ?? (await request<TxnsResponse>('GET', `${base}/txns${params}`)).txns[0]?.occurredAt
          ?? (await request<BankTxnsResponse>('GET', `${base}/bank-txns${params}`)).txns[0]?.occurredAt
      }
      const found: string[] = []
      for (const id of ids) {
        const date = await firstDate(String(id))
        if (date !== undefined) found.push(date.slice(0, 7))
      }
      return found.filter((period, index) => found.indexOf(period) === index)
    },
  }
}
