/**
 * Invoice import benchmark (`node --import tsx test/bench/invoices.bench.ts [rows]`, or `npm run bench -- invoices`).
 * A generated 发票查询统计 list export (UTF-8 BOM CSV, default 100,000 invoices; and an
 * XLSX of INVOICE_BENCH_XLSX_ROWS, default the same, in a child process of its own)
 * imported end to end (detect, decode, parse, clean, validate, dedupe, insert in one
 * transaction), against a raw multi-row INSERT of exactly the rows the import stored
 * (read back from the import's database, reads not timed) into a fresh database, in
 * the same run. Prints rows/s, the ratio to raw (best of INVOICE_BENCH_ROUNDS=1) and peak RSS.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { InValue } from '@libsql/client'
import { z } from 'zod'
import { type Database, multiRowInsert } from '../../service/db/connection.ts'
import { importFile } from '../../service/imports/load.ts'
import { INVOICE_TABLE } from '../../service/invoices/table.ts'
import { SYSTEM, createContext } from '../../service/ledger/context.ts'
import { createCompany } from '../../service/ledger/company.ts'
import { benchDatabase, report, sampledPeakRssMb, timed } from './support.ts'

const GENERATOR_CLI = join(dirname(fileURLToPath(import.meta.url)), '../../service/generators/cli.ts')
const COLUMNS = INVOICE_TABLE.columns

async function rawInsert(rows: number, source: Database): Promise<number> {
  const bench = await benchDatabase('raw-invoices')
  try {
    const company = await createCompany(createContext(bench.db), SYSTEM, { code: 'RAW', name: 'raw' })
    await bench.db.client.execute({ sql: "INSERT INTO import_batches (id, company_id, file_name, file_hash, file_size, parser, status, read_count, imported_count, duplicate_count, rejected_count, skipped_count, started_at, finished_at) VALUES (1, ?, 'raw', 'x', 0, 'raw', 'committed', 0, 0, 0, 0, 0, '', '')", args: [company.id] })
    let untimedMs = 0
    const chunk = Math.floor(30_000 / COLUMNS.length)
    const sql = `INSERT INTO invoices (${COLUMNS.map((c) => `"${c}"`).join(',')}) VALUES`
    let lastId = 0
    const { ms } = await timed(() => bench.db.write(async (tx) => {
      for (let start = 0; start < rows; start += chunk) {
        const readStart = performance.now()
        const result = await source.client.execute({ sql: `SELECT id, ${COLUMNS.slice(2).join(', ')} FROM invoices WHERE id > ? ORDER BY id LIMIT ?`, args: [lastId, chunk] })
        const values: InValue[][] = []
        for (const row of result.rows) {
          lastId = Number(row.id)
          values.push([company.id, 1, ...COLUMNS.slice(2).map((column) => row[column] ?? null)])
        }
        untimedMs += performance.now() - readStart
        for (const statement of multiRowInsert(sql, COLUMNS.length, values, ' ON CONFLICT DO NOTHING')) await tx.execute(statement)
        await new Promise<void>((resolve) => setImmediate(resolve))
      }
    }))
    const count = Number((await bench.db.client.execute('SELECT count(*) AS n FROM invoices')).rows[0]?.n)
    if (count !== rows) throw new Error(`raw insert stored ${count} rows, expected ${rows}`)
    return ms - untimedMs
  } finally {
    bench.cleanup()
  }
}

function generate(format: 'invoice-list-csv' | 'invoice-list', rows: number, path: string): number {
  const generated = spawnSync(process.execPath, ['--import', 'tsx', GENERATOR_CLI, format, path, String(rows), '1'], { stdio: ['ignore', 'pipe', 'inherit'] })
  if (generated.status !== 0) throw new Error(`generating ${format} failed`)
  return statSync(path).size
}

async function importOnce(path: string, fileName: string, keep?: (db: Database, imported: number) => Promise<void>): Promise<{ ms: number; peakMb: number; imported: number; read: number }> {
  const bench = await benchDatabase('import-invoices')
  try {
    const company = await createCompany(createContext(bench.db), SYSTEM, { code: 'IMP', name: 'import' })
    const { result, peakMb: sampledMb } = await sampledPeakRssMb(() => timed(() => importFile(bench.db, company.id, { name: fileName, path }, { actor: SYSTEM })))
    const peakMb = Math.max(sampledMb, Math.round(process.resourceUsage().maxRSS / 1024))
    if (result.result.rejected > 0) throw new Error(`bench import was not clean: ${result.result.rejected} rejects, first ${JSON.stringify(result.result.rejects[0])}`)
    await keep?.(bench.db, result.result.imported)
    return { ms: result.ms, peakMb, imported: result.result.imported, read: result.result.read }
  } finally {
    bench.cleanup()
  }
}

export async function run(rows = Number(process.env.INVOICE_BENCH_ROWS ?? 100_000), xlsxRows = Number(process.env.INVOICE_BENCH_XLSX_ROWS ?? 100_000), rounds = Number(process.env.INVOICE_BENCH_ROUNDS ?? 1)): Promise<void> {
  const files = mkdtempSync(join(tmpdir(), 'cledger-bench-invoices-'))
  try {
    const csvPath = join(files, 'invoices.csv')
    const csvBytes = generate('invoice-list-csv', rows, csvPath)
    let importMs = Number.POSITIVE_INFINITY
    let rawMs = Number.POSITIVE_INFINITY
    let peakMb = 0
    let last = { imported: 0, read: 0 }
    for (let round = 0; round < rounds; round += 1) {
      const imported = await importOnce(csvPath, 'invoices.csv', async (db, count) => {
        rawMs = Math.min(rawMs, await rawInsert(count, db))
      })
      importMs = Math.min(importMs, imported.ms)
      if (round === 0) peakMb = imported.peakMb
      last = imported
    }
    const importRate = Math.round(last.read / (importMs / 1000))
    const rawRate = Math.round(last.imported / (rawMs / 1000))
    report(`发票查询统计 list export CSV, ${rows} invoices (${Math.round(csvBytes / 1024 / 1024)} MB), best of ${rounds}`, {
      importMs: Math.round(importMs), importRowsPerSec: importRate, rawInsertMs: Math.round(rawMs), rawRowsPerSec: rawRate,
      ratio: `${Math.round((importRate / rawRate) * 100)}%`, peakRssMb: peakMb, imported: last.imported,
    })
    if (xlsxRows > 0) {
      const xlsxPath = join(files, 'invoices.xlsx')
      const xlsxBytes = generate('invoice-list', xlsxRows, xlsxPath)
      const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--xlsx-child', xlsxPath], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' })
      if (child.status !== 0) throw new Error('XLSX import child failed')
      const xlsx = z.object({ ms: z.number(), peakMb: z.number(), imported: z.number(), read: z.number() }).parse(JSON.parse(child.stdout))
      report(`发票查询统计 list export XLSX, ${xlsxRows} invoices (${Math.round(xlsxBytes / 1024 / 1024)} MB)`, {
        importMs: Math.round(xlsx.ms), rowsPerSec: Math.round(xlsx.read / (xlsx.ms / 1000)), peakRssMb: xlsx.peakMb, imported: xlsx.imported,
      })
    }
  } finally {
    rmSync(files, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}` && process.argv[2] === '--xlsx-child') {
  console.log(JSON.stringify(await importOnce(process.argv[3] ?? '', 'invoices.xlsx')))
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = process.argv[2] ? Number(process.argv[2]) : undefined
  await run(rows, rows)
}
