import { readFileSync, writeFileSync } from 'node:fs'
import { basename } from 'node:path'
import type { Command } from 'commander'
import { LedgerError } from '../../shared/errors.ts'
import type { CliRuntime } from '../cli.ts'
import { type FileImportResult, importFile } from '../imports/load.ts'
import { normalizeHeader } from '../imports/clean.ts'
import { parseProfile, profileParser } from '../imports/profile.ts'
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
  for (const check of result.checks) lines.push(`  ${check.level}: ${check.message}`)
  for (const reject of result.rejects.slice(0, 10)) lines.push(`  reject row ${reject.rowNumber}${reject.column ? ` [${reject.column}]` : ''}: ${reject.reason}`)
  if (result.rejected > 10) lines.push(`  … ${result.rejected - 10} more rejects (use --rejects out.csv)`)
  return lines.join('\n')
}

function totals(results: FileImportResult[]) {
  const sum = (pick: (result: FileImportResult) => number) => results.reduce((total, result) => total + pick(result), 0)
  return {
    read: sum((r) => r.read), imported: sum((r) => r.imported), duplicates: sum((r) => r.duplicates), updated: sum((r) => r.updated), rejected: sum((r) => r.rejected), skipped: sum((r) => r.skipped),
    errors: results.flatMap((r) => r.checks.filter((check) => check.level === 'error').map((check) => `${r.file}: ${check.message}`)),
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
    .action(async (files: string[], flags: ImportFlags) => {
      const extraParsers = flags.profile ? [loadProfile(flags.profile)] : []
      if (flags.format === 'generic' && extraParsers.length === 0) throw new LedgerError('VALIDATION', '--format generic needs --profile FILE')
      const { db, company, actor } = await runtime.open('import.create')
      const tty = process.stderr.isTTY === true && !runtime.options().json
      const results: FileImportResult[] = []
      for (const path of files) {
        const result = await importFile(db, company.id, { name: basename(path), path }, {
          actor, format: flags.format, store: flags.store, currency: flags.currency, extraParsers,
          onProgress: tty ? (progress) => runtime.stderr(`\r${progress.file}: ${progress.rows} rows, ${progress.records} records…`) : undefined,
        })
        if (tty) runtime.stderr('\n')
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
    .option('--record <kind>', 'settlementTxn | bankTxn', 'settlementTxn')
    .option('--channel <channel>', 'channel of the rows', 'other')
    .option('--currency <code>', 'currency', 'CNY')
    .option('--map <field=column...>', 'field=column pairs: occurredAt, amount | income+expense, externalId, direction, kind, orderRef, tradeNo, counterparty, description, balanceAfter, account')
    .option('--out <file>', 'where to write the profile JSON')
    .action(async (flags: { sample: string; name: string; record: string; channel: string; currency: string; map?: string[]; out?: string }) => {
      const file = await openFile({ name: basename(flags.sample), path: flags.sample })
      let header: string[] = []
      let scanned = 0
      for await (const row of file.rows(() => undefined)) {
        const filled = row.cells.filter((cell) => cell.trim() !== '').length
        if (filled > header.filter((cell) => cell.trim() !== '').length) header = row.cells
        if (++scanned >= 30) break
      }
      const columns = header.map((cell) => cell.trim()).filter((cell) => cell !== '')
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
