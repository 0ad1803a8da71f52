import { LedgerError } from './errors.ts'

/**
 * Chart of accounts (科目表). Codes are dotted: `2221.01.02` is a child of
 * `2221.01`, itself a child of `2221`. Only leaves take postings; parents roll
 * their children up. Two templates ship: 小企业会计准则 (small enterprises, P&L in
 * 5xxx) and 企业会计准则 (P&L in 6xxx).
 */
export const ACCOUNT_TYPES = ['asset', 'liability', 'equity', 'cost', 'profitLoss'] as const
export type AccountType = (typeof ACCOUNT_TYPES)[number]
export type NormalSide = 'debit' | 'credit'

export const TEMPLATES = ['small-enterprise', 'enterprise'] as const
export type ChartTemplate = (typeof TEMPLATES)[number]
export type TaxpayerType = 'general' | 'smallScale'

export interface Account {
  readonly code: string
  readonly name: string
  readonly nameEn: string
  readonly type: AccountType
  readonly normalSide: NormalSide
  readonly parent: string | null
  readonly isLeaf: boolean
}

export const ACCOUNT_CODE_PATTERN = /^\d{4}(\.\d{2}){0,3}$/

export function parentOf(code: string): string | null {
  const cut = code.lastIndexOf('.')
  return cut === -1 ? null : code.slice(0, cut)
}

/** True when `code` is `ancestor` or lies below it. */
export function isWithin(code: string, ancestor: string): boolean {
  return code === ancestor || code.startsWith(`${ancestor}.`)
}

type Row = readonly [code: string, name: string, nameEn: string, side?: NormalSide]

const typeOfFirstDigit: Record<string, AccountType> = { '1': 'asset', '2': 'liability', '3': 'equity', '4': 'cost', '5': 'profitLoss', '6': 'profitLoss' }

const COMMON_BALANCE_SHEET: Row[] = [
  ['1001', '库存现金', 'Cash on hand'],
  ['1002', '银行存款', 'Bank deposits'],
  ['1012', '其他货币资金', 'Other monetary funds'],
  ['1012.01', '支付宝', 'Alipay'],
  ['1012.02', '微信支付', 'WeChat Pay'],
  ['1012.03', '京东钱包', 'JD wallet'],
  ['1012.04', '拼多多', 'Pinduoduo wallet'],
  ['1012.05', '抖音', 'Douyin wallet'],
  ['1012.06', 'Shopify Payments', 'Shopify Payments'],
  ['1012.07', 'Amazon', 'Amazon seller account'],
  ['1012.99', '其他平台', 'Other platforms'],
  ['1122', '应收账款', 'Accounts receivable'],
  ['1123', '预付账款', 'Prepayments'],
  ['1221', '其他应收款', 'Other receivables'],
  ['1221.01', '平台保证金', 'Platform deposits'],
  ['1221.02', '其他', 'Other'],
  ['1403', '原材料', 'Raw materials'],
  ['1405', '库存商品', 'Inventory (goods)'],
  ['1406', '发出商品', 'Goods shipped'],
  ['1601', '固定资产', 'Fixed assets'],
  ['1602', '累计折旧', 'Accumulated depreciation', 'credit'],
  ['2001', '短期借款', 'Short-term loans'],
  ['2202', '应付账款', 'Accounts payable'],
  ['2203', '预收账款', 'Advances from customers'],
  ['2211', '应付职工薪酬', 'Payroll payable'],
  ['2221', '应交税费', 'Taxes payable'],
  ['2241', '其他应付款', 'Other payables'],
  ['3001', '实收资本', 'Paid-in capital'],
  ['3101', '盈余公积', 'Surplus reserve'],
  ['3103', '本年利润', 'Profit for the year'],
  ['3104', '利润分配', 'Profit distribution'],
]

const VAT_GENERAL: Row[] = [
  ['2221.01', '应交增值税', 'VAT payable'],
  ['2221.01.01', '进项税额', 'Input VAT', 'debit'],
  ['2221.01.02', '销项税额', 'Output VAT'],
  ['2221.01.03', '已交税金', 'VAT paid', 'debit'],
  ['2221.01.04', '转出未交增值税', 'Unpaid VAT transferred out', 'debit'],
  ['2221.01.05', '进项税额转出', 'Input VAT transferred out'],
  ['2221.02', '未交增值税', 'Unpaid VAT'],
  ['2221.03', '应交企业所得税', 'Corporate income tax payable'],
  ['2221.04', '应交城市维护建设税', 'Urban construction tax payable'],
  ['2221.05', '应交教育费附加', 'Education surcharge payable'],
  ['2221.06', '应交地方教育附加', 'Local education surcharge payable'],
]

const VAT_SMALL_SCALE: Row[] = [
  ['2221.01', '应交增值税', 'VAT payable'],
  ['2221.03', '应交企业所得税', 'Corporate income tax payable'],
  ['2221.04', '应交城市维护建设税', 'Urban construction tax payable'],
  ['2221.05', '应交教育费附加', 'Education surcharge payable'],
  ['2221.06', '应交地方教育附加', 'Local education surcharge payable'],
]

/** 企业会计准则 only: 其他收益 (government grants, VAT exemptions of small-scale taxpayers). */
const ENTERPRISE_ONLY: Row[] = [
  ['6117', '其他收益', 'Other income', 'credit'],
]

/** P&L accounts by role; the first digit differs between the two standards. */
const PROFIT_AND_LOSS: Array<readonly [small: string, enterprise: string, name: string, nameEn: string, side: NormalSide]> = [
  ['5001', '6001', '主营业务收入', 'Main business revenue', 'credit'],
  ['5051', '6051', '其他业务收入', 'Other business revenue', 'credit'],
  ['5111', '6111', '投资收益', 'Investment income', 'credit'],
  ['5301', '6301', '营业外收入', 'Non-operating income', 'credit'],
  ['5401', '6401', '主营业务成本', 'Cost of main business', 'debit'],
  ['5402', '6402', '其他业务成本', 'Other business cost', 'debit'],
  ['5403', '6403', '税金及附加', 'Taxes and surcharges', 'debit'],
  ['5601', '6601', '销售费用', 'Selling expenses', 'debit'],
  ['5601.01', '6601.01', '平台佣金', 'Platform commission', 'debit'],
  ['5601.02', '6601.02', '推广费', 'Promotion', 'debit'],
  ['5601.03', '6601.03', '运费', 'Shipping', 'debit'],
  ['5601.04', '6601.04', '其他平台费用', 'Other platform charges', 'debit'],
  ['5602', '6602', '管理费用', 'Administrative expenses', 'debit'],
  ['5603', '6603', '财务费用', 'Finance expenses', 'debit'],
  ['5603.01', '6603.01', '手续费', 'Payment fees', 'debit'],
  ['5603.02', '6603.02', '汇兑损益', 'Exchange gains and losses', 'debit'],
  ['5603.03', '6603.03', '利息', 'Interest', 'debit'],
  ['5711', '6711', '营业外支出', 'Non-operating expenses', 'debit'],
  ['5801', '6801', '所得税费用', 'Income tax expense', 'debit'],
]

function normalSideOf(code: string, side: NormalSide | undefined): NormalSide {
  if (side) return side
  const first = code[0]
  return first === '1' || first === '4' ? 'debit' : 'credit'
}

/** Builds a full chart from rows, marking leaves and parents. */
export function buildChart(rows: ReadonlyArray<Row>): Account[] {
  const codes = new Set(rows.map(([code]) => code))
  return rows
    .map(([code, name, nameEn, side]) => {
      const type = typeOfFirstDigit[code[0] ?? '']
      if (!type || !ACCOUNT_CODE_PATTERN.test(code)) throw new LedgerError('VALIDATION', `invalid account code ${code}`)
      const parent = parentOf(code)
      if (parent !== null && !codes.has(parent)) throw new LedgerError('VALIDATION', `account ${code} has no parent ${parent}`)
      const isLeaf = ![...codes].some((other) => other !== code && isWithin(other, code))
      return { code, name, nameEn, type, normalSide: normalSideOf(code, side), parent, isLeaf }
    })
    .sort((a, b) => compareCodes(a.code, b.code))
}

export function compareCodes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** The default chart for a new company. */
export function chartTemplate(template: ChartTemplate, taxpayer: TaxpayerType = 'general'): Account[] {
  const pickPl = template === 'small-enterprise' ? 0 : 1
  const profitAndLoss: Row[] = PROFIT_AND_LOSS.map((row) => [row[pickPl], row[2], row[3], row[4]] as const)
  return buildChart([...COMMON_BALANCE_SHEET, ...(taxpayer === 'general' ? VAT_GENERAL : VAT_SMALL_SCALE), ...profitAndLoss, ...(template === 'enterprise' ? ENTERPRISE_ONLY : [])])
}

/**
 * Role keys used by posting, mapped to codes per template. Companies may
 * override each mapping in their settings; these are the defaults.
 */
export const ACCOUNT_ROLES = [
  'bank', 'receivable', 'inventory', 'revenue', 'outputVat', 'cost', 'commission', 'promotion', 'shipping',
  'otherPlatformCharge', 'paymentFee', 'exchangeGainLoss', 'profitForYear', 'nonOperatingExpense', 'nonOperatingIncome',
  'wallet.alipay', 'wallet.wechat', 'wallet.jd', 'wallet.pdd', 'wallet.douyin', 'wallet.shopify', 'wallet.amazon', 'wallet.taobao', 'wallet.other',
] as const
export type AccountRole = (typeof ACCOUNT_ROLES)[number]

export function defaultAccountRoles(template: ChartTemplate, taxpayer: TaxpayerType = 'general'): Record<AccountRole, string> {
  const pl = (code: string) => (template === 'small-enterprise' ? code : `6${code.slice(1)}`)
  return {
    bank: '1002',
    receivable: '1122',
    inventory: '1405',
    revenue: pl('5001'),
    outputVat: taxpayer === 'general' ? '2221.01.02' : '2221.01',
    cost: pl('5401'),
    commission: pl('5601.01'),
    promotion: pl('5601.02'),
    shipping: pl('5601.03'),
    otherPlatformCharge: pl('5601.04'),
    paymentFee: pl('5603.01'),
    exchangeGainLoss: pl('5603.02'),
    profitForYear: '3103',
    nonOperatingExpense: pl('5711'),
    nonOperatingIncome: pl('5301'),
    'wallet.alipay': '1012.01',
    'wallet.taobao': '1012.01',
    'wallet.wechat': '1012.02',
    'wallet.jd': '1012.03',
    'wallet.pdd': '1012.04',
    'wallet.douyin': '1012.05',
    'wallet.shopify': '1012.06',
    'wallet.amazon': '1012.07',
    'wallet.other': '1012.99',
  }
}

/** True for accounts that 结转损益 closes into 本年利润 at period end. */
export function isProfitAndLoss(account: Pick<Account, 'type'>): boolean {
  return account.type === 'profitLoss'
}

/**
 * Accepts an exact code, or a prefix pattern ending in `*` (`5601*` = 5601 and
 * everything below it).
 */
export function matchesAccountPattern(code: string, pattern: string): boolean {
  if (pattern.endsWith('*')) {
    const stem = pattern.slice(0, -1).replace(/\.$/, '')
    return code.startsWith(stem)
  }
  return isWithin(code, pattern)
}
