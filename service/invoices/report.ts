import { itemsFromJsonText, normalizeRate, rateLabel } from '../../shared/invoices/record.ts'
import { Decimal, type Minor, minor, toMinor, toDecimal } from '../../shared/money.ts'
import { assertPeriod, lastDayOfPeriod, periodRange } from '../../shared/period.ts'
import { type Report, type ReportCheck, type ReportColumn, type ReportRow, periodLabel } from '../../shared/reports/report.ts'
import { loadStoreProfiles } from '../posting/settings.ts'
import { getCompany } from '../ledger/company.ts'
import type { LedgerContext } from '../ledger/context.ts'
import { closingVoucherMovements } from '../reports/data.ts'
import { companyTaxId, invoiceSettings } from './settings.ts'
import { certificationRows, issuedInvoiceRows } from './queries.ts'
import { netByPeriodStoreAccount } from '../ledger/balances.ts'

/**
 * 开票与收入对账: per month and VAT rate, 主营业务收入 from the ledger
 * (revenue accounts 5001 / 6001 and their children, 结转损益 left out, each
 * store at its VAT rate on the month's last day) against output invoices
 * issued in the month (作废 left out, 红字 negative, several-rate invoices split
 * by their items), split 增值税专用发票 / 其他发票. 未开具发票 = revenue -
 * invoiced, negative when an invoice covers revenue of an earlier month (as the
 * 增值税及附加税费申报表 附列资料（一） expects). Filled from this:
 * 开具增值税专用发票 (专票 金额/税额), 开具其他发票 (其他 金额/税额), 未开具发票
 * (未开票收入, its tax at the rate).
 *
 * The report covers the quarter up to `period` (a monthly filer reads the
 * last month's rows, a quarterly one the total).
 */

export interface RateFigures {
  revenue: bigint
  specialAmount: bigint
  specialTax: bigint
  otherAmount: bigint
  otherTax: bigint
}

export type InvoiceFigures = Map<string, Map<string, RateFigures>>

const empty = (): RateFigures => ({ revenue: 0n, specialAmount: 0n, specialTax: 0n, otherAmount: 0n, otherTax: 0n })

function figure(figures: InvoiceFigures, month: string, rate: string): RateFigures {
  const byRate = figures.get(month) ?? new Map<string, RateFigures>()
  figures.set(month, byRate)
  const found = byRate.get(rate)
  if (found) return found
  const created = empty()
  byRate.set(rate, created)
  return created
}

const isRevenueAccount = (code: string): boolean => /^(5001|6001)(\.|$)/.test(code)

/** Revenue and invoiced figures per month (from..to inclusive) and rate. */
export async function invoiceFigures(context: LedgerContext, companyId: number, from: string, to: string): Promise<{ figures: InvoiceFigures; taxId: string | null; taxIdInferred: boolean; ledgerRevenue: bigint }> {
  const company = await getCompany(context, companyId)
  const figures: InvoiceFigures = new Map()
  const months = periodRange(from, to)
  for (const month of months) figures.set(month, new Map())
  const { profiles } = await loadStoreProfiles(context, company)
  const fallback = profiles.values().next().value
  const rateOf = (store: string, month: string): string => {
    const profile = profiles.get(store) ?? fallback
    const raw = profile ? profile.vatRateOn(lastDayOfPeriod(month)) : '0'
    return normalizeRate(raw) ?? normalizeRate(`${new Decimal(raw).mul(100).toFixed()}%`) ?? raw
  }
  const movements = await netByPeriodStoreAccount(context.db.client, companyId, from, to)
  let ledgerRevenue = 0n
  for (const row of movements) {
    if (!isRevenueAccount(row.account)) continue
    // revenue is credit positive
    const amount = -row.net
    const month = row.period
    figure(figures, month, rateOf(row.store, month)).revenue += amount
    ledgerRevenue += amount
  }
  // 结转损益 moves revenue to 本年利润: put it back (the closing voucher's movement is debit-positive).
  for (const month of months) {
    const closing = await closingVoucherMovements(context, companyId, month, month)
    for (const [code, stores] of closing) {
      if (!isRevenueAccount(code)) continue
      for (const [store, amount] of stores) {
        figure(figures, month, rateOf(store, month)).revenue += amount
        ledgerRevenue += amount
      }
    }
  }
  const { taxId, inferred } = await companyTaxId(context, company)
  if (taxId !== null) {
    const invoices = await issuedInvoiceRows(context.db.client, companyId, taxId, from, to)
    for (const row of invoices.rows) {
      const month = String(row.month)
      const special = String(row.invoice_type).includes('专用')
      const parts = String(row.tax_rate) === 'mixed'
        ? itemsFromJsonText(String(row.items_json), String(row.currency)).map((item) => ({ rate: item.taxRate, amount: item.amount as bigint, tax: item.tax as bigint }))
        : [{ rate: String(row.tax_rate), amount: BigInt(String(row.amount_minor)), tax: BigInt(String(row.tax_minor)) }]
      for (const part of parts) {
        const target = figure(figures, month, part.rate)
        if (special) {
          target.specialAmount += part.amount
          target.specialTax += part.tax
        } else {
          target.otherAmount += part.amount
          target.otherTax += part.tax
        }
      }
    }
  }
  return { figures, taxId, taxIdInferred: inferred, ledgerRevenue }
}

export function invoicedOf(figures: RateFigures): bigint {
  return figures.specialAmount + figures.otherAmount
}

export function uninvoicedOf(figures: RateFigures): bigint {
  return figures.revenue - invoicedOf(figures)
}

function taxAt(amount: bigint, rate: string): Minor {
  if (!/^0(\.\d+)?$/.test(rate)) return minor(0n)
  return toMinor(toDecimal(minor(amount), 'CNY').mul(rate), 'CNY')
}

function quarterStart(period: string): string {
  const [year, month] = period.split('-').map(Number)
  const first = Math.floor(((month ?? 1) - 1) / 3) * 3 + 1
  return `${year}-${String(first).padStart(2, '0')}`
}

const rateOrder = (rate: string): string => (rate === 'exempt' ? 'z' : rate === 'mixed' ? 'y' : rate.padEnd(8, '0'))

export async function invoiceReconciliation(context: LedgerContext, companyId: number, options: { period: string }): Promise<Report> {
  const period = assertPeriod(options.period)
  const from = quarterStart(period)
  const company = await getCompany(context, companyId)
  const { figures, taxId, taxIdInferred, ledgerRevenue } = await invoiceFigures(context, companyId, from, period)
  const rows: ReportRow[] = []
  const total = empty()
  let totalUninvoicedTax = 0n
  let revenueRows = 0n
  for (const [month, byRate] of [...figures].sort(([a], [b]) => a.localeCompare(b))) {
    const monthTotal = empty()
    let monthUninvoicedTax = 0n
    for (const [rate, each] of [...byRate].sort(([a], [b]) => rateOrder(b).localeCompare(rateOrder(a)))) {
      const uninvoicedTax = taxAt(uninvoicedOf(each), rate)
      rows.push({ cells: { month, rate: rateLabel(rate), revenue: each.revenue, specialAmount: each.specialAmount, specialTax: each.specialTax, otherAmount: each.otherAmount, otherTax: each.otherTax, invoiced: invoicedOf(each), uninvoiced: uninvoicedOf(each), uninvoicedTax }, indent: 1 })
      for (const key of Object.keys(monthTotal) as Array<keyof RateFigures>) monthTotal[key] += each[key]
      monthUninvoicedTax += uninvoicedTax
      revenueRows += each.revenue
    }
    rows.push({ cells: { month, rate: '小计', revenue: monthTotal.revenue, specialAmount: monthTotal.specialAmount, specialTax: monthTotal.specialTax, otherAmount: monthTotal.otherAmount, otherTax: monthTotal.otherTax, invoiced: invoicedOf(monthTotal), uninvoiced: uninvoicedOf(monthTotal), uninvoicedTax: monthUninvoicedTax }, style: 'subtotal' })
    for (const key of Object.keys(total) as Array<keyof RateFigures>) total[key] += monthTotal[key]
    totalUninvoicedTax += monthUninvoicedTax
  }
  rows.push({ cells: { month: `${from}~${period}`, rate: '合计', revenue: total.revenue, specialAmount: total.specialAmount, specialTax: total.specialTax, otherAmount: total.otherAmount, otherTax: total.otherTax, invoiced: invoicedOf(total), uninvoiced: uninvoicedOf(total), uninvoicedTax: totalUninvoicedTax }, style: 'total' })
  const columns: ReportColumn[] = [
    { key: 'month', label: '月份', kind: 'text', width: 10 }, { key: 'rate', label: '税率', kind: 'text', width: 8 },
    { key: 'revenue', label: '主营业务收入', kind: 'amount', width: 14 },
    { key: 'specialAmount', label: '专票金额', kind: 'amount', width: 13 }, { key: 'specialTax', label: '专票税额', kind: 'amount', width: 12 },
    { key: 'otherAmount', label: '其他发票金额', kind: 'amount', width: 13 }, { key: 'otherTax', label: '其他发票税额', kind: 'amount', width: 12 },
    { key: 'invoiced', label: '已开票收入', kind: 'amount', width: 14 }, { key: 'uninvoiced', label: '未开票收入', kind: 'amount', width: 14 },
    { key: 'uninvoicedTax', label: '未开票税额', kind: 'amount', width: 12 },
  ]
  const checks: ReportCheck[] = [{
    key: 'revenue', label: '各税率收入合计 = 账面主营业务收入', ok: revenueRows === ledgerRevenue,
    expected: toDecimal(minor(ledgerRevenue), 'CNY').toFixed(2), actual: toDecimal(minor(revenueRows), 'CNY').toFixed(2),
  }]
  const notes = [
    '收入取自主营业务收入科目（不含结转损益），按店铺当月税率归类；发票按开票月份计入，作废发票不计，红字发票为负数，多税率发票按明细拆分。',
    '未开票收入 = 主营业务收入 - 已开票收入；开具以前月份收入的发票时为负数，按申报表“未开具发票”栏填列。',
    taxId === null ? '尚未导入发票。' : `本公司纳税人识别号 ${taxId}${taxIdInferred ? '（未设置，取发票中出现最多者；请用 cledger invoice settings --tax-id 设置）' : ''}。`,
  ]
  return {
    name: 'invoice-reconciliation', title: '开票与收入对账', titleEn: 'Invoices vs revenue (for the VAT return)',
    company: { code: company.code, name: company.name }, period, dateLabel: `${periodLabel(from)}至${periodLabel(period)}`, currency: company.baseCurrency,
    columns, rows, checks, notes, meta: { from, to: period },
  }
}

export interface InputInvoiceStatusRow {
  /** unchecked | selected | certified | unknown (the list export had no 勾选状态) */
  certification: string
  count: number
  amount: bigint
  tax: bigint
  /** input VAT that may move to 进项税额 under the company's `inputVatOn` setting */
  deductibleTax: bigint
}

/** 进项发票 by 勾选/认证 status (invoices whose buyer is the company), optionally of one issue month; 作废 (and 已红冲 without its red invoice) left out. */
export async function inputInvoicesByStatus(context: LedgerContext, companyId: number, period?: string): Promise<{ taxId: string | null; inputVatOn: string; rows: InputInvoiceStatusRow[] }> {
  const company = await getCompany(context, companyId)
  const { taxId } = await companyTaxId(context, company)
  const inputVatOn = invoiceSettings(company).inputVatOn
  if (taxId === null) return { taxId, inputVatOn, rows: [] }
  const result = await certificationRows(context.db.client, companyId, taxId, period ? assertPeriod(period) : undefined)
  const rows = result.rows.map((row) => {
    const certification = String(row.certification)
    const tax = BigInt(String(row.tax ?? 0))
    return { certification, count: Number(row.n), amount: BigInt(String(row.amount ?? 0)), tax, deductibleTax: inputVatOn === 'receipt' || certification === 'certified' ? tax : 0n }
  })
  return { taxId, inputVatOn, rows }
}
