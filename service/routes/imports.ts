import { savedProfileParsers } from '../imports/saved-profiles.ts'
import type { Context } from 'hono'
import type { DeepReadonly } from '../../shared/api/common.ts'
import { type ImportJobResponse, type ImportSummaryDto, bankTxnsResponse, importEventSchemas, importBatchResponse, importBatchesResponse, importFilesResponse, importJobResponse, importRejectsResponse, orderLinesResponse, ordersResponse, recordListQuery, txnsResponse } from '../../shared/api/imports.ts'
import { z } from 'zod'
import { LedgerError } from '../../shared/errors.ts'
import { recordToJson } from '../../shared/records.ts'
import { type ImportJob, type JobCalls, type JobEvent, type JobProgress, type JobRegistry, createJobRegistry } from '../imports/jobs.ts'
import { type FileImportResult, type ImportProgress, importFile } from '../imports/load.ts'
import { getBatch, listBankTxns, listBatches, listOrderLines, listOrders, listRejects, listSettlementTxns } from '../imports/query.ts'
import { createImportSlots } from '../imports/limits.ts'
import { DEFAULT_MULTIPART_LIMITS, receiveMultipart } from '../imports/multipart.ts'
import { DEFAULT_LIMITS } from '../imports/source.ts'
// job errors get exactly the HTTP error mapping of a plain request
import { type Access, type AppDeps, type AppEnv, assertDeclaredBody, companyOf, errorResponse, routeGroup, idParam } from './kit.ts'

/**
 * Imports over HTTP: multipart upload (field `file`, repeatable; `store`,
 * `format`, `currency`) answered at the end, as a progress stream (SSE) or as
 * a job to poll; batch status and rejects, and queries of the imported orders
 * and txns. Amounts are decimal strings.
 */

function summaryJson(result: FileImportResult): ImportSummaryDto {
  return {
    id: result.batchId, fileName: result.file, format: result.parser, detected: result.detected, hash: result.hash,
    read: result.read, records: result.records, imported: result.imported, duplicates: result.duplicates, updated: result.updated, rejected: result.rejected, skipped: result.skipped,
    store: result.store, storeCreated: result.storeCreated, importedByKind: result.importedByKind, checks: result.checks,
    rejects: result.rejects.slice(0, 100).map((reject) => ({ row: reject.rowNumber, sheet: reject.sheet, column: reject.column, reason: reject.reason, raw: reject.raw })),
  }
}

interface ImportsResult { imports: ImportSummaryDto[] }
type ImportEventName = keyof typeof importEventSchemas

interface Upload {
  /** Files in temporary files (removed by `cleanup` once the import is done). */
  readonly files: Array<{ name: string; path: string; size: number }>
  readonly totalBytes: number
  readonly store?: string
  readonly format?: string
  readonly currency?: string
  /** `force=true`: import even a file whose rows contradict its own stated totals / running balance. */
  readonly force?: boolean
  cleanup(): void
}

function field(fields: Record<string, string>, name: string): string | undefined {
  const value = fields[name]
  return value !== undefined && value !== '' ? value : undefined
}

/**
 * Streams the multipart body to temporary files before anything is answered
 * (multipart.ts: every size capped while it streams, nothing held in memory),
 * so a bad or oversized upload is a plain 4xx in every mode.
 */
async function readUpload(c: Context<AppEnv>, maxBytes: number): Promise<Upload> {
  const limits = { ...DEFAULT_MULTIPART_LIMITS, maxFileBytes: maxBytes, maxTotalBytes: Math.max(maxBytes, DEFAULT_MULTIPART_LIMITS.maxTotalBytes) }
  // A declared length over what all parts may hold (plus their headers) is refused before a byte is read.
  assertDeclaredBody(c, limits.maxTotalBytes + 64 * 1024)
  const received = await receiveMultipart(c.req.raw, limits)
  const files = received.files.filter((file) => file.field === 'file').map((file) => ({ name: file.name, path: file.path, size: file.size }))
  if (files.length === 0) {
    received.cleanup()
    throw new LedgerError('VALIDATION', 'no file: send at least one multipart field "file"')
  }
  const { fields } = received
  return { files, totalBytes: files.reduce((total, file) => total + file.size, 0), store: field(fields, 'store'), format: field(fields, 'format'), currency: field(fields, 'currency'), force: field(fields, 'force') === 'true' || field(fields, 'force') === '1', cleanup: received.cleanup }
}

/**
 * How the client wants the answer: `Accept: text/event-stream` streams progress
 * on this response; `?async=1` or `Prefer: respond-async` answers 202 with a
 * job to poll; otherwise the import runs and 201 carries the result.
 */
function modeOf(c: Context<AppEnv>): 'stream' | 'async' | 'wait' {
  if ((c.req.header('accept') ?? '').includes('text/event-stream')) return 'stream'
  const flag = c.req.query('async')
  if (flag === '1' || flag === 'true') return 'async'
  if (/(^|[\s,;])respond-async($|[\s,;])/i.test(c.req.header('prefer') ?? '')) return 'async'
  return 'wait'
}

/** Progress over all files of an upload: bytes and counts of the files done plus those of the current one. */
function overall(upload: Upload, index: number, done: { bytes: number; rows: number; records: number; rejects: number }, file: ImportProgress): JobProgress {
  const bytes = file.bytes === null ? null : done.bytes + file.bytes
  return {
    phase: file.phase, file: file.file, fileIndex: index + 1, files: upload.files.length,
    bytes, totalBytes: upload.totalBytes,
    rows: done.rows + file.rows, records: done.records + file.records, rejects: done.rejects + file.rejects,
    // 100 only once the job is done; the last commit can take a moment.
    percent: bytes === null || upload.totalBytes === 0 ? null : Math.min(99, Math.floor((bytes * 100) / upload.totalBytes)),
  }
}

/** Imports the files in order, each in its own transaction; stops at the first that fails (the ones before it stay committed). */
async function importUpload(deps: AppDeps, access: Access, upload: Upload, calls?: JobCalls<ImportsResult>): Promise<ImportsResult> {
  const company = companyOf(access)
  const maxBytes = deps.maxUploadBytes ?? 200 * 1024 * 1024
  const imports: ImportSummaryDto[] = []
  const done = { bytes: 0, rows: 0, records: 0, rejects: 0 }
  // The company's saved mapping profiles (routes/profiles.ts) are tried besides the built-in formats.
  const extraParsers = await savedProfileParsers(deps.context, company.id)
  for (const [index, file] of upload.files.entries()) {
    const result = await importFile(deps.context.db, company.id, { name: file.name, path: file.path }, {
      actor: access.actor, extraParsers, store: upload.store, format: upload.format, currency: upload.currency, force: upload.force === true, limits: { ...DEFAULT_LIMITS, maxBytes }, requireStore: true,
      onProgress: calls ? (progress) => calls.report(overall(upload, index, done, progress)) : undefined,
    })
    imports.push(summaryJson(result))
    done.bytes += file.size
    done.rows += result.read
    done.records += result.records
    done.rejects += result.rejected
    calls?.partial({ imports: [...imports] })
  }
  return { imports }
}

function jobPath(code: string, job: ImportJob<ImportsResult>): string {
  return `/api/v1/companies/${encodeURIComponent(code)}/imports/jobs/${job.id}`
}

function jobJson(job: ImportJob<ImportsResult>, ttlMs: number): DeepReadonly<ImportJobResponse> {
  return {
    job: job.id,
    status: job.status,
    createdAt: new Date(job.createdAt).toISOString(),
    finishedAt: job.finishedAt === null ? null : new Date(job.finishedAt).toISOString(),
    expiresAt: job.finishedAt === null ? null : new Date(job.finishedAt + ttlMs).toISOString(),
    progress: job.progress,
    imports: job.result?.imports ?? [],
    ...(job.failure ? { error: job.failure.body.error } : {}),
  }
}

/**
 * The SSE answer: `job` (its id and poll URL) and the current progress first,
 * then `progress` at most every 100 ms, then one `done` (the 201 body of a
 * plain POST) or `error` (the error body, its HTTP status and the files
 * committed before it). A client that goes away only stops the events: the
 * import goes on and commits whole, and the job can still be polled.
 */
function eventStream(jobs: JobRegistry<ImportsResult>, job: ImportJob<ImportsResult>, location: string): Response {
  const encoder = new TextEncoder()
  let unsubscribe = (): void => undefined
  let heartbeat: NodeJS.Timeout | undefined
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true
      const write = (text: string): void => {
        if (!open) return
        try {
          controller.enqueue(encoder.encode(text))
        } catch {
          open = false
        }
      }
      // each event's data is typed by the contract (shared/api/imports.ts importEventSchemas)
      const send = <K extends ImportEventName>(event: K, data: DeepReadonly<z.input<(typeof importEventSchemas)[K]>>): void => write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
      const close = (): void => {
        clearInterval(heartbeat)
        if (open) controller.close()
        open = false
      }
      const finish = (event: JobEvent<ImportsResult>): void => {
        if (event.type === 'progress') return send('progress', event.progress)
        if (event.type === 'done') send('done', event.result)
        else send('error', { ...event.failure.body, status: event.failure.status, imports: job.result?.imports ?? [] })
        close()
      }
      send('job', { job: job.id, status: job.status, location })
      send('progress', job.progress)
      if (job.status === 'done' && job.result) return finish({ type: 'done', result: job.result })
      if (job.status === 'error' && job.failure) return finish({ type: 'error', failure: job.failure })
      unsubscribe = jobs.subscribe(job, finish)
      // A comment line now and then keeps proxies from closing a quiet stream (a long final commit).
      heartbeat = setInterval(() => write(': keep-alive\n\n'), 15_000)
      heartbeat.unref()
    },
    cancel() {
      clearInterval(heartbeat)
      unsubscribe()
    },
  })
  return new Response(stream, { status: 200, headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no' } })
}

export function importRoutes(deps: AppDeps) {
  const maxBytes = deps.maxUploadBytes ?? 200 * 1024 * 1024
  const ttlMs = 60 * 60 * 1000
  const jobs = createJobRegistry<ImportsResult>({ ttlMs, describeError: (error) => errorResponse(error) })
  // Imports running at once in this instance (each holds its upload in memory): the next one is refused with 429, not queued.
  const slots = deps.importSlots ?? createImportSlots(deps.maxConcurrentImports ?? 2)
  return routeGroup('imports', deps)
    .route({
      method: 'post', path: '/companies/:company/imports', permission: 'import.create',
      summary: 'Upload and import channel files (multipart: file..., store, format, currency, force); each file commits whole or not at all; a file whose rows contradict its own totals or running balance imports nothing unless force=true. '
        + 'Accept: text/event-stream streams events job, progress (phase upload|parse|insert, bytes/totalBytes, rows, records, rejects, percent; at most 10/s), then done (this 201 body) or error. '
        + '?async=1 or Prefer: respond-async answers 202 {job, status} with a Location to poll',
      response: importFilesResponse,
    }, async ({ c, json, access }) => {
      const slot = slots.acquire()
      let upload: Upload
      try {
        upload = await readUpload(c, maxBytes)
      } catch (error) {
        slot()
        throw error
      }
      const release = () => {
        upload.cleanup()
        slot()
      }
      const mode = modeOf(c)
      if (mode === 'wait') {
        try {
          return json(await importUpload(deps, access, upload), 201)
        } finally {
          release()
        }
      }
      const company = companyOf(access)
      const job = jobs.start({ companyId: company.id, userId: access.actor.userId, files: upload.files.length, totalBytes: upload.totalBytes }, (calls) => importUpload(deps, access, upload, calls).finally(release))
      const location = jobPath(company.code, job)
      if (mode === 'stream') return eventStream(jobs, job, location)
      return json({ job: job.id, status: job.status, location }, 202, { location, 'preference-applied': 'respond-async' })
    })
    .route({ method: 'get', path: '/companies/:company/imports/jobs/:job', summary: 'An import job started with ?async=1 or streamed: progress while running, then the batches and counts or the error. Kept 1 hour after it ends, on the service instance that ran it', permission: 'import.create', response: importJobResponse }, async ({ c, json, access, param }) => {
      const job = jobs.get(param('job'), companyOf(access).id)
      if (!job) throw new LedgerError('NOT_FOUND', `no import job ${param('job')} here: jobs live on the service instance that ran them and are kept for an hour after they end; the imported batches are listed at GET /imports`)
      return json(jobJson(job, ttlMs), 200)
    })
    .route({ method: 'get', path: '/companies/:company/imports', summary: 'Import batches, newest first', permission: 'import.read', response: importBatchesResponse }, async ({ c, json, access }) => {
      return json({ imports: await listBatches(deps.context.db, companyOf(access).id) }, 200)
    })
    .route({ method: 'get', path: '/companies/:company/imports/:id', summary: 'One import batch: who, when, file, hash, counts, self-checks', permission: 'import.read', response: importBatchResponse }, async ({ c, json, access, param }) => {
      return json({ import: await getBatch(deps.context.db, companyOf(access).id, idParam(param('id'))) }, 200)
    })
    .route({ method: 'get', path: '/companies/:company/imports/:id/rejects', summary: 'Rejected rows of a batch with row number, column and reason', permission: 'import.read', response: importRejectsResponse }, async ({ c, json, access, param }) => {
      const rejects = await listRejects(deps.context.db, companyOf(access).id, idParam(param('id')))
      return json({ rejects: rejects.map((reject) => ({ row: reject.rowNumber, sheet: reject.sheet, column: reject.column, reason: reject.reason, raw: reject.raw })) }, 200)
    })
    .route({ method: 'get', path: '/companies/:company/orders', summary: 'Imported orders by store, period (YYYY-MM), status, channel', permission: 'orders.read', query: recordListQuery, response: ordersResponse }, async ({ c, json, access, query }) => {
      const orders = await listOrders(deps.context.db, companyOf(access).id, query)
      return json({ orders: orders.map((order) => recordToJson('order', order)) }, 200)
    })
    .route({ method: 'get', path: '/companies/:company/order-lines', summary: 'Imported order lines by store, channel, status', permission: 'orders.read', query: recordListQuery, response: orderLinesResponse }, async ({ c, json, access, query }) => {
      const lines = await listOrderLines(deps.context.db, companyOf(access).id, query)
      return json({ lines: lines.map((line) => recordToJson('orderLine', line)) }, 200)
    })
    .route({ method: 'get', path: '/companies/:company/txns', summary: 'Imported settlement txns by store, period, kind, channel, order ref', permission: 'txns.read', query: recordListQuery, response: txnsResponse }, async ({ c, json, access, query }) => {
      const txns = await listSettlementTxns(deps.context.db, companyOf(access).id, query)
      return json({ txns: txns.map((txn) => recordToJson('settlementTxn', txn)) }, 200)
    })
    .route({ method: 'get', path: '/companies/:company/bank-txns', summary: 'Imported bank txns by period', permission: 'txns.read', query: recordListQuery, response: bankTxnsResponse }, async ({ c, json, access, query }) => {
      const txns = await listBankTxns(deps.context.db, companyOf(access).id, query)
      return json({ txns: txns.map((txn) => recordToJson('bankTxn', txn)) }, 200)
    })
}
