import { createHash } from 'node:crypto'
import { minor, type Minor } from '../../../shared/money.ts'
import type { BankTxn } from '../../../shared/records.ts'
import { cleanCell, freeText, moneyOrNull, normalizeHeader, optionalText, readTimestamp } from '../clean.ts'
import { type Container, type FileParser, type MappedRow, type ParseContext, type ParserRun, RowError, type RowOutcome } from '../types.ts'
import { joinParts, magnitudeOf, sourceOf } from './common.ts'
import { StatementChecker, readStatedFacts } from './bank-statement.ts'

/**
 * Corporate 网银 交易明细 exports of the six big banks (ICBC, CCB, ABC, BOC,
 * BOCOM, CMB). No real export of any of them is in the samples: the layouts
 * are ASSUMED from the banks' documented column names (see
 * service/generators/README.md, "Bank statements"), and each parser is
 * declared as data here so a real file that differs is a one-line change.
 *
 * Every layout gives: the time of the line, its signed amount (+ = money in;
 * 借方/支出 = out), the balance after it, 对方户名/账号, 摘要/用途 and the
 * bank's serial when the layout has one (else a hash of the line, like
 * bank-csv-cn). The statement checks (bank-statement.ts) run on every file.
 */

type Columns = ReadonlyArray<string>

interface BankLayout {
  id: string
  /** Bank name as the UI shows it. */
  bank: string
  containers: ReadonlyArray<Container>
  required: Columns
  optional: Columns
  /** Date or date-time column(s); the first non-blank wins. */
  date: Columns
  /** A separate time column (`10:15:22`), joined to a date-only cell. */
  time?: Columns
  /** Money out / in as magnitudes (借方/贷方, 支出/收入). */
  debit?: string
  credit?: string
  /** One amount column, signed or with a direction column (借贷标志: 借 = out). */
  amount?: string
  direction?: string
  /** Direction words meaning money out. */
  outWords?: RegExp
  balance: string
  counterparty: Columns
  counterpartyAccount: Columns
  /** BOC names payer and payee: the counterparty is the payer of money in, the payee of money out. */
  payer?: { name: string; account: string }
  payee?: { name: string; account: string }
  memo: Columns
  reference: Columns
  /** The bank's serial of the line (流水号), if the layout has one. */
  serial: Columns
  valueDate?: Columns
  currency?: Columns
  account?: Columns
}

/** BOC's bilingual headers: `交易日期[ Transaction Date ]`, normalized. */
function boc(zh: string, en: string): string {
  return normalizeHeader(`${zh}[ ${en} ]`)
}

const BOC = {
  type: boc('交易类型', 'Transaction Type'),
  business: boc('业务类型', 'Business type'),
  payerBankNo: boc('付款人开户行号', 'Payer account bank'),
  payerBank: boc('付款人开户行名', 'Payer account bank name'),
  payerAccount: boc('付款人账号', 'Debit Account No.'),
  payerName: boc('付款人名称', "Payer's Name"),
  payeeBankNo: boc('收款人开户行行号', "Payee's Account Bank"),
  payeeBank: boc('收款人开户行名', "Payee's Account Bank name"),
  payeeAccount: boc('收款人账号', "Payee's Account Number"),
  payeeName: boc('收款人名称', "Payee's Name"),
  date: boc('交易日期', 'Transaction Date'),
  time: boc('交易时间', 'Transaction time'),
  currency: boc('交易货币', 'Trade Currency'),
  amount: boc('交易金额', 'Trade Amount'),
  balance: boc('交易后余额', 'After-transaction balance'),
  valueDate: boc('起息日期', 'Value Date'),
  rate: boc('汇率', 'Exchange rate'),
  serial: boc('交易流水号', 'Transaction reference number'),
  customerRef: boc('客户申请号', 'Customer Transaction Ref'),
  businessId: boc('客户业务编号', 'Client Business ID'),
  voucherType: boc('凭证类型', 'Type of Vouchers'),
  voucherNo: boc('凭证号码', 'Vouchers Number'),
  recordId: boc('记录标识号', 'Record ID'),
  summary: boc('摘要', 'Reference'),
  purpose: boc('用途', 'Purpose'),
  remark: boc('交易附言', 'Remark'),
  remarks: boc('备注', 'Remarks'),
} as const

/** The bilingual BOC header in file order (the generator writes it too). */
export const BOC_HEADER: ReadonlyArray<string> = [
  '交易类型[ Transaction Type ]', '业务类型[ Business type ]', '付款人开户行号[ Payer account bank ]', '付款人开户行名[ Payer account bank name ]',
  '付款人账号[ Debit Account No. ]', "付款人名称[ Payer's Name ]", "收款人开户行行号[ Payee's Account Bank ]", "收款人开户行名[ Payee's Account Bank name ]",
  "收款人账号[ Payee's Account Number ]", "收款人名称[ Payee's Name ]", '交易日期[ Transaction Date ]', '交易时间[ Transaction time ]', '交易货币[ Trade Currency ]',
  '交易金额[ Trade Amount ]', '交易后余额[ After-transaction balance ]', '起息日期[ Value Date ]', '汇率[ Exchange rate ]', '交易流水号[ Transaction reference number ]',
  '客户申请号[ Customer Transaction Ref ]', '客户业务编号[ Client Business ID ]', '凭证类型[ Type of Vouchers ]', '凭证号码[ Vouchers Number ]', '记录标识号[ Record ID ]',
  '摘要[ Reference ]', '用途[ Purpose ]', '交易附言[ Remark ]', '备注[ Remarks ]',
]

export const BANK_LAYOUTS: ReadonlyArray<BankLayout> = [
  {
    id: 'bank-icbc', bank: '中国工商银行 ICBC', containers: ['csv', 'xlsx'],
    required: ['交易时间', '借方发生额', '贷方发生额', '余额', '对方单位名称'],
    optional: ['凭证号', '本方账号', '对方账号', '借/贷', '对方行号', '摘要', '用途', '个性化信息'],
    date: ['交易时间'], debit: '借方发生额', credit: '贷方发生额', balance: '余额',
    counterparty: ['对方单位名称'], counterpartyAccount: ['对方账号'], memo: ['摘要', '用途'], reference: ['用途'], serial: [], account: ['本方账号'],
  },
  {
    id: 'bank-ccb', bank: '中国建设银行 CCB', containers: ['csv', 'xlsx'],
    required: ['交易时间', '借方发生额(支取)', '贷方发生额(收入)', '余额', '对方户名'],
    optional: ['币种', '对方账号', '对方开户机构', '记账日期', '摘要', '备注', '账户明细编号-交易流水号', '企业流水号', '凭证种类', '凭证号'],
    date: ['交易时间'], debit: '借方发生额(支取)', credit: '贷方发生额(收入)', balance: '余额',
    counterparty: ['对方户名'], counterpartyAccount: ['对方账号'], memo: ['摘要', '备注'], reference: ['企业流水号'], serial: ['账户明细编号-交易流水号'],
    valueDate: ['记账日期'], currency: ['币种'],
  },
  {
    id: 'bank-abc', bank: '中国农业银行 ABC', containers: ['csv', 'xlsx'],
    required: ['交易时间', '收入金额', '支出金额', '本次余额', '对方户名'],
    optional: ['手续费总额', '交易方式', '交易行名', '对方账号', '对方开户行', '交易用途', '摘要', '交易流水号'],
    date: ['交易时间'], debit: '支出金额', credit: '收入金额', balance: '本次余额',
    counterparty: ['对方户名'], counterpartyAccount: ['对方账号'], memo: ['摘要', '交易用途'], reference: ['交易用途'], serial: ['交易流水号'],
  },
  {
    id: 'bank-boc', bank: '中国银行 BOC', containers: ['csv', 'xlsx'],
    required: [BOC.date, BOC.amount, BOC.balance, BOC.payerName, BOC.payeeName],
    optional: Object.values(BOC).filter((name) => ![BOC.date, BOC.amount, BOC.balance, BOC.payerName, BOC.payeeName].includes(name)),
    date: [BOC.date], time: [BOC.time], amount: BOC.amount, direction: BOC.type, outWords: /往账|支出|借/, balance: BOC.balance,
    counterparty: [], counterpartyAccount: [], payer: { name: BOC.payerName, account: BOC.payerAccount }, payee: { name: BOC.payeeName, account: BOC.payeeAccount },
    memo: [BOC.summary, BOC.purpose, BOC.remark], reference: [BOC.customerRef], serial: [BOC.serial], valueDate: [BOC.valueDate], currency: [BOC.currency],
  },
  {
    id: 'bank-bocom', bank: '交通银行 BOCOM', containers: ['csv', 'xlsx'],
    required: ['交易日期', '借贷标志', '发生额', '余额', '对方户名'],
    optional: ['交易时间', '业务类型', '凭证种类', '凭证号码', '对方账号', '对方行名', '摘要', '附言', '交易流水号'],
    date: ['交易日期'], time: ['交易时间'], amount: '发生额', direction: '借贷标志', outWords: /借|支|付/, balance: '余额',
    counterparty: ['对方户名'], counterpartyAccount: ['对方账号'], memo: ['摘要', '附言'], reference: ['附言'], serial: ['交易流水号'],
  },
  {
    id: 'bank-cmb', bank: '招商银行 CMB', containers: ['csv', 'xlsx'],
    required: ['交易日', '借方金额', '贷方金额', '余额', '收/付方名称'],
    optional: ['交易时间', '起息日', '交易类型', '摘要', '流水号', '流程实例号', '业务名称', '用途', '业务参考号', '业务摘要', '其它摘要', '收/付方分行名', '收/付方账号', '收/付方开户行行号', '收/付方开户行名', '冲账标志', '扩展摘要', '商务支付订单号'],
    date: ['交易日'], time: ['交易时间'], debit: '借方金额', credit: '贷方金额', balance: '余额',
    counterparty: ['收/付方名称'], counterpartyAccount: ['收/付方账号'], memo: ['摘要', '用途'], reference: ['业务参考号'], serial: ['流水号'], valueDate: ['起息日'],
  },
]

const CURRENCY_WORDS: Record<string, string> = {
  人民币: 'CNY', 人民币元: 'CNY', RMB: 'CNY', CNY: 'CNY', '001': 'CNY', 美元: 'USD', USD: 'USD', '014': 'USD', 港币: 'HKD', 港元: 'HKD', HKD: 'HKD', '013': 'HKD',
  欧元: 'EUR', EUR: 'EUR', '038': 'EUR', 日元: 'JPY', JPY: 'JPY', 英镑: 'GBP', GBP: 'GBP',
}

/** 人民币 / CNY / BOC's 001 -> ISO code; '' when unknown. */
export function currencyOf(text: string): string {
  const word = text.trim().replace(/\(.*\)$/, '')
  return CURRENCY_WORDS[word] ?? CURRENCY_WORDS[word.toUpperCase()] ?? ''
}

function first(row: MappedRow, columns: Columns): string {
  for (const column of columns) {
    const value = row.get(column)
    if (value !== '') return value
  }
  return ''
}

/** `20240301` -> `2024-03-01`; other text unchanged. */
function expandCompactDate(text: string): string {
  return /^\d{8}(\s|$)/.test(text) ? `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}${text.slice(8)}` : text
}

/** `101522` -> `10:15:22`. */
function expandCompactTime(text: string): string {
  return /^\d{6}$/.test(text) ? `${text.slice(0, 2)}:${text.slice(2, 4)}:${text.slice(4)}` : text
}

function timestampOf(layout: BankLayout, row: MappedRow): string {
  const column = layout.date[0] ?? 'date'
  let date = expandCompactDate(first(row, layout.date))
  if (date === '') throw new RowError(column, 'date is missing')
  const time = layout.time ? expandCompactTime(first(row, layout.time)) : ''
  // A date cell of a workbook reads as `2024-03-01 00:00:00`: its midnight gives way to the time column.
  if (time !== '' && (!/\d:\d/.test(date) || /^\d{4}-\d{2}-\d{2} 00:00:00$/.test(date))) date = `${date.slice(0, 10)} ${time}`
  // `20240301 101522`
  date = date.replace(/^(\d{4}-\d{2}-\d{2})\s+(\d{6})$/, (_all, day: string, clock: string) => `${day} ${expandCompactTime(clock)}`)
  return readTimestamp(column, date)
}

function signedAmount(layout: BankLayout, row: MappedRow, currency: string): Minor {
  if (layout.debit && layout.credit) {
    const debit = magnitudeOf(row, layout.debit, currency)
    const credit = magnitudeOf(row, layout.credit, currency)
    if (debit !== 0n && credit !== 0n) throw new RowError(layout.debit, 'both 借方 (out) and 贷方 (in) hold an amount')
    return minor(credit - debit)
  }
  const column = layout.amount ?? 'amount'
  const value = moneyOrNull(column, row.get(column), currency)
  if (value === null) throw new RowError(column, 'amount is missing')
  if (value < 0n || !layout.direction) return value
  const direction = row.get(layout.direction)
  return layout.outWords?.test(direction) ? minor(-value) : value
}

interface PreambleFacts {
  account: string
  currency: string
}

const ACCOUNT_PATTERN = /(?:^|[,\s])(?:本方账号|账号|帐号|账户|Account(?:No\.?)?)[:：,\s]*([\d][\d\s-]{5,}\d)/i
const CURRENCY_PATTERN = /币种[:：,\s]*([\u4e00-\u9fa5A-Za-z]+)/

function readPreambleFacts(line: string, facts: PreambleFacts): void {
  if (facts.account === '') {
    const account = ACCOUNT_PATTERN.exec(line)?.[1]
    if (account) facts.account = account.replace(/[\s-]/g, '')
  }
  if (facts.currency === '') {
    const currency = CURRENCY_PATTERN.exec(line)?.[1]
    if (currency) facts.currency = currencyOf(currency)
  }
}

/** First words of a summary line: totals, counts, balances, page subtotals, print notes. */
const SUMMARY_WORDS = /^(合计|总计|本页合计|本页小计|小计|累计|借方|贷方|收入合计|支出合计|收入笔数|支出笔数|期初余额|期末余额|共\s*\d+\s*笔|总笔数|打印|导出时间|制表)/

function leadingCell(row: MappedRow): string {
  for (const cell of row.raw) {
    const text = cleanCell(cell)
    if (text !== '') return text
  }
  return ''
}

/** A line with no date and no amount or balance (a remark under the table): nothing to import, no money lost. */
function isNoteLine(layout: BankLayout, row: MappedRow): boolean {
  const moneyColumns = [layout.debit, layout.credit, layout.amount, layout.balance].filter((column): column is string => column !== undefined)
  return first(row, layout.date) === '' && moneyColumns.every((column) => row.get(column) === '')
}

function bankRecord(layout: BankLayout, context: ParseContext, row: MappedRow, currency: string, accountNumber: string): { record: BankTxn } {
  const occurredAt = timestampOf(layout, row)
  const amount = signedAmount(layout, row, currency)
  const balance = moneyOrNull(layout.balance, row.get(layout.balance), currency)
  let counterparty = first(row, layout.counterparty)
  let counterpartyAccount = first(row, layout.counterpartyAccount)
  if (layout.payer && layout.payee) {
    const side = amount < 0n ? layout.payee : layout.payer
    counterparty = row.get(side.name)
    counterpartyAccount = row.get(side.account)
  }
  const memo = joinParts(...layout.memo.map((column) => row.get(column)).filter((part, index, parts) => parts.indexOf(part) === index))
  const serial = first(row, layout.serial)
  // Layouts without a serial: time + amount + balance + memo + counterparty identify a line (as bank-csv-cn).
  const externalId = serial || createHash('sha1').update(`${occurredAt}|${amount}|${balance ?? ''}|${memo}|${counterparty}`).digest('hex').slice(0, 20)
  const valueText = layout.valueDate ? expandCompactDate(first(row, layout.valueDate)) : ''
  const valueDate = /^\d{4}-\d{2}-\d{2}$/.test(valueText.slice(0, 10)) && valueText !== '' ? valueText.slice(0, 10) : occurredAt.slice(0, 10)
  const record: BankTxn = {
    account: context.store || accountNumber || 'bank', externalId, occurredAt, valueDate, amount, currency, memo: freeText(memo), source: sourceOf(context, row),
  }
  if (balance !== null) record.balanceAfter = balance
  const name = optionalText(counterparty)
  if (name) record.counterparty = name
  const account = optionalText(counterpartyAccount)
  if (account) record.counterpartyAccount = account
  const reference = optionalText(first(row, layout.reference))
  if (reference) record.reference = reference
  return { record }
}

function parserOf(layout: BankLayout): FileParser {
  return {
    id: layout.id,
    family: 'bank-csv',
    channel: 'bank',
    bankStatement: true,
    label: `${layout.bank} 网银交易明细`,
    containers: layout.containers,
    required: layout.required,
    optional: layout.optional,
    start(context): ParserRun {
      const facts: PreambleFacts = { account: '', currency: '' }
      const checker = new StatementChecker(layout.id)
      const lines: string[] = []
      let currency = ''
      let columnTotals: { debit: Minor | null; credit: Minor | null } | null = null
      const currencyFor = (row: MappedRow): string => {
        if (context.currency) return context.currency
        const stated = layout.currency ? currencyOf(first(row, layout.currency)) : ''
        return stated || facts.currency || 'CNY'
      }
      return {
        preamble(line) {
          readPreambleFacts(line, facts)
          lines.push(line)
        },
        row(row): RowOutcome {
          // Summary lines (合计, 笔数, 期末余额, page subtotals 本页合计) can sit between pages as well as at
          // the end, so they are skipped, not taken as the start of a trailer: no line after them is lost.
          const lead = leadingCell(row)
          if (SUMMARY_WORDS.test(lead)) {
            lines.push(row.raw.join(','))
            // A 合计 row under the amount columns states the totals (the last one counts: the grand total).
            if (/^(合计|总计)/.test(lead) && layout.debit && layout.credit) {
              const cur = currency || facts.currency || 'CNY'
              try {
                columnTotals = { debit: moneyOrNull(layout.debit, row.get(layout.debit), cur), credit: moneyOrNull(layout.credit, row.get(layout.credit), cur) }
              } catch {
                // not figures: the line still counts as text
              }
            }
            return { type: 'skip', reason: 'summary line (合计 / 笔数 / 余额)' }
          }
          if (isNoteLine(layout, row)) {
            lines.push(row.raw.join(','))
            return { type: 'skip', reason: 'note line without date or amounts' }
          }
          const rowCurrency = currencyFor(row)
          if (currency === '') currency = rowCurrency
          const { record } = bankRecord(layout, context, row, rowCurrency, facts.account || (layout.account ? first(row, layout.account) : ''))
          checker.add(row.rowNumber, record.amount, record.balanceAfter ?? null, `${row.sheet ?? ''}|${layout.account ? first(row, layout.account) : ''}`)
          return { type: 'records', records: [{ kind: 'bankTxn', record }] }
        },
        trailer(line) {
          lines.push(line)
        },
        finish() {
          const cur = currency || context.currency || facts.currency || 'CNY'
          if (columnTotals?.debit != null) checker.facts.debitTotal = columnTotals.debit
          if (columnTotals?.credit != null) checker.facts.creditTotal = columnTotals.credit
          for (const line of lines) readStatedFacts(line, cur, checker.facts)
          return checker.finish(cur)
        },
      }
    },
  }
}

export const BANK_CN_PARSERS: ReadonlyArray<FileParser> = BANK_LAYOUTS.map(parserOf)
