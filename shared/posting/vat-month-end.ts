import type { ChartTemplate, TaxpayerType } from '../accounts.ts'
import { Decimal, type Minor, formatAmount, toMinor, toDecimal } from '../money.ts'
import type { VoucherInput } from '../voucher.ts'

/**
 * 增值税月末处理 (VAT month-end), pure. Given the month's figures it returns the
 * vouchers an accountant books before 结账:
 *
 * General taxpayer (一般纳税人):
 *  1. 进项税额转出 for 免税 sales: input VAT that cannot be attributed is split by
 *     免税销售额 / 全部销售额 (增值税法 / 财税〔2016〕36号 附件1 第二十九条):
 *     借 主营业务成本  贷 应交税费-应交增值税(进项税额转出).
 *  2. 转出未交增值税: a credit balance of 应交增值税 (销项 + 转出 − 进项 − 已交 −
 *     上期留抵) moves to 未交增值税: 借 应交增值税(转出未交增值税) 贷 未交增值税.
 *     A debit balance is 留抵 and stays (shown under 其他流动资产 on 企业会计准则).
 *  3. 税金及附加 on the VAT payable of the month: 城市维护建设税 7% / 5% / 1%,
 *     教育费附加 3%, 地方教育附加 2% (dated company settings).
 *
 * Small-scale taxpayer (小规模纳税人, 1% / 3% on sales excl. VAT):
 *  1. 免征: when the month's (quarterly filers: the quarter's) sales excl. VAT are
 *     at most the threshold (100,000 a month / 300,000 a quarter, 2023年第1号公告),
 *     the VAT booked on them is exempt: 借 应交税费-应交增值税 贷 营业外收入
 *     (小企业会计准则) / 其他收益 (企业会计准则).
 *  2. 税金及附加 on the VAT still payable, halved for small-scale taxpayers
 *     while the 六税两费 reduction runs (2023年第12号公告, to 2027-12-31).
 */
export interface SurchargeRate {
  readonly code: 'urban' | 'education' | 'localEducation'
  readonly rate: string
  readonly validFrom: string
  readonly validTo: string | null
}

export interface VatSettings {
  /** 城市维护建设税 by location: 0.07 city, 0.05 county town, 0.01 elsewhere; dated rows (default: 7% / 3% / 2% since 2000) */
  readonly surcharges: ReadonlyArray<SurchargeRate>
  /** reduction of the surcharges for small-scale taxpayers (六税两费), dated */
  readonly smallScaleReduction: ReadonlyArray<{ readonly share: string; readonly validFrom: string; readonly validTo: string | null }>
  /** small-scale filing period and 免征 thresholds (sales excl. VAT, base currency) */
  readonly filing: 'monthly' | 'quarterly'
  readonly monthlyThreshold: string
  readonly quarterlyThreshold: string
  /** tax code per fee type when the platform issues a 专票 for it (input VAT split off at posting); none by default */
  readonly feeTaxCodes?: Readonly<Partial<Record<'commission' | 'paymentFee' | 'promotion' | 'otherPlatformCharge', string>>>
}

export const DEFAULT_VAT_SETTINGS: VatSettings = {
  surcharges: [
    { code: 'urban', rate: '0.07', validFrom: '2000-01-01', validTo: null },
    { code: 'education', rate: '0.03', validFrom: '2000-01-01', validTo: null },
    { code: 'localEducation', rate: '0.02', validFrom: '2011-01-01', validTo: null },
  ],
  smallScaleReduction: [{ share: '0.5', validFrom: '2023-01-01', validTo: '2027-12-31' }],
  filing: 'monthly',
  monthlyThreshold: '100000.00',
  quarterlyThreshold: '300000.00',
}

export const SURCHARGE_ACCOUNTS: Readonly<Record<SurchargeRate['code'], { readonly account: string; readonly name: string }>> = {
  urban: { account: '2221.04', name: '城市维护建设税' },
  education: { account: '2221.05', name: '教育费附加' },
  localEducation: { account: '2221.06', name: '地方教育附加' },
}

export const VAT_ACCOUNTS = {
  vat: '2221.01', input: '2221.01.01', output: '2221.01.02', paid: '2221.01.03', transferredOut: '2221.01.04', inputOut: '2221.01.05', unpaid: '2221.02',
} as const

/** The month's figures, base currency minor units; balances are debit-positive. */
export interface VatMonthFigures {
  readonly period: string
  readonly taxpayer: TaxpayerType
  readonly template: ChartTemplate
  readonly baseCurrency: string
  /** closing balance of 应交增值税 (all its sub-accounts), before this month-end's vouchers */
  readonly vatBalance: bigint
  /** general: input VAT (进项税额) debited this month */
  readonly inputVat: bigint
  /** revenue excl. VAT this month: all, and of 免税 stores */
  readonly revenue: bigint
  readonly exemptRevenue: bigint
  /** small-scale: sales excl. VAT and the VAT credited on them (positive) over the filing period (month or quarter) */
  readonly filingSales: bigint
  readonly filingVat: bigint
  /** what earlier month-end runs of this period already booked, per step */
  readonly booked: { readonly inputOut: bigint; readonly transfer: bigint; readonly exemption: bigint; readonly surcharges: Readonly<Record<SurchargeRate['code'], bigint>> }
}

export interface VatMonthEnd {
  readonly vouchers: Array<{ readonly step: 'inputOut' | 'transfer' | 'exemption' | 'surcharges'; readonly input: VoucherInput }>
  /** what the month leaves: VAT payable this month (base of the surcharges) and 留抵 carried */
  readonly payable: bigint
  readonly carriedCredit: bigint
  readonly surcharges: Readonly<Record<SurchargeRate['code'], bigint>>
}

const pl = (template: ChartTemplate, code: string): string => (template === 'small-enterprise' ? code : `6${code.slice(1)}`)

function lastDay(period: string): string {
  const [year, month] = period.split('-').map(Number) as [number, number]
  return `${period}-${String(new Date(Date.UTC(year, month, 0)).getUTCDate()).padStart(2, '0')}`
}

function datedRate<T extends { validFrom: string; validTo: string | null }>(rows: ReadonlyArray<T>, date: string): T | undefined {
  return rows.find((row) => row.validFrom <= date && (row.validTo === null || date <= row.validTo))
}

const isQuarterEnd = (period: string): boolean => ['03', '06', '09', '12'].includes(period.slice(5, 7))

/** Half-up share of an amount (>= 0) at a decimal rate. */
function share(amount: bigint, rate: string, currency: string): bigint {
  return toMinor(toDecimal(amount as Minor, currency).times(new Decimal(rate)), currency)
}

export function vatMonthEnd(figures: VatMonthFigures, settings: VatSettings = DEFAULT_VAT_SETTINGS): VatMonthEnd {
  const { period, template, baseCurrency: currency, booked } = figures
  const date = lastDay(period)
  const money = (amount: bigint) => formatAmount(amount, currency)
  const vouchers: VatMonthEnd['vouchers'] = []
  const key = (step: string, amount: bigint) => `vat:${period}:${step}:${amount}`
  let balance = figures.vatBalance
  let payable = 0n
  if (figures.taxpayer === 'general') {
    // 1. 进项税额转出 for 免税 sales
    const target = figures.exemptRevenue > 0n && figures.revenue > 0n && figures.inputVat > 0n
      ? toMinor(toDecimal(figures.inputVat as Minor, currency).times(figures.exemptRevenue.toString()).dividedBy(figures.revenue.toString()), currency)
      : 0n
    const inputOut = target - booked.inputOut
    if (inputOut !== 0n) {
      const amount = money(inputOut < 0n ? -inputOut : inputOut)
      const summary = `进项税额转出(免税销售额占比) ${period}`
      vouchers.push({ step: 'inputOut', input: { date, word: '转', summary, idempotencyKey: key('inputOut', inputOut), lines: inputOut > 0n
        ? [{ account: pl(template, '5401'), debit: amount, summary }, { account: VAT_ACCOUNTS.inputOut, credit: amount, summary }]
        : [{ account: VAT_ACCOUNTS.inputOut, debit: amount, summary }, { account: pl(template, '5401'), credit: amount, summary }] } })
      balance -= inputOut
    }
    // 2. 转出未交增值税: what is owed on 应交增值税 after this month
    const owed = balance < 0n ? -balance : 0n
    if (owed > 0n) {
      const summary = `转出未交增值税 ${period}`
      vouchers.push({ step: 'transfer', input: { date, word: '转', summary, idempotencyKey: key('transfer', owed), lines: [{ account: VAT_ACCOUNTS.transferredOut, debit: money(owed), summary }, { account: VAT_ACCOUNTS.unpaid, credit: money(owed), summary }] } })
      balance += owed
    }
    payable = booked.transfer + owed
  } else {
    // 1. 免征 under the threshold (quarterly filers decide in the quarter's last month)
    const deciding = settings.filing === 'monthly' || isQuarterEnd(period)
    const threshold = BigInt(toMinor(settings.filing === 'monthly' ? settings.monthlyThreshold : settings.quarterlyThreshold, currency))
    const underThreshold = deciding && figures.filingSales <= threshold
    const exempt = underThreshold ? figures.filingVat - booked.exemption : 0n
    if (exempt > 0n) {
      const summary = `小规模纳税人免征增值税(销售额 ${money(figures.filingSales)} 未超过 ${money(threshold)}) ${period}`
      const income = template === 'small-enterprise' ? '5301' : '6117'
      vouchers.push({ step: 'exemption', input: { date, word: '转', summary, idempotencyKey: key('exemption', exempt), lines: [{ account: VAT_ACCOUNTS.vat, debit: money(exempt), summary }, { account: income, credit: money(exempt), summary }] } })
      balance += exempt
    }
    // the VAT of the filing period is owed unless exempt; quarterly filers decide in the quarter's last month
    payable = deciding && !underThreshold && figures.filingVat > 0n ? figures.filingVat : 0n
  }
  // 3. 税金及附加 on the VAT payable of the month
  const reduction = figures.taxpayer === 'smallScale' ? datedRate(settings.smallScaleReduction, date) : undefined
  const surcharges: Record<SurchargeRate['code'], bigint> = { urban: 0n, education: 0n, localEducation: 0n }
  const lines: NonNullable<VoucherInput['lines']> = []
  let total = 0n
  const summary = `计提税金及附加 ${period}`
  for (const code of ['urban', 'education', 'localEducation'] as const) {
    const row = datedRate(settings.surcharges.filter((candidate) => candidate.code === code), date)
    if (!row || payable <= 0n) continue
    let due = share(payable, row.rate, currency)
    if (reduction) due -= share(due, reduction.share, currency)
    surcharges[code] = due
    const delta = due - booked.surcharges[code]
    if (delta === 0n) continue
    total += delta
    lines.push({ account: SURCHARGE_ACCOUNTS[code].account, ...(delta > 0n ? { credit: money(delta) } : { debit: money(-delta) }), summary: `${summary} ${SURCHARGE_ACCOUNTS[code].name}` })
  }
  if (lines.length) {
    lines.unshift({ account: pl(template, '5403'), ...(total >= 0n ? { debit: money(total) } : { credit: money(-total) }), summary })
    if (total === 0n) lines.shift()
    vouchers.push({ step: 'surcharges', input: { date, word: '转', summary, idempotencyKey: key('surcharges', total), lines } })
  }
  return { vouchers, payable, carriedCredit: balance > 0n ? balance : 0n, surcharges }
}
