import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { LedgerError } from '../../shared/errors.ts'
import { nestedXlsx, xlsxBomb } from '../../service/generators/hostile.ts'
import { openFile } from '../../service/imports/source.ts'
import { readXlsxRows } from '../../service/imports/xlsx.ts'
import { HOSTILE_KINDS } from '../support/hostile-probe.ts'

/**
 * Issue #18 part 1: hostile uploads. Each kind is posted by a plain HTTP client
 * to a real service in its own process (test/support/hostile-probe.ts), which
 * reports the answer, the service's peak RSS (kernel high-water mark) and the
 * slowest /health answer while it ran. Every one must be refused with a clear
 * error and memory must stay bounded.
 */
const run = promisify(execFile)

interface Probe { kind: string; status: number; code: string | null; message: string | null; baseRssMb: number; peakRssMb: number; fileMb: number; elapsedMs: number; healthMaxMs: number }

const EXPECTED: Record<string, { status: number; code: string; message: RegExp }> = {
  'bomb:sheet:honest': { status: 413, code: 'PAYLOAD_TOO_LARGE', message: /sheet1\.xml declares \d+ bytes inflated, over the \d+-byte limit/ },
  'bomb:sharedStrings:honest': { status: 413, code: 'PAYLOAD_TOO_LARGE', message: /sharedStrings\.xml declares \d+ bytes inflated, over the \d+-byte limit/ },
  'bomb:workbook:honest': { status: 413, code: 'PAYLOAD_TOO_LARGE', message: /workbook\.xml declares \d+ bytes inflated, over the 8388608-byte limit/ },
  'bomb:styles:honest': { status: 413, code: 'PAYLOAD_TOO_LARGE', message: /styles\.xml declares \d+ bytes inflated, over the \d+-byte limit/ },
  'bomb:sheet:understated': { status: 413, code: 'PAYLOAD_TOO_LARGE', message: /sheet1\.xml inflates to more than its declared 1024 bytes/ },
  'bomb:sharedStrings:understated': { status: 413, code: 'PAYLOAD_TOO_LARGE', message: /sharedStrings\.xml inflates to more than its declared 1024 bytes/ },
  'bomb:workbook:understated': { status: 413, code: 'PAYLOAD_TOO_LARGE', message: /workbook\.xml inflates to more than its declared 1024 bytes/ },
  'bomb:styles:understated': { status: 413, code: 'PAYLOAD_TOO_LARGE', message: /styles\.xml inflates to more than its declared 1024 bytes/ },
  'bomb:sheet:overstated': { status: 413, code: 'PAYLOAD_TOO_LARGE', message: /sheet1\.xml declares 4294967294 bytes/ },
  'bomb:sharedStrings:overstated': { status: 413, code: 'PAYLOAD_TOO_LARGE', message: /sharedStrings\.xml declares 4294967294 bytes/ },
  'bomb:workbook:overstated': { status: 413, code: 'PAYLOAD_TOO_LARGE', message: /workbook\.xml declares 4294967294 bytes/ },
  'bomb:styles:overstated': { status: 413, code: 'PAYLOAD_TOO_LARGE', message: /styles\.xml declares 4294967294 bytes/ },
  zip64: { status: 415, code: 'UNSUPPORTED_FORMAT', message: /ZIP64/ },
  nested: { status: 413, code: 'PAYLOAD_TOO_LARGE', message: /sheet1\.xml: elements nest more than 64 deep/ },
  'csv-2gb-declared': { status: 413, code: 'PAYLOAD_TOO_LARGE', message: /too large/ },
  'csv-50mb-line': { status: 400, code: 'VALIDATION', message: /one-line\.csv: a record starting on line 1 is longer than 1000000 characters/ },
}

async function probe(kind: string): Promise<Probe> {
  const { stdout } = await run(process.execPath, ['--expose-gc', '--import', 'tsx', 'test/support/hostile-probe.ts', kind], { maxBuffer: 1024 * 1024, timeout: 240_000 })
  const line = stdout.trim().split('\n').pop() ?? ''
  return JSON.parse(line) as Probe
}

describe('hostile uploads (each in a fresh service process)', () => {
  it('covers every kind the issue names', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...HOSTILE_KINDS].sort())
  })

  it('refuses each with a clear error, the service growing by less than 150 MB and under 400 MB in all', { timeout: 900_000 }, async () => {
    const results: Probe[] = []
    // Two at a time (the machine has two cores).
    const queue = [...HOSTILE_KINDS]
    await Promise.all([0, 1].map(async () => {
      for (let kind = queue.shift(); kind; kind = queue.shift()) results.push(await probe(kind))
    }))
    for (const result of results.sort((a, b) => a.kind.localeCompare(b.kind))) {
      const expected = EXPECTED[result.kind]
      expect({ kind: result.kind, status: result.status, code: result.code }).toEqual({ kind: result.kind, status: expected?.status, code: expected?.code })
      expect(result.message, result.kind).toMatch(expected?.message ?? /never/)
      expect(result.peakRssMb - result.baseRssMb, `${result.kind}: grew from ${result.baseRssMb} to ${result.peakRssMb} MB`).toBeLessThan(150)
      expect(result.peakRssMb, result.kind).toBeLessThan(400)
    }
    console.log(results.map((r) => `${r.kind.padEnd(31)} ${String(r.fileMb).padStart(7)} MB  ${r.status} ${r.code}  RSS ${r.baseRssMb} -> ${r.peakRssMb} MB  ${r.elapsedMs} ms  /health max ${r.healthMaxMs} ms`).join('\n'))
  })
})

describe('limits inside the readers', () => {
  async function refusal(work: () => Promise<unknown>): Promise<LedgerError> {
    try {
      await work()
    } catch (error) {
      if (error instanceof LedgerError) return error
      throw error
    }
    throw new Error('expected a refusal')
  }

  it('stops an understated sheet bomb after its declared size, never inflating the 1.9 GB', async () => {
    const bytes = xlsxBomb('sheet', 'understated')
    const before = process.memoryUsage().rss
    const error = await refusal(async () => {
      for await (const batch of readXlsxRows(bytes)) void batch
    })
    expect(error.code).toBe('PAYLOAD_TOO_LARGE')
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024)
  })

  it('refuses a nesting bomb by depth, not by running out of memory', async () => {
    const error = await refusal(async () => {
      for await (const batch of readXlsxRows(nestedXlsx())) void batch
    })
    expect(error.message).toMatch(/nest more than 64 deep/)
  })

  it('refuses a 2 GB file given by path (a sparse file) from its size, before reading it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cledger-hostile-'))
    try {
      const path = join(dir, 'huge.csv')
      writeFileSync(path, '交易号,金额\n')
      truncateSync(path, 2 * 1024 ** 3)
      const error = await refusal(() => openFile({ name: 'huge.csv', path }))
      expect(error.code).toBe('PAYLOAD_TOO_LARGE')
      expect(error.message).toMatch(/huge\.csv: 2147483648 bytes is over the \d+-byte limit/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
