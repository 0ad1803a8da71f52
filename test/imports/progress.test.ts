import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { LedgerError } from '../../shared/errors.ts'
import { main } from '../../service/cli.ts'
import { progressLine } from '../../service/cli/import.ts'
import { generateFile } from '../../service/generators/index.ts'
import { type JobEvent, type JobProgress, createJobRegistry } from '../../service/imports/jobs.ts'
import { PositionTracker, measureInput } from '../../service/imports/progress.ts'
import { tempDatabase } from '../support/db.ts'

/** Progress plumbing: input extent and position, the job registry (throttle, expiry, ownership), the CLI bar. */

const text = (value: string) => new TextEncoder().encode(value)

describe('input extent and position', () => {
  it('counts the lines of a CSV, with or without a last newline, from bytes and from a path', async () => {
    const { dir } = await tempDatabase()
    expect(measureInput({ name: 'a.csv', bytes: text('a,b\n1,2\n3,4\n') })).toEqual({ size: 12, unit: 'line', total: 3 })
    expect(measureInput({ name: 'a.csv', bytes: text('a,b\r\n1,2\r\n3,4') })).toEqual({ size: 13, unit: 'line', total: 3 })
    const path = join(dir, 'big.csv')
    writeFileSync(path, 'x\n'.repeat(1_500_000))
    expect(measureInput({ name: 'big.csv', path })).toEqual({ size: 3_000_000, unit: 'line', total: 1_500_000 })
  })

  it('reads the rows of an XLSX from its sheet dimension, and says unknown for a damaged file', async () => {
    const xlsx = await generateFile('wechat-personal-xlsx', { seed: 1, rows: 300 })
    const extent = measureInput({ name: 'w.xlsx', bytes: xlsx.bytes })
    expect(extent.unit).toBe('row')
    expect(extent.total).toBeGreaterThan(300)
    expect(extent.total).toBeLessThan(330)
    const damaged = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 0])
    expect(measureInput({ name: 'bad.xlsx', bytes: damaged })).toEqual({ size: 7, unit: 'row', total: null })
  })

  it('adds the rows of earlier sheets and stays below 100% until the file is done', () => {
    const tracker = new PositionTracker({ size: 1000, unit: 'row', total: 200 })
    tracker.see(50, 'A')
    expect(tracker.fraction()).toBe(0.25)
    tracker.see(40, 'A')
    expect(tracker.bytes()).toBe(250)
    tracker.see(100, 'A')
    tracker.see(60, 'B')
    expect(tracker.fraction()).toBe(0.8)
    tracker.see(500, 'B')
    expect(tracker.fraction()).toBe(0.999)
    expect(new PositionTracker({ size: 10, unit: 'line', total: null }).bytes()).toBeNull()
  })
})

const progress = (rows: number): JobProgress => ({ phase: 'parse', file: 'a.csv', fileIndex: 1, files: 1, bytes: rows, totalBytes: 1000, rows, records: rows, rejects: 0, percent: Math.floor(rows / 10) })
const failure = (error: unknown) => ({ status: error instanceof LedgerError ? error.status : 500, body: { error: { code: error instanceof LedgerError ? error.code : 'INTERNAL', message: String(error instanceof Error ? error.message : error) } } })

describe('import job registry', () => {
  it('sends the latest progress at most once per interval, then one done', async () => {
    const jobs = createJobRegistry<{ rows: number }>({ minIntervalMs: 50, describeError: failure })
    const events: Array<{ event: JobEvent<{ rows: number }>; at: number }> = []
    const started = Date.now()
    const job = jobs.start({ companyId: 1, userId: 1, files: 1, totalBytes: 1000 }, async ({ report }) => {
      for (let rows = 1; rows <= 1000; rows += 1) {
        report(progress(rows))
        if (rows % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 3))
      }
      return { rows: 1000 }
    })
    jobs.subscribe(job, (event) => events.push({ event, at: Date.now() - started }))
    await jobs.settled(job)
    const sent = events.filter((each) => each.event.type === 'progress')
    const elapsed = events.at(-1)?.at ?? 0
    expect(sent.length).toBeGreaterThanOrEqual(2)
    expect(sent.length).toBeLessThanOrEqual(Math.ceil(elapsed / 50) + 1)
    for (let index = 1; index < sent.length; index += 1) expect((sent[index]?.at ?? 0) - (sent[index - 1]?.at ?? 0)).toBeGreaterThanOrEqual(45)
    expect(events.at(-1)?.event).toEqual({ type: 'done', result: { rows: 1000 } })
    expect(job).toMatchObject({ status: 'done', result: { rows: 1000 }, progress: { rows: 1000 } })
  })

  it('keeps the failure and what was done before it', async () => {
    const jobs = createJobRegistry<{ files: string[] }>({ describeError: failure })
    const job = jobs.start({ companyId: 1, userId: 1, files: 2, totalBytes: 10 }, async ({ partial }) => {
      partial({ files: ['a.csv'] })
      throw new LedgerError('UNSUPPORTED_FORMAT', 'b.csv: no known header')
    })
    await jobs.settled(job)
    expect(job).toMatchObject({ status: 'error', result: { files: ['a.csv'] }, failure: { status: 415, body: { error: { code: 'UNSUPPORTED_FORMAT', message: 'b.csv: no known header' } } } })
  })

  it('shows a job to its company only and forgets it an hour after it ends, never while it runs', async () => {
    let now = 1_000_000
    const jobs = createJobRegistry<number>({ describeError: failure, now: () => now })
    let release = (): void => undefined
    const slow = jobs.start({ companyId: 1, userId: 1, files: 1, totalBytes: 1 }, () => new Promise<number>((resolve) => { release = () => resolve(2) }))
    const quick = jobs.start({ companyId: 1, userId: 1, files: 1, totalBytes: 1 }, async () => 1)
    await jobs.settled(quick)
    expect(jobs.get(quick.id, 2)).toBeUndefined()
    expect(jobs.get(quick.id, 1)?.result).toBe(1)
    now += 60 * 60 * 1000 - 1
    expect(jobs.get(quick.id, 1)).toBeDefined()
    now += 1
    expect(jobs.get(quick.id, 1)).toBeUndefined()
    expect(jobs.get(slow.id, 1)?.status).toBe('running')
    release()
    await jobs.settled(slow)
    now += 60 * 60 * 1000
    expect(jobs.get(slow.id, 1)).toBeUndefined()
    expect(jobs.size()).toBe(0)
  })
})

describe('cledger import progress bar', () => {
  const tty = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY')
  afterEach(() => {
    if (tty) Object.defineProperty(process.stderr, 'isTTY', tty)
    else delete (process.stderr as { isTTY?: boolean }).isTTY
  })

  it('draws a bar with percent of bytes, rows, records and rejects', () => {
    expect(progressLine({ file: 'bill.csv', phase: 'parse', bytes: 512, totalBytes: 1024, rows: 12_345, records: 12_000, rejects: 3 }, 100))
      .toBe('bill.csv [############            ]  50%  12,345 rows, 12,000 records, 3 rejects')
    expect(progressLine({ file: 'w.xlsx', phase: 'insert', bytes: null, totalBytes: 9, rows: 7, records: 7, rejects: 0 }, 100))
      .toBe('w.xlsx [                        ]  ...  7 rows, 7 records, 0 rejects, committing')
    const narrow = progressLine({ file: '支付宝账务明细-2026年10月-天猫旗舰店.csv', phase: 'parse', bytes: 0, totalBytes: 9, rows: 0, records: 0, rejects: 0 }, 70)
    expect(narrow.length).toBeLessThanOrEqual(70)
    expect(narrow.startsWith('…')).toBe(true)
  })

  async function importWith(isTTY: boolean, json: boolean, rows: number): Promise<string> {
    Object.defineProperty(process.stderr, 'isTTY', { value: isTTY, configurable: true })
    const { dir, url, db } = await tempDatabase()
    db.close()
    const quiet = { stdout: () => undefined, stderr: () => undefined }
    expect(await main(['node', 'cledger', '--db', url, 'init', '--company', 'SHOP', '--name', '测试店'], quiet)).toBe(0)
    const file = await generateFile('alipay-merchant-account', { seed: 5, rows })
    const path = join(dir, 'bill.csv')
    writeFileSync(path, file.bytes)
    const err: string[] = []
    const out: string[] = []
    expect(await main(['node', 'cledger', '--db', url, ...(json ? ['--json'] : []), 'import', path, '--store', 'tmall'], { stdout: (t) => out.push(t), stderr: (t) => err.push(t) })).toBe(0)
    expect(out.join('')).toMatch(json ? new RegExp(`"imported": ${rows}`) : new RegExp(`imported ${rows}`))
    return err.join('')
  }

  it('shows the bar on a TTY, ending at 100% on its own line', async () => {
    const drawn = await importWith(true, false, 30_000)
    const frames = drawn.split('\r\x1b[K').filter((frame) => frame !== '')
    expect(frames.length).toBeGreaterThanOrEqual(2)
    expect(frames[0]).toMatch(/^bill\.csv \[ *\] {3}0% {2}0 rows/)
    expect(frames.some((frame) => /\[#{4,} *\] +[1-9]\d?%/.test(frame))).toBe(true)
    expect(frames.at(-1)).toBe('bill.csv [########################] 100%  30,000 rows, 30,000 records, 0 rejects\n')
  })

  it('prints nothing on stderr into a pipe or with --json', async () => {
    expect(await importWith(false, false, 3000)).toBe('')
    expect(await importWith(true, true, 3000)).toBe('')
  })
})
