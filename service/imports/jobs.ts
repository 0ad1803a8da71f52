import { randomBytes } from 'node:crypto'

/**
 * Import jobs: one upload (one or more files) running in the background of
 * the service instance that received it, with its latest progress, its result
 * or its error. Held in memory on that instance: progress changes ~20 times a
 * second while the import holds the database's write lock, so a job row in the
 * database could only be written inside the import's own transaction (invisible
 * until commit, gone on rollback) or would queue behind it. What outlives the
 * job is in the database anyway: the committed batches. See docs/decisions.md
 * "Imports (3)".
 *
 * Listeners (an SSE stream) get progress at most every `minIntervalMs` (the
 * latest state; nothing queues up), then exactly one `done` or `error`.
 */

export type JobPhase = 'upload' | 'parse' | 'insert'

export interface JobProgress {
  phase: JobPhase
  /** The file being imported (null before the first one starts). */
  file: string | null
  /** 1-based index of that file among `files`. */
  fileIndex: number
  files: number
  /** Bytes of all files done so far (for the file being read: estimated from the line/row reached); null while unknown. */
  bytes: number | null
  totalBytes: number
  /** Data rows read, records produced and rows rejected so far, over all files. */
  rows: number
  records: number
  rejects: number
  /** 0-100 (whole), null while unknown. */
  percent: number | null
}

export interface JobFailure {
  status: number
  body: { error: { code: string; message: string; details?: unknown } }
}

export type JobStatus = 'running' | 'done' | 'error'

export interface ImportJob<Result> {
  readonly id: string
  readonly companyId: number
  readonly userId: number | null
  status: JobStatus
  readonly createdAt: number
  finishedAt: number | null
  progress: JobProgress
  result: Result | null
  failure: JobFailure | null
}

export type JobEvent<Result> =
  | { type: 'progress'; progress: JobProgress }
  | { type: 'done'; result: Result }
  | { type: 'error'; failure: JobFailure }

type Listener<Result> = (event: JobEvent<Result>) => void

export interface JobCalls<Result> {
  /** Latest progress (call at any rate; listeners are throttled). */
  report(progress: JobProgress): void
  /** What is already done and stays done if a later step fails (e.g. files committed before the one that failed). */
  partial(result: Result): void
}

export interface JobRegistryOptions {
  /** How long a finished job can still be read (default 1 hour). */
  readonly ttlMs?: number
  /** Least time between two progress events to a listener (default 100 ms: at most 10 a second). */
  readonly minIntervalMs?: number
  /** Maps a thrown error to the HTTP error the plain POST would have answered. */
  readonly describeError: (error: unknown) => JobFailure
  readonly now?: () => number
}

interface Entry<Result> {
  job: ImportJob<Result>
  listeners: Set<Listener<Result>>
  lastSentAt: number
  timer: NodeJS.Timeout | null
}

export interface JobRegistry<Result> {
  /**
   * Starts `work` on the next turn and returns its job.
   * @example const job = jobs.start({ companyId, userId, files: 1, totalBytes }, ({ report }) => importAll(report))
   */
  start(owner: { companyId: number; userId: number | null; files: number; totalBytes: number }, work: (calls: JobCalls<Result>) => Promise<Result>): ImportJob<Result>
  /** The job if it exists, has not expired and belongs to the company; else undefined (callers answer 404). */
  get(id: string, companyId: number): ImportJob<Result> | undefined
  /** Live events of a job (throttled progress, then done or error); returns the unsubscribe. */
  subscribe(job: ImportJob<Result>, listener: Listener<Result>): () => void
  /** Resolves when the job has finished (for tests and for shutdown). */
  settled(job: ImportJob<Result>): Promise<void>
  size(): number
}

export function createJobRegistry<Result>(options: JobRegistryOptions): JobRegistry<Result> {
  const ttlMs = options.ttlMs ?? 60 * 60 * 1000
  const minIntervalMs = options.minIntervalMs ?? 100
  const now = options.now ?? Date.now
  const entries = new Map<string, Entry<Result>>()
  const finished = new Map<string, Promise<void>>()

  function sweep(): void {
    const cutoff = now() - ttlMs
    for (const [id, entry] of entries) {
      if (entry.job.finishedAt !== null && entry.job.finishedAt <= cutoff) {
        entries.delete(id)
        finished.delete(id)
      }
    }
  }

  function emit(entry: Entry<Result>, event: JobEvent<Result>): void {
    for (const listener of [...entry.listeners]) listener(event)
  }

  function sendProgress(entry: Entry<Result>): void {
    entry.timer = null
    if (entry.job.status !== 'running') return
    entry.lastSentAt = now()
    emit(entry, { type: 'progress', progress: { ...entry.job.progress } })
  }

  function report(entry: Entry<Result>, progress: JobProgress): void {
    if (entry.job.status !== 'running') return
    entry.job.progress = progress
    if (entry.listeners.size === 0 || entry.timer !== null) return
    const wait = entry.lastSentAt + minIntervalMs - now()
    if (wait <= 0) sendProgress(entry)
    else entry.timer = setTimeout(() => sendProgress(entry), wait)
  }

  function finish(entry: Entry<Result>, outcome: { result: Result } | { failure: JobFailure }): void {
    if (entry.timer !== null) clearTimeout(entry.timer)
    entry.timer = null
    entry.job.finishedAt = now()
    if ('result' in outcome) {
      entry.job.status = 'done'
      entry.job.result = outcome.result
      emit(entry, { type: 'done', result: outcome.result })
    } else {
      entry.job.status = 'error'
      entry.job.failure = outcome.failure
      emit(entry, { type: 'error', failure: outcome.failure })
    }
    entry.listeners.clear()
  }

  return {
    start(owner, work) {
      sweep()
      const job: ImportJob<Result> = {
        id: randomBytes(12).toString('base64url'),
        companyId: owner.companyId,
        userId: owner.userId,
        status: 'running',
        createdAt: now(),
        finishedAt: null,
        progress: { phase: 'upload', file: null, fileIndex: 0, files: owner.files, bytes: owner.totalBytes, totalBytes: owner.totalBytes, rows: 0, records: 0, rejects: 0, percent: 0 },
        result: null,
        failure: null,
      }
      const entry: Entry<Result> = { job, listeners: new Set(), lastSentAt: 0, timer: null }
      entries.set(job.id, entry)
      // Started on the next turn, so the caller can subscribe before the first report.
      const done = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => work({ report: (progress) => report(entry, progress), partial: (result) => { if (job.status === 'running') job.result = result } }))
        .then((result) => finish(entry, { result }), (error: unknown) => finish(entry, { failure: options.describeError(error) }))
      finished.set(job.id, done)
      return job
    },
    get(id, companyId) {
      sweep()
      const entry = entries.get(id)
      return entry && entry.job.companyId === companyId ? entry.job : undefined
    },
    subscribe(job, listener) {
      const entry = entries.get(job.id)
      if (!entry || job.status !== 'running') return () => undefined
      entry.listeners.add(listener)
      return () => {
        entry.listeners.delete(listener)
        if (entry.listeners.size === 0 && entry.timer !== null) {
          clearTimeout(entry.timer)
          entry.timer = null
        }
      }
    },
    settled(job) {
      return finished.get(job.id) ?? Promise.resolve()
    },
    size() {
      return entries.size
    },
  }
}
