import { existsSync } from 'node:fs'
import type { Command } from 'commander'
import { writeOutFile } from './table.ts'
import { LedgerError } from '../../shared/errors.ts'
import { normalizePeriod } from '../../shared/period.ts'
import type { ReportName } from '../../shared/reports/report.ts'
import type { CliRuntime } from './runtime.ts'
import { REPORT_TITLES, type ReportDeps, buildReport } from '../reports/index.ts'
import { REPORT_FORMATS, assertReportFormat, renderReport } from '../reports/render/index.ts'

/**
 * `cledger report <name> --period YYYY-MM [--format table|csv|json|xlsx|pdf] [--out FILE]`
 * for the statements and management reports. `report trial-balance` stays the
 * lead's command in service/cli/ledger.ts; this adds the others to the same
 * `report` group. xlsx and pdf need --out (binary output is not for a terminal).
 */
const NAMES: ReadonlyArray<Exclude<ReportName, 'trial-balance'>> = [
  'balance-sheet', 'income-statement', 'cash-flow', 'ar-aging', 'channel-profit', 'general-ledger', 'account-detail', 'voucher-register', 'reconciliation', 'sku-profit', 'bank-journal', 'invoice-reconciliation',
]

interface Flags {
  period: string
  format: string
  out?: string
  force?: boolean
  store?: string
  account?: string
}

export function registerReportCommands(program: Command, runtime: CliRuntime, deps: ReportDeps = {}): void {
  const group = program.commands.find((command) => command.name() === 'report') ?? program.command('report').description('reports: statements, ledgers and management reports')
  for (const name of NAMES) {
    group.command(name)
      .description(`${REPORT_TITLES[name]}`)
      .requiredOption('--period <YYYY-MM>', 'period')
      .option('--format <format>', REPORT_FORMATS.join('|'), 'table')
      .option('--out <file>', 'write to a new file (required for xlsx and pdf); an existing file is kept unless --force')
      .option('--force', 'replace an existing --out file')
      .option('--store <store>', 'one store only (ar-aging, channel-profit, ledgers)')
      .option('--account <code>', 'account (account-detail: required; general-ledger: one account)')
      .action(async (flags: Flags) => {
        const format = assertReportFormat(runtime.options().json ? 'json' : flags.format)
        if (flags.out && !flags.force && existsSync(flags.out)) throw new LedgerError('DUPLICATE', `${flags.out} exists; choose a new file name or pass --force to replace it / 文件已存在：请换一个文件名，或加 --force 覆盖`)
        const { context, company } = await runtime.open('reports.read')
        const report = await buildReport(context, company.id, name, { period: normalizePeriod(flags.period), ...(flags.store ? { store: flags.store } : {}), ...(flags.account ? { account: flags.account } : {}) }, deps)
        const rendered = await renderReport(report, format)
        if (flags.out) {
          writeOutFile(flags.out, rendered.body, flags.force)
          runtime.stderr(`wrote ${flags.out}\n`)
        } else if (typeof rendered.body === 'string') {
          runtime.stdout(rendered.body)
        } else {
          throw new LedgerError('VALIDATION', `--format ${format} is binary; pass --out FILE`)
        }
        const failed = report.checks.filter((item) => !item.ok)
        if (failed.length) runtime.stderr(`warning: ${failed.map((item) => `${item.label} (expected ${item.expected}, got ${item.actual})`).join('; ')}\n`)
      })
  }
}
