import type * as CustomFunctions from './custom-functions-api.ts'
import { ledgerMatrix, ledgerNumber, ledgerScalar, ledgerText } from './runtime.ts'

/*
 * LEDGER.* worksheet functions. The JSDoc below is the source of
 * dist/addin/functions.json (npm run build:functions); never edit that file.
 * Descriptions are bilingual (中文 / English) because one metadata file serves
 * both zh-CN and en Excel. Omitted optional arguments arrive as null.
 */

/**
 * 科目期末余额（借方为正，上级科目汇总下级，可用 "5601*" 前缀）/ Closing balance of an account, debit positive; parents roll up; prefixes like "5601*" allowed.
 * @customfunction BALANCE
 * @param account 科目编码，如 "1122" 或 "5601*" / Account code, e.g. "1122", or a prefix like "5601*"
 * @param [period] 期间："2026-10"、日期或 Excel 日期；默认本月 / Period: "2026-10", a date or an Excel date; default this month
 * @param [store] 店铺；默认全部店铺 / Store code; default all stores
 * @param [currency] 币种；给出时按该币种原币计 / Currency; when given, the balance in that currency
 * @param invocation Excel 的调用信息 / Excel's invocation
 * @returns 余额 / Balance
 */
export function balance(account: string | number, period: string | number | null, store: string | null, currency: string | null, invocation: CustomFunctions.CancelableInvocation): Promise<number> {
  return ledgerNumber('BALANCE', [account, period, store, currency], invocation)
}

/**
 * 期间净发生额（借减贷）/ Net movement (debits minus credits) over a period range.
 * @customfunction ACTIVITY
 * @param account 科目编码或前缀 / Account code or prefix
 * @param from 起始期间 / First period
 * @param [to] 截止期间；默认同起始期间 / Last period; default the first
 * @param [store] 店铺；默认全部店铺 / Store code; default all stores
 * @param invocation Excel 的调用信息 / Excel's invocation
 * @returns 净发生额 / Net movement
 */
export function activity(account: string | number, from: string | number, to: string | number | null, store: string | null, invocation: CustomFunctions.CancelableInvocation): Promise<number> {
  return ledgerNumber('ACTIVITY', [account, from, to, store], invocation)
}

/**
 * 借方发生额 / Total debits over a period range.
 * @customfunction DEBITS
 * @param account 科目编码或前缀 / Account code or prefix
 * @param from 起始期间 / First period
 * @param [to] 截止期间；默认同起始期间 / Last period; default the first
 * @param [store] 店铺；默认全部店铺 / Store code; default all stores
 * @param invocation Excel 的调用信息 / Excel's invocation
 * @returns 借方发生额 / Debits
 */
export function debits(account: string | number, from: string | number, to: string | number | null, store: string | null, invocation: CustomFunctions.CancelableInvocation): Promise<number> {
  return ledgerNumber('DEBITS', [account, from, to, store], invocation)
}

/**
 * 贷方发生额 / Total credits over a period range.
 * @customfunction CREDITS
 * @param account 科目编码或前缀 / Account code or prefix
 * @param from 起始期间 / First period
 * @param [to] 截止期间；默认同起始期间 / Last period; default the first
 * @param [store] 店铺；默认全部店铺 / Store code; default all stores
 * @param invocation Excel 的调用信息 / Excel's invocation
 * @returns 贷方发生额 / Credits
 */
export function credits(account: string | number, from: string | number, to: string | number | null, store: string | null, invocation: CustomFunctions.CancelableInvocation): Promise<number> {
  return ledgerNumber('CREDITS', [account, from, to, store], invocation)
}

/**
 * 科目余额表（溢出：编码、名称、借方余额、贷方余额）/ Trial balance of closing balances, spilling code, name, debit, credit.
 * @customfunction TB
 * @param [period] 期间；默认本月 / Period; default this month
 * @param [store] 店铺；默认全部店铺 / Store code; default all stores
 * @param invocation Excel 的调用信息 / Excel's invocation
 * @returns 表格 / Rows with a header
 */
export function trialBalance(period: string | number | null, store: string | null, invocation: CustomFunctions.CancelableInvocation): Promise<any[][]> {
  // any[][]: the metadata generator accepts only number/string/boolean/any matrices, and rows mix text and numbers.
  return ledgerMatrix('TB', [period, store], invocation)
}

/**
 * 科目名称 / Name of an account.
 * @customfunction ACCOUNTNAME
 * @param code 科目编码 / Account code
 * @param invocation Excel 的调用信息 / Excel's invocation
 * @returns 科目名称 / Account name
 */
export function accountName(code: string | number, invocation: CustomFunctions.CancelableInvocation): Promise<string> {
  return ledgerText('ACCOUNTNAME', [code], invocation)
}

/**
 * 店铺当期对账匹配率（0 到 1）/ Share of a store's settlement items matched in a period (0 to 1).
 * @customfunction MATCHRATE
 * @param store 店铺 / Store code
 * @param period 期间 / Period
 * @param invocation Excel 的调用信息 / Excel's invocation
 * @returns 匹配率 / Match rate
 */
export function matchRate(store: string, period: string | number, invocation: CustomFunctions.CancelableInvocation): Promise<number> {
  return ledgerNumber('MATCHRATE', [store, period], invocation)
}

/**
 * 未匹配（未解决异常）数量 / Number of open matching exceptions of a store in a period.
 * @customfunction UNMATCHED
 * @param store 店铺 / Store code
 * @param period 期间 / Period
 * @param [type] 异常类型；默认全部 / Exception type; default all
 * @param invocation Excel 的调用信息 / Excel's invocation
 * @returns 数量 / Count
 */
export function unmatched(store: string, period: string | number, type: string | null, invocation: CustomFunctions.CancelableInvocation): Promise<number> {
  return ledgerNumber('UNMATCHED', [store, period, type], invocation)
}

/**
 * 订单字段 / A field of an imported order.
 * @customfunction ORDER
 * @param orderNo 订单号 / Order number
 * @param field 字段，如 "total"、"status"、"date" / Field, e.g. "total", "status", "date"
 * @param invocation Excel 的调用信息 / Excel's invocation
 * @returns 字段值 / Field value
 */
export function order(orderNo: string | number, field: string, invocation: CustomFunctions.CancelableInvocation): Promise<number | string | boolean> {
  return ledgerScalar('ORDER', [orderNo, field], invocation)
}

/**
 * 汇率（1 单位外币折合记账本位币）/ Exchange rate: base-currency units per unit of a currency on a date.
 * @customfunction FX
 * @param currency 币种，如 "USD" / Currency code, e.g. "USD"
 * @param date 日期 / Date
 * @param invocation Excel 的调用信息 / Excel's invocation
 * @returns 汇率 / Rate
 */
export function fx(currency: string, date: string | number, invocation: CustomFunctions.CancelableInvocation): Promise<number> {
  return ledgerNumber('FX', [currency, date], invocation)
}

/**
 * 当月已开票收入（不含税，销项发票按开票月份，红字为负，作废不计）/ Invoiced revenue of a month (excl. VAT; output invoices by issue month, red ones negative, voided ones left out).
 * @customfunction INVOICED
 * @param period 期间 / Period
 * @param [rate] 税率，如 13% 或 0.13；默认全部 / VAT rate, e.g. 13% or 0.13; default all rates
 * @param invocation Excel 的调用信息 / Excel's invocation
 * @returns 已开票收入 / Invoiced revenue
 */
export function invoiced(period: string | number, rate: string | number | null, invocation: CustomFunctions.CancelableInvocation): Promise<number> {
  return ledgerNumber('INVOICED', [period, rate], invocation)
}

/**
 * 当月未开票收入（主营业务收入 - 已开票收入，增值税申报“未开具发票”栏）/ Uninvoiced revenue of a month (revenue minus invoiced revenue, for the VAT return).
 * @customfunction UNINVOICED
 * @param period 期间 / Period
 * @param [rate] 税率，如 13% 或 0.13；默认全部 / VAT rate, e.g. 13% or 0.13; default all rates
 * @param invocation Excel 的调用信息 / Excel's invocation
 * @returns 未开票收入 / Uninvoiced revenue
 */
export function uninvoiced(period: string | number, rate: string | number | null, invocation: CustomFunctions.CancelableInvocation): Promise<number> {
  return ledgerNumber('UNINVOICED', [period, rate], invocation)
}

/** id -> implementation, checked against the generated metadata by test/functions/metadata.test.ts. */
export const IMPLEMENTATIONS = {
  BALANCE: balance, ACTIVITY: activity, DEBITS: debits, CREDITS: credits, TB: trialBalance,
  ACCOUNTNAME: accountName, MATCHRATE: matchRate, UNMATCHED: unmatched, ORDER: order, FX: fx, INVOICED: invoiced, UNINVOICED: uninvoiced,
} as const
