import { readFileSync, writeFileSync } from 'node:fs'
import { basename } from 'node:path'
import type { Command } from 'commander'
import { LedgerError } from '../../shared/errors.ts'
import type { CliRuntime } from './runtime.ts'
import { type FileImportResult, type ImportProgress, importFile } from '../imports/load.ts'
import { normalizeHeader } from '../imports/clean.ts'
import { parseProfile, profileParser } from '../imports/profile.ts'
import { savedProfileParsers } from '../imports/saved-profiles.ts'
import { PROFILE_FIELDS, type ProfileRecord, guessColumn } from '../imports/profile-fields.ts'
import { listRejects, rejectsToCsv } from '../imports/query.ts'
import { openFile } from '../imports/source.ts'
import type { FileParser } from '../imports/types.ts'

/** `cledger import <file>...` and `cledger profile` (architecture.md CLI contract). */

interface ImportFlags {
  format?: string
  store?: string
  profile?: string
  rejects?: string
  currency?: string
  force?: boolean
}

function loadProfile(path: string): FileParser {
  let json: unknown
  try {
    json = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new LedgerError('VALIDATION', `cannot read profile ${path}: ${error instanceof Error ? error.message : String(error)}`)
  }
  return profileParser(parseProfile(json))
}

function resultText(result: FileImportResult): string {
  const lines = [
    result.detected,
    `  read ${result.read} rows -> ${result.records} records: imported ${result.imported}, duplicates ${result.duplicates}, updated ${result.updated}, rejected ${result.rejected}, skipped ${result.skipped} (batch #${result.batchId})`,
  ]
  if (result.store !== '') lines.push(`  store ${result.store}${result.storeCreated ? ' (new: registered with its channel defaults; see `cledger store show ' + result.store + '`)' : ''}`)
  for (const check of result.checks) lines.push(`  ${check.level}: ${check.message}`)
  for (const reject of result.rejects.slice(0, 10)) lines.push(`  reject row ${reject.rowNumber}${reject.column ? ` [${reject.column}]` : ''}: ${reject.reason}`)
  if (result.rejected > 10) lines.push(`  … ${result.rejected - 10} more rejects (use --rejects out.csv)`)
  return lines.join('\n')
}

const grouped = new Intl.NumberFormat('en-US')

/**
 * One line of the TTY progress bar: file, bar, percent of the file's bytes
 * (estimated from the line/row reached), rows, records and rejects so far.
 * Without a known position the bar is left empty and only the counts move.
 * @example progressLine({ file: 'bill.csv', phase: 'parse', bytes: 512, totalBytes: 1024, rows: 10, records: 12, rejects: 0 }, 80)
 * // 'bill.csv [############            ]  50%  10 rows, 12 records, 0 rejects'
 */
export function progressLine(progress: ImportProgress, columns: number): string {
  const width = 24
  const fraction = progress.bytes === null || progress.totalBytes === 0 ? null : Math.min(1, progress.bytes / progress.totalBytes)
  const filled = fraction === null ? 0 : Math.floor(fraction * width)
  const bar = `[${'#'.repeat(filled)}${' '.repeat(width - filled)}]`
  const percent = fraction === null ? ' ...' : `${String(Math.floor(fraction * 100)).padStart(3)}%`
  const phase = progress.phase === 'insert' ? ', committing' : ''
  const tail = ` ${bar} ${percent}  ${grouped.format(progress.rows)} rows, ${grouped.format(progress.records)} records, ${grouped.format(progress.rejects)} rejects${phase}`
  const room = Math.max(8, columns - tail.length - 1)
  const name = progress.file.length > room ? `…${progress.file.slice(progress.file.length - room + 1)}` : progress.file
  return `${name}${tail}`
}

/** Redraws the progress line on a TTY at most 10 times a second; `end` draws the last state and moves to a new line. */
function progressBar(write: (text: string) => void, columns: () => number) {
  let last: ImportProgress | null = null
  let drawnAt = 0
  const draw = (progress: ImportProgress) => write(`\r\x1b[K${progressLine(progress, columns())}`)
  return {
    update(progress: ImportProgress) {
      last = progress
      const now = Date.now()
      if (now - drawnAt < 100) return
      drawnAt = now
      draw(progress)
    },
    end(result: FileImportResult | null) {
      if (last && result) draw({ ...last, phase: 'parse', bytes: last.totalBytes, rows: result.read, records: result.records, rejects: result.rejected })
      if (last) write(result ? '\n' : '\r\x1b[K')
      last = null
      drawnAt = 0
    },
  }
}

function totals(results: FileImportResult[]) {
  const sum = (pick: (result: FileImportResult) => number) => results.reduce((total, result) => total + pick(result), 0)
  return {
    read: sum((r) => r.read), imported: sum((r) => r.imported), duplicates: sum((r) => r.duplicates), updated: sum((r) => r.updated), rejected: sum((r) => r.rejected), skipped: sum((r) => r.skipped),
    // A forced import has accepted its blocking checks: they are reported, not failed on.
    errors: results.flatMap((r) => r.checks.filter((check) => check.level === 'error' && !(check.blocking === true && r.checks.some((other) => other.code === 'FORCED'))).map((check) => `${r.file}: ${check.message}`)),
    files: results.map(({ rejects: _rejects, ...rest }) => rest),
  }
}

export function registerImportCommands(program: Command, runtime: CliRuntime): void {
  program.command('import <files...>')
    .description('import channel exports (orders, bills, settlements, bank statements); the format is detected from the header')
    .option('--format <format>', 'auto | alipay | wechat | taobao | jd | pdd | douyin | shopify-orders | shopify-payouts | amazon-settlement | bank-csv | generic | <parser id>', 'auto')
    .option('--store <name>', 'store (店铺) the rows belong to')
    .option('--profile <file>', 'mapping profile JSON for --format generic (see `cledger profile`)')
    .option('--currency <code>', 'currency when the file does not say')
    .option('--rejects <out.csv>', 'write rejected rows (row, column, reason, raw) to a CSV file')
    .option('--force', 'import a file even when its rows contradict its own running balance or stated totals (otherwise it imports nothing)')
    .action(async (files: string[], flags: ImportFlags) => {
      const extraParsers = flags.profile ? [loadProfile(flags.profile)] : []
      if (flags.format === 'generic' && extraParsers.length === 0) throw new LedgerError('VALIDATION', '--format generic needs --profile FILE')
      const { db, company, actor } = await runtime.open('import.create')
      // the company's saved mapping profiles (the pane's 建立映射) are tried like built-in formats
      extraParsers.push(...await savedProfileParsers({ db, now: () => new Date() }, company.id))
      // A progress bar only for a person at a terminal: not with --json, not into a pipe or a log.
      const bar = process.stderr.isTTY === true && !runtime.options().json ? progressBar((text) => runtime.stderr(text), () => process.stderr.columns || 80) : null
      const results: FileImportResult[] = []
      for (const path of files) {
        let result: FileImportResult | null = null
        try {
          result = await importFile(db, company.id, { name: basename(path), path }, {
            actor, format: flags.format, store: flags.store, currency: flags.currency, extraParsers, force: flags.force === true, requireStore: true,
            onProgress: bar ? (progress) => bar.update(progress) : undefined,
          })
        } finally {
          bar?.end(result)
        }
        results.push(result)
      }
      if (flags.rejects) {
        const rejects = (await Promise.all(results.map((result) => listRejects(db, company.id, result.batchId, 1_000_000)))).flat()
        writeFileSync(flags.rejects, rejectsToCsv(rejects))
      }
      const summary = totals(results)
      runtime.print(summary, () => results.map(resultText).join('\n'))
      if (summary.errors.length > 0) throw new LedgerError('VALIDATION', `self-check failed: ${summary.errors.join('; ')}`)
    })

  program.command('profile')
    .description('create a mapping profile for --format generic from a sample file: lists its columns, and with --map writes the profile')
    .requiredOption('--sample <file>', 'a sample export (CSV or XLSX)')
    .option('--name <name>', 'profile name', 'custom')
    .option('--record <kind>', 'settlementTxn | bankTxn | order', 'settlementTxn')
    .option('--channel <channel>', 'channel of the rows', 'other')
    .option('--currency <code>', 'currency', 'CNY')
    .option('--map <field=column...>', 'field=column pairs: occurredAt, amount | income+expense, externalId, direction, kind, orderRef, tradeNo, counterparty, description, balanceAfter, account; orders: orderNo, status, sku, title, quantity, unitPrice, discount, refunded, shipping, paidAt, shippedAt, completedAt')
    .option('--out <file>', 'where to write the profile JSON')
    .option('--interactive', 'ask for each field which column holds it (the default on a terminal without --map)')
    .action(async (flags: { sample: string; name: string; record: string; channel: string; currency: string; map?: string[]; out?: string; interactive?: boolean }) => {
      const file = await openFile({ name: basename(flags.sample), path: flags.sample })
      let header: string[] = []
      let scanned = 0
      for await (const row of file.rows(() => undefined)) {
        const filled = row.cells.filter((cell) => cell.trim() !== '').length
        if (filled > header.filter((cell) => cell.trim() !== '').length) header = row.cells
        if (++scanned >= 30) break
      }
      const columns = header.map((cell) => cell.trim()).filter((cell) => cell !== '')
      const interactive = (flags.map ?? []).length === 0 && (flags.interactive === true || (runtime.ask !== undefined && !runtime.options().json))
      if (interactive) {
        const ask = runtime.ask
        if (!ask) throw new LedgerError('VALIDATION', '--interactive needs a terminal; pass --map field=column instead')
        if (!isProfileRecord(flags.record)) throw new LedgerError('VALIDATION', `--record ${flags.record}: expected settlementTxn, bankTxn or order`)
        flags.map = await askMapping(ask, (text) => runtime.stderr(text), flags.record, columns)
      }
      if (!flags.map || flags.map.length === 0) {
        runtime.print({ columns }, () => `columns in ${basename(flags.sample)} (most filled row of the first 30):\n${columns.map((column) => `  ${column}`).join('\n')}\nnext: cledger profile --sample ${flags.sample} --map occurredAt=<column> --map amount=<column> … --out profile.json`)
        return
      }
      const mapping: Record<string, string> = {}
      const known = new Set(columns.map(normalizeHeader))
      for (const pair of flags.map) {
        const [field, ...rest] = pair.split('=')
        const column = rest.join('=')
        if (!field || !column) throw new LedgerError('VALIDATION', `--map ${pair}: expected field=column`)
        if (!known.has(normalizeHeader(column))) throw new LedgerError('VALIDATION', `--map ${pair}: the sample has no column "${column}" (columns: ${columns.join(', ')})`)
        mapping[field] = column
      }
      const profile = parseProfile({ name: flags.name, record: flags.record, channel: flags.channel, currency: flags.currency, columns: mapping })
      const text = `${JSON.stringify(profile, null, 2)}\n`
      if (flags.out) writeFileSync(flags.out, text)
      runtime.print(profile, () => (flags.out ? `wrote ${flags.out}` : text.trimEnd()))
    })
}

function isProfileRecord(value: string): value is ProfileRecord {
  return value === 'settlementTxn' || value === 'bankTxn' || value === 'order'
}

/**
 * Asks, field by field, which column holds it: a number from the list or the
 * column's name; Enter takes the guess in brackets (or skips a field without
 * one), "-" skips. Required fields are asked again until answered.
 */
async function askMapping(ask: (question: string) => Promise<string>, say: (text: string) => void, record: ProfileRecord, columns: ReadonlyArray<string>): Promise<string[]> {
  if (columns.length === 0) throw new LedgerError('VALIDATION', 'the sample has no header row with column names')
  say(`columns:\n${columns.map((column, index) => `  ${index + 1}. ${column}`).join('\n')}\n`)
  const taken = new Set<string>()
  const pairs: string[] = []
  for (const field of PROFILE_FIELDS[record]) {
    if (field.field === 'income' || field.field === 'expense') {
      if (pairs.some((pair) => pair.startsWith('amount='))) continue
    }
    const guess = guessColumn(field, columns, taken)
    for (;;) {
      const answer = (await ask(`${field.field}${field.required ? ' (required)' : ''} — ${field.help}${guess ? ` [${guess}]` : ''}: `)).trim()
      const column = answer === '' ? guess : answer === '-' ? undefined : /^\d+$/.test(answer) ? columns[Number(answer) - 1] : columns.find((name) => normalizeHeader(name) === normalizeHeader(answer))
      if (answer !== '' && answer !== '-' && column === undefined) {
        say(`  no column "${answer}": answer 1-${columns.length}, a column name, Enter or -\n`)
        continue
      }
      if (column === undefined && field.required) {
        say(`  ${field.field} is required\n`)
        continue
      }
      if (column !== undefined) {
        taken.add(column)
        pairs.push(`${field.field}=${column}`)
      }
      break
    }
  }
  return pairs
}
