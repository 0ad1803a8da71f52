import type { Company } from '../ledger/company.ts'
import type { TrialBalance } from '../ledger/balances.ts'
import type { RunCounts } from '../matching/index.ts'
import type { MatchCounts } from '../matching/queries.ts'
import type { PostingRunResult } from '../posting/run.ts'

/**
 * What `cledger demo` and the first `npm start` print: the files imported (rows
 * per file), matches and open exceptions per type, vouchers posted / left for an
 * approver / held (per reason), and the trial balance totals of the month.
 */
export interface DemoSummary {
  readonly company: string
  readonly name: string
  readonly period: string
  readonly folder: string | null
  readonly files: ReadonlyArray<{ file: string; parser: string; store: string; rows: number; records: number; rejected: number }>
  readonly matching: { matches: Record<string, number>; exceptions: Record<string, number>; pendingPayouts: number }
  /** written/posted/drafts: by posting; keyedIn: the purchase and payment vouchers entered by hand and approved */
  readonly vouchers: { written: number; posted: number; drafts: number; keyedIn: number; waiting: number; held: Record<string, number> }
  readonly trialBalance: { debit: string; credit: string; balanced: boolean }
  readonly logins: ReadonlyArray<{ username: string; password: string }>
}

export interface DemoFacts {
  readonly company: Company
  readonly period: string
  readonly folder: string | null
  readonly imports: DemoSummary['files']
  readonly matching: RunCounts
  readonly counts: MatchCounts
  readonly runs: ReadonlyArray<PostingRunResult>
  readonly keyedIn: number
  readonly trialBalance: TrialBalance
  readonly users: ReadonlyArray<{ username: string; password: string }>
}

function tally(keys: Iterable<string>): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const key of [...keys].sort()) counts[key] = (counts[key] ?? 0) + 1
  return counts
}

export function summariseDemo(facts: DemoFacts): DemoSummary {
  const sum = (pick: (run: PostingRunResult) => number) => facts.runs.reduce((total, run) => total + pick(run), 0)
  const held = facts.runs.flatMap((run) => run.held.map((item) => item.reason))
  return {
    company: facts.company.code, name: facts.company.name, period: facts.period, folder: facts.folder,
    files: facts.imports,
    matching: { matches: { confirmed: facts.counts.matches.confirmed ?? 0, suggested: facts.counts.matches.suggested ?? 0 }, exceptions: { ...facts.counts.openByType }, pendingPayouts: facts.matching.pending },
    vouchers: { written: sum((run) => run.written.vouchers), posted: sum((run) => run.written.posted), drafts: sum((run) => run.written.drafts), keyedIn: facts.keyedIn, waiting: held.length, held: tally(held) },
    trialBalance: { debit: facts.trialBalance.totals.debit, credit: facts.trialBalance.totals.credit, balanced: facts.trialBalance.balanced },
    logins: facts.users.map(({ username, password }) => ({ username, password })),
  }
}

const listed = (counts: Record<string, number>): string => Object.entries(counts).map(([key, count]) => `${key} ${count}`).join(', ') || 'none'
/** Terminal columns of a text: CJK and full-width characters take two. */
const columns = (text: string): number => [...text].reduce((sum, char) => sum + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(char) ? 2 : 1), 0)
const pad = (text: string, width: number): string => text + ' '.repeat(Math.max(0, width - columns(text)))
const grouped = (text: string): string => text.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
const amount = (decimal: string): string => {
  const [whole = '0', fraction = '00'] = decimal.split('.')
  return `${grouped(whole)}.${fraction}`
}

/** The summary as the terminal shows it. */
export function demoSummaryText(summary: DemoSummary): string {
  const width = Math.max(...summary.files.map((file) => columns(file.file)))
  const files = summary.files.map((file) => `  ${pad(file.file, width)}  ${file.parser.padEnd(29)} ${String(file.rows).padStart(4)} rows -> ${String(file.records).padStart(4)} records${file.rejected ? `, ${file.rejected} rejected` : ''}`)
  const matches = summary.matching.matches
  const open = Object.values(summary.matching.exceptions).reduce((total, count) => total + count, 0)
  const { vouchers, trialBalance } = summary
  return [
    `demo company ${summary.company}: ${vouchers.written} vouchers (${vouchers.posted} posted, ${vouchers.drafts} drafts for an approver); ${vouchers.waiting} item(s) wait`,
    `${summary.name}, period ${summary.period}; files ${summary.folder === null ? 'imported from memory' : `in ${summary.folder}`}:`,
    ...files,
    `matching: ${(matches.confirmed ?? 0) + (matches.suggested ?? 0)} matches (${matches.confirmed ?? 0} confirmed, ${matches.suggested ?? 0} suggested); ${open} open exception(s): ${listed(summary.matching.exceptions)}; ${summary.matching.pendingPayouts} payout(s) not in the bank yet`,
    `posting: ${vouchers.posted} posted, ${vouchers.drafts} drafts; waiting: ${listed(vouchers.held)}; plus ${vouchers.keyedIn} voucher(s) keyed in (purchases, supplier payment)`,
    `trial balance ${summary.period} (posted vouchers): debit ${amount(trialBalance.debit)} = credit ${amount(trialBalance.credit)}${trialBalance.balanced ? ', balanced' : ', NOT BALANCED'}`,
    `logins: ${summary.logins.map((user) => `${user.username} / ${user.password}`).join(', ')}`,
  ].join('\n')
}
