import type { Command } from 'commander'
import { LedgerError } from '../../shared/errors.ts'
import { EXCEPTION_STATUSES, EXCEPTION_TYPES } from '../../shared/matching/index.ts'
import { normalizePeriod } from '../../shared/period.ts'
import { membershipsOf } from '../auth/users.ts'
import type { CliRuntime } from './runtime.ts'
import {
  type ExceptionDecision, confirmMatch, decideException, getException, listExceptions, manualMatch, matchCounts, reconciliationSummary, runMatching, summaryRowJson, unmatch,
} from '../matching/index.ts'
import { formatTable } from './table.ts'

/** `cledger match …` and `cledger exceptions …` (architecture.md CLI contract). */
interface ScopeFlags { period?: string; store?: string; asOf?: string }

function scopeOf(flags: ScopeFlags): { period?: string; store?: string } {
  return { ...(flags.period ? { period: normalizePeriod(flags.period) } : {}), ...(flags.store !== undefined ? { store: flags.store } : {}) }
}

function positiveId(text: string): number {
  const value = Number(text)
  if (!Number.isInteger(value) || value <= 0) throw new LedgerError('VALIDATION', `"${text}" is not an id`)
  return value
}

function countsText(counts: Awaited<ReturnType<typeof matchCounts>>): string {
  const lines = [
    `matches: ${Object.entries(counts.matches).map(([status, n]) => `${status} ${n}`).join(', ')}`,
    `  by rule: ${Object.entries(counts.matchesByRule).map(([rule, n]) => `${rule} ${n}`).join(', ') || '-'}`,
    `exceptions: ${Object.entries(counts.exceptions).map(([status, n]) => `${status} ${n}`).join(', ')}`,
  ]
  for (const [type, n] of Object.entries(counts.openByType)) lines.push(`  open ${type}: ${n}`)
  return lines.join('\n')
}

export function registerMatchCommands(program: Command, runtime: CliRuntime): void {
  const match = program.command('match').description('match orders to money and payouts to the bank; prints counts per status and exception type')
    .option('--period <YYYY-MM>', 'count only this period').option('--store <name>', 'count only this store').option('--as-of <YYYY-MM-DD>', 'today, for ages (default the clock)')
    .action(async (flags: ScopeFlags) => {
      const { context, company, actor } = await runtime.open('match.run')
      const run = await runMatching(context, actor, company.id, flags.asOf ? { asOf: flags.asOf } : {})
      const counts = await matchCounts(context, company.id, scopeOf(flags))
      runtime.print({ run, ...counts }, () => `${countsText(counts)}\nthis run: ${run.matches.inserted} new / ${run.matches.updated} changed / ${run.matches.unmatched} dropped matches; ${run.exceptions.raised} new / ${run.exceptions.updated} changed / ${run.exceptions.cleared} cleared exceptions; ${run.pending} payouts pending`)
    })
  match.command('manual <order> <txns...>').description('match an order with settlement txns (external id or natural key) by hand').option('--reason <text>', 'why (audited)')
    .action(async (order: string, txns: string[], flags: { reason?: string }) => {
      const { context, company, actor } = await runtime.open('match.run')
      const result = await manualMatch(context, actor, company.id, { order, txns, reason: flags.reason })
      runtime.print(result, () => `manual match #${result.matchId}`)
    })
  match.command('unmatch <id>').description('take a match apart (reverses its posted vouchers)').requiredOption('--reason <text>', 'why (audited)')
    .action(async (id: string, flags: { reason: string }) => {
      const { context, company, actor } = await runtime.open('match.run')
      const result = await unmatch(context, actor, company.id, positiveId(id), flags.reason)
      runtime.print(result, () => `unmatched #${id}${result.reversedVouchers.length ? `; reversal vouchers ${result.reversedVouchers.join(', ')}` : ''}`)
    })
  match.command('confirm <id>').description('confirm a suggested match').option('--reason <text>', 'why (audited)')
    .action(async (id: string, flags: { reason?: string }) => {
      const { context, company, actor } = await runtime.open('match.run')
      await confirmMatch(context, actor, company.id, positiveId(id), flags.reason)
      runtime.print({ ok: true }, () => `confirmed #${id}`)
    })
  match.command('summary').description('reconciliation summary per store and period').option('--period <YYYY-MM>').option('--store <name>')
    .action(async (flags: ScopeFlags) => {
      const { context, company } = await runtime.open('match.read')
      const rows = (await reconciliationSummary(context, company.id, scopeOf(flags))).map(summaryRowJson)
      runtime.print({ summary: rows }, () => formatTable(['store', 'period', 'cur', 'orders', 'paid', 'refunded', 'fees', 'payouts', 'bank', 'difference', 'open exc.', 'unexplained'],
        rows.map((row) => [String(row.store), String(row.period), String(row.currency), String(row.orders), String(row.paid), String(row.refunded), String(row.fees), String(row.payouts), String(row.bankReceived), String(row.difference), String(row.explainedByOpenExceptions), String(row.unexplained)])))
    })

  const exceptions = program.command('exceptions').description('list reconciliation exceptions; resolve, ignore or approve one')
    .option('--status <status>', EXCEPTION_STATUSES.join('|')).option('--type <type>', 'exception type, e.g. AMOUNT_MISMATCH').option('--period <YYYY-MM>').option('--store <name>').option('--limit <n>', 'at most n', '1000')
    .action(async (flags: ScopeFlags & { status?: string; type?: string; limit: string }) => {
      if (flags.status && !(EXCEPTION_STATUSES as ReadonlyArray<string>).includes(flags.status)) throw new LedgerError('VALIDATION', `--status must be one of ${EXCEPTION_STATUSES.join(', ')}`)
      if (flags.type && !(EXCEPTION_TYPES as ReadonlyArray<string>).includes(flags.type)) throw new LedgerError('VALIDATION', `--type must be one of ${EXCEPTION_TYPES.join(', ')}`)
      const { context, company } = await runtime.open('exceptions.read')
      const list = await listExceptions(context, company.id, { ...scopeOf(flags), status: flags.status, type: flags.type, limit: Number(flags.limit) })
      runtime.print({ exceptions: list }, () => formatTable(['id', 'type', 'status', 'store', 'date', 'age', 'amount', 'difference', 'why'],
        list.map((e) => [String(e.id), e.type, e.status, e.store, e.date, String(e.ageDays), e.amount, e.difference, e.decisionReason ?? e.why]), ['right', 'left', 'left', 'left', 'left', 'right', 'right', 'right']))
    })
  exceptions.command('show <id>').description('one exception: its records, history and candidates for `match manual`').action(async (id: string) => {
    const { context, company } = await runtime.open('exceptions.read')
    const found = await getException(context, company.id, positiveId(id))
    runtime.print({ exception: found }, () => [`#${found.id} ${found.type} ${found.status} ${found.amount} (difference ${found.difference}) ${found.why}`,
      ...found.items.map((item) => `  ${item.kind} ${item.ref} ${item.role} ${item.amount}`), ...found.events.map((event) => `  ${event.at} ${event.action} ${event.from ?? '-'} -> ${event.to} ${event.reason}`),
      ...(found.candidates.length === 0 ? [] : [`candidates for \`match manual\` (best first):`, formatTable(['#', 'record', 'order', 'date', 'amount', 'fits', 'off'],
        found.candidates.map((candidate, index) => [String(index + 1), candidate.ref, candidate.orderNo ?? candidate.orderRef ?? '-', candidate.date, candidate.amount, candidate.fits.join('+'), candidate.off]), ['right', 'left', 'left', 'left', 'right', 'left', 'right'])]),
    ].join('\n'))
  })
  for (const decision of ['resolve', 'ignore', 'approve'] as const satisfies ReadonlyArray<ExceptionDecision>) {
    const command = exceptions.command(`${decision} <id>`).requiredOption('--reason <text>', 'why (audited)')
    if (decision === 'resolve') command.option('--account <code>', 'leaf account an AMOUNT_MISMATCH difference is booked to (default: the store\'s difference account)')
    command.action(async (id: string, flags: { reason: string; account?: string }) => {
      const { context, company, actor } = await runtime.open(decision === 'approve' ? 'exceptions.approve' : 'exceptions.decide')
      const role = actor.userId === null ? undefined : (await membershipsOf(context, actor.userId)).find((m) => m.companyId === company.id)?.role
      const result = await decideException(context, { ...actor, role }, company.id, positiveId(id), decision, flags.reason, flags.account === undefined ? {} : { account: flags.account })
      runtime.print(result, () => `exception #${id} ${result.status}${result.matchId ? ` (match #${result.matchId})` : ''}${result.account ? ` (difference to ${result.account})` : ''}`)
    })
  }
}
