import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { LedgerError } from '../../shared/errors.ts'
import { createApp } from '../../service/app.ts'
import { createImportSlots } from '../../service/imports/limits.ts'
import { receiveMultipart } from '../../service/imports/multipart.ts'
import { generateFile } from '../../service/generators/index.ts'
import { ledgerWithCompany } from '../support/db.ts'
import { signedIn } from '../support/http.ts'

function multipart(parts: Array<{ name: string; filename?: string; body: string | Uint8Array }>, boundary = 'XyZ-boundary'): Request {
  const chunks: Buffer[] = []
  for (const part of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${part.filename === undefined ? '' : `; filename="${part.filename}"`}\r\n\r\n`), Buffer.from(part.body), Buffer.from('\r\n'))
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  const body = Buffer.concat(chunks)
  // Delivered in 7-byte pieces so boundaries and headers straddle reads.
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let at = 0; at < body.byteLength; at += 7) controller.enqueue(new Uint8Array(body.subarray(at, at + 7)))
      controller.close()
    },
  })
  return new Request('http://localhost/upload', { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body: stream, duplex: 'half' } as RequestInit)
}

async function refusal(work: () => Promise<unknown>): Promise<LedgerError> {
  try {
    await work()
  } catch (error) {
    if (error instanceof LedgerError) return error
    throw error
  }
  throw new Error('expected a refusal')
}

describe('streaming multipart uploads', () => {
  it('writes file parts to temporary files byte for byte and keeps text fields, whatever the read sizes', async () => {
    const csv = '交易号,金额\r\n--XyZ-boundar,1\r\n\r\n'
    const received = await receiveMultipart(multipart([{ name: 'store', body: 'tmall-main' }, { name: 'file', filename: '支付宝账务明细.csv', body: csv }, { name: 'file', filename: 'b.csv', body: '' }]))
    expect(received.fields).toEqual({ store: 'tmall-main' })
    expect(received.files.map((file) => [file.name, file.size])).toEqual([['支付宝账务明细.csv', Buffer.byteLength(csv)], ['b.csv', 0]])
    expect(readFileSync(received.files[0]?.path ?? '', 'utf8')).toBe(csv)
    received.cleanup()
    expect(existsSync(received.files[0]?.path ?? '')).toBe(false)
  })

  it('refuses a part over its cap at the first byte past it, and a truncated body, leaving no temporary file', async () => {
    const big = await refusal(() => receiveMultipart(multipart([{ name: 'file', filename: 'big.csv', body: new Uint8Array(5000) }]), { maxFileBytes: 1000, maxTotalBytes: 10_000, maxFiles: 5, maxFieldBytes: 100 }))
    expect(big.code).toBe('PAYLOAD_TOO_LARGE')
    expect(big.message).toMatch(/big\.csv: over the 1000-byte limit/)
    const request = new Request('http://localhost/upload', { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=b' }, body: '--b\r\nContent-Disposition: form-data; name="file"; filename="x.csv"\r\n\r\nhalf a file' })
    const truncated = await refusal(() => receiveMultipart(request))
    expect(truncated.code).toBe('BAD_REQUEST')
    expect(truncated.message).toMatch(/truncated upload/)
    const field = await refusal(() => receiveMultipart(multipart([{ name: 'store', body: 'x'.repeat(200) }]), { maxFileBytes: 1000, maxTotalBytes: 10_000, maxFiles: 5, maxFieldBytes: 100 }))
    expect(field.message).toMatch(/field store: over the 100-byte limit/)
  })

  it('imports a file sent with a streamed multipart body', async () => {
    const { context, company } = await ledgerWithCompany()
    const api = createApp({ context })
    const token = await signedIn(api, context, company, 'acc', 'accountant')
    const file = await generateFile('alipay-merchant-account', { seed: 7, rows: 30 })
    const request = multipart([{ name: 'file', filename: 'bill.csv', body: file.bytes }, { name: 'store', body: 'tmall-main' }])
    const response = await api.app.request(`/api/v1/companies/${company.code}/imports`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': request.headers.get('content-type') ?? '' }, body: request.body, duplex: 'half' } as RequestInit)
    const body = (await response.json()) as { imports?: Array<{ fileName: string }>; error?: { message: string } }
    expect(body.error?.message ?? '').toBe('')
    expect(response.status).toBe(201)
    expect(body.imports?.[0]?.fileName).toBe('bill.csv')
  })
})

describe('concurrent imports', () => {
  it('gives out at most `max` slots, refuses the next with RATE_LIMITED (429), and takes each back once', () => {
    const slots = createImportSlots(2)
    const first = slots.acquire()
    const second = slots.acquire()
    const error = (() => {
      try {
        slots.acquire()
      } catch (caught) {
        return caught as LedgerError
      }
      return null
    })()
    expect(error?.code).toBe('RATE_LIMITED')
    expect(error?.status).toBe(429)
    first()
    first()
    expect(slots.active()).toBe(1)
    slots.acquire()
    second()
    expect(slots.active()).toBe(1)
  })

  it('answers 429 over HTTP while the slots are taken', async () => {
    const { context, company } = await ledgerWithCompany()
    const slots = createImportSlots(1)
    const api = createApp({ context, importSlots: slots })
    const token = await signedIn(api, context, company, 'acc', 'accountant')
    // A body that never ends holds the one slot while it streams.
    let hold: ReadableStreamDefaultController<Uint8Array> | undefined
    const endless = new ReadableStream<Uint8Array>({
      start(controller) {
        hold = controller
        controller.enqueue(new TextEncoder().encode('--b\r\nContent-Disposition: form-data; name="file"; filename="x.csv"\r\n\r\na,b\n'))
      },
    })
    const first = api.app.request(`/api/v1/companies/${company.code}/imports`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'multipart/form-data; boundary=b' }, body: endless, duplex: 'half' } as RequestInit)
    for (let waited = 0; slots.active() === 0 && waited < 30_000; waited += 10) await new Promise((done) => setTimeout(done, 10))
    expect(slots.active()).toBe(1)
    const form = new FormData()
    form.append('file', new Blob(['a,b\n1,2\n']), 'y.csv')
    const second = await api.app.request(`/api/v1/companies/${company.code}/imports`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form })
    expect(second.status).toBe(429)
    expect(((await second.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED')
    hold?.close()
    expect((await first).status).toBe(400)
  })
})
