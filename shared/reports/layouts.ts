import type { AccountType, ChartTemplate } from '../accounts.ts'

/**
 * Statement layouts as data: which accounts feed which line (行次) of the
 * 资产负债表, 利润表 and 现金流量表, for 小企业会计准则 (会小企01/02/03表) and
 * 企业会计准则 (一般企业财务报表格式). Pure: evaluated by shared/reports/statements.ts.
 *
 * Balance-sheet terms read closing balances per leaf account x store (明细):
 * `net` is the signed balance, `debit`/`credit` take only the detail balances
 * on that side, so a credit balance of 应收账款 is shown under 预收账款 on the
 * right-hand side (and 应付/预付 likewise), as the 准则 require.
 */
export type Side = 'debit' | 'credit'
export type LineStyle = 'heading' | 'item' | 'subtotal' | 'total'

export interface AccountTerm {
  /** codes; each includes its sub-accounts */
  readonly accounts: ReadonlyArray<string>
  /**
   * net (default): signed balance shown positive on the line's side; debit/credit: detail balances on that side only;
   * groupDebit: the net of all the term's accounts together, when it is a debit (e.g. 增值税留抵), else nothing
   */
  readonly part?: 'net' | 'debit' | 'credit' | 'groupDebit'
  readonly sign?: 1 | -1
}

export interface StatementLine {
  readonly key: string
  /** 行次 */
  readonly row?: number
  readonly name: string
  readonly nameEn: string
  readonly indent?: number
  readonly style?: LineStyle
  /** the side on which the line's amount is positive */
  readonly side?: Side
  readonly terms?: ReadonlyArray<AccountTerm>
  /** other lines' keys; `-key` subtracts */
  readonly sum?: ReadonlyArray<string>
  /** catch-all: every leaf of these types that no term of the layout names */
  readonly rest?: ReadonlyArray<AccountType>
}

export interface BalanceSheetLayout {
  readonly assets: ReadonlyArray<StatementLine>
  readonly claims: ReadonlyArray<StatementLine>
  readonly totalAssets: string
  readonly totalClaims: string
}

export interface IncomeStatementLayout {
  readonly lines: ReadonlyArray<StatementLine>
  readonly netProfit: string
}

/** Cash-flow categories a counter-account is classified into (direct method). */
export const CASH_FLOW_CATEGORIES = [
  'salesReceipts', 'taxRefunds', 'otherOperatingIn', 'purchases', 'payroll', 'taxes', 'otherOperatingOut',
  'investmentRecovered', 'investmentIncome', 'disposals', 'investmentPaid', 'capitalExpenditure',
  'borrowingsIn', 'capitalIn', 'borrowingsRepaid', 'interestPaid', 'profitDistributed',
] as const
export type CashFlowCategory = (typeof CASH_FLOW_CATEGORIES)[number]

/** Counter-account rule: cash received against `accounts` goes to `inflow`, cash paid to `outflow`. Longest match wins. */
export interface CashFlowRule {
  readonly accounts: ReadonlyArray<string>
  readonly inflow: CashFlowCategory
  readonly outflow: CashFlowCategory
}

export interface CashFlowLine extends StatementLine {
  /** inflow categories add, outflow categories subtract (a net line) */
  readonly inflows?: ReadonlyArray<CashFlowCategory>
  readonly outflows?: ReadonlyArray<CashFlowCategory>
  /** opening / closing cash balance */
  readonly cash?: 'opening' | 'closing'
}

export interface CashFlowLayout {
  readonly cashAccounts: ReadonlyArray<string>
  readonly rules: ReadonlyArray<CashFlowRule>
  readonly fallback: CashFlowRule
  readonly lines: ReadonlyArray<CashFlowLine>
  readonly netIncrease: string
  readonly opening: string
  readonly closing: string
}

export interface StatementLayouts {
  readonly template: ChartTemplate
  readonly standard: string
  readonly balanceSheet: BalanceSheetLayout
  readonly incomeStatement: IncomeStatementLayout
  readonly cashFlow: CashFlowLayout
  readonly formCodes: { readonly balanceSheet: string; readonly incomeStatement: string; readonly cashFlow: string }
}

const t = (accounts: string | ReadonlyArray<string>, part: AccountTerm['part'] = 'net', sign: 1 | -1 = 1): AccountTerm => ({ accounts: typeof accounts === 'string' ? [accounts] : accounts, part, sign })

/* 1. 小企业会计准则: 会小企01表 资产负债表 */

const SMALL_INVENTORY = ['1401', '1402', '1403', '1404', '1405', '1406', '1407', '1408', '1411', '1421', '4001', '4101', '4401', '4403']

const SMALL_ASSETS: StatementLine[] = [
  { key: 'currentAssets', name: '流动资产：', nameEn: 'Current assets', style: 'heading' },
  { key: 'monetaryFunds', row: 1, name: '货币资金', nameEn: 'Cash and cash equivalents', side: 'debit', terms: [t(['1001', '1002', '1012'])] },
  { key: 'shortTermInvestments', row: 2, name: '短期投资', nameEn: 'Short-term investments', side: 'debit', terms: [t('1101')] },
  { key: 'notesReceivable', row: 3, name: '应收票据', nameEn: 'Notes receivable', side: 'debit', terms: [t('1121')] },
  { key: 'accountsReceivable', row: 4, name: '应收账款', nameEn: 'Accounts receivable', side: 'debit', terms: [t(['1122', '2203'], 'debit')] },
  { key: 'prepayments', row: 5, name: '预付账款', nameEn: 'Prepayments', side: 'debit', terms: [t(['1123', '2202'], 'debit')] },
  { key: 'dividendsReceivable', row: 6, name: '应收股利', nameEn: 'Dividends receivable', side: 'debit', terms: [t('1131')] },
  { key: 'interestReceivable', row: 7, name: '应收利息', nameEn: 'Interest receivable', side: 'debit', terms: [t('1132')] },
  { key: 'otherReceivables', row: 8, name: '其他应收款', nameEn: 'Other receivables', side: 'debit', terms: [t('1221')] },
  { key: 'inventories', row: 9, name: '存货', nameEn: 'Inventories', side: 'debit', terms: [t(SMALL_INVENTORY)], rest: ['cost'] },
  { key: 'rawMaterials', row: 10, name: '其中：原材料', nameEn: 'of which: raw materials', indent: 1, side: 'debit', terms: [t(['1401', '1402', '1403', '1404'])] },
  { key: 'workInProgress', row: 11, name: '在产品', nameEn: 'work in progress', indent: 2, side: 'debit', terms: [t(['4001', '4101'])] },
  { key: 'finishedGoods', row: 12, name: '库存商品', nameEn: 'goods', indent: 2, side: 'debit', terms: [t(['1405', '1406', '1407'])] },
  { key: 'turnoverMaterials', row: 13, name: '周转材料', nameEn: 'turnover materials', indent: 2, side: 'debit', terms: [t('1411')] },
  { key: 'otherCurrentAssets', row: 14, name: '其他流动资产', nameEn: 'Other current assets', side: 'debit', rest: ['asset'] },
  { key: 'totalCurrentAssets', row: 15, name: '流动资产合计', nameEn: 'Total current assets', style: 'subtotal', sum: ['monetaryFunds', 'shortTermInvestments', 'notesReceivable', 'accountsReceivable', 'prepayments', 'dividendsReceivable', 'interestReceivable', 'otherReceivables', 'inventories', 'otherCurrentAssets'] },
  { key: 'nonCurrentAssets', name: '非流动资产：', nameEn: 'Non-current assets', style: 'heading' },
  { key: 'longTermBonds', row: 16, name: '长期债券投资', nameEn: 'Long-term bond investments', side: 'debit', terms: [t('1501')] },
  { key: 'longTermEquity', row: 17, name: '长期股权投资', nameEn: 'Long-term equity investments', side: 'debit', terms: [t('1511')] },
  { key: 'fixedAssetsCost', row: 18, name: '固定资产原价', nameEn: 'Fixed assets at cost', side: 'debit', terms: [t('1601')] },
  { key: 'accumulatedDepreciation', row: 19, name: '减：累计折旧', nameEn: 'Less: accumulated depreciation', side: 'credit', terms: [t('1602')] },
  { key: 'fixedAssetsNet', row: 20, name: '固定资产账面价值', nameEn: 'Fixed assets, carrying amount', sum: ['fixedAssetsCost', '-accumulatedDepreciation'] },
  { key: 'constructionInProgress', row: 21, name: '在建工程', nameEn: 'Construction in progress', side: 'debit', terms: [t('1604')] },
  { key: 'constructionMaterials', row: 22, name: '工程物资', nameEn: 'Construction materials', side: 'debit', terms: [t('1605')] },
  { key: 'fixedAssetsDisposal', row: 23, name: '固定资产清理', nameEn: 'Fixed assets in disposal', side: 'debit', terms: [t('1606')] },
  { key: 'biologicalAssets', row: 24, name: '生产性生物资产', nameEn: 'Productive biological assets', side: 'debit', terms: [t(['1621', '1622'])] },
  { key: 'intangibleAssets', row: 25, name: '无形资产', nameEn: 'Intangible assets', side: 'debit', terms: [t(['1701', '1702'])] },
  { key: 'developmentCosts', row: 26, name: '开发支出', nameEn: 'Development costs', side: 'debit', terms: [t('4301')] },
  { key: 'longTermPrepaid', row: 27, name: '长期待摊费用', nameEn: 'Long-term prepaid expenses', side: 'debit', terms: [t('1801')] },
  { key: 'otherNonCurrentAssets', row: 28, name: '其他非流动资产', nameEn: 'Other non-current assets', side: 'debit', terms: [t('1901')] },
  { key: 'totalNonCurrentAssets', row: 29, name: '非流动资产合计', nameEn: 'Total non-current assets', style: 'subtotal', sum: ['longTermBonds', 'longTermEquity', 'fixedAssetsNet', 'constructionInProgress', 'constructionMaterials', 'fixedAssetsDisposal', 'biologicalAssets', 'intangibleAssets', 'developmentCosts', 'longTermPrepaid', 'otherNonCurrentAssets'] },
  { key: 'totalAssets', row: 30, name: '资产总计', nameEn: 'Total assets', style: 'total', sum: ['totalCurrentAssets', 'totalNonCurrentAssets'] },
]

const SMALL_CLAIMS: StatementLine[] = [
  { key: 'currentLiabilities', name: '流动负债：', nameEn: 'Current liabilities', style: 'heading' },
  { key: 'shortTermLoans', row: 31, name: '短期借款', nameEn: 'Short-term loans', side: 'credit', terms: [t('2001')] },
  { key: 'notesPayable', row: 32, name: '应付票据', nameEn: 'Notes payable', side: 'credit', terms: [t('2201')] },
  { key: 'accountsPayable', row: 33, name: '应付账款', nameEn: 'Accounts payable', side: 'credit', terms: [t(['2202', '1123'], 'credit')] },
  { key: 'advancesFromCustomers', row: 34, name: '预收账款', nameEn: 'Advances from customers', side: 'credit', terms: [t(['2203', '1122'], 'credit')] },
  { key: 'payrollPayable', row: 35, name: '应付职工薪酬', nameEn: 'Payroll payable', side: 'credit', terms: [t('2211')] },
  { key: 'taxesPayable', row: 36, name: '应交税费', nameEn: 'Taxes payable', side: 'credit', terms: [t('2221')] },
  { key: 'interestPayable', row: 37, name: '应付利息', nameEn: 'Interest payable', side: 'credit', terms: [t('2231')] },
  { key: 'profitPayable', row: 38, name: '应付利润', nameEn: 'Profit payable', side: 'credit', terms: [t('2232')] },
  { key: 'otherPayables', row: 39, name: '其他应付款', nameEn: 'Other payables', side: 'credit', terms: [t('2241')] },
  { key: 'otherCurrentLiabilities', row: 40, name: '其他流动负债', nameEn: 'Other current liabilities', side: 'credit', rest: ['liability'] },
  { key: 'totalCurrentLiabilities', row: 41, name: '流动负债合计', nameEn: 'Total current liabilities', style: 'subtotal', sum: ['shortTermLoans', 'notesPayable', 'accountsPayable', 'advancesFromCustomers', 'payrollPayable', 'taxesPayable', 'interestPayable', 'profitPayable', 'otherPayables', 'otherCurrentLiabilities'] },
  { key: 'nonCurrentLiabilities', name: '非流动负债：', nameEn: 'Non-current liabilities', style: 'heading' },
  { key: 'longTermLoans', row: 42, name: '长期借款', nameEn: 'Long-term loans', side: 'credit', terms: [t('2501')] },
  { key: 'longTermPayables', row: 43, name: '长期应付款', nameEn: 'Long-term payables', side: 'credit', terms: [t('2701')] },
  { key: 'deferredIncome', row: 44, name: '递延收益', nameEn: 'Deferred income', side: 'credit', terms: [t('2401')] },
  { key: 'otherNonCurrentLiabilities', row: 45, name: '其他非流动负债', nameEn: 'Other non-current liabilities', side: 'credit', terms: [t('2901')] },
  { key: 'totalNonCurrentLiabilities', row: 46, name: '非流动负债合计', nameEn: 'Total non-current liabilities', style: 'subtotal', sum: ['longTermLoans', 'longTermPayables', 'deferredIncome', 'otherNonCurrentLiabilities'] },
  { key: 'totalLiabilities', row: 47, name: '负债合计', nameEn: 'Total liabilities', style: 'subtotal', sum: ['totalCurrentLiabilities', 'totalNonCurrentLiabilities'] },
  { key: 'equity', name: '所有者权益（或股东权益）：', nameEn: "Owners' equity", style: 'heading' },
  { key: 'paidInCapital', row: 48, name: '实收资本（或股本）', nameEn: 'Paid-in capital', side: 'credit', terms: [t('3001')] },
  { key: 'capitalReserve', row: 49, name: '资本公积', nameEn: 'Capital reserve', side: 'credit', terms: [t('3002')] },
  { key: 'surplusReserve', row: 50, name: '盈余公积', nameEn: 'Surplus reserve', side: 'credit', terms: [t('3101')] },
  // 本年利润 + 利润分配, plus P&L not yet closed into 本年利润 (before 结转损益 it still sits in 5xxx)
  { key: 'undistributedProfit', row: 51, name: '未分配利润', nameEn: 'Undistributed profit', side: 'credit', terms: [t(['3103', '3104'])], rest: ['equity', 'profitLoss'] },
  { key: 'totalEquity', row: 52, name: '所有者权益（或股东权益）合计', nameEn: "Total owners' equity", style: 'subtotal', sum: ['paidInCapital', 'capitalReserve', 'surplusReserve', 'undistributedProfit'] },
  { key: 'totalLiabilitiesAndEquity', row: 53, name: '负债和所有者权益（或股东权益）总计', nameEn: "Total liabilities and owners' equity", style: 'total', sum: ['totalLiabilities', 'totalEquity'] },
]

/* 2. 小企业会计准则: 会小企02表 利润表 (P&L movements, 结转损益 excluded) */

function smallIncomeLines(pl: (code: string) => string): StatementLine[] {
  const credit = (code: string | string[]) => [t((Array.isArray(code) ? code : [code]).map(pl))]
  return [
    { key: 'revenue', row: 1, name: '一、营业收入', nameEn: 'Operating revenue', side: 'credit', terms: credit(['5001', '5051']) },
    { key: 'costOfSales', row: 2, name: '减：营业成本', nameEn: 'Less: cost of sales', side: 'debit', terms: credit(['5401', '5402']) },
    { key: 'taxesAndSurcharges', row: 3, name: '税金及附加', nameEn: 'Taxes and surcharges', indent: 1, side: 'debit', terms: credit('5403') },
    { key: 'consumptionTax', row: 4, name: '其中：消费税', nameEn: 'of which: consumption tax', indent: 2, side: 'debit' },
    { key: 'businessTax', row: 5, name: '营业税', nameEn: 'business tax', indent: 3, side: 'debit' },
    { key: 'urbanConstructionTax', row: 6, name: '城市维护建设税', nameEn: 'urban construction tax', indent: 3, side: 'debit' },
    { key: 'resourceTax', row: 7, name: '资源税', nameEn: 'resource tax', indent: 3, side: 'debit' },
    { key: 'landValueTax', row: 8, name: '土地增值税', nameEn: 'land appreciation tax', indent: 3, side: 'debit' },
    { key: 'propertyTaxes', row: 9, name: '城镇土地使用税、房产税、车船税、印花税', nameEn: 'land use, property, vehicle and stamp taxes', indent: 3, side: 'debit' },
    { key: 'educationSurcharge', row: 10, name: '教育费附加、矿产资源补偿费、排污费', nameEn: 'education surcharge, mineral and pollution fees', indent: 3, side: 'debit' },
    { key: 'sellingExpenses', row: 11, name: '销售费用', nameEn: 'Selling expenses', indent: 1, side: 'debit', terms: credit('5601') },
    { key: 'repairCosts', row: 12, name: '其中：商品维修费', nameEn: 'of which: product repairs', indent: 2, side: 'debit' },
    { key: 'advertising', row: 13, name: '广告费和业务宣传费', nameEn: 'advertising and promotion', indent: 3, side: 'debit', terms: credit('5601.02') },
    { key: 'administrativeExpenses', row: 14, name: '管理费用', nameEn: 'Administrative expenses', indent: 1, side: 'debit', terms: credit('5602') },
    { key: 'startUpCosts', row: 15, name: '其中：开办费', nameEn: 'of which: start-up costs', indent: 2, side: 'debit' },
    { key: 'entertainment', row: 16, name: '业务招待费', nameEn: 'business entertainment', indent: 3, side: 'debit' },
    { key: 'research', row: 17, name: '研究费用', nameEn: 'research', indent: 3, side: 'debit' },
    { key: 'financeExpenses', row: 18, name: '财务费用', nameEn: 'Finance expenses', indent: 1, side: 'debit', terms: credit('5603') },
    { key: 'interestExpense', row: 19, name: '其中：利息费用（收入以"-"号填列）', nameEn: 'of which: interest (income negative)', indent: 2, side: 'debit', terms: credit('5603.03') },
    { key: 'investmentIncome', row: 20, name: '加：投资收益（损失以"-"号填列）', nameEn: 'Add: investment income', side: 'credit', terms: credit('5111') },
    { key: 'operatingProfit', row: 21, name: '二、营业利润（亏损以"-"号填列）', nameEn: 'Operating profit', style: 'subtotal', sum: ['revenue', '-costOfSales', '-taxesAndSurcharges', '-sellingExpenses', '-administrativeExpenses', '-financeExpenses', 'investmentIncome'] },
    { key: 'nonOperatingIncome', row: 22, name: '加：营业外收入', nameEn: 'Add: non-operating income', side: 'credit', terms: credit('5301') },
    { key: 'governmentGrants', row: 23, name: '其中：政府补助', nameEn: 'of which: government grants', indent: 2, side: 'credit' },
    { key: 'nonOperatingExpenses', row: 24, name: '减：营业外支出', nameEn: 'Less: non-operating expenses', side: 'debit', terms: credit('5711') },
    { key: 'badDebtLosses', row: 25, name: '其中：坏账损失', nameEn: 'of which: bad debts', indent: 2, side: 'debit' },
    { key: 'bondLosses', row: 26, name: '无法收回的长期债券投资损失', nameEn: 'unrecoverable bond investments', indent: 3, side: 'debit' },
    { key: 'equityLosses', row: 27, name: '无法收回的长期股权投资损失', nameEn: 'unrecoverable equity investments', indent: 3, side: 'debit' },
    { key: 'forceMajeureLosses', row: 28, name: '自然灾害等不可抗力因素造成的损失', nameEn: 'force majeure losses', indent: 3, side: 'debit' },
    { key: 'taxLatePayment', row: 29, name: '税收滞纳金', nameEn: 'tax late-payment charges', indent: 3, side: 'debit' },
    { key: 'totalProfit', row: 30, name: '三、利润总额（亏损总额以"-"号填列）', nameEn: 'Total profit', style: 'subtotal', sum: ['operatingProfit', 'nonOperatingIncome', '-nonOperatingExpenses'] },
    { key: 'incomeTax', row: 31, name: '减：所得税费用', nameEn: 'Less: income tax expense', side: 'debit', terms: credit('5801') },
    { key: 'netProfit', row: 32, name: '四、净利润（净亏损以"-"号填列）', nameEn: 'Net profit', style: 'total', sum: ['totalProfit', '-incomeTax'] },
  ]
}

/* 3. 现金流量表 (direct method): counter-account classification, shared by both standards */

function cashFlowRules(pl: (code: string) => string): CashFlowRule[] {
  const rule = (accounts: string[], inflow: CashFlowCategory, outflow: CashFlowCategory = inflow): CashFlowRule => ({ accounts, inflow, outflow })
  return [
    // sales: receipts from customers and platforms; refunds reduce the same line
    rule(['1121', '1122', '2203', pl('5001'), pl('5051'), '2221.01.02', '2221.01'], 'salesReceipts'),
    rule(['1401', '1402', '1403', '1404', '1405', '1406', '1408', '1411', '1123', '2201', '2202', '2221.01.01', pl('5401'), pl('5402')], 'purchases'),
    rule(['2211'], 'payroll'),
    rule(['2221', pl('5403'), pl('5801')], 'taxes'),
    rule(['1101', '1501', '1511'], 'investmentRecovered', 'investmentPaid'),
    rule([pl('5111'), '1131', '1132'], 'investmentIncome'),
    rule(['1601', '1604', '1605', '1606', '1621', '1701', '1801', '4301'], 'disposals', 'capitalExpenditure'),
    rule(['2001', '2501'], 'borrowingsIn', 'borrowingsRepaid'),
    rule(['2231', pl('5603.03')], 'otherOperatingIn', 'interestPaid'),
    rule(['3001', '3002'], 'capitalIn', 'profitDistributed'),
    rule(['2232', '3104'], 'profitDistributed'),
  ]
}

const FALLBACK: CashFlowRule = { accounts: [], inflow: 'otherOperatingIn', outflow: 'otherOperatingOut' }

const SMALL_CASH_FLOW_LINES: CashFlowLine[] = [
  { key: 'operating', name: '一、经营活动产生的现金流量：', nameEn: 'Cash flows from operating activities', style: 'heading' },
  { key: 'salesReceipts', row: 1, name: '销售产成品、商品、提供劳务收到的现金', nameEn: 'Cash received from sales of goods and services', indent: 1, inflows: ['salesReceipts'] },
  { key: 'otherOperatingIn', row: 2, name: '收到其他与经营活动有关的现金', nameEn: 'Other cash received from operating activities', indent: 1, inflows: ['otherOperatingIn', 'taxRefunds'] },
  { key: 'purchases', row: 3, name: '购买原材料、商品、接受劳务支付的现金', nameEn: 'Cash paid for goods and services', indent: 1, outflows: ['purchases'] },
  { key: 'payroll', row: 4, name: '支付的职工薪酬', nameEn: 'Cash paid to employees', indent: 1, outflows: ['payroll'] },
  { key: 'taxes', row: 5, name: '支付的税费', nameEn: 'Taxes paid', indent: 1, outflows: ['taxes'] },
  { key: 'otherOperatingOut', row: 6, name: '支付其他与经营活动有关的现金', nameEn: 'Other cash paid for operating activities', indent: 1, outflows: ['otherOperatingOut'] },
  { key: 'netOperating', row: 7, name: '经营活动产生的现金流量净额', nameEn: 'Net cash from operating activities', style: 'subtotal', sum: ['salesReceipts', 'otherOperatingIn', '-purchases', '-payroll', '-taxes', '-otherOperatingOut'] },
  { key: 'investing', name: '二、投资活动产生的现金流量：', nameEn: 'Cash flows from investing activities', style: 'heading' },
  { key: 'investmentRecovered', row: 8, name: '收回短期投资、长期债券投资和长期股权投资收到的现金', nameEn: 'Cash received from recovery of investments', indent: 1, inflows: ['investmentRecovered'] },
  { key: 'investmentIncome', row: 9, name: '取得投资收益收到的现金', nameEn: 'Cash received from investment income', indent: 1, inflows: ['investmentIncome'] },
  { key: 'disposals', row: 10, name: '处置固定资产、无形资产和其他非流动资产收回的现金净额', nameEn: 'Net cash from disposal of long-term assets', indent: 1, inflows: ['disposals'] },
  { key: 'investmentPaid', row: 11, name: '短期投资、长期债券投资和长期股权投资支付的现金', nameEn: 'Cash paid for investments', indent: 1, outflows: ['investmentPaid'] },
  { key: 'capitalExpenditure', row: 12, name: '购建固定资产、无形资产和其他非流动资产支付的现金', nameEn: 'Cash paid for long-term assets', indent: 1, outflows: ['capitalExpenditure'] },
  { key: 'netInvesting', row: 13, name: '投资活动产生的现金流量净额', nameEn: 'Net cash from investing activities', style: 'subtotal', sum: ['investmentRecovered', 'investmentIncome', 'disposals', '-investmentPaid', '-capitalExpenditure'] },
  { key: 'financing', name: '三、筹资活动产生的现金流量：', nameEn: 'Cash flows from financing activities', style: 'heading' },
  { key: 'borrowingsIn', row: 14, name: '取得借款收到的现金', nameEn: 'Cash received from borrowings', indent: 1, inflows: ['borrowingsIn'] },
  { key: 'capitalIn', row: 15, name: '吸收投资者投资收到的现金', nameEn: 'Cash received from investors', indent: 1, inflows: ['capitalIn'] },
  { key: 'borrowingsRepaid', row: 16, name: '偿还借款本金支付的现金', nameEn: 'Cash repaid on borrowings', indent: 1, outflows: ['borrowingsRepaid'] },
  { key: 'interestPaid', row: 17, name: '偿还借款利息支付的现金', nameEn: 'Interest paid', indent: 1, outflows: ['interestPaid'] },
  { key: 'profitDistributed', row: 18, name: '分配利润支付的现金', nameEn: 'Profit distributed', indent: 1, outflows: ['profitDistributed'] },
  { key: 'netFinancing', row: 19, name: '筹资活动产生的现金流量净额', nameEn: 'Net cash from financing activities', style: 'subtotal', sum: ['borrowingsIn', 'capitalIn', '-borrowingsRepaid', '-interestPaid', '-profitDistributed'] },
  { key: 'netIncrease', row: 20, name: '四、现金净增加额', nameEn: 'Net increase in cash', style: 'subtotal', sum: ['netOperating', 'netInvesting', 'netFinancing'] },
  { key: 'openingCash', row: 21, name: '加：期初现金余额', nameEn: 'Add: cash at beginning of period', cash: 'opening' },
  { key: 'closingCash', row: 22, name: '五、期末现金余额', nameEn: 'Cash at end of period', style: 'total', sum: ['netIncrease', 'openingCash'] },
]

/* 4. 企业会计准则 (一般企业财务报表格式, 财会〔2019〕6号) */

/** 应交增值税: its net debit balance is 留抵 (input VAT carried forward) */
const VAT_CREDIT_CARRIED = ['2221.01']

// the shipped 企业会计准则 template keeps 3xxx equity and 4xxx cost accounts like the small-enterprise one
const ENTERPRISE_INVENTORY = ['1401', '1402', '1403', '1404', '1405', '1406', '1407', '1408', '1411', '1471', '4001', '4101']

const ENTERPRISE_ASSETS: StatementLine[] = [
  { key: 'currentAssets', name: '流动资产：', nameEn: 'Current assets', style: 'heading' },
  { key: 'monetaryFunds', name: '货币资金', nameEn: 'Cash and cash equivalents', side: 'debit', terms: [t(['1001', '1002', '1012'])] },
  { key: 'tradingFinancialAssets', name: '交易性金融资产', nameEn: 'Financial assets held for trading', side: 'debit', terms: [t('1101')] },
  { key: 'notesReceivable', name: '应收票据', nameEn: 'Notes receivable', side: 'debit', terms: [t('1121')] },
  { key: 'accountsReceivable', name: '应收账款', nameEn: 'Accounts receivable', side: 'debit', terms: [t(['1122', '2203'], 'debit'), t('1231', 'net', -1)] },
  { key: 'prepayments', name: '预付款项', nameEn: 'Prepayments', side: 'debit', terms: [t(['1123', '2202'], 'debit')] },
  { key: 'otherReceivables', name: '其他应收款', nameEn: 'Other receivables', side: 'debit', terms: [t(['1221', '1131', '1132'])] },
  { key: 'inventories', name: '存货', nameEn: 'Inventories', side: 'debit', terms: [t(ENTERPRISE_INVENTORY)], rest: ['cost'] },
  // 财会〔2016〕22号: a debit balance of 应交增值税 (留抵) is shown under 其他流动资产, not as a negative 应交税费
  { key: 'otherCurrentAssets', name: '其他流动资产', nameEn: 'Other current assets', side: 'debit', terms: [t(VAT_CREDIT_CARRIED, 'groupDebit')], rest: ['asset'] },
  { key: 'totalCurrentAssets', name: '流动资产合计', nameEn: 'Total current assets', style: 'subtotal', sum: ['monetaryFunds', 'tradingFinancialAssets', 'notesReceivable', 'accountsReceivable', 'prepayments', 'otherReceivables', 'inventories', 'otherCurrentAssets'] },
  { key: 'nonCurrentAssets', name: '非流动资产：', nameEn: 'Non-current assets', style: 'heading' },
  { key: 'debtInvestments', name: '债权投资', nameEn: 'Debt investments', side: 'debit', terms: [t('1501')] },
  { key: 'longTermEquity', name: '长期股权投资', nameEn: 'Long-term equity investments', side: 'debit', terms: [t('1511')] },
  { key: 'fixedAssets', name: '固定资产', nameEn: 'Fixed assets', side: 'debit', terms: [t(['1601', '1602', '1603', '1606'])] },
  { key: 'constructionInProgress', name: '在建工程', nameEn: 'Construction in progress', side: 'debit', terms: [t(['1604', '1605'])] },
  { key: 'intangibleAssets', name: '无形资产', nameEn: 'Intangible assets', side: 'debit', terms: [t(['1701', '1702', '1703'])] },
  { key: 'developmentCosts', name: '开发支出', nameEn: 'Development costs', side: 'debit', terms: [t('4301')] },
  { key: 'longTermPrepaid', name: '长期待摊费用', nameEn: 'Long-term prepaid expenses', side: 'debit', terms: [t('1801')] },
  { key: 'deferredTaxAssets', name: '递延所得税资产', nameEn: 'Deferred tax assets', side: 'debit', terms: [t('1811')] },
  { key: 'otherNonCurrentAssets', name: '其他非流动资产', nameEn: 'Other non-current assets', side: 'debit', terms: [t('1901')] },
  { key: 'totalNonCurrentAssets', name: '非流动资产合计', nameEn: 'Total non-current assets', style: 'subtotal', sum: ['debtInvestments', 'longTermEquity', 'fixedAssets', 'constructionInProgress', 'intangibleAssets', 'developmentCosts', 'longTermPrepaid', 'deferredTaxAssets', 'otherNonCurrentAssets'] },
  { key: 'totalAssets', name: '资产总计', nameEn: 'Total assets', style: 'total', sum: ['totalCurrentAssets', 'totalNonCurrentAssets'] },
]

const ENTERPRISE_CLAIMS: StatementLine[] = [
  { key: 'currentLiabilities', name: '流动负债：', nameEn: 'Current liabilities', style: 'heading' },
  { key: 'shortTermLoans', name: '短期借款', nameEn: 'Short-term loans', side: 'credit', terms: [t('2001')] },
  { key: 'notesPayable', name: '应付票据', nameEn: 'Notes payable', side: 'credit', terms: [t('2201')] },
  { key: 'accountsPayable', name: '应付账款', nameEn: 'Accounts payable', side: 'credit', terms: [t(['2202', '1123'], 'credit')] },
  { key: 'advancesFromCustomers', name: '预收款项', nameEn: 'Advances from customers', side: 'credit', terms: [t(['2203', '1122'], 'credit')] },
  { key: 'payrollPayable', name: '应付职工薪酬', nameEn: 'Payroll payable', side: 'credit', terms: [t('2211')] },
  { key: 'taxesPayable', name: '应交税费', nameEn: 'Taxes payable', side: 'credit', terms: [t('2221'), t(VAT_CREDIT_CARRIED, 'groupDebit')] },
  { key: 'otherPayables', name: '其他应付款', nameEn: 'Other payables', side: 'credit', terms: [t(['2241', '2231', '2232'])] },
  { key: 'otherCurrentLiabilities', name: '其他流动负债', nameEn: 'Other current liabilities', side: 'credit', rest: ['liability'] },
  { key: 'totalCurrentLiabilities', name: '流动负债合计', nameEn: 'Total current liabilities', style: 'subtotal', sum: ['shortTermLoans', 'notesPayable', 'accountsPayable', 'advancesFromCustomers', 'payrollPayable', 'taxesPayable', 'otherPayables', 'otherCurrentLiabilities'] },
  { key: 'nonCurrentLiabilities', name: '非流动负债：', nameEn: 'Non-current liabilities', style: 'heading' },
  { key: 'longTermLoans', name: '长期借款', nameEn: 'Long-term loans', side: 'credit', terms: [t('2501')] },
  { key: 'bondsPayable', name: '应付债券', nameEn: 'Bonds payable', side: 'credit', terms: [t('2502')] },
  { key: 'longTermPayables', name: '长期应付款', nameEn: 'Long-term payables', side: 'credit', terms: [t('2701')] },
  { key: 'deferredIncome', name: '递延收益', nameEn: 'Deferred income', side: 'credit', terms: [t('2401')] },
  { key: 'deferredTaxLiabilities', name: '递延所得税负债', nameEn: 'Deferred tax liabilities', side: 'credit', terms: [t('2901')] },
  { key: 'totalNonCurrentLiabilities', name: '非流动负债合计', nameEn: 'Total non-current liabilities', style: 'subtotal', sum: ['longTermLoans', 'bondsPayable', 'longTermPayables', 'deferredIncome', 'deferredTaxLiabilities'] },
  { key: 'totalLiabilities', name: '负债合计', nameEn: 'Total liabilities', style: 'subtotal', sum: ['totalCurrentLiabilities', 'totalNonCurrentLiabilities'] },
  { key: 'equity', name: '所有者权益（或股东权益）：', nameEn: "Owners' equity", style: 'heading' },
  { key: 'paidInCapital', name: '实收资本（或股本）', nameEn: 'Paid-in capital', side: 'credit', terms: [t('3001')] },
  { key: 'capitalReserve', name: '资本公积', nameEn: 'Capital reserve', side: 'credit', terms: [t('3002')] },
  { key: 'surplusReserve', name: '盈余公积', nameEn: 'Surplus reserve', side: 'credit', terms: [t('3101')] },
  { key: 'undistributedProfit', name: '未分配利润', nameEn: 'Undistributed profit', side: 'credit', terms: [t(['3103', '3104'])], rest: ['equity', 'profitLoss'] },
  { key: 'totalEquity', name: '所有者权益（或股东权益）合计', nameEn: "Total owners' equity", style: 'subtotal', sum: ['paidInCapital', 'capitalReserve', 'surplusReserve', 'undistributedProfit'] },
  { key: 'totalLiabilitiesAndEquity', name: '负债和所有者权益（或股东权益）总计', nameEn: "Total liabilities and owners' equity", style: 'total', sum: ['totalLiabilities', 'totalEquity'] },
]

function enterpriseIncomeLines(pl: (code: string) => string): StatementLine[] {
  const terms = (code: string | string[]) => [t((Array.isArray(code) ? code : [code]).map(pl))]
  return [
    { key: 'revenue', name: '一、营业收入', nameEn: 'Operating revenue', side: 'credit', terms: terms(['5001', '5051']) },
    { key: 'costOfSales', name: '减：营业成本', nameEn: 'Less: cost of sales', side: 'debit', terms: terms(['5401', '5402']) },
    { key: 'taxesAndSurcharges', name: '税金及附加', nameEn: 'Taxes and surcharges', indent: 1, side: 'debit', terms: terms('5403') },
    { key: 'sellingExpenses', name: '销售费用', nameEn: 'Selling expenses', indent: 1, side: 'debit', terms: terms('5601') },
    { key: 'administrativeExpenses', name: '管理费用', nameEn: 'Administrative expenses', indent: 1, side: 'debit', terms: terms('5602') },
    { key: 'researchExpenses', name: '研发费用', nameEn: 'Research and development', indent: 1, side: 'debit' },
    { key: 'financeExpenses', name: '财务费用', nameEn: 'Finance expenses', indent: 1, side: 'debit', terms: terms('5603') },
    { key: 'interestExpense', name: '其中：利息费用', nameEn: 'of which: interest expense', indent: 2, side: 'debit', terms: terms('5603.03') },
    { key: 'otherGains', name: '加：其他收益', nameEn: 'Add: other gains', side: 'credit', terms: [t('6117')] },
    { key: 'investmentIncome', name: '投资收益（损失以"-"号填列）', nameEn: 'Investment income', indent: 1, side: 'credit', terms: terms('5111') },
    { key: 'fairValueChanges', name: '公允价值变动收益（损失以"-"号填列）', nameEn: 'Fair value gains', indent: 1, side: 'credit', terms: [t('6101')] },
    { key: 'creditImpairment', name: '信用减值损失（损失以"-"号填列）', nameEn: 'Credit impairment losses', indent: 1, side: 'credit', terms: [t('6702')] },
    { key: 'assetImpairment', name: '资产减值损失（损失以"-"号填列）', nameEn: 'Asset impairment losses', indent: 1, side: 'credit', terms: [t('6701')] },
    { key: 'disposalGains', name: '资产处置收益（损失以"-"号填列）', nameEn: 'Gains on disposal of assets', indent: 1, side: 'credit', terms: [t('6115')] },
    { key: 'operatingProfit', name: '二、营业利润（亏损以"-"号填列）', nameEn: 'Operating profit', style: 'subtotal', sum: ['revenue', '-costOfSales', '-taxesAndSurcharges', '-sellingExpenses', '-administrativeExpenses', '-researchExpenses', '-financeExpenses', 'otherGains', 'investmentIncome', 'fairValueChanges', 'creditImpairment', 'assetImpairment', 'disposalGains'] },
    { key: 'nonOperatingIncome', name: '加：营业外收入', nameEn: 'Add: non-operating income', side: 'credit', terms: terms('5301') },
    { key: 'nonOperatingExpenses', name: '减：营业外支出', nameEn: 'Less: non-operating expenses', side: 'debit', terms: terms('5711') },
    { key: 'totalProfit', name: '三、利润总额（亏损总额以"-"号填列）', nameEn: 'Total profit', style: 'subtotal', sum: ['operatingProfit', 'nonOperatingIncome', '-nonOperatingExpenses'] },
    { key: 'incomeTax', name: '减：所得税费用', nameEn: 'Less: income tax expense', side: 'debit', terms: terms('5801') },
    { key: 'netProfit', name: '四、净利润（净亏损以"-"号填列）', nameEn: 'Net profit', style: 'total', sum: ['totalProfit', '-incomeTax'] },
  ]
}

const ENTERPRISE_CASH_FLOW_LINES: CashFlowLine[] = [
  { key: 'operating', name: '一、经营活动产生的现金流量：', nameEn: 'Cash flows from operating activities', style: 'heading' },
  { key: 'salesReceipts', name: '销售商品、提供劳务收到的现金', nameEn: 'Cash received from sales of goods and services', indent: 1, inflows: ['salesReceipts'] },
  { key: 'taxRefunds', name: '收到的税费返还', nameEn: 'Tax refunds received', indent: 1, inflows: ['taxRefunds'] },
  { key: 'otherOperatingIn', name: '收到其他与经营活动有关的现金', nameEn: 'Other cash received from operating activities', indent: 1, inflows: ['otherOperatingIn'] },
  { key: 'operatingInflows', name: '经营活动现金流入小计', nameEn: 'Operating cash inflows', style: 'subtotal', sum: ['salesReceipts', 'taxRefunds', 'otherOperatingIn'] },
  { key: 'purchases', name: '购买商品、接受劳务支付的现金', nameEn: 'Cash paid for goods and services', indent: 1, outflows: ['purchases'] },
  { key: 'payroll', name: '支付给职工以及为职工支付的现金', nameEn: 'Cash paid to and for employees', indent: 1, outflows: ['payroll'] },
  { key: 'taxes', name: '支付的各项税费', nameEn: 'Taxes paid', indent: 1, outflows: ['taxes'] },
  { key: 'otherOperatingOut', name: '支付其他与经营活动有关的现金', nameEn: 'Other cash paid for operating activities', indent: 1, outflows: ['otherOperatingOut'] },
  { key: 'operatingOutflows', name: '经营活动现金流出小计', nameEn: 'Operating cash outflows', style: 'subtotal', sum: ['purchases', 'payroll', 'taxes', 'otherOperatingOut'] },
  { key: 'netOperating', name: '经营活动产生的现金流量净额', nameEn: 'Net cash from operating activities', style: 'subtotal', sum: ['operatingInflows', '-operatingOutflows'] },
  { key: 'investing', name: '二、投资活动产生的现金流量：', nameEn: 'Cash flows from investing activities', style: 'heading' },
  { key: 'investmentRecovered', name: '收回投资收到的现金', nameEn: 'Cash received from recovery of investments', indent: 1, inflows: ['investmentRecovered'] },
  { key: 'investmentIncome', name: '取得投资收益收到的现金', nameEn: 'Cash received from investment income', indent: 1, inflows: ['investmentIncome'] },
  { key: 'disposals', name: '处置固定资产、无形资产和其他长期资产收回的现金净额', nameEn: 'Net cash from disposal of long-term assets', indent: 1, inflows: ['disposals'] },
  { key: 'capitalExpenditure', name: '购建固定资产、无形资产和其他长期资产支付的现金', nameEn: 'Cash paid for long-term assets', indent: 1, outflows: ['capitalExpenditure'] },
  { key: 'investmentPaid', name: '投资支付的现金', nameEn: 'Cash paid for investments', indent: 1, outflows: ['investmentPaid'] },
  { key: 'netInvesting', name: '投资活动产生的现金流量净额', nameEn: 'Net cash from investing activities', style: 'subtotal', sum: ['investmentRecovered', 'investmentIncome', 'disposals', '-capitalExpenditure', '-investmentPaid'] },
  { key: 'financing', name: '三、筹资活动产生的现金流量：', nameEn: 'Cash flows from financing activities', style: 'heading' },
  { key: 'capitalIn', name: '吸收投资收到的现金', nameEn: 'Cash received from investors', indent: 1, inflows: ['capitalIn'] },
  { key: 'borrowingsIn', name: '取得借款收到的现金', nameEn: 'Cash received from borrowings', indent: 1, inflows: ['borrowingsIn'] },
  { key: 'borrowingsRepaid', name: '偿还债务支付的现金', nameEn: 'Cash repaid on borrowings', indent: 1, outflows: ['borrowingsRepaid'] },
  { key: 'profitDistributed', name: '分配股利、利润或偿付利息支付的现金', nameEn: 'Dividends, profit and interest paid', indent: 1, outflows: ['profitDistributed', 'interestPaid'] },
  { key: 'netFinancing', name: '筹资活动产生的现金流量净额', nameEn: 'Net cash from financing activities', style: 'subtotal', sum: ['capitalIn', 'borrowingsIn', '-borrowingsRepaid', '-profitDistributed'] },
  { key: 'netIncrease', name: '四、现金及现金等价物净增加额', nameEn: 'Net increase in cash', style: 'subtotal', sum: ['netOperating', 'netInvesting', 'netFinancing'] },
  { key: 'openingCash', name: '加：期初现金及现金等价物余额', nameEn: 'Add: cash at beginning of period', cash: 'opening' },
  { key: 'closingCash', name: '五、期末现金及现金等价物余额', nameEn: 'Cash at end of period', style: 'total', sum: ['netIncrease', 'openingCash'] },
]

const CASH_ACCOUNTS = ['1001', '1002', '1012']

/** The statement layouts of a chart template (P&L codes 5xxx for small enterprises, 6xxx otherwise). */
export function statementLayouts(template: ChartTemplate): StatementLayouts {
  if (template === 'small-enterprise') {
    const pl = (code: string) => code
    return {
      template, standard: '小企业会计准则',
      balanceSheet: { assets: SMALL_ASSETS, claims: SMALL_CLAIMS, totalAssets: 'totalAssets', totalClaims: 'totalLiabilitiesAndEquity' },
      incomeStatement: { lines: smallIncomeLines(pl), netProfit: 'netProfit' },
      cashFlow: { cashAccounts: CASH_ACCOUNTS, rules: cashFlowRules(pl), fallback: FALLBACK, lines: SMALL_CASH_FLOW_LINES, netIncrease: 'netIncrease', opening: 'openingCash', closing: 'closingCash' },
      formCodes: { balanceSheet: '会小企01表', incomeStatement: '会小企02表', cashFlow: '会小企03表' },
    }
  }
  const pl = (code: string) => (code.startsWith('5') ? `6${code.slice(1)}` : code)
  return {
    template, standard: '企业会计准则',
    balanceSheet: { assets: ENTERPRISE_ASSETS, claims: ENTERPRISE_CLAIMS, totalAssets: 'totalAssets', totalClaims: 'totalLiabilitiesAndEquity' },
    incomeStatement: { lines: enterpriseIncomeLines(pl), netProfit: 'netProfit' },
    cashFlow: { cashAccounts: CASH_ACCOUNTS, rules: cashFlowRules(pl), fallback: FALLBACK, lines: ENTERPRISE_CASH_FLOW_LINES, netIncrease: 'netIncrease', opening: 'openingCash', closing: 'closingCash' },
    formCodes: { balanceSheet: '会企01表', incomeStatement: '会企02表', cashFlow: '会企03表' },
  }
}
