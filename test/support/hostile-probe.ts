/**
 * One hostile upload against a fresh service, in its own process so its peak
 * RSS is its own: `node --import tsx test/support/hostile-probe.ts KIND`.
 * Prints one JSON line: the answer (status, error code and message), the
 * file's size, RSS before the upload, peak RSS while the service handled it
 * (kernel high-water mark, reset just before the request), and the slowest
 * /health answer while it ran. Used by test/imports/hostile.test.ts; run it by
 * hand to get the figures in docs/decisions.d/h-security.md.
 */
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createUser, setRole } from '../../service/auth/users.ts'
import { openDatabase } from '../../service/db/connection.ts'
import { type BombPart, type BombSizes, nestedXlsx, singleLineCsv, xlsxBomb, zip64Xlsx } from '../../service/generators/hostile.ts'
import { createCompany } from '../../service/ledger/company.ts'
import { SYSTEM, createContext } from '../../service/ledger/context.ts'
import { startServer } from '../../service/server.ts'

export const HOSTILE_KINDS = [
  ...(['sheet', 'sharedStrings', 'workbook', 'styles'] as const).flatMap((part) => (['honest', 'understated', 'overstated'] as const).map((sizes) => `bomb:${part}:${sizes}`)),
  'zip64', 'nested', 'csv-2gb-declared', 'csv-50mb-line',
] as const

function rssMb(): number {
  return Math.round(process.memoryUsage().rss / 1024 / 1024)
}

function resetHighWater(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5')
    return true
  } catch {
    return false
  }
}

function highWaterMb(): number | null {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))
    return match ? Math.round(Number(match[1]) / 1024) : null
  } catch {
    return null
  }
}

function file(kind: string): { name: string; bytes: Uint8Array } {
  if (kind.startsWith('bomb:')) {
    const [, part, sizes] = kind.split(':')
    return { name: `${part}-${sizes}.xlsx`, bytes: xlsxBomb(part as BombPart, sizes as BombSizes) }
  }
  if (kind === 'zip64') return { name: 'zip64.xlsx', bytes: zip64Xlsx() }
  if (kind === 'nested') return { name: 'nested.xlsx', bytes: nestedXlsx() }
  if (kind === 'csv-50mb-line') return { name: 'one-line.csv', bytes: singleLineCsv() }
  if (kind === 'csv-2gb-declared') return { name: 'huge.csv', bytes: new Uint8Array(0) }
  throw new Error(`unknown kind ${kind}; one of ${HOSTILE_KINDS.join(', ')}`)
}

/** POSTs one multipart file part streamed from `path`; `endless` sends zeros after the header instead (the declared length is never reached). */
function postStreaming(url: string, token: string, name: string, path: string, size: number, endless: boolean): Promise<{ status: number; body: string }> {
  const boundary = 'hostile-probe-boundary'
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`)
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(head.byteLength + size + tail.byteLength) } }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') })
        request.destroy()
      })
    })
    request.on('error', (error) => reject(error))
    request.write(head)
    if (endless) {
      // At most 64 MB of the declared 2 GB: the answer must come long before.
      const zeros = Buffer.alloc(1024 * 1024)
      let sent = 0
      const more = () => {
        while (sent < 64 && !request.destroyed) {
          sent += 1
          if (!request.write(zeros)) return void request.once('drain', more)
        }
      }
      more()
      return
    }
    const stream = createReadStream(path)
    stream.pipe(request, { end: false })
    stream.on('end', () => request.end(tail))
  })
}

async function main(kind: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cledger-hostile-'))
  const db = await openDatabase(`file:${join(dir, 'ledger.db')}`)
  try {
    const context = createContext(db)
    const company = await createCompany(context, SYSTEM, { code: 'ACME', name: 'ACME 电商有限公司' })
    const admin = await createUser(context, SYSTEM, { username: 'probe.admin', password: 'probe-admin-password' })
    await setRole(context, SYSTEM, admin.id, company.id, 'admin')
    const server = await startServer({ context }, { port: 0, host: '127.0.0.1' })
    const signIn = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'probe.admin', password: 'probe-admin-password' }) })
    const { token } = (await signIn.json()) as { token: string }
    const upload = file(kind)
    const path = join(dir, upload.name)
    writeFileSync(path, upload.bytes)
    const fileBytes = kind === 'csv-2gb-declared' ? 2 * 1024 ** 3 : upload.bytes.byteLength
    global.gc?.()
    const baseRssMb = rssMb()
    const kernelPeak = resetHighWater()
    let sampledPeak = baseRssMb
    let healthMaxMs = 0
    let running = true
    const sampler = setInterval(() => {
      sampledPeak = Math.max(sampledPeak, rssMb())
    }, 5)
    const health = (async () => {
      while (running) {
        const started = performance.now()
        await fetch(`${server.url}/api/v1/health`).then((answer) => answer.arrayBuffer())
        healthMaxMs = Math.max(healthMaxMs, performance.now() - started)
        await new Promise((done) => setTimeout(done, 20))
      }
    })()
    const started = performance.now()
    // A plain HTTP client streaming the file from disk, as curl would: the probe holds no copy of the upload.
    const response = await postStreaming(`${server.url}/api/v1/companies/ACME/imports`, token, upload.name, path, fileBytes, kind === 'csv-2gb-declared')
    const elapsedMs = Math.round(performance.now() - started)
    running = false
    await health
    clearInterval(sampler)
    await server.close()
    const answer = JSON.parse(response.body) as { error?: { code: string; message: string } }
    const peakRssMb = kernelPeak ? (highWaterMb() ?? sampledPeak) : Math.max(sampledPeak, rssMb())
    process.stdout.write(`${JSON.stringify({ kind, file: upload.name, fileMb: Math.round((fileBytes / 1024 / 1024) * 10) / 10, status: response.status, code: answer.error?.code ?? null, message: answer.error?.message ?? null, baseRssMb, peakRssMb, peakMeasuredBy: kernelPeak ? 'VmHWM' : 'sampled', elapsedMs, healthMaxMs: Math.round(healthMaxMs) })}\n`)
  } finally {
    db.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

const kind = process.argv[2]
if (kind) {
  main(kind).then(() => process.exit(0), (error: unknown) => {
    console.error(error)
    process.exit(1)
  })
}
