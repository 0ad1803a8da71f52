import { createHash } from 'node:crypto'
import { minor, type Minor } from '../../../shared/money.ts'
import type { BankTxn } from '../../../shared/records.ts'
import { freeText, moneyOrNull, moneyOrZero, optionalText, readTimestamp } from '../clean.ts'
import type { FileParser, MappedRow, ParseContext, RowOutcome } from '../types.ts'
import { joinParts, magnitudeOf, sourceOf } from './common.ts'
import { StatementChecker, readStatedFacts } from './bank-statement.ts'

/**
 * Bank statements: the common Chinese layout (借方发生额/贷方发生额 from the
 * account holder's side: 借方 = money out) and a plain English layout
 * (Date, Description, Amount signed, Balance). Banks vary a lot; anything else
 * goes through a generic mapping profile.
 */

function bankRecord(context: ParseContext, row: MappedRow, fields: { id: string; date: string; amount: Minor; currency: string; balance: Minor | null; counterparty: string; counterpartyAccount: string; memo: string; account: string; reference: string }, checker: StatementChecker): RowOutcome {
  const occurredAt = readTimestamp('date', fields.date)
  // Statements without a serial number: date + amount + balance + memo identify a line.
  const externalId = fields.id || createHash('sha1').update(`${occurredAt}|${fields.amount}|${fields.balance ?? ''}|${fields.memo}|${fields.counterparty}`).digest('hex').slice(0, 20)
  const record: BankTxn = {
    account: fields.account || context.store || 'bank', externalId, occurredAt, valueDate: occurredAt.slice(0, 10), amount: fields.amount,
    currency: fields.currency, memo: freeText(fields.memo), source: sourceOf(context, row),
  }
  if (fields.balance !== null) record.balanceAfter = fields.balance
  const counterparty = optionalText(fields.counterparty)
  if (counterparty) record.counterparty = counterparty
  const counterpartyAccount = optionalText(fields.counterpartyAccount)
  if (counterpartyAccount) record.counterpartyAccount = counterpartyAccount
  const reference = optionalText(fields.reference)
  if (reference) record.reference = reference
  checker.add(row.rowNumber, fields.amount, fields.balance, `${row.sheet ?? ''}|${fields.account}`)
  return { type: 'records', records: [{ kind: 'bankTxn', record }] }
}

export const bankChinese: FileParser = {
  id: 'bank-csv-cn',
  family: 'bank-csv',
  channel: 'bank',
  bankStatement: true,
  label: 'Bank statement (借方/贷方发生额)',
  containers: ['csv', 'xlsx'],
  required: ['交易日期', '借方发生额', '贷方发生额'],
  optional: ['交易时间', '余额', '账户余额', '对方户名', '对方账号', '摘要', '用途', '流水号', '交易流水号', '币种', '账号'],
  start(context) {
    // Running balance and any stated 期初/期末余额 / 借贷方合计 are checked (bank-statement.ts).
    const checker = new StatementChecker('bank-csv-cn')
    const lines: string[] = []
    let lastCurrency = context.currency ?? 'CNY'
    return {
      preamble: (line) => lines.push(line),
      trailer: (line) => lines.push(line),
      row(row) {
        const currency = context.currency ?? (/^[A-Z]{3}$/.test(row.get('币种')) ? row.get('币种') : 'CNY')
        lastCurrency = currency
        const debit = magnitudeOf(row, '借方发生额', currency)
        const credit = magnitudeOf(row, '贷方发生额', currency)
        const time = row.get('交易时间')
        const date = row.get('交易日期')
        return bankRecord(context, row, {
          id: row.get('流水号') || row.get('交易流水号'), date: time.length > 8 && /\d{4}/.test(time) ? time : `${date} ${time}`.trim(),
          amount: minor(credit - debit), currency, balance: moneyOrNull('余额', row.get('余额') || row.get('账户余额'), currency),
          counterparty: row.get('对方户名'), counterpartyAccount: row.get('对方账号'), memo: joinParts(row.get('摘要'), row.get('用途')),
          account: row.get('账号'), reference: row.get('用途'),
        }, checker)
      },
      finish() {
        for (const line of lines) readStatedFacts(line, lastCurrency, checker.facts)
        return checker.finish(lastCurrency)
      },
    }
  },
}

export const bankEnglish: FileParser = {
  id: 'bank-csv',
  family: 'bank-csv',
  channel: 'bank',
  bankStatement: true,
  label: 'Bank statement (Date, Description, Amount)',
  containers: ['csv', 'xlsx'],
  required: ['date', 'description', 'amount'],
  optional: ['balance', 'reference', 'counterparty', 'counterpartyaccount', 'account', 'currency', 'id', 'valuedate'],
  start(context) {
    const checker = new StatementChecker('bank-csv')
    let lastCurrency = context.currency ?? 'CNY'
    return {
      row(row) {
        const currency = context.currency ?? (row.get('currency') || 'CNY').toUpperCase()
        lastCurrency = currency
        return bankRecord(context, row, {
          id: row.get('id'), date: row.get('date'), amount: moneyOrZero('Amount', row.get('amount'), currency), currency,
          balance: moneyOrNull('Balance', row.get('balance'), currency), counterparty: row.get('counterparty'), counterpartyAccount: row.get('counterpartyaccount'),
          memo: row.get('description'), account: row.get('account'), reference: row.get('reference'),
        }, checker)
      },
      finish: () => checker.finish(lastCurrency),
    }
  },
}

export const BANK_PARSERS = [bankChinese, bankEnglish]

export { BANK_CN_PARSERS } from './bank-cn.ts'
