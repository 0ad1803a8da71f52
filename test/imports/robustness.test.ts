import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import { zipSync } from 'fflate'
import iconv from 'iconv-lite'
import { describe, expect, it } from 'vitest'
import { LedgerError } from '../../shared/errors.ts'
import { readTimestamp } from '../../service/imports/clean.ts'
import { importFile } from '../../service/imports/load.ts'
import { startParse } from '../../service/imports/parse.ts'
import { DEFAULT_LIMITS } from '../../service/imports/source.ts'
import { SYSTEM } from '../../service/ledger/context.ts'
import { type GeneratedFormat, GENERATED_FORMATS, generateFile, writeGeneratedFile } from '../../service/generators/index.ts'
import { ledgerWithCompany } from '../support/db.ts'
import { ledgerRefusal } from '../support/errors.ts'

const here = dirname(fileURLToPath(import.meta.url))
const text = (value: string) => new TextEncoder().encode(value)

async function parseAll(bytes: Uint8Array, name = 'file.csv') {
  const session = await startParse({ name, bytes })
  const records: unknown[] = []
  const rejects: Array<{ rowNumber: number; column: string; reason: string }> = []
  for await (const item of session.items()) {
    if (item.type === 'record') records.push(item.item)
    else rejects.push(item.reject)
  }
  return { session, records, rejects }
}

describe('bad input gets a clear answer', () => {
  it('refuses an empty file', async () => {
    expect((await ledgerRefusal(() => startParse({ name: 'empty.csv', bytes: new Uint8Array() }))).message).toBe('empty.csv: the file is empty')
  })

  it('refuses a file over the size limit before reading it', async () => {
    const error = await ledgerRefusal(() => startParse({ name: 'big.csv', bytes: new Uint8Array(2048) }, { limits: { ...DEFAULT_LIMITS, maxBytes: 1024 } }))
    expect([error.code, error.message]).toEqual(['PAYLOAD_TOO_LARGE', 'big.csv: 2048 bytes is over the 1024-byte limit'])
  })

  it('names the closest formats and their missing columns when no header matches', async () => {
    const error = await ledgerRefusal(() => startParse({ name: 'x.csv', bytes: text('Transaction Date,Type,Order,Amount\n2025-01-01,charge,#1,1.00\n') }))
    expect(error.code).toBe('UNSUPPORTED_FORMAT')
    expect(error.message).toBe('x.csv: the header matches no format; closest: shopify-payments-transactions (missing: fee, net); bank-csv (missing: date, description); amazon-settlement-v2 (missing: settlement-id, total-amount, transaction-type, amount-type, amount-description)')
  })

  it('rejects rows whose bytes are not valid in the detected encoding (mixed encodings) and keeps the rest', async () => {
    const file = await generateFile('wechat-personal', { seed: 9, rows: 1200 })
    const body = Buffer.from(file.bytes)
    const last = body.lastIndexOf(Buffer.from('某商户'))
    const mixed = Buffer.concat([body.subarray(0, last), iconv.encode('某商户', 'gbk'), body.subarray(last + Buffer.from('某商户').length)])
    const { records, rejects } = await parseAll(new Uint8Array(mixed))
    expect(rejects).toHaveLength(1)
    expect(rejects[0]?.reason).toBe('bytes that are not valid UTF-8 (mixed encodings?)')
    expect(records.length).toBe(file.expected.length - (file.expected.filter((item) => item.record.source.rowNumber === rejects[0]?.rowNumber).length))
  })

  it('reports a truncated file: the cut row is rejected and the missing trailer is flagged', async () => {
    const file = await generateFile('alipay-merchant-account', { seed: 4, rows: 100 })
    const cut = file.bytes.subarray(0, Math.floor(file.bytes.length * 0.6))
    const { session, rejects } = await parseAll(cut)
    expect(rejects.length).toBeLessThanOrEqual(1)
    expect(session.checks.map((check) => check.code)).toContain('TRAILER_MISSING')
  })

  it('rejects a record whose quoted field is never closed (truncated inside quotes)', async () => {
    const { rejects, records } = await parseAll(text('Transaction Date,Type,Order,Amount,Fee,Net\n2025-06-30 23:32:39 -0400,charge,#1,1.00,0.00,1.00\n2025-06-30 23:33:39 -0400,"charge,#2,1.00'))
    expect(records).toHaveLength(1)
    expect(rejects).toEqual([{ rowNumber: 3, column: '', reason: 'truncated file or broken quoting: a quoted field opened on line 3 is never closed', raw: '' }])
  })

  it('maps columns by name: extra and reordered columns give the same records', async () => {
    const plain = await parseAll(text('Transaction Date,Type,Order,Amount,Fee,Net,Currency\n2025-06-30 23:32:39 -0400,charge,#1,10.00,0.59,9.41,USD\n'))
    const shuffled = await parseAll(text('Net,Extra,Currency,Order,Fee,Type,Amount,Transaction Date\n9.41,x,USD,#1,0.59,charge,10.00,2025-06-30 23:32:39 -0400\n'))
    const strip = (items: unknown[]) => JSON.stringify(items, (key, value: unknown) => (key === 'rowNumber' || key === 'fileHash' ? undefined : typeof value === 'bigint' ? value.toString() : value))
    expect(strip(shuffled.records)).toBe(strip(plain.records))
    expect(plain.records).toHaveLength(2)
  })

  it('skips blank lines and repeated header rows, and says so', async () => {
    const csv = 'Transaction Date,Type,Order,Amount,Fee,Net\n\n2025-06-30 23:32:39 -0400,charge,#1,1.00,0.00,1.00\nTransaction Date,Type,Order,Amount,Fee,Net\n,,,,,\n2025-06-30 23:34:39 -0400,charge,#2,2.00,0.00,2.00\n'
    const { session, records, rejects } = await parseAll(text(csv))
    expect([records.length, rejects.length, session.stats.read]).toEqual([2, 0, 2])
    expect(session.checks).toContainEqual({ level: 'warning', code: 'DUPLICATE_HEADER', message: '1 repeated header row(s) skipped' })
  })

  it('reads the date styles seen in exports and rejects impossible dates', () => {
    expect(['2024-07-09 16:47:58', '2024/7/9 16:47:58', '2012年12月29日 21:02:06', '2014-11-10 16：33：45', '2024-07-09', '2025-08-14T06:23:59+00:00', '2025-06-28 15:15:52 -0400', '14.08.2025 06:23:59 UTC'].map((value) => readTimestamp('t', value)))
      .toEqual(['2024-07-09T16:47:58+08:00', '2024-07-09T16:47:58+08:00', '2012-12-29T21:02:06+08:00', '2014-11-10T16:33:45+08:00', '2024-07-09T00:00:00+08:00', '2025-08-14T06:23:59+00:00', '2025-06-28T15:15:52-04:00', '2025-08-14T06:23:59+00:00'])
    expect(() => readTimestamp('t', '2024-02-30 10:00:00')).toThrow('"2024-02-30 10:00:00" is not a valid date')
    expect(() => readTimestamp('t', 'yesterday')).toThrow('"yesterday" is not a date')
  })

  it('rejects absurd amounts, formulas in money cells and 10,000-character ids; truncates long free text', async () => {
    const long = 'x'.repeat(10_000)
    const csv = [
      'Transaction Date,Type,Order,Amount,Fee,Net,Checkout,Card Source',
      '2025-06-30 23:32:39 -0400,charge,#1,99999999999999999999.00,0.00,1.00,c1,online',
      '2025-06-30 23:32:40 -0400,charge,#2,=1+2,0.00,1.00,c2,online',
      `2025-06-30 23:32:41 -0400,charge,${long},1.00,0.00,1.00,c3,online`,
      `2025-06-30 23:32:42 -0400,refund,#4,-5.00,0.00,-5.00,="c4",${long}`,
    ].join('\n')
    const { records, rejects } = await parseAll(text(csv))
    expect(rejects.map((reject) => [reject.rowNumber, reject.column, reject.reason])).toEqual([
      [2, 'Amount', 'amount "99999999999999999999.00" is out of range'],
      [3, 'Amount', '"=1+2" is not an amount'],
      [4, 'external id', 'value is 10038 characters long (limit 200)'],
    ])
    expect(records).toHaveLength(1)
    const [refund] = records as Array<{ record: { tradeNo: string; description: string; amount: bigint } }>
    expect([refund?.record.tradeNo, refund?.record.description.length, refund?.record.amount]).toEqual(['c4', 2000, -500n])
  })

  it('refuses an XLSX zip bomb from the zip directory, before inflating it', async () => {
    const bomb = zipSync({ '[Content_Types].xml': text('<Types/>'), 'xl/worksheets/sheet1.xml': new Uint8Array(8 * 1024 * 1024).fill(97) }, { level: 9 })
    const error = await ledgerRefusal(() => startParse({ name: 'bomb.xlsx', bytes: bomb }))
    expect(error.code).toBe('PAYLOAD_TOO_LARGE')
    expect(error.message).toMatch(/^XLSX part xl\/worksheets\/sheet1.xml expands \d+x \(limit 200x\): refusing a possible zip bomb$/)
  })

  it('refuses a zip that is not a workbook and a broken legacy .xls', async () => {
    expect((await ledgerRefusal(() => startParse({ name: 'a.xlsx', bytes: zipSync({ 'hello.txt': text('hi') }) }))).message).toBe('not an XLSX workbook (no xl/workbook.xml)')
    // Legacy .xls is read now (service/imports/xls.ts); a CFB header with nothing behind it is still refused, clearly.
    expect((await ledgerRefusal(() => startParse({ name: 'a.xls', bytes: new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]) }))).message).toMatch(/^a\.xls: not a readable legacy \.xls \(/)
  })
})

describe('fuzzing the parsers', () => {
  async function survives(bytes: Uint8Array, name: string): Promise<boolean> {
    try {
      await parseAll(bytes, name)
    } catch (error) {
      if (!(error instanceof LedgerError)) throw error
    }
    return true
  }

  it('never throws anything but a LedgerError on random bytes', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 2000 }), (bytes) => survives(bytes, 'random.csv')), { numRuns: 150 })
  })

  const mutatedFiles = async () => {
    const samples = await Promise.all((Object.keys(GENERATED_FORMATS) as GeneratedFormat[]).map((format) => generateFile(format, { seed: 11, rows: 12 })))
    const mutation = fc.record({
      sample: fc.nat({ max: samples.length - 1 }),
      edits: fc.array(fc.record({ at: fc.nat(), kind: fc.constantFrom('byte', 'cut', 'insert'), value: fc.oneof(fc.uint8Array({ minLength: 1, maxLength: 8 }), fc.constantFrom(text('"'), text(','), text('\n'), text('='), text('¥'), text('null'), text('\t'))) }), { minLength: 1, maxLength: 6 }),
    })
    return { samples, mutation }
  }

  // Issue #21: this seed and path found `RowError: "12" is not an amount` thrown from the WeChat merchant
  // summary check; replayed on every run (a red random run is reproduced with the seed fast-check prints).
  it('replays the fuzz counterexample seed -448169594 (WeChat merchant summary line): no exception', async () => {
    const { samples, mutation } = await mutatedFiles()
    await fc.assert(fc.asyncProperty(mutation, async ({ sample, edits }) => {
      const file = samples[sample]
      if (!file) return true
      let bytes = new Uint8Array(file.bytes)
      for (const edit of edits) {
        const at = edit.at % Math.max(bytes.length, 1)
        if (edit.kind === 'byte') bytes[at] = edit.value[0] ?? 0
        else if (edit.kind === 'cut') bytes = bytes.subarray(0, at)
        else bytes = new Uint8Array([...bytes.subarray(0, at), ...edit.value, ...bytes.subarray(at)])
      }
      return survives(bytes, file.fileName)
    }), { seed: -448169594, path: '82:4:5:6:9:32:9:10:11:10:11:11:11', endOnFailure: true })
  })

  it('never throws anything but a LedgerError on mutated generated files of every format (fixed seed)', async () => {
    const { samples, mutation } = await mutatedFiles()
    await fc.assert(fc.asyncProperty(mutation, async ({ sample, edits }) => {
      const file = samples[sample]
      if (!file) return true
      let bytes = new Uint8Array(file.bytes)
      for (const edit of edits) {
        const at = edit.at % Math.max(bytes.length, 1)
        if (edit.kind === 'byte') bytes[at] = edit.value[0] ?? 0
        else if (edit.kind === 'cut') bytes = bytes.subarray(0, at)
        else bytes = new Uint8Array([...bytes.subarray(0, at), ...edit.value, ...bytes.subarray(at)])
      }
      return survives(bytes, file.fileName)
    }), { numRuns: 200, seed: 20261205 })
  })

  it('never throws anything but a LedgerError on mutated generated files of every format (random seed, printed on failure)', async () => {
    const { samples, mutation } = await mutatedFiles()
    await fc.assert(fc.asyncProperty(mutation, async ({ sample, edits }) => {
      const file = samples[sample]
      if (!file) return true
      let bytes = new Uint8Array(file.bytes)
      for (const edit of edits) {
        const at = edit.at % Math.max(bytes.length, 1)
        if (edit.kind === 'byte') bytes[at] = edit.value[0] ?? 0
        else if (edit.kind === 'cut') bytes = bytes.subarray(0, at)
        else bytes = new Uint8Array([...bytes.subarray(0, at), ...edit.value, ...bytes.subarray(at)])
      }
      return survives(bytes, file.fileName)
    }), { numRuns: 200 })
  })
})

describe('an import commits whole or not at all', () => {
  it('leaves no partial batch when the process is killed with SIGKILL mid-import, and a re-run equals one clean import', async () => {
    const { db, company, dir, url } = await ledgerWithCompany()
    const path = join(dir, 'big.csv')
    await writeGeneratedFile('alipay-merchant-account', path, { seed: 21, rows: 60_000 })
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'support/import-child.ts'), url, String(company.id), path], { stdio: ['ignore', 'pipe', 'pipe'] })
    const killed = await new Promise<string>((resolve) => {
      let output = ''
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString()
        const latest = [...output.matchAll(/PROGRESS (\d+)/g)].at(-1)
        if (latest && Number(latest[1]) >= 20_000 && child.exitCode === null) child.kill('SIGKILL')
      })
      child.on('exit', (_code, signal) => resolve(`${signal ?? ''} ${/DONE/.test(output) ? 'done' : 'not done'}`))
    })
    expect(killed).toBe('SIGKILL not done')
    const after = await db.client.execute({ sql: 'SELECT (SELECT COUNT(*) FROM import_batches) AS batches, (SELECT COUNT(*) FROM settlement_txns) AS txns', args: [] })
    expect(after.rows[0]).toMatchObject({ batches: 0, txns: 0 })
    const rerun = await importFile(db, company.id, { name: 'big.csv', path }, { actor: SYSTEM })
    const clean = await ledgerWithCompany('CLEAN')
    const once = await importFile(clean.db, clean.company.id, { name: 'big.csv', path }, { actor: SYSTEM })
    expect([rerun.imported, rerun.duplicates, rerun.rejected]).toEqual([once.imported, once.duplicates, once.rejected])
    const digest = async (database: typeof db) => (await database.client.execute('SELECT COUNT(*) AS n, SUM(amount_minor) AS total, MIN(external_id) AS first, MAX(external_id) AS last FROM settlement_txns')).rows[0]
    expect(await digest(db)).toEqual(await digest(clean.db))
  }, 120_000)
})
