import type { Command } from 'commander'
import { normalizePeriod } from '../../shared/period.ts'
import type { CliRuntime } from './runtime.ts'
import { runVatMonthEnd } from '../posting/vat-month-end.ts'
import { formatTable } from './table.ts'

/** `cledger vat month-end --period YYYY-MM [--dry-run]`: 增值税月末处理 as drafts for an approver. */
export function registerVatCommands(program: Command, runtime: CliRuntime): void {
  const vat = program.command('vat').description('增值税 VAT month-end (转出未交增值税, 进项税额转出, 免征, 税金及附加)')
  vat.command('month-end')
    .description('book the VAT month-end of a period as draft vouchers for an approver (a rerun books only what changed)')
    .requiredOption('--period <YYYY-MM>', 'the period')
    .option('--dry-run', 'preview the vouchers without writing them')
    .action(async (flags: { period: string; dryRun?: boolean }) => {
      const { context, company, actor } = await runtime.open(flags.dryRun ? 'vouchers.read' : 'vouchers.create')
      const result = await runVatMonthEnd(context, actor, company.id, normalizePeriod(flags.period), { dryRun: flags.dryRun })
      runtime.print(result, () => {
        const head = `VAT ${result.period}: payable 应纳税额 ${result.payable}, 留抵 carried ${result.carriedCredit}; 城建税 ${result.surcharges.urban ?? '0.00'}, 教育费附加 ${result.surcharges.education ?? '0.00'}, 地方教育附加 ${result.surcharges.localEducation ?? '0.00'}`
        if (result.vouchers.length === 0) return `${head}\nnothing to book`
        return `${head}\n${formatTable(['step', 'voucher', 'status', 'summary'], result.vouchers.map((v) => [v.step, v.id ? `#${v.id}` : '', v.status ?? (flags.dryRun ? 'preview' : ''), v.summary]))}`
      })
    })
}
