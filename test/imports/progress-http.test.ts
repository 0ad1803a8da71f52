import { describe, expect, it } from 'vitest'
import { createApp } from '../../service/app.ts'
import { createCompany } from '../../service/ledger/company.ts'
import { SYSTEM } from '../../service/ledger/context.ts'
import { startServer } from '../../service/server.ts'
import { generateFile } from '../../service/generators/index.ts'
import { zipEntries } from '../../service/imports/zip.ts'
import { ledgerWithCompany } from '../support/db.ts'
import { type Api, call, signedIn } from '../support/http.ts'
import type { JobProgress } from '../../service/imports/jobs.ts'

/**
 * Progress of HTTP imports (issue #4): the SSE stream on the POST itself, the
 * 202 + polling job, their RBAC and size limit, and that neither a failure
 * mid-file nor a client that goes away leaves a partial batch.
 */

interface ServerEvent {
  event: string
  data: Record<string, unknown>
  atMs: number
}

type Progress = JobProgress

/** Reads an SSE body event by event (like the add-in: a stream reader, not EventSource); `stopAfter` cancels the read. */
async function readEvents(response: Response, stopAfter?: (event: ServerEvent) => boolean): Promise<ServerEvent[]> {
  const reader = response.body?.getReader()
  if (!reader) throw new Error('no body')
  const decoder = new TextDecoder()
  const started = Date.now()
  const events: ServerEvent[] = []
  let text = ''
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return events
    text += decoder.decode(value, { stream: true })
    let end = text.indexOf('\n\n')
    while (end !== -1) {
      const block = text.slice(0, end)
      text = text.slice(end + 2)
      end = text.indexOf('\n\n')
      const lines = block.split('\n').filter((line) => !line.startsWith(':'))
      const name = lines.find((line) => line.startsWith('event: '))?.slice(7)
      const data = lines.filter((line) => line.startsWith('data: ')).map((line) => line.slice(6)).join('\n')
      if (!name) continue
      const event = { event: name, data: JSON.parse(data) as Record<string, unknown>, atMs: Date.now() - started }
      events.push(event)
      if (stopAfter?.(event)) {
        await reader.cancel()
        return events
      }
    }
  }
}

function uploadForm(files: ReadonlyArray<{ name: string; bytes: Uint8Array }>, store = 'tmall'): FormData {
  const form = new FormData()
  for (const file of files) form.append('file', new Blob([new Uint8Array(file.bytes)]), file.name)
  form.append('store', store)
  return form
}

function post(api: Api, token: string, company: string, form: FormData, options: { query?: string; headers?: Record<string, string> } = {}): Promise<Response> {
  return Promise.resolve(api.app.request(`/api/v1/companies/${company}/imports${options.query ?? ''}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, ...options.headers }, body: form }))
}

async function batchCount(api: Api, token: string, company: string): Promise<number> {
  const listed = (await (await call(api, token, 'GET', `/companies/${company}/imports`)).json()) as { imports: unknown[] }
  return listed.imports.length
}

/** Polls a job through the app, or over HTTP when given a base URL (a server is its own instance with its own jobs). */
async function pollUntilDone(api: Api | string, token: string, company: string, job: string): Promise<Record<string, unknown>> {
  const path = `/companies/${company}/imports/jobs/${job}`
  for (let attempt = 0; attempt < 600; attempt += 1) {
    const response = typeof api === 'string' ? await fetch(`${api}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } }) : await call(api, token, 'GET', path)
    const body = (await response.json()) as Record<string, unknown>
    if (body.status !== 'running') return body
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error('job did not finish')
}

const progressOf = (events: ServerEvent[]) => events.filter((event) => event.event === 'progress').map((event) => event.data as unknown as Progress)

async function setUp(rows = 40_000) {
  const { context, company, db } = await ledgerWithCompany()
  const api = createApp({ context })
  const token = await signedIn(api, context, company, 'li.kuaiji', 'accountant')
  const file = await generateFile('alipay-merchant-account', { seed: 11, rows, store: 'tmall' })
  return { context, company, db, api, token, file }
}

describe('POST /imports with Accept: text/event-stream', () => {
  it('streams job, throttled progress through parse and insert, then done with the body of a plain POST', async () => {
    const { api, token, company, file, db } = await setUp()
    const response = await post(api, token, company.code, uploadForm([{ name: 'bill.csv', bytes: file.bytes }]), { headers: { accept: 'text/event-stream' } })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/)
    const events = await readEvents(response)
    expect(events[0]?.event).toBe('job')
    expect(events[0]?.data).toMatchObject({ status: 'running', location: expect.stringMatching(new RegExp(`^/api/v1/companies/${company.code}/imports/jobs/[\\w-]+$`)) })
    expect(events.at(-1)?.event).toBe('done')
    expect(events.filter((event) => event.event === 'done' || event.event === 'error')).toHaveLength(1)

    const progress = progressOf(events)
    expect(progress[0]).toMatchObject({ phase: 'upload', bytes: file.bytes.byteLength, totalBytes: file.bytes.byteLength, files: 1, rows: 0 })
    const parsing = progress.filter((each) => each.phase === 'parse')
    expect(parsing.length).toBeGreaterThanOrEqual(3)
    for (const [index, each] of parsing.entries()) {
      expect(each).toMatchObject({ file: 'bill.csv', fileIndex: 1, files: 1, totalBytes: file.bytes.byteLength })
      const before = parsing[index - 1]
      if (before) {
        expect(each.rows).toBeGreaterThanOrEqual(before.rows)
        expect(each.bytes ?? 0).toBeGreaterThanOrEqual(before.bytes ?? 0)
        expect(each.percent ?? 0).toBeGreaterThanOrEqual(before.percent ?? 0)
      }
      expect(each.percent).toBeLessThan(100)
    }
    expect(parsing.some((each) => (each.percent ?? 0) >= 50)).toBe(true)
    // At most 10 progress events a second: no 1-second window holds more than 10 (+1 for the first, sent on connect).
    const times = events.filter((event) => event.event === 'progress').map((event) => event.atMs)
    const busiest = Math.max(...times.map((start) => times.filter((at) => at >= start && at < start + 1000).length))
    expect(busiest).toBeLessThanOrEqual(11)

    const done = events.at(-1)?.data as { imports: Array<{ id: number; read: number; imported: number; rejected: number; format: string }> }
    expect(done.imports).toHaveLength(1)
    expect(done.imports[0]).toMatchObject({ format: 'alipay-merchant-account', read: 40_000, imported: file.expected.length, rejected: 0 })
    // The same JSON as the 201 of a plain POST: re-importing the file answers with the same keys (all duplicates now).
    const plain = (await (await post(api, token, company.code, uploadForm([{ name: 'bill.csv', bytes: file.bytes }]))).json()) as { imports: Array<Record<string, unknown>> }
    expect(Object.keys(plain.imports[0] ?? {})).toEqual(Object.keys(done.imports[0] ?? {}))
    const stored = await db.client.execute({ sql: 'SELECT count(*) AS n FROM settlement_txns WHERE batch_id = ?', args: [done.imports[0]?.id ?? 0] })
    expect(Number(stored.rows[0]?.n)).toBe(file.expected.length)
  })

  it('ends with an error event and writes no batch when a file breaks off in the middle', async () => {
    const { api, token, company } = await setUp(10)
    const xlsx = await generateFile('wechat-personal-xlsx', { seed: 4, rows: 12_000 })
    const bytes = new Uint8Array(xlsx.bytes)
    // The central directory now says the sheet is 60% of its real size: its first rows parse and
    // load, then inflating passes the declared size and the reader refuses the rest.
    const sheet = zipEntries(bytes).get('xl/worksheets/sheet1.xml')
    if (!sheet) throw new Error('no sheet')
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    const name = new TextEncoder().encode(sheet.name)
    let patched = 0
    for (let at = 0; at + 46 < bytes.byteLength; at += 1) {
      if (view.getUint32(at, true) !== 0x02014b50 || view.getUint16(at + 28, true) !== name.length) continue
      if (bytes.subarray(at + 46, at + 46 + name.length).every((byte, index) => byte === name[index])) {
        view.setUint32(at + 24, Math.floor(sheet.size * 0.6), true)
        patched += 1
      }
    }
    expect(patched).toBe(1)
    const response = await post(api, token, company.code, uploadForm([{ name: 'wechat.xlsx', bytes }]), { headers: { accept: 'text/event-stream' } })
    const events = await readEvents(response)
    const last = events.at(-1)
    expect(last?.event).toBe('error')
    expect(last?.data).toMatchObject({ status: 413, error: { code: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining('inflates to more than its declared') }, imports: [] })
    expect(progressOf(events).some((each) => each.phase === 'parse' && each.rows > 0)).toBe(true)
    expect(await batchCount(api, token, company.code)).toBe(0)
  })

  it('finishes and commits the whole import when the client goes away mid-stream (over a real port)', async () => {
    const { context, company, token, file, api, db } = await setUp(60_000)
    const server = await startServer({ context }, { port: 0, host: '127.0.0.1' })
    try {
      const response = await fetch(`${server.url}/api/v1/companies/${company.code}/imports`, {
        method: 'POST', headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, body: uploadForm([{ name: 'bill.csv', bytes: file.bytes }]),
      })
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/)
      const seen = await readEvents(response, (event) => event.event === 'progress' && (event.data as unknown as Progress).phase === 'parse' && (event.data as unknown as Progress).rows > 0)
      const job = String(seen[0]?.data.job)
      expect(seen.at(-1)?.event).toBe('progress')
      // The stream is gone; the job goes on and can be polled (on the instance that runs it).
      const final = await pollUntilDone(server.url, token, company.code, job)
      expect(final).toMatchObject({ status: 'done', imports: [{ read: 60_000, imported: file.expected.length }] })
      expect(await batchCount(api, token, company.code)).toBe(1)
      const stored = await db.client.execute('SELECT count(*) AS n FROM settlement_txns')
      expect(Number(stored.rows[0]?.n)).toBe(file.expected.length)
    } finally {
      await server.close()
    }
  })

  it('streams the same sequence over a real port', async () => {
    const { context, company, token, file } = await setUp(20_000)
    const server = await startServer({ context }, { port: 0, host: '127.0.0.1' })
    try {
      const response = await fetch(`${server.url}/api/v1/companies/${company.code}/imports`, {
        method: 'POST', headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, body: uploadForm([{ name: 'a.csv', bytes: file.bytes }]),
      })
      const events = await readEvents(response)
      expect(events.map((event) => event.event).filter((name, index, all) => name !== all[index - 1])).toEqual(['job', 'progress', 'done'])
      expect(progressOf(events).filter((each) => each.phase === 'parse').length).toBeGreaterThanOrEqual(2)
      expect((events.at(-1)?.data as { imports: Array<{ imported: number }> }).imports[0]?.imported).toBe(file.expected.length)
    } finally {
      await server.close()
    }
  })
})

describe('POST /imports?async=1 and GET /imports/jobs/:job', () => {
  it('answers 202 with a job and a Location, shows progress while running, then the batches and counts', async () => {
    const { api, token, company, file } = await setUp()
    const second = await generateFile('wechat-merchant-trade', { seed: 2, rows: 500, store: 'tmall' })
    const response = await post(api, token, company.code, uploadForm([{ name: 'bill.csv', bytes: file.bytes }, { name: 'wx.csv', bytes: second.bytes }]), { query: '?async=1' })
    expect(response.status).toBe(202)
    const accepted = (await response.json()) as { job: string; status: string; location: string }
    expect(accepted).toMatchObject({ status: 'running' })
    expect(response.headers.get('location')).toBe(`/api/v1/companies/${company.code}/imports/jobs/${accepted.job}`)
    const polled: Array<Record<string, unknown>> = []
    for (;;) {
      const body = (await (await call(api, token, 'GET', `/companies/${company.code}/imports/jobs/${accepted.job}`)).json()) as Record<string, unknown>
      polled.push(body)
      if (body.status !== 'running') break
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    const running = polled.filter((body) => body.status === 'running').map((body) => body.progress as Progress)
    expect(running.some((progress) => progress.phase === 'parse' && progress.rows > 0 && (progress.percent ?? 0) > 0)).toBe(true)
    const final = polled.at(-1) as { status: string; finishedAt: string; expiresAt: string; progress: Progress; imports: Array<{ id: number; fileName: string; imported: number }> }
    expect(final.status).toBe('done')
    expect(final.imports.map((each) => [each.fileName, each.imported])).toEqual([['bill.csv', file.expected.length], ['wx.csv', second.expected.length]])
    expect(Date.parse(final.expiresAt) - Date.parse(final.finishedAt)).toBe(60 * 60 * 1000)
    expect(final.progress).toMatchObject({ fileIndex: 2, files: 2, records: file.expected.length + second.expected.length })
    const batch = await call(api, token, 'GET', `/companies/${company.code}/imports/${final.imports[0]?.id}`)
    expect(batch.status).toBe(200)
  })

  it('takes Prefer: respond-async too', async () => {
    const { api, token, company, file } = await setUp(200)
    const response = await post(api, token, company.code, uploadForm([{ name: 'bill.csv', bytes: file.bytes }]), { headers: { prefer: 'respond-async' } })
    expect(response.status).toBe(202)
    expect(response.headers.get('preference-applied')).toBe('respond-async')
    const { job } = (await response.json()) as { job: string }
    expect(await pollUntilDone(api, token, company.code, job)).toMatchObject({ status: 'done', imports: [{ imported: file.expected.length }] })
  })

  it('reports a bad file as status error with the clear message, and writes no batch', async () => {
    const { api, token, company } = await setUp(10)
    const bad = new TextEncoder().encode('交易时间,交易类型,交易对方,金额(元)\n2024-01-01 10:00:00,商户消费,x,¥1.00\n')
    const response = await post(api, token, company.code, uploadForm([{ name: 'odd.csv', bytes: bad }]), { query: '?async=1' })
    expect(response.status).toBe(202)
    const { job } = (await response.json()) as { job: string }
    const final = await pollUntilDone(api, token, company.code, job)
    expect(final).toMatchObject({ status: 'error', imports: [], error: { code: 'UNSUPPORTED_FORMAT', message: expect.stringMatching(/odd\.csv: .*closest: wechat-personal \(missing: /) } })
    expect(await batchCount(api, token, company.code)).toBe(0)
  })

  it('keeps the files committed before the one that failed, and says so', async () => {
    const { api, token, company, file } = await setUp(300)
    const response = await post(api, token, company.code, uploadForm([{ name: 'good.csv', bytes: file.bytes }, { name: 'legacy.xls', bytes: new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 1, 2, 3, 4]) }]), { query: '?async=1' })
    const { job } = (await response.json()) as { job: string }
    const final = await pollUntilDone(api, token, company.code, job)
    expect(final).toMatchObject({ status: 'error', error: { code: 'UNSUPPORTED_FORMAT' }, imports: [{ fileName: 'good.csv', imported: file.expected.length }] })
    expect(await batchCount(api, token, company.code)).toBe(1)
  })

  it('shows a job only to its company and only on the instance that ran it', async () => {
    const { context, api, token, company, file } = await setUp(200)
    const other = await createCompany(context, SYSTEM, { code: 'BBB', name: 'B 公司' })
    // b.kuaiji is an accountant in both companies; c.kuaiji only in BBB.
    await signedIn(api, context, other, 'b.kuaiji', 'accountant')
    const both = await signedIn(api, context, company, 'b.kuaiji', 'accountant')
    const solo = await signedIn(api, context, other, 'c.kuaiji', 'accountant')
    const { job } = (await (await post(api, token, company.code, uploadForm([{ name: 'bill.csv', bytes: file.bytes }]), { query: '?async=1' })).json()) as { job: string }
    await pollUntilDone(api, token, company.code, job)
    expect((await call(api, both, 'GET', `/companies/${company.code}/imports/jobs/${job}`)).status).toBe(200)
    expect((await call(api, both, 'GET', `/companies/BBB/imports/jobs/${job}`)).status).toBe(404)
    expect((await call(api, solo, 'GET', `/companies/BBB/imports/jobs/${job}`)).status).toBe(404)
    expect((await call(api, solo, 'GET', `/companies/${company.code}/imports/jobs/${job}`)).status).toBe(404)
    // Another service instance over the same database: no job there, but the batch is.
    const instanceB = createApp({ context })
    expect((await call(instanceB, token, 'GET', `/companies/${company.code}/imports/jobs/${job}`)).status).toBe(404)
    expect(await batchCount(instanceB, token, company.code)).toBe(1)
  })
})

describe('RBAC and size limit of the progress modes', () => {
  it('refuses sales in every mode and hides the job from them', async () => {
    const { api, token, company, context, file } = await setUp(50)
    const sales = await signedIn(api, context, company, 'xiao.shou', 'sales')
    for (const options of [{ headers: { accept: 'text/event-stream' } }, { query: '?async=1' }, {}]) {
      const response = await post(api, sales, company.code, uploadForm([{ name: 'bill.csv', bytes: file.bytes }]), options)
      expect(response.status).toBe(403)
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN')
    }
    const { job } = (await (await post(api, token, company.code, uploadForm([{ name: 'bill.csv', bytes: file.bytes }]), { query: '?async=1' })).json()) as { job: string }
    expect((await call(api, sales, 'GET', `/companies/${company.code}/imports/jobs/${job}`)).status).toBe(403)
    await pollUntilDone(api, token, company.code, job)
  })

  it('lists the job route in OpenAPI with the import permission', async () => {
    const { context } = await ledgerWithCompany()
    const doc = (await (await createApp({ context }).app.request('/api/v1/openapi.json')).json()) as { paths: Record<string, Record<string, { 'x-permission': string; summary: string }>> }
    expect(doc.paths['/api/v1/companies/{company}/imports/jobs/{job}']?.get?.['x-permission']).toBe('import.create')
    expect(doc.paths['/api/v1/companies/{company}/imports']?.post?.summary).toMatch(/text\/event-stream.*async=1/)
  })

  it('answers 413 before any job starts, in the streaming and the polling mode', async () => {
    const { context, company } = await ledgerWithCompany()
    const api = createApp({ context, maxUploadBytes: 1000 })
    const token = await signedIn(api, context, company, 'acc', 'accountant')
    for (const options of [{ headers: { accept: 'text/event-stream' } }, { query: '?async=1' }]) {
      const response = await post(api, token, company.code, uploadForm([{ name: 'big.csv', bytes: new Uint8Array(5000).fill(65) }]), options)
      expect(response.status).toBe(413)
      expect(response.headers.get('content-type')).toMatch(/^application\/json/)
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE')
    }
    expect(await batchCount(api, token, company.code)).toBe(0)
  })
})
