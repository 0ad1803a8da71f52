import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import { LedgerError, isLedgerError } from '../../shared/errors.ts'
import { normalizePeriod } from '../../shared/period.ts'
import { VOUCHER_STATUSES, type VoucherStatus } from '../../shared/voucher.ts'
import type { CliRuntime } from './runtime.ts'
import { companyRoleRows } from '../auth/queries.ts'
import { trialBalance } from '../ledger/balances.ts'
import { buildReport } from '../reports/index.ts'
import { renderReport } from '../reports/render/index.ts'
import { loadChart } from '../ledger/company.ts'
import { exportJournal } from '../ledger/export.ts'
import { reversalNeedsApproval } from '../ledger/approval.ts'
import { registerApprovalCommands } from './approval.ts'
import { assertSupplierLines } from '../ledger/suppliers.ts'
import { type CloseBlocker, type CloseResult, closeCheck, closePeriod, reopenPeriod } from '../ledger/periods.ts'
import { verifyLedger } from '../ledger/verify.ts'
import { assertNoNegativeAmounts } from '../ledger/manual-input.ts'
import { approveVoucher, deleteDraft, findVoucherId, getVoucher, listVouchers, postVoucher, reverseVoucher, unapproveVoucher, voucherLabel, writeVouchers } from '../ledger/vouchers.ts'
import { type Align, formatTable, toCsv, writeOutFile } from './table.ts'
import { describeSources, voucherSourcesOf } from '../ledger/sources.ts'
import { describeVoucherInvoices, voucherAttachments } from '../invoices/voucher-attachments.ts'

function readJsonFile(path: string): unknown {
  let text: string
  try {
    text = path === '-' ? readFileSync(0, 'utf8') : readFileSync(path, 'utf8')
  } catch (error) {
    throw new LedgerError('BAD_REQUEST', `cannot read ${path}: ${(error as Error).message}`)
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''))
  } catch (error) {
    throw new LedgerError('BAD_REQUEST', `${path} is not valid JSON: ${(error as Error).message}`)
  }
}

function registerVoucherCommands(program: Command, runtime: CliRuntime): void {
  const voucher = program.command('voucher').description('记账凭证: add, list, show, approve, unapprove, post, reverse, delete')
  voucher.command('add <file>')
    .description('add vouchers from a JSON file (one voucher or an array; - for stdin) as drafts')
    .option('--approve', 'approve (and post) at once — only for an admin acting alone in a one-person company; audited')
    .action(async (file: string, flags: { approve?: boolean }) => {
      const { context, company, actor } = await runtime.open('vouchers.create')
      const data = readJsonFile(file)
      const inputs = Array.isArray(data) ? data : [data]
      if (inputs.length === 0) throw new LedgerError('VALIDATION', `${file} holds no voucher`)
      if (flags.approve) await assertLoneAdmin(context, company.id, actor.userId)
      assertNoNegativeAmounts(inputs)
      await assertSupplierLines(context, company, inputs)
      const results = await writeVouchers(context, actor, company.id, inputs.map((input) => ({ input })), { mode: flags.approve ? 'post' : 'draft', selfApprove: flags.approve })
      runtime.print({ vouchers: results }, () => results.map((r) => `${r.replayed ? 'already there' : r.status === 'posted' ? 'posted' : 'draft'}: ${r.period} ${r.number === null ? `#${r.id}` : `${r.word}-${r.number}`} (id ${r.id})`).join('\n'))
    })
  voucher.command('list')
    .option('--period <YYYY-MM>', 'only this period')
    .option('--status <status>', `one of ${VOUCHER_STATUSES.join(', ')}`)
    .option('--limit <n>', 'at most n vouchers', '1000')
    .action(async (flags: { period?: string; status?: string; limit: string }) => {
      if (flags.status && !(VOUCHER_STATUSES as ReadonlyArray<string>).includes(flags.status)) throw new LedgerError('VALIDATION', `--status must be one of ${VOUCHER_STATUSES.join(', ')}`)
      const { context, company } = await runtime.open('vouchers.read')
      const list = await listVouchers(context, company.id, { period: flags.period ? normalizePeriod(flags.period) : undefined, status: flags.status as VoucherStatus | undefined, limit: Number(flags.limit) })
      runtime.print({ vouchers: list }, () => formatTable(['id', 'period', 'no', 'date', 'status', 'total', 'summary'], list.map((v) => [String(v.id), v.period, voucherLabel(v), v.date, v.status, v.total, v.summary]), ['right', 'left', 'left', 'left', 'left', 'right']))
    })
  voucher.command('show <ref>').description('show one voucher: id (12) or number (2026-10:记-3)').action(async (ref: string) => {
    const { context, company } = await runtime.open('vouchers.read')
    const found = await getVoucher(context, company.id, await findVoucherId(context, company.id, ref))
    const sources = await voucherSourcesOf(context, company.id, found.id)
    const attached = await voucherAttachments(context, company.id, found)
    runtime.print({ voucher: { ...found, attachments: attached.count }, storedAttachments: attached.stored, invoices: attached.invoices, sources }, () => [
      `${found.period} ${voucherLabel(found)}  ${found.date}  ${found.status}${found.reversedBy ? `  (reversed by #${found.reversedBy})` : ''}${found.reversalOf ? `  (reverses #${found.reversalOf})` : ''}`,
      `${found.summary}${attached.count ? `  附件 ${attached.count} 张` : ''}`,
      ...describeVoucherInvoices(attached),
      formatTable(['#', 'account', 'store', 'currency', 'original', 'rate', 'debit', 'credit', 'summary'], found.lines.map((l) => [String(l.lineNo), l.account, l.store, l.currency === company.baseCurrency ? '' : l.currency, l.currency === company.baseCurrency ? '' : l.original, l.rate ?? '', l.side === 'debit' ? l.amount : '', l.side === 'credit' ? l.amount : '', l.summary]), ['right', 'left', 'left', 'left', 'right', 'right', 'right', 'right']),
      describeSources(sources),
    ].join('\n'))
  })
  voucher.command('approve <ref>').description('审核 (approver role; not the maker); posts it unless the company keeps approved vouchers unposted').action(async (ref: string) => {
    const { context, company, actor } = await runtime.open('vouchers.approve')
    const result = await approveVoucher(context, actor, company.id, await findVoucherId(context, company.id, ref))
    runtime.print({ voucher: result }, () => `${result.status}: ${result.period} ${result.number === null ? `#${result.id}` : `${result.word}-${result.number}`}`)
  })
  voucher.command('unapprove <ref>').description('反审核: an approved, not yet posted voucher back to draft (approver or admin; audited)').option('--reason <text>', 'why (kept in the audit log)').action(async (ref: string, flags: { reason?: string }) => {
    const { context, company, actor } = await runtime.open('vouchers.approve')
    const result = await unapproveVoucher(context, actor, company.id, await findVoucherId(context, company.id, ref), flags.reason ?? '')
    runtime.print({ voucher: result }, () => `draft again: ${result.period} #${result.id}`)
  })
  voucher.command('post <ref>').description('记账 an approved voucher').action(async (ref: string) => {
    const { context, company, actor } = await runtime.open('vouchers.post')
    const result = await postVoucher(context, actor, company.id, await findVoucherId(context, company.id, ref))
    runtime.print({ voucher: result }, () => `posted: ${result.period} ${result.word}-${result.number}`)
  })
  voucher.command('reverse <ref>').description('红字冲销: post a red-ink reversal of a posted voucher').option('--date <YYYY-MM-DD>', 'date of the reversal (default the original date)').option('--draft', 'write the reversal as a draft for an approver (the default when the company sets reversalApproval or self-approval is not allowed: more than one approver user)').action(async (ref: string, flags: { date?: string; draft?: boolean }) => {
    const { context, company, actor } = await runtime.open('vouchers.reverse')
    const id = await findVoucherId(context, company.id, ref)
    const draft = flags.draft === true || (await reversalNeedsApproval(context, company, flags.date ?? (await getVoucher(context, company.id, id)).date))
    const result = await reverseVoucher(context, actor, company.id, id, { date: flags.date, draft })
    runtime.print({ voucher: result }, () => (result.status === 'draft' ? `reversal draft #${result.id} waits for an approver` : `reversal posted: ${result.period} ${result.word}-${result.number} (id ${result.id})`))
  })
  voucher.command('delete <ref>').description('delete a draft').action(async (ref: string) => {
    const { context, company, actor } = await runtime.open('vouchers.delete')
    await deleteDraft(context, actor, company.id, await findVoucherId(context, company.id, ref))
    runtime.print({ ok: true }, () => 'deleted')
  })
}

/** What `cledger close` prints while period-end vouchers wait for approval (期末凭证待审核). */
function pendingLines(result: CloseResult): string {
  const who = result.approvers.length ? result.approvers.join(', ') : 'no approver yet: add one (cledger user add NAME --role approver)'
  return [
    `${result.period}: not closed yet, period-end vouchers pending approval (期末凭证待审核, ${result.pending.length})`,
    formatTable(['id', 'date', 'kind', 'total', 'maker', 'summary'], result.pending.map((voucher) => [`#${voucher.id}`, voucher.date, voucher.sourceKind, voucher.total, voucher.maker, voucher.summary]), ['right', 'left', 'left', 'right', 'left', 'left']),
    `approve (审核人): ${who}, with: cledger voucher approve <id>`,
    `then run again: cledger close ${result.period}`,
  ].join('\n')
}

async function assertLoneAdmin(context: import('../ledger/context.ts').LedgerContext, companyId: number, userId: number | null): Promise<void> {
  const members = await companyRoleRows(context.db.client, companyId)
  const others = members.rows.filter((row) => Number(row.user_id) !== userId && ['admin', 'approver'].includes(String(row.role)))
  const self = members.rows.find((row) => Number(row.user_id) === userId)
  if (self?.role !== 'admin' || others.length > 0) throw new LedgerError('MAKER_CANNOT_APPROVE', '--approve is only for an admin acting alone in a one-person company; here another approver must approve')
}

const TB_HEADERS = ['code', 'name', 'opening debit', 'opening credit', 'debit', 'credit', 'closing debit', 'closing credit']

function registerReportCommands(program: Command, runtime: CliRuntime): void {
  const report = program.commands.find((command) => command.name() === 'report') ?? program.command('report').description('reports: trial-balance and more')
  report.command('trial-balance')
    .description('试算平衡表 / 科目余额表')
    .requiredOption('--period <YYYY-MM>', 'period')
    .option('--from <YYYY-MM>', 'movement from this period (default the same period)')
    .option('--store <store>', 'one store only')
    .option('--format <format>', 'table|csv|json|xlsx|pdf', 'table')
    .option('--out <file>', 'write to a new file instead of stdout (required for xlsx and pdf); an existing file is kept unless --force')
    .option('--force', 'replace an existing --out file')
    .action(async (flags: { period: string; from?: string; store?: string; format: string; out?: string; force?: boolean }) => {
      if (!['table', 'csv', 'json', 'xlsx', 'pdf'].includes(flags.format)) throw new LedgerError('VALIDATION', '--format must be table, csv, json, xlsx or pdf')
      const { context, company } = await runtime.open('reports.read')
      if (flags.format === 'xlsx' || flags.format === 'pdf') {
        if (!flags.out) throw new LedgerError('VALIDATION', `--format ${flags.format} is binary; pass --out FILE`)
        const report = await buildReport(context, company.id, 'trial-balance', { period: normalizePeriod(flags.period), ...(flags.store ? { store: flags.store } : {}) })
        const rendered = await renderReport(report, flags.format)
        writeOutFile(flags.out, rendered.body, flags.force)
        runtime.stderr(`wrote ${flags.out}\n`)
        return
      }
      const tb = await trialBalance(context, company.id, normalizePeriod(flags.period), { from: flags.from ? normalizePeriod(flags.from) : undefined, store: flags.store })
      const rows = tb.rows.map((r) => [r.code, `${'  '.repeat(r.level - 1)}${r.name}`, r.openingDebit, r.openingCredit, r.debit, r.credit, r.closingDebit, r.closingCredit])
      const totalRow = ['', '合计 Total', tb.totals.openingDebit, tb.totals.openingCredit, tb.totals.debit, tb.totals.credit, tb.totals.closingDebit, tb.totals.closingCredit]
      const text = flags.format === 'json' || runtime.options().json ? `${JSON.stringify(tb, null, 2)}\n`
        : flags.format === 'csv' ? toCsv(TB_HEADERS, [...rows, totalRow])
        : `${company.name} 科目余额表 ${tb.from === tb.period ? tb.period : `${tb.from}..${tb.period}`} (${tb.currency})${tb.store ? ` store ${tb.store}` : ''}\n${formatTable(TB_HEADERS, [...rows, totalRow], ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'] as Align[])}\n${tb.balanced ? '平衡 balanced' : '不平衡 NOT BALANCED'}\n`
      if (flags.out) {
        writeOutFile(flags.out, text, flags.force)
        runtime.stderr(`wrote ${flags.out}\n`)
      } else runtime.stdout(text)
    })
}

export function registerLedgerCommands(program: Command, runtime: CliRuntime): void {
  registerApprovalCommands(program, runtime)
  program.command('accounts').description('科目表: code, name, type, parent, leaf').action(async () => {
    const { context, company } = await runtime.open('accounts.read')
    const chart = [...(await loadChart(context, company.id)).values()]
    runtime.print({ accounts: chart }, () => formatTable(['code', 'name', 'type', 'parent', 'leaf'], chart.map((a) => [a.code, a.name, a.type, a.parent ?? '', a.isLeaf ? 'yes' : ''])))
  })
  registerVoucherCommands(program, runtime)
  registerReportCommands(program, runtime)
  const exporter = program.command('export').description('exports for outside tools')
  exporter.command('hledger').description('journal on stdout, readable by hledger and ledger-cli').option('--period <YYYY-MM>', 'only this period (totals = that period\'s movement)').action(async (flags: { period?: string }) => {
    const { context, company } = await runtime.open('vouchers.read')
    for await (const chunk of exportJournal(context, company.id, { period: flags.period ? normalizePeriod(flags.period) : undefined })) runtime.stdout(chunk)
  })
  program.command('close <period>')
    .description('结账: checks the period (open exceptions, held items, drafts, payouts not in the bank, unposted records) and refuses while anything blocks; then the period-end vouchers (汇兑损益, VAT month-end if set, 结转损益 into 本年利润) and close. Where another user must approve them, prints what is pending and who approves; run again once they are posted')
    .option('--check', '结账检查 only: list what blocks, close nothing')
    .option('--force', 'admin: close despite open items (not drafts); needs --reason; audited with the blockers')
    .option('--reason <text>', 'why a forced close is right')
    .action(async (period: string, flags: { check?: boolean; force?: boolean; reason?: string }) => {
      const { context, company, actor } = await runtime.open(flags.check ? 'periods.read' : 'periods.close')
      const target = normalizePeriod(period)
      if (flags.check) {
        const check = await closeCheck(context, company.id, target)
        runtime.print(check, () => (check.ready ? `${target}: ready to close (结账检查通过)` : `${target}: not ready to close (结账检查未通过)\n${blockerLines(check.blockers)}`))
        return
      }
      try {
        const result = await closePeriod(context, actor, company.id, target, { force: flags.force, reason: flags.reason })
        runtime.print(result, () => (result.alreadyClosed ? `${result.period} was already closed` : result.status === 'pending' ? pendingLines(result) : `closed ${result.period}${result.forced ? ' (forced; audited)' : ''}${result.closingVoucher ? ` (结转损益 voucher id ${result.closingVoucher})` : ' (no P&L to close)'}`))
      } catch (error) {
        const blockers = isLedgerError(error) && error.code === 'PERIOD_NOT_READY' ? (error.details as { blockers?: CloseBlocker[] } | undefined)?.blockers : undefined
        if (blockers && !runtime.options().json) runtime.stderr(`${blockerLines(blockers)}\n`)
        throw error
      }
    })
  program.command('reopen <period>').description('反结账 (admin; audited)').requiredOption('--reason <text>', 'why the period is reopened').action(async (period: string, flags: { reason: string }) => {
    const { context, company, actor } = await runtime.open('periods.reopen')
    await reopenPeriod(context, actor, company.id, normalizePeriod(period), flags.reason)
    runtime.print({ period, status: 'open' }, () => `reopened ${normalizePeriod(period)}`)
  })
  program.command('verify').description('re-check every ledger invariant; non-zero exit on any breach').action(async () => {
    const { context } = await runtime.openDb()
    const report = await verifyLedger(context)
    runtime.print(report, () => [
      `checked ${Object.entries(report.checked).map(([name, count]) => `${count} ${name}`).join(', ')}`,
      ...report.breaches.map((breach) => `BREACH [${breach.invariant}] ${breach.message}`),
      report.ok ? 'ok: every invariant holds' : `${report.breaches.length} breach(es)`,
    ].join('\n'))
    if (!report.ok) throw new LedgerError('INTERNAL', `verify found ${report.breaches.length} breach(es)`)
  })
}

/** Blockers as lines: kind, count, both languages, and the first few rows' refs. */
function blockerLines(blockers: ReadonlyArray<CloseBlocker>): string {
  return blockers.map((blocker) => {
    const refs = blocker.items.slice(0, 5).map((item) => ('id' in item ? String(item.id) : item.ref)).filter((ref) => ref !== '')
    return `  ${blocker.kind} ${blocker.count}: ${blocker.message.zh} / ${blocker.message.en}${refs.length ? ` [${refs.join(', ')}${blocker.count > refs.length ? ', …' : ''}]` : ''}`
  }).join('\n')
}
