import type { ArgumentValue, CellErrorCode, CellValue, Outcome, ServiceSession, WireCall, WireRequest } from './protocol.ts'

/**
 * Client-side micro-batching for LEDGER.* cells (excel-addin.md §1.6, fixing
 * the official sample's gaps): calls arriving within `windowMs` go out as one
 * POST of at most `maxBatchSize` calls; identical calls share one entry;
 * results are matched by id, never by position; every promise settles — with
 * a value, a server error, or an #N/A naming the network failure, the timeout
 * or the cancellation — so no cell can stay #BUSY!. Values are cached per
 * epoch; refresh() starts a new epoch. Pure TS: fetch and timers are injected.
 */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export interface FetchResponse {
  readonly ok: boolean
  readonly status: number
  json(): Promise<unknown>
}

export type FetchLike = (url: string, init: { method: 'POST'; headers: Record<string, string>; body: string; signal: AbortSignal }) => Promise<FetchResponse>

/** The part of CustomFunctions.CancelableInvocation the batcher uses. */
export interface Cancelable {
  onCanceled?: (() => void) | undefined
}

export interface BatcherOptions {
  readonly fetch: FetchLike
  readonly session: () => ServiceSession
  readonly timers?: Timers
  /** how long to collect calls before sending; default 50 ms */
  readonly windowMs?: number
  /** calls per POST; default 500 */
  readonly maxBatchSize?: number
  /** per POST, from send to last byte; default 30 s (desktop cuts requests at ~60 s) */
  readonly timeoutMs?: number
  /** POSTs in flight at once; default 4 */
  readonly maxInFlight?: number
  /** cached outcomes kept; default 50,000 (oldest dropped first) */
  readonly maxCacheEntries?: number
}

export interface Batcher {
  call(fn: string, args: ReadonlyArray<ArgumentValue | undefined>, invocation?: Cancelable): Promise<Outcome>
  /** Drops cached values and starts a new epoch; returns it. */
  refresh(): number
  readonly epoch: number
  /** calls waiting for an answer (queued or sent) */
  pendingCount(): number
}

export const SIGN_IN_MESSAGE = 'not signed in: open the channel-ledger task pane and sign in'
export const CANCELED_MESSAGE = 'canceled'

interface Waiter {
  settle(outcome: Outcome): void
}

interface Entry {
  readonly id: string
  readonly key: string
  readonly epoch: number
  readonly call: WireCall
  readonly waiters: Set<Waiter>
  state: 'queued' | 'sent' | 'settled'
}

const defaultTimers: Timers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
}

function failure(error: CellErrorCode, message: string): Outcome {
  return { error, message }
}

/** Excel hands omitted optional arguments over as null; trailing ones do not change the call. */
function normalizeArgs(args: ReadonlyArray<ArgumentValue | undefined>): ArgumentValue[] {
  const normalized = args.map((value) => (value === undefined ? null : value))
  while (normalized.length && normalized[normalized.length - 1] === null) normalized.pop()
  return normalized
}

export function createBatcher(options: BatcherOptions): Batcher {
  const timers = options.timers ?? defaultTimers
  const windowMs = options.windowMs ?? 50
  const maxBatchSize = options.maxBatchSize ?? 500
  const timeoutMs = options.timeoutMs ?? 30_000
  const maxInFlight = options.maxInFlight ?? 4
  const maxCacheEntries = options.maxCacheEntries ?? 50_000
  let epoch = 0
  let sequence = 0
  let inFlight = 0
  let windowTimer: unknown = null
  const cache = new Map<string, Outcome>()
  const pending = new Map<string, Entry>()
  const queue: Entry[] = []

  function settle(entry: Entry, outcome: Outcome, cacheable: boolean): void {
    if (entry.state === 'settled') return
    entry.state = 'settled'
    if (pending.get(`${entry.epoch}\u0000${entry.key}`) === entry) pending.delete(`${entry.epoch}\u0000${entry.key}`)
    if (cacheable && entry.epoch === epoch) {
      cache.set(entry.key, outcome)
      if (cache.size > maxCacheEntries) {
        const oldest = cache.keys().next()
        if (!oldest.done) cache.delete(oldest.value)
      }
    }
    for (const waiter of entry.waiters) waiter.settle(outcome)
    entry.waiters.clear()
  }

  function schedule(): void {
    if (queue.length >= maxBatchSize) {
      pump()
      return
    }
    if (windowTimer === null) windowTimer = timers.setTimeout(pump, windowMs)
  }

  function pump(): void {
    if (windowTimer !== null) {
      timers.clearTimeout(windowTimer)
      windowTimer = null
    }
    while (queue.length > 0 && inFlight < maxInFlight) void send(queue.splice(0, maxBatchSize))
  }

  async function send(batch: Entry[]): Promise<void> {
    inFlight += 1
    for (const entry of batch) entry.state = 'sent'
    const session = options.session()
    const controller = new AbortController()
    let finished = false
    const finish = (outcome: Outcome): void => {
      if (finished) return
      finished = true
      timers.clearTimeout(timeout)
      for (const entry of batch) settle(entry, outcome, false)
      inFlight -= 1
      pump()
    }
    const timeout = timers.setTimeout(() => {
      controller.abort()
      finish(failure('#N/A', `the ledger service did not answer within ${Math.round(timeoutMs / 1000)} s`))
    }, timeoutMs)
    try {
      if (!session.serviceUrl || !session.token) {
        finish(failure('#N/A', SIGN_IN_MESSAGE))
        return
      }
      const request: WireRequest = { calls: batch.map((entry) => entry.call) }
      const response = await options.fetch(`${session.serviceUrl.replace(/\/+$/, '')}/api/v1/functions/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
        body: JSON.stringify(request),
        signal: controller.signal,
      })
      const body = await response.json().catch(() => null)
      if (finished) return
      if (!response.ok) {
        finish(httpFailure(response.status, body))
        return
      }
      const results = resultsById(body)
      for (const entry of batch) {
        const outcome = results.get(entry.id)
        if (outcome) settle(entry, outcome, true)
      }
      finish(failure('#N/A', 'the ledger service returned no result for this cell'))
    } catch (error) {
      finish(failure('#N/A', `the ledger service is unreachable: ${error instanceof Error ? error.message : String(error)}`))
    }
  }

  function call(fn: string, rawArgs: ReadonlyArray<ArgumentValue | undefined>, invocation?: Cancelable): Promise<Outcome> {
    const session = options.session()
    if (!session.serviceUrl || !session.token) return Promise.resolve(failure('#N/A', SIGN_IN_MESSAGE))
    const args = normalizeArgs(rawArgs)
    const company = session.company ?? undefined
    const key = JSON.stringify([company ?? null, fn.toUpperCase(), args])
    const cached = cache.get(key)
    if (cached) return Promise.resolve(cached)
    const pendingKey = `${epoch}\u0000${key}`
    let entry = pending.get(pendingKey)
    if (!entry) {
      sequence += 1
      const id = `c${sequence}`
      entry = { id, key, epoch, call: company === undefined ? { id, fn, args } : { id, fn, args, company }, waiters: new Set(), state: 'queued' }
      pending.set(pendingKey, entry)
      queue.push(entry)
      schedule()
    }
    const joined = entry
    return new Promise<Outcome>((resolve) => {
      const waiter: Waiter = { settle: resolve }
      joined.waiters.add(waiter)
      if (invocation) invocation.onCanceled = () => cancel(joined, waiter)
    })
  }

  function cancel(entry: Entry, waiter: Waiter): void {
    if (!entry.waiters.delete(waiter)) return
    waiter.settle(failure('#N/A', CANCELED_MESSAGE))
    if (entry.waiters.size > 0 || entry.state !== 'queued') return
    // Nobody waits for it any more and it has not left: drop it from the batch.
    const position = queue.indexOf(entry)
    if (position !== -1) queue.splice(position, 1)
    settle(entry, failure('#N/A', CANCELED_MESSAGE), false)
  }

  return {
    call,
    refresh() {
      epoch += 1
      cache.clear()
      return epoch
    },
    get epoch() {
      return epoch
    },
    pendingCount: () => pending.size,
  }
}

function httpFailure(status: number, body: unknown): Outcome {
  if (status === 401) return failure('#N/A', 'signed out: sign in again in the channel-ledger task pane')
  if (status === 403) return failure('#N/A', 'no access')
  const message = errorMessageOf(body)
  return failure('#N/A', `the ledger service answered ${status}${message ? `: ${message}` : ''}`)
}

function errorMessageOf(body: unknown): string | null {
  if (typeof body !== 'object' || body === null || !('error' in body)) return null
  const error = body.error
  if (typeof error !== 'object' || error === null || !('message' in error)) return null
  return typeof error.message === 'string' ? error.message : null
}

function isCellScalar(value: unknown): value is number | string | boolean {
  return typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean'
}

function isCellValue(value: unknown): value is CellValue {
  if (isCellScalar(value)) return true
  return Array.isArray(value) && value.length > 0 && value.every((row) => Array.isArray(row) && row.every(isCellScalar))
}

/** Results keyed by id; malformed items are ignored (their cells get "no result"). */
function resultsById(body: unknown): Map<string, Outcome> {
  const map = new Map<string, Outcome>()
  if (typeof body !== 'object' || body === null || !('results' in body) || !Array.isArray(body.results)) return map
  for (const item of body.results as unknown[]) {
    if (typeof item !== 'object' || item === null || !('id' in item) || typeof item.id !== 'string') continue
    if ('value' in item && isCellValue(item.value)) map.set(item.id, { value: item.value })
    else if ('error' in item && (item.error === '#N/A' || item.error === '#VALUE!')) {
      map.set(item.id, { error: item.error, message: 'message' in item && typeof item.message === 'string' ? item.message : '' })
    }
  }
  return map
}
