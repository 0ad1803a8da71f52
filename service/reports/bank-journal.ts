import { LedgerError } from '../../shared/errors.ts'
import { formatAmount } from '../../shared/money.ts'
import { assertPeriod, lastDayOfPeriod } from '../../shared/period.ts'
import { type Report, type ReportCheck, type ReportColumn, type ReportRow, periodLabel } from '../../shared/reports/report.ts'
import { getCompany, loadChart } from '../ledger/company.ts'
import type { LedgerContext } from '../ledger/context.ts'
import { leafBalance } from '../ledger/balances.ts'
import { bankJournalLines } from './data.ts'

/**
 * 银行日记账 (issue #16.4): per bank account (each leaf under 1002, or the one
 * named with --account), every posted line of the period in date and voucher
 * order with its 对方科目, currency, original amount and rate, 收入 / 支出 and
 * the running balance; 期初余额 and 本日合计-style 本月合计 per account. A check
 * per account: the running balance ends on the account's closing balance.
 */
const COLUMNS: ReportColumn[] = [
  { key: 'date', label: '日期', kind: 'text', width: 10 }, { key: 'voucher', label: '凭证号', kind: 'text', width: 8 }, { key: 'summary', label: '摘要', kind: 'text', width: 24 },
  { key: 'counter', label: '对方科目', kind: 'text', width: 14 }, { key: 'currency', label: '币种', kind: 'text', width: 5 }, { key: 'original', label: '原币金额', kind: 'text', width: 12 },
  { key: 'rate', label: '汇率', kind: 'text', width: 9 }, { key: 'debit', label: '收入', kind: 'amount', width: 14 }, { key: 'credit', label: '支出', kind: 'amount', width: 14 },
  { key: 'balance', label: '余额', kind: 'amount', width: 14 },
]

export async function bankJournal(context: LedgerContext, companyId: number, options: { period: string; account?: string }): Promise<Report> {
  const period = assertPeriod(options.period)
  const company = await getCompany(context, companyId)
  const chart = await loadChart(context, companyId)
  const root = options.account ?? '1002'
  if (!chart.has(root)) throw new LedgerError('UNKNOWN_ACCOUNT', `unknown account ${root}`)
  if (root !== '1002' && !root.startsWith('1002.') && !root.startsWith('1001')) throw new LedgerError('VALIDATION', `a bank journal is kept for 1002 银行存款 (or 1001 库存现金) accounts, not ${root}`)
  const leaves = [...chart.values()].filter((account) => account.isLeaf && (account.code === root || account.code.startsWith(`${root}.`)))
  const rows: ReportRow[] = []
  const checks: ReportCheck[] = []
  const money = (amount: bigint) => formatAmount(amount, company.baseCurrency)
  for (const account of leaves) {
    const opening = await leafBalance(context.db.client, companyId, account.code, period, 'opening')
    const closing = await leafBalance(context.db.client, companyId, account.code, period, 'closing')
    const lines = await bankJournalLines(context, companyId, account.code, period)
    let running = opening
    rows.push({ cells: { date: `${period}-01`, voucher: null, summary: `${account.code} ${account.name} 期初余额`, counter: null, currency: null, original: null, rate: null, debit: null, credit: null, balance: running }, style: 'heading' })
    let debit = 0n
    let credit = 0n
    for (const line of lines.rows) {
      const amount = BigInt(Number(line.amount_minor))
      const isDebit = String(line.side) === 'debit'
      running += isDebit ? amount : -amount
      if (isDebit) debit += amount
      else credit += amount
      const foreign = String(line.currency) !== company.baseCurrency
      const counter = String(line.counter ?? '').split(',').filter(Boolean).map((code) => `${code} ${chart.get(code)?.name ?? ''}`.trim())
      rows.push({ cells: {
        date: String(line.date), voucher: `${String(line.word)}-${String(line.number)}`, summary: String(line.summary),
        counter: counter.length > 3 ? `${counter.slice(0, 3).join('、')} 等` : counter.join('、'),
        currency: foreign ? String(line.currency) : null, original: foreign ? formatAmount(BigInt(Number(line.original_minor)), String(line.currency)) : null, rate: foreign ? String(line.rate) : null,
        debit: isDebit ? amount : null, credit: isDebit ? null : amount, balance: running,
      } })
    }
    rows.push({ cells: { date: lastDayOfPeriod(period), voucher: null, summary: `${account.code} 本月合计`, counter: null, currency: null, original: null, rate: null, debit, credit, balance: running }, style: 'subtotal' })
    const expected = closing
    checks.push({ key: `closing.${account.code}`, label: `${account.code} 逐笔余额 = 科目期末余额`, ok: expected === running, expected: money(expected), actual: money(running) })
  }
  return {
    company: { code: company.code, name: company.name }, period, currency: company.baseCurrency, name: 'bank-journal', title: '银行日记账', titleEn: 'Bank journal',
    dateLabel: periodLabel(period), rows, notes: [], meta: { account: root }, columns: COLUMNS, checks,
  }
}
