import { request } from 'node:http'
import { createServer } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isLedgerError } from '../../shared/errors.ts'
import { type RunningServer, servingUrl, startServer } from '../../service/server.ts'
import { ledgerWithCompany } from '../support/db.ts'

/**
 * Issue #14 item 10: /manifest.xml names the host and port actually serving it
 * (whatever `--port` chose), and a busy port fails with a hint instead of a
 * bare EADDRINUSE.
 */
let server: RunningServer | undefined
let port = 0

beforeAll(async () => {
  const { context } = await ledgerWithCompany()
  server = await startServer({ context }, { port: 0, host: '127.0.0.1' })
  port = Number(new URL(server.url).port)
})

afterAll(async () => {
  await server?.close()
})

/** GET /manifest.xml with the given Host header (fetch does not let a caller set Host). */
function manifest(host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sent = request({ host: '127.0.0.1', port, path: '/manifest.xml', headers: { host } }, (response) => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => { body += chunk })
      response.on('end', () => (response.statusCode === 200 ? resolve(body) : reject(new Error(`status ${response.statusCode ?? '?'}: ${body}`))))
    })
    sent.on('error', reject)
    sent.end()
  })
}

describe('the served manifest', () => {
  it('names the host and port the request reached, on any port', async () => {
    const viaLocalhost = await manifest(`localhost:${port}`)
    expect(viaLocalhost).toContain(`<SourceLocation DefaultValue="http://localhost:${port}/addin/taskpane.html"/>`)
    expect(viaLocalhost).not.toContain(':8787')
    expect(viaLocalhost).not.toContain('{{BASE_URL}}')
    expect(await manifest(`127.0.0.1:${port}`)).toContain(`http://127.0.0.1:${port}/addin/`)
  })

  it('falls back to the listening URL for a Host with another port', async () => {
    const xml = await manifest('localhost:1')
    expect(xml).toContain(`${server?.url ?? '?'}/addin/`)
    expect(xml).not.toContain('localhost:1/')
  })

  it('reads the Host header strictly', () => {
    expect(servingUrl('LocalHost:9000', 'http', 9000)).toBe('http://localhost:9000')
    expect(servingUrl('ledger.example.com', 'https', 443)).toBe('https://ledger.example.com:443')
    expect(servingUrl('evil.com:9000/x', 'http', 9000)).toBeNull()
    expect(servingUrl('localhost:9001', 'http', 9000)).toBeNull()
    expect(servingUrl(undefined, 'http', 9000)).toBeNull()
  })
})

describe('a busy port', () => {
  it('fails with a hint naming the port and --port', async () => {
    const blocker = createServer()
    await new Promise<void>((done) => blocker.listen(0, '127.0.0.1', () => done()))
    const address = blocker.address()
    const busy = typeof address === 'object' && address !== null ? address.port : 0
    const { context } = await ledgerWithCompany()
    const failure = await startServer({ context }, { port: busy, host: '127.0.0.1' }).then(() => null, (error: unknown) => error)
    blocker.close()
    expect(isLedgerError(failure)).toBe(true)
    expect(failure instanceof Error ? failure.message : '').toBe(`port ${busy} on 127.0.0.1 is already in use (another cledger serve?); stop it or choose another port: npm start -- --port ${busy + 1}`)
  })
})
