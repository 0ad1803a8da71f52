import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { type FetchLike, type FetchResponse, CANCELED_MESSAGE, SIGN_IN_MESSAGE, createBatcher } from '../../addin/functions/batcher.ts'
import type { Outcome, WireRequest, WireResponse } from '../../addin/functions/protocol.ts'
import type { ServiceSession } from '../../addin/functions/session.ts'

const SIGNED_IN: ServiceSession = { serviceUrl: 'https://ledger.test/', token: 'secret', company: 'ACME' }

interface Sent {
  readonly url: string
  readonly request: WireRequest
  readonly headers: Record<string, string>
  readonly signal: AbortSignal
  respond(body: unknown, status?: number): void
  fail(error: Error): void
}

/** A fetch whose requests the test answers by hand. */
function controllableFetch() {
  const sent: Sent[] = []
  const fetch: FetchLike = (url, init) => new Promise<FetchResponse>((resolve, reject) => {
    sent.push({
      url, request: JSON.parse(init.body) as WireRequest, headers: init.headers, signal: init.signal,
      respond: (body, status = 200) => resolve({ ok: status < 400, status, json: async () => body }),
      fail: reject,
    })
  })
  return { fetch, sent }
}

/** Echo server: every call answers its own first argument as a number, by id, in reverse order. */
function echo(request: WireRequest): WireResponse {
  return { results: request.calls.map((call) => ({ id: call.id, value: Number(call.args[0]) })).reverse() }
}

function settledCount(promises: Array<Promise<Outcome>>): Promise<number> {
  let count = 0
  for (const promise of promises) void promise.then(() => { count += 1 })
  return Promise.resolve().then(() => count)
}

describe('functions batcher', () => {
  beforeEach(() => { vi.useFakeTimers() })
  afterEach(() => { vi.useRealTimers() })

  it('sends calls made within the window as one POST and matches results by id', async () => {
    const { fetch, sent } = controllableFetch()
    const batcher = createBatcher({ fetch, session: () => SIGNED_IN, windowMs: 50 })
    const first = batcher.call('BALANCE', ['1', '2026-10'])
    const second = batcher.call('BALANCE', ['2', '2026-10', null, null])
    await vi.advanceTimersByTimeAsync(49)
    expect(sent).toHaveLength(0)
    await vi.advanceTimersByTimeAsync(1)
    expect(sent).toHaveLength(1)
    expect(sent[0]?.url).toBe('https://ledger.test/api/v1/functions/batch')
    expect(sent[0]?.headers.authorization).toBe('Bearer secret')
    expect(sent[0]?.request).toEqual({ calls: [{ id: 'c1', fn: 'BALANCE', args: ['1', '2026-10'], company: 'ACME' }, { id: 'c2', fn: 'BALANCE', args: ['2', '2026-10'], company: 'ACME' }] })
    sent[0]?.respond(echo(sent[0].request))
    expect(await Promise.all([first, second])).toEqual([{ value: 1 }, { value: 2 }])
    expect(batcher.pendingCount()).toBe(0)
  })

  it('dedupes identical calls, including ones differing only by omitted trailing arguments', async () => {
    const { fetch, sent } = controllableFetch()
    const batcher = createBatcher({ fetch, session: () => SIGNED_IN })
    const calls = [batcher.call('BALANCE', ['7', '2026-10']), batcher.call('BALANCE', ['7', '2026-10', null]), batcher.call('balance', ['7', '2026-10', undefined, null])]
    await vi.advanceTimersByTimeAsync(50)
    expect(sent[0]?.request.calls).toEqual([{ id: 'c1', fn: 'BALANCE', args: ['7', '2026-10'], company: 'ACME' }])
    sent[0]?.respond(echo(sent[0].request))
    expect(await Promise.all(calls)).toEqual([{ value: 7 }, { value: 7 }, { value: 7 }])
  })

  it('caps each POST at the batch size and sends a full batch without waiting for the window', async () => {
    const { fetch, sent } = controllableFetch()
    const batcher = createBatcher({ fetch, session: () => SIGNED_IN, maxBatchSize: 500, windowMs: 50 })
    const calls = Array.from({ length: 1200 }, (_, index) => batcher.call('BALANCE', [String(index), '2026-10']))
    expect(sent.map((item) => item.request.calls.length)).toEqual([500, 500])
    await vi.advanceTimersByTimeAsync(50)
    expect(sent.map((item) => item.request.calls.length)).toEqual([500, 500, 200])
    for (const item of sent) item.respond(echo(item.request))
    const outcomes = await Promise.all(calls)
    expect(outcomes[0]).toEqual({ value: 0 })
    expect(outcomes[1199]).toEqual({ value: 1199 })
  })

  it('keeps at most maxInFlight POSTs open and sends the rest as earlier ones finish', async () => {
    const { fetch, sent } = controllableFetch()
    const batcher = createBatcher({ fetch, session: () => SIGNED_IN, maxBatchSize: 10, maxInFlight: 2 })
    const calls = Array.from({ length: 40 }, (_, index) => batcher.call('BALANCE', [String(index)]))
    await vi.advanceTimersByTimeAsync(50)
    expect(sent).toHaveLength(2)
    sent[0]?.respond(echo(sent[0].request))
    await vi.advanceTimersByTimeAsync(0)
    expect(sent).toHaveLength(3)
    for (let index = 1; index < 4; index += 1) {
      sent[index]?.respond(echo(sent[index]?.request ?? { calls: [] }))
      await vi.advanceTimersByTimeAsync(0)
    }
    expect((await Promise.all(calls)).map((outcome) => ('value' in outcome ? outcome.value : null))).toEqual(Array.from({ length: 40 }, (_, index) => index))
  })

  it('serves repeated calls from the cache until refresh() starts a new epoch', async () => {
    const { fetch, sent } = controllableFetch()
    const batcher = createBatcher({ fetch, session: () => SIGNED_IN })
    const first = batcher.call('BALANCE', ['5'])
    await vi.advanceTimersByTimeAsync(50)
    sent[0]?.respond(echo(sent[0].request))
    expect(await first).toEqual({ value: 5 })
    expect(await batcher.call('BALANCE', ['5'])).toEqual({ value: 5 })
    expect(sent).toHaveLength(1)
    expect(batcher.refresh()).toBe(1)
    const again = batcher.call('BALANCE', ['5'])
    await vi.advanceTimersByTimeAsync(50)
    expect(sent).toHaveLength(2)
    sent[1]?.respond({ results: [{ id: sent[1].request.calls[0]?.id, value: 6 }] })
    expect(await again).toEqual({ value: 6 })
  })

  it('does not cache a result that arrives after refresh() for the old epoch', async () => {
    const { fetch, sent } = controllableFetch()
    const batcher = createBatcher({ fetch, session: () => SIGNED_IN })
    const stale = batcher.call('BALANCE', ['5'])
    await vi.advanceTimersByTimeAsync(50)
    batcher.refresh()
    sent[0]?.respond(echo(sent[0].request))
    expect(await stale).toEqual({ value: 5 })
    void batcher.call('BALANCE', ['5'])
    await vi.advanceTimersByTimeAsync(50)
    expect(sent).toHaveLength(2)
  })

  it('settles every promise with #N/A when the request times out, even if fetch never returns', async () => {
    const { fetch, sent } = controllableFetch()
    const batcher = createBatcher({ fetch, session: () => SIGNED_IN, timeoutMs: 10_000, maxBatchSize: 2 })
    const calls = [batcher.call('BALANCE', ['1']), batcher.call('BALANCE', ['2']), batcher.call('BALANCE', ['3'])]
    await vi.advanceTimersByTimeAsync(50)
    expect(sent).toHaveLength(2)
    expect(await settledCount(calls)).toBe(0)
    await vi.advanceTimersByTimeAsync(10_000)
    expect(sent.every((item) => item.signal.aborted)).toBe(true)
    expect(await Promise.all(calls)).toEqual(Array.from({ length: 3 }, () => ({ error: '#N/A', message: 'the ledger service did not answer within 10 s' })))
    expect(batcher.pendingCount()).toBe(0)
  })

  it('settles every promise of every batch with an error value when the network fails', async () => {
    const { fetch, sent } = controllableFetch()
    const batcher = createBatcher({ fetch, session: () => SIGNED_IN, maxBatchSize: 3 })
    const calls = Array.from({ length: 7 }, (_, index) => batcher.call('BALANCE', [String(index)]))
    await vi.advanceTimersByTimeAsync(50)
    for (const item of sent) item.fail(new TypeError('Failed to fetch'))
    expect(await Promise.all(calls)).toEqual(Array.from({ length: 7 }, () => ({ error: '#N/A', message: 'the ledger service is unreachable: Failed to fetch' })))
    expect(batcher.pendingCount()).toBe(0)
    // a failure is not cached: the next recalculation asks again
    void batcher.call('BALANCE', ['0'])
    await vi.advanceTimersByTimeAsync(50)
    expect(sent).toHaveLength(4)
  })

  it('turns HTTP errors, missing results and malformed bodies into error values per cell', async () => {
    const { fetch, sent } = controllableFetch()
    const batcher = createBatcher({ fetch, session: () => SIGNED_IN, maxBatchSize: 2 })
    const calls = [1, 2, 3, 4, 5, 6].map((index) => batcher.call('BALANCE', [String(index)]))
    await vi.advanceTimersByTimeAsync(50)
    sent[0]?.respond({ error: { code: 'UNAUTHORIZED', message: 'sign in first' } }, 401)
    sent[1]?.respond({ error: { code: 'INTERNAL', message: 'internal error' } }, 500)
    sent[2]?.respond({ results: [{ id: sent[2].request.calls[0]?.id, error: '#VALUE!', message: 'period is required' }, { id: 'someone-else', value: 1 }] })
    expect(await Promise.all(calls)).toEqual([
      { error: '#N/A', message: 'signed out: sign in again in the channel-ledger task pane' },
      { error: '#N/A', message: 'signed out: sign in again in the channel-ledger task pane' },
      { error: '#N/A', message: 'the ledger service answered 500: internal error' },
      { error: '#N/A', message: 'the ledger service answered 500: internal error' },
      { error: '#VALUE!', message: 'period is required' },
      { error: '#N/A', message: 'the ledger service returned no result for this cell' },
    ])
  })

  it('drops a canceled call from the batch before it is sent and settles its promise', async () => {
    const { fetch, sent } = controllableFetch()
    const batcher = createBatcher({ fetch, session: () => SIGNED_IN })
    const canceledInvocation: { onCanceled?: () => void } = {}
    const sharedInvocation: { onCanceled?: () => void } = {}
    const canceled = batcher.call('BALANCE', ['1'], canceledInvocation)
    const sharedCanceled = batcher.call('BALANCE', ['2'], sharedInvocation)
    const sharedKept = batcher.call('BALANCE', ['2'])
    canceledInvocation.onCanceled?.()
    sharedInvocation.onCanceled?.()
    expect(await canceled).toEqual({ error: '#N/A', message: CANCELED_MESSAGE })
    expect(await sharedCanceled).toEqual({ error: '#N/A', message: CANCELED_MESSAGE })
    await vi.advanceTimersByTimeAsync(50)
    expect(sent[0]?.request.calls.map((call) => call.args)).toEqual([['2']])
    sent[0]?.respond(echo(sent[0].request))
    expect(await sharedKept).toEqual({ value: 2 })
    expect(batcher.pendingCount()).toBe(0)
  })

  it('answers #N/A "sign in" at once, without a request, when there is no session', async () => {
    const { fetch, sent } = controllableFetch()
    const batcher = createBatcher({ fetch, session: () => ({ serviceUrl: null, token: null, company: null }) })
    expect(await batcher.call('BALANCE', ['1122'])).toEqual({ error: '#N/A', message: SIGN_IN_MESSAGE })
    await vi.advanceTimersByTimeAsync(1000)
    expect(sent).toHaveLength(0)
  })
})
