import { isWithin } from '../../../shared/accounts.ts'
import { LedgerError } from '../../../shared/errors.ts'
import { formatAmount, parseAmount } from '../../../shared/money.ts'
import { assertPeriod, lastDayOfPeriod } from '../../../shared/period.ts'
import { type Report, type ReportColumn, type ReportRow, periodLabel } from '../../../shared/reports/report.ts'
import { trialBalance as ledgerTrialBalance } from '../../ledger/balances.ts'
import { getCompany, loadChart } from '../../ledger/company.ts'
import type { LedgerContext } from '../../ledger/context.ts'
import { type ManagementOptions, check, direction, header, toBigInt } from './common.ts'
import { movementsWithYear, sumWithin } from '../../ledger/balances.ts'
import { accountLines } from '../data.ts'

/* 5. 总账 and 明细账 */
const LEDGER_COLUMNS: ReportColumn[] = [
  { key: 'date', label: '日期', kind: 'text', width: 10 }, { key: 'voucher', label: '凭证号', kind: 'text', width: 8 }, { key: 'summary', label: '摘要', kind: 'text', width: 24 },
  { key: 'debit', label: '借方', kind: 'amount', width: 14 }, { key: 'credit', label: '贷方', kind: 'amount', width: 14 }, { key: 'direction', label: '方向', kind: 'text', width: 4 }, { key: 'balance', label: '余额', kind: 'amount', width: 14 },
]

/** 明细账 columns: the ledger columns with 币种 / 原币 / 汇率 after 摘要 (empty on base-currency lines). */
const DETAIL_COLUMNS: ReportColumn[] = [
  ...LEDGER_COLUMNS.slice(0, 3),
  { key: 'currency', label: '币种', kind: 'text', width: 5 }, { key: 'original', label: '原币金额', kind: 'text', width: 12 }, { key: 'rate', label: '汇率', kind: 'text', width: 9 },
  ...LEDGER_COLUMNS.slice(3),
]

/** 总账: per first-level account, 期初余额 / 本月合计 / 本年累计 with the closing balance. */
export async function generalLedger(context: LedgerContext, companyId: number, options: ManagementOptions): Promise<Report> {
  const period = assertPeriod(options.period)
  const company = await getCompany(context, companyId)
  const chart = await loadChart(context, companyId)
  const leaves = await movementsWithYear(context, companyId, period, options.store)
  const tops = [...new Set([...leaves.keys()].map((code) => code.split('.')[0] ?? code))].filter((code) => options.account === undefined || isWithin(code, options.account.split('.')[0] ?? options.account)).sort()
  const first = `${period}-01`
  const last = lastDayOfPeriod(period)
  const rows: ReportRow[] = []
  let closingTotal = 0n
  for (const code of tops) {
    const movement = sumWithin(leaves, code)
    const closing = movement.opening + movement.debit - movement.credit
    if (movement.opening === 0n && movement.debit === 0n && movement.credit === 0n && closing === 0n && movement.yearDebit === 0n) continue
    closingTotal += closing
    const account = `${code} ${chart.get(code)?.name ?? ''}`.trim()
    const opening = direction(movement.opening)
    const end = direction(closing)
    rows.push({ cells: { account, date: first, voucher: null, summary: period.endsWith('-01') ? '上年结转' : '期初余额', debit: null, credit: null, direction: opening.direction, balance: opening.amount }, style: 'heading' })
    rows.push({ cells: { account, date: last, voucher: null, summary: '本月合计', debit: movement.debit, credit: movement.credit, direction: end.direction, balance: end.amount } })
    rows.push({ cells: { account, date: last, voucher: null, summary: '本年累计', debit: movement.yearDebit, credit: movement.yearCredit, direction: end.direction, balance: end.amount }, style: 'subtotal' })
  }
  const tb = await ledgerTrialBalance(context, companyId, period, options.store === undefined ? {} : { store: options.store })
  const tbClosing = tb.rows.filter((row) => !row.code.includes('.') && tops.includes(row.code)).reduce((sum, row) => sum + parseAmount(row.balance, company.baseCurrency), 0n)
  return {
    ...header(company, period), name: 'general-ledger', title: '总账', titleEn: 'General ledger', dateLabel: periodLabel(period), rows, notes: [],
    meta: { ...(options.account === undefined ? {} : { account: options.account }), ...(options.store === undefined ? {} : { store: options.store }) },
    columns: [{ key: 'account', label: '科目', kind: 'text', width: 18 }, ...LEDGER_COLUMNS],
    checks: [check('trialBalance', '总账期末余额合计 = 科目余额表期末余额合计', tbClosing, closingTotal, company.baseCurrency)],
  }
}

/** 明细账 of one account (and its sub-accounts): every posted line of the period with a running balance. */
export async function accountDetail(context: LedgerContext, companyId: number, options: ManagementOptions): Promise<Report> {
  const period = assertPeriod(options.period)
  if (options.account === undefined) throw new LedgerError('VALIDATION', 'account detail needs --account CODE (e.g. 1122)')
  const code = options.account
  const company = await getCompany(context, companyId)
  const chart = await loadChart(context, companyId)
  const account = chart.get(code)
  if (!account) throw new LedgerError('UNKNOWN_ACCOUNT', `unknown account ${code}`)
  const leaves = await movementsWithYear(context, companyId, period, options.store)
  const movement = sumWithin(leaves, code)
  const lines = await accountLines(context, companyId, period, code, options.store)
  let running = movement.opening
  const opening = direction(running)
  const rows: ReportRow[] = [{ cells: { date: `${period}-01`, voucher: null, summary: period.endsWith('-01') ? '上年结转' : '期初余额', debit: null, credit: null, direction: opening.direction, balance: opening.amount }, style: 'heading' }]
  for (const line of lines.rows) {
    const amount = toBigInt(line.amount_minor)
    const debit = String(line.side) === 'debit'
    running += debit ? amount : -amount
    const now = direction(running)
    const sub = String(line.account_code) === code ? '' : ` [${String(line.account_code)}]`
    const store = String(line.store) ? ` (${String(line.store)})` : ''
    // issue #16.2: a foreign line shows its currency, original amount and rate next to the base amount
    const foreign = String(line.currency) !== company.baseCurrency
    const fx = foreign ? { currency: String(line.currency), original: formatAmount(toBigInt(line.original_minor), String(line.currency)), rate: line.rate === null ? null : String(line.rate) } : { currency: null, original: null, rate: null }
    rows.push({ cells: { date: String(line.date), voucher: `${String(line.word)}-${String(line.number)}`, summary: `${String(line.summary)}${sub}${store}`, ...fx, debit: debit ? amount : null, credit: debit ? null : amount, direction: now.direction, balance: now.amount } })
  }
  const closing = movement.opening + movement.debit - movement.credit
  const end = direction(closing)
  const last = lastDayOfPeriod(period)
  rows.push({ cells: { date: last, voucher: null, summary: '本月合计', debit: movement.debit, credit: movement.credit, direction: end.direction, balance: end.amount }, style: 'subtotal' })
  rows.push({ cells: { date: last, voucher: null, summary: '本年累计', debit: movement.yearDebit, credit: movement.yearCredit, direction: end.direction, balance: end.amount }, style: 'subtotal' })
  return {
    ...header(company, period), name: 'account-detail', title: '明细账', titleEn: 'Account detail', dateLabel: periodLabel(period), rows, notes: [],
    meta: { account: `${code} ${account.name}`, ...(options.store === undefined ? {} : { store: options.store }) },
    columns: DETAIL_COLUMNS,
    checks: [check('running', '逐笔余额 = 科目期末余额', closing, running, company.baseCurrency)],
  }
}

