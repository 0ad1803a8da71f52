/**
 * Import benchmark (`node --import tsx test/bench/import.bench.ts [rows]`, or `npm run bench -- import`).
 * 1. A generated Alipay merchant 账务明细 GBK CSV (default 1,000,000 rows) imported
 *    end to end (decode, parse, clean, validate, dedupe, insert in one transaction),
 *    against a raw multi-row INSERT of the same rows (read back from the import's
 *    database, reads not timed) into a fresh database, measured in the same run;
 *    also against the first synthetic baseline (sequential values of the same width).
 * 2. A 200,000-row XLSX (WeChat personal layout) imported end to end.
 * Prints rows/s, the ratio to raw (best of IMPORT_BENCH_ROUNDS=3 each, alternating; goal >= 50%)
 * and the peak RSS while importing (goal < 500 MB).
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
import { SYSTEM, createContext } from '../../service/ledger/context.ts'
import { createCompany } from '../../service/ledger/company.ts'
import { benchDatabase, report, sampledPeakRssMb, timed } from './support.ts'

const GENERATOR_CLI = join(dirname(fileURLToPath(import.meta.url)), '../../service/generators/cli.ts')

const SETTLEMENT_COLUMNS = ['company_id', 'batch_id', 'channel', 'store', 'external_id', 'kind', 'amount_minor', 'currency', 'occurred_at', 'order_ref', 'trade_no', 'payout_ref', 'counterparty', 'balance_after_minor', 'description', 'source_hash', 'source_sheet', 'source_row']

/**
 * The raw baseline: multi-row INSERTs of `rows` settlement_txns rows in one transaction.
 * - `same` (the goal's baseline): exactly the rows the import stored, read back from its
 *   database chunk by chunk; the reads are not timed. Same values, so the same index work
 *   (random order refs cost the order_ref index ~40% more than sequential ones).
 * - `synthetic` (the first baseline, kept for comparison): sequential ids and refs of the same width.
 */
async function rawInsert(rows: number, source?: Database): Promise<number> {
  const bench = await benchDatabase('raw')
  try {
    const company = await createCompany(createContext(bench.db), SYSTEM, { code: 'RAW', name: 'raw' })
    await bench.db.client.execute({ sql: "INSERT INTO import_batches (id, company_id, file_name, file_hash, file_size, parser, status, read_count, imported_count, duplicate_count, rejected_count, skipped_count, started_at, finished_at) VALUES (1, ?, 'raw', 'x', 0, 'raw', 'committed', 0, 0, 0, 0, 0, '', '')", args: [company.id] })
    const hash = 'f'.repeat(64)
    let untimedMs = 0
    const chunk = Math.floor(30_000 / SETTLEMENT_COLUMNS.length)
    const sql = `INSERT INTO settlement_txns (${SETTLEMENT_COLUMNS.map((c) => `"${c}"`).join(',')}) VALUES`
    let lastId = 0
    const { ms } = await timed(() => bench.db.write(async (tx) => {
      for (let start = 0; start < rows; start += chunk) {
        const values: InValue[][] = []
        if (source) {
          const readStart = performance.now()
          const result = await source.client.execute({ sql: `SELECT id, ${SETTLEMENT_COLUMNS.slice(2).join(', ')} FROM settlement_txns WHERE id > ? ORDER BY id LIMIT ?`, args: [lastId, chunk] })
          for (const row of result.rows) {
            lastId = Number(row.id)
            values.push([company.id, 1, ...SETTLEMENT_COLUMNS.slice(2).map((column) => row[column] ?? null)])
          }
          untimedMs += performance.now() - readStart
        } else {
          for (let index = start; index < Math.min(rows, start + chunk); index += 1) {
            values.push([company.id, 1, 'alipay', '', `${2024030100000000000n + BigInt(index)}`, 'payment', 12345n, 'CNY', '2024-03-01T00:00:00+08:00', `${1000000000000000000n + BigInt(index)}`, `2024030122001${String(index).padStart(15, '0')}`, null, '买家1', null, '交易付款 / 0010001|交易收款-交易收款', hash, null, index + 6])
          }
        }
        for (const statement of multiRowInsert(sql, SETTLEMENT_COLUMNS.length, values, ' ON CONFLICT DO NOTHING')) await tx.execute(statement)
        // One event-loop turn per statement, as the import does: libsql frees finished statements there (else ~4 GB RSS at 1M rows).
        await new Promise<void>((resolve) => setImmediate(resolve))
      }
    }))
    const count = Number((await bench.db.client.execute('SELECT count(*) AS n FROM settlement_txns')).rows[0]?.n)
    if (count !== rows) throw new Error(`raw insert stored ${count} rows, expected ${rows}`)
    return ms - untimedMs
  } finally {
    bench.cleanup()
  }
}

function generate(format: 'alipay-merchant-account' | 'wechat-personal-xlsx', rows: number, path: string): number {
  // Generated in a child process so the generator's memory does not count in the import's peak RSS.
  const generated = spawnSync(process.execPath, ['--import', 'tsx', GENERATOR_CLI, format, path, String(rows), '1'], { stdio: ['ignore', 'pipe', 'inherit'] })
  if (generated.status !== 0) throw new Error(`generating ${format} failed`)
  return statSync(path).size
}

async function importOnce(path: string, fileName: string, keep?: (db: Database) => Promise<void>): Promise<{ ms: number; peakMb: number; imported: number; read: number }> {
  const bench = await benchDatabase('import')
  try {
    const company = await createCompany(createContext(bench.db), SYSTEM, { code: 'IMP', name: 'import' })
    const { result, peakMb: sampledMb } = await sampledPeakRssMb(() => timed(() => importFile(bench.db, company.id, { name: fileName, path }, { actor: SYSTEM })))
    // maxRSS is the process's lifetime peak: exact for the first import, an upper bound after it.
    const peakMb = Math.max(sampledMb, Math.round(process.resourceUsage().maxRSS / 1024))
    if (result.result.rejected > 0 || result.result.checks.some((check) => check.level === 'error')) throw new Error(`bench import was not clean: ${JSON.stringify(result.result.checks)} ${result.result.rejected} rejects`)
    await keep?.(bench.db)
    return { ms: result.ms, peakMb, imported: result.result.imported, read: result.result.read }
  } finally {
    bench.cleanup()
  }
}

export async function run(rows = Number(process.env.IMPORT_BENCH_ROWS ?? 1_000_000), xlsxRows = Number(process.env.IMPORT_BENCH_XLSX_ROWS ?? 200_000), rounds = Number(process.env.IMPORT_BENCH_ROUNDS ?? 3)): Promise<void> {
  const files = mkdtempSync(join(tmpdir(), 'cledger-bench-files-'))
  try {
    const csvPath = join(files, 'alipay-account.csv')
    const xlsxPath = join(files, 'wechat.xlsx')
    const csvBytes = generate('alipay-merchant-account', rows, csvPath)
    const xlsxBytes = generate('wechat-personal-xlsx', xlsxRows, xlsxPath)
    // Best of `rounds`, import and raw alternating, so both see the same machine load (the machine is shared: compare ratios).
    let importMs = Number.POSITIVE_INFINITY
    let rawMs = Number.POSITIVE_INFINITY
    let syntheticMs = Number.POSITIVE_INFINITY
    let peakMb = 0
    let last = { imported: 0, read: 0 }
    for (let round = 0; round < rounds; round += 1) {
      const imported = await importOnce(csvPath, 'alipay-account.csv', async (db) => {
        rawMs = Math.min(rawMs, await rawInsert(rows, db))
      })
      importMs = Math.min(importMs, imported.ms)
      // The first import is the process's first big phase, so maxRSS is exactly its peak.
      if (round === 0) peakMb = imported.peakMb
      last = imported
      syntheticMs = Math.min(syntheticMs, await rawInsert(rows))
    }
    const importRate = Math.round(last.read / (importMs / 1000))
    const rawRate = Math.round(rows / (rawMs / 1000))
    report(`alipay merchant GBK CSV, ${rows} rows (${Math.round(csvBytes / 1024 / 1024)} MB), best of ${rounds}`, {
      importMs: Math.round(importMs), importRowsPerSec: importRate, rawInsertMs: Math.round(rawMs), rawRowsPerSec: rawRate,
      ratio: `${Math.round((importRate / rawRate) * 100)}% (goal >= 50%)`,
      syntheticRawMs: Math.round(syntheticMs), ratioToSynthetic: `${Math.round((importMs > 0 ? syntheticMs / importMs : 0) * 100)}%`, peakRssMb: `${peakMb} (goal < 500)`, imported: last.imported,
    })
    // The XLSX import runs in a child process of its own, so its peak RSS (maxRSS) is its own.
    const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--xlsx-child', xlsxPath], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' })
    if (child.status !== 0) throw new Error('XLSX import child failed')
    const xlsx = z.object({ ms: z.number(), peakMb: z.number(), imported: z.number(), read: z.number() }).parse(JSON.parse(child.stdout))
    report(`wechat personal XLSX, ${xlsxRows} rows (${Math.round(xlsxBytes / 1024 / 1024)} MB)`, {
      importMs: Math.round(xlsx.ms), rowsPerSec: Math.round(xlsx.read / (xlsx.ms / 1000)), peakRssMb: `${xlsx.peakMb} (goal < 500)`, imported: xlsx.imported,
    })
  } finally {
    rmSync(files, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}` && process.argv[2] === '--xlsx-child') {
  console.log(JSON.stringify(await importOnce(process.argv[3] ?? '', 'wechat.xlsx')))
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = process.argv[2] ? Number(process.argv[2]) : undefined
  await run(rows, rows ? Math.min(rows, 200_000) : undefined)
}
