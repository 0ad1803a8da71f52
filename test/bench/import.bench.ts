/**
 * Import benchmark (`node --import tsx test/bench/import.bench.ts [rows]`, or `npm run bench -- import`).
 * 1. A generated Alipay merchant 账务明细 GBK CSV (default 1,000,000 rows) imported
 *    end to end (decode, parse, clean, validate, dedupe, insert in one transaction),
 *    against a raw multi-row INSERT of the same number of settlement_txns rows of
 *    the same width into a fresh database, measured in the same run.
 * 2. A 200,000-row XLSX (WeChat personal layout) imported end to end.
 * Prints rows/s, the ratio to raw (goal >= 50%) and the peak RSS while importing (goal < 500 MB).
 */
import { spawnSync } from 'node:child_process'
import { statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { InValue } from '@libsql/client'
import { multiRowInsert } from '../../service/db/connection.ts'
import { importFile } from '../../service/imports/load.ts'
import { SYSTEM, createContext } from '../../service/ledger/context.ts'
import { createCompany } from '../../service/ledger/company.ts'
import { benchDatabase, report, timed } from './support.ts'

const GENERATOR_CLI = join(dirname(fileURLToPath(import.meta.url)), '../generators/cli.ts')

const SETTLEMENT_COLUMNS = ['company_id', 'batch_id', 'channel', 'store', 'external_id', 'kind', 'amount_minor', 'currency', 'occurred_at', 'order_ref', 'trade_no', 'payout_ref', 'counterparty', 'balance_after_minor', 'description', 'source_hash', 'source_sheet', 'source_row']

/** Samples RSS every 50 ms while `work` runs; returns the peak in MB. */
async function withPeakRss<T>(work: () => Promise<T>): Promise<{ result: T; peakMb: number }> {
  let peak = process.memoryUsage().rss
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss)
  }, 50)
  try {
    const result = await work()
    peak = Math.max(peak, process.memoryUsage().rss)
    return { result, peakMb: Math.round(peak / 1024 / 1024) }
  } finally {
    clearInterval(timer)
  }
}

async function rawInsert(rows: number): Promise<number> {
  const bench = await benchDatabase('raw')
  try {
    const company = await createCompany(createContext(bench.db), SYSTEM, { code: 'RAW', name: 'raw' })
    await bench.db.client.execute({ sql: "INSERT INTO import_batches (id, company_id, file_name, file_hash, file_size, parser, status, read_count, imported_count, duplicate_count, rejected_count, skipped_count, started_at, finished_at) VALUES (1, ?, 'raw', 'x', 0, 'raw', 'committed', 0, 0, 0, 0, 0, '', '')", args: [company.id] })
    const hash = 'f'.repeat(64)
    const { ms } = await timed(() => bench.db.write(async (tx) => {
      const chunk = Math.floor(30_000 / SETTLEMENT_COLUMNS.length) * 2
      for (let start = 0; start < rows; start += chunk) {
        const values: InValue[][] = []
        for (let index = start; index < Math.min(rows, start + chunk); index += 1) {
          values.push([company.id, 1, 'alipay', '', `${2024030100000000000n + BigInt(index)}`, 'payment', 12345n, 'CNY', '2024-03-01T00:00:00+08:00', `${1000000000000000000n + BigInt(index)}`, `2024030122001${String(index).padStart(15, '0')}`, null, '买家1', null, '交易付款 / 0010001|交易收款-交易收款', hash, null, index + 6])
        }
        for (const statement of multiRowInsert(`INSERT INTO settlement_txns (${SETTLEMENT_COLUMNS.map((c) => `"${c}"`).join(',')}) VALUES`, SETTLEMENT_COLUMNS.length, values, ' ON CONFLICT DO NOTHING')) await tx.execute(statement)
      }
    }))
    return ms
  } finally {
    bench.cleanup()
  }
}

async function importBench(format: 'alipay-merchant-account' | 'wechat-personal-xlsx', rows: number, fileName: string): Promise<{ ms: number; peakMb: number; imported: number; bytes: number; read: number }> {
  const bench = await benchDatabase('import')
  try {
    const path = join(bench.dir, fileName)
    // Generated in a child process so the generator's memory does not count in the import's peak RSS.
    const generated = spawnSync(process.execPath, ['--import', 'tsx', GENERATOR_CLI, format, path, String(rows), '1'], { stdio: ['ignore', 'pipe', 'inherit'] })
    if (generated.status !== 0) throw new Error(`generating ${format} failed`)
    const bytes = statSync(path).size
    const company = await createCompany(createContext(bench.db), SYSTEM, { code: 'IMP', name: 'import' })
    const { result, peakMb: sampledMb } = await withPeakRss(() => timed(() => importFile(bench.db, company.id, { name: fileName, path }, { actor: SYSTEM })))
    // maxRSS is the process's lifetime peak: exact for the first phase, an upper bound after it.
    const peakMb = Math.max(sampledMb, Math.round(process.resourceUsage().maxRSS / 1024))
    if (result.result.rejected > 0 || result.result.checks.some((check) => check.level === 'error')) throw new Error(`bench import was not clean: ${JSON.stringify(result.result.checks)} ${result.result.rejected} rejects`)
    return { ms: result.ms, peakMb, imported: result.result.imported, bytes, read: result.result.read }
  } finally {
    bench.cleanup()
  }
}

export async function run(rows = Number(process.env.IMPORT_BENCH_ROWS ?? 1_000_000), xlsxRows = Number(process.env.IMPORT_BENCH_XLSX_ROWS ?? 200_000)): Promise<void> {
  const imported = await importBench('alipay-merchant-account', rows, 'alipay-account.csv')
  // (runs first, so its peak RSS is the process peak so far)
  const rawMs = await rawInsert(rows)
  const importRate = Math.round(imported.read / (imported.ms / 1000))
  const rawRate = Math.round(rows / (rawMs / 1000))
  report(`alipay merchant GBK CSV, ${rows} rows (${Math.round(imported.bytes / 1024 / 1024)} MB)`, {
    importMs: Math.round(imported.ms), importRowsPerSec: importRate, rawInsertMs: Math.round(rawMs), rawRowsPerSec: rawRate,
    ratio: `${Math.round((importRate / rawRate) * 100)}% (goal >= 50%)`, peakRssMb: `${imported.peakMb} (goal < 500)`, imported: imported.imported,
  })
  const xlsx = await importBench('wechat-personal-xlsx', xlsxRows, 'wechat.xlsx')
  report(`wechat personal XLSX, ${xlsxRows} rows (${Math.round(xlsx.bytes / 1024 / 1024)} MB)`, {
    importMs: Math.round(xlsx.ms), rowsPerSec: Math.round(xlsx.read / (xlsx.ms / 1000)), processPeakRssMb: xlsx.peakMb, imported: xlsx.imported,
  })
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = process.argv[2] ? Number(process.argv[2]) : undefined
  await run(rows, rows ? Math.min(rows, 200_000) : undefined)
}
