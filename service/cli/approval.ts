import type { Command } from 'commander'
import { LedgerError } from '../../shared/errors.ts'
import type { CliRuntime } from './runtime.ts'
import { selfApproval, selfApprovalEntries, selfApprovalSchema } from '../ledger/approval.ts'
import { updateCompanySettings } from '../ledger/company.ts'
import { formatTable } from './table.ts'

/**
 * `cledger approval show|set`: the dated self-approval rule of period-end vouchers
 * and reversals (company setting selfApproval, service/ledger/approval.ts).
 */
export function registerApprovalCommands(program: Command, runtime: CliRuntime): void {
  const approval = program.command('approval').description('self-approval of period-end vouchers (汇兑损益, 增值税月末, 结转损益) and reversals: dated company setting')
  approval.command('show').description('the rule on a date: allowed or not, why, and the users who approve').option('--date <YYYY-MM-DD>', 'the day to decide (default today)').action(async (flags: { date?: string }) => {
    const { context, company } = await runtime.open('company.read')
    const date = flags.date ?? new Date().toISOString().slice(0, 10)
    const policy = await selfApproval(context, company, date)
    const entries = selfApprovalEntries(company)
    runtime.print({ date, ...policy, entries }, () => [
      `${date}: self-approval ${policy.allowed ? 'allowed (制单人可自行审核期末凭证)' : 'not allowed (期末凭证须由另一位审核人审核)'} — ${policy.by === 'setting' ? 'by the dated setting' : `no setting covers the date: ${policy.approvers.length} user(s) with approver rights`}`,
      `approvers: ${policy.approvers.length ? policy.approvers.map((user) => `${user.username} (${user.role})`).join(', ') : 'none'}`,
      entries.length ? formatTable(['from', 'to', 'allowed'], entries.map((entry) => [entry.validFrom, entry.validTo ?? '', entry.allowed ? 'yes' : 'no'])) : 'no dated entries',
    ].join('\n'))
  })
  approval.command('set').description('add a dated entry (admin); an entry with the same start replaces the earlier one')
    .requiredOption('--allowed <yes|no>', 'may the maker approve their own period-end vouchers and reversals')
    .requiredOption('--from <YYYY-MM-DD>', 'first day')
    .option('--to <YYYY-MM-DD>', 'last day (default open-ended)')
    .action(async (flags: { allowed: string; from: string; to?: string }) => {
      const { context, company, actor } = await runtime.open('company.settings')
      if (!['yes', 'no'].includes(flags.allowed)) throw new LedgerError('VALIDATION', '--allowed takes yes or no')
      const entry = { validFrom: flags.from, validTo: flags.to ?? null, allowed: flags.allowed === 'yes' }
      const entries = selfApprovalSchema.safeParse([...selfApprovalEntries(company).filter((item) => item.validFrom !== flags.from), entry])
      if (!entries.success) throw new LedgerError('VALIDATION', `selfApproval: ${entries.error.issues[0]?.path.join('.') ?? ''} ${entries.error.issues[0]?.message ?? ''}`)
      const sorted = [...entries.data].sort((a, b) => a.validFrom.localeCompare(b.validFrom))
      await updateCompanySettings(context, actor, company.id, { selfApproval: sorted })
      runtime.print({ selfApproval: sorted }, () => formatTable(['from', 'to', 'allowed'], sorted.map((item) => [item.validFrom, item.validTo ?? '', item.allowed ? 'yes' : 'no'])))
    })
}
