import { createHash } from 'node:crypto'
import { minor } from '../../shared/money.ts'
import { type FormatSpec, PENDING_SOURCE, clock, money, neg, running } from './core.ts'

/**
 * Plain bank statement CSVs: the Chinese layout (借方/贷方) and the English one
 * (Date, Description, signed Amount, Balance) (parser: service/imports/parsers/bank.ts).
 * The six banks' own layouts are in bank-cn.ts.
 */

/** `1234567.8` style with thousands separators: `1,234,567.80`. */
function thousands(amount: bigint, currency = 'CNY'): string {
  const text = money(amount, currency)
  const negative = text.startsWith('-')
  const [whole = '0', fraction] = (negative ? text.slice(1) : text).split('.')
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${negative ? '-' : ''}${grouped}${fraction === undefined ? '' : `.${fraction}`}`
}

// ---------------------------------------------------------------------------
// Bank statement, Chinese layout (借方 = out, 贷方 = in)
// ---------------------------------------------------------------------------

export const bankCsvCn: FormatSpec = {
  parser: 'bank-csv-cn',
  container: 'csv',
  encoding: 'gbk',
  preamble: () => ['账号：6222000000001234', '币种：人民币', ''],
  header: ['交易日期', '交易时间', '借方发生额', '贷方发生额', '余额', '对方户名', '对方账号', '摘要', '流水号'],
  row(context) {
    const { rng, index } = context
    const [time, iso] = clock(index * 60)
    const out = rng.chance(0.4)
    const amount = rng.minor(1_000, 900_000)
    const id = `B${rng.digits(14)}`
    // A running balance (the parser checks it row by row); the random draw is kept so the other cells stay as they were.
    rng.minor(1_000_000, 9_000_000)
    const balance = minor(running(context, 'balance', out ? -amount : amount, 5_000_000n))
    const counterparty = out ? '某供应商' : '支付宝（中国）网络技术有限公司'
    const memo = out ? '货款' : '提现'
    const counterpartyAccount = rng.digits(16)
    return {
      cells: [time.slice(0, 10), time.slice(11), out ? money(amount) : '', out ? '' : money(amount), money(balance), counterparty, counterpartyAccount, memo, id],
      records: [{ kind: 'bankTxn', record: { account: context.store || 'bank', externalId: id, occurredAt: iso, valueDate: iso.slice(0, 10), amount: out ? neg(amount) : amount, currency: 'CNY', balanceAfter: balance, counterparty, counterpartyAccount, memo, source: PENDING_SOURCE } }],
    }
  },
}

// ---------------------------------------------------------------------------
// Bank statement, English layout (Date, Description, signed Amount, Balance)
// ---------------------------------------------------------------------------

export const bankCsvEnglish: FormatSpec = {
  parser: 'bank-csv',
  container: 'csv',
  encoding: 'utf8',
  header: ['Date', 'Description', 'Amount', 'Balance', 'Currency', 'Reference', 'Counterparty'],
  row(context) {
    const { rng, index } = context
    const out = rng.chance(0.55)
    const magnitude = out ? rng.minor(100, 250_000) : rng.minor(10_000, 900_000)
    const amount = out ? neg(magnitude) : magnitude
    const balance = minor(running(context, 'balance', amount, 5_000_000n))
    // US-style MM/DD/YYYY dates, no time: the parser reads them at local midnight (+08:00 default).
    const [text] = clock(index * 180)
    const [year, month, day] = [text.slice(0, 4), text.slice(5, 7), text.slice(8, 10)]
    const occurredAt = `${year}-${month}-${day}T00:00:00+08:00`
    const description = out ? rng.pick(['POS PURCHASE "AMAZON MKTPLACE", SEATTLE WA', 'ACH DEBIT PAYROLL', 'WIRE OUT SUPPLIER LTD', 'CARD FEE']) : rng.pick(['SHOPIFY PAYOUT', 'ACH CREDIT STRIPE TRANSFER', 'INTEREST PAID'])
    const counterparty = out ? (description.startsWith('WIRE') ? 'Supplier Ltd' : '') : description.startsWith('SHOPIFY') ? 'Shopify Inc.' : ''
    const reference = rng.chance(0.5) ? `REF${rng.digits(8)}` : ''
    // No line id in this layout: the parser keys a line by date, amount, balance, memo and counterparty.
    const externalId = createHash('sha1').update(`${occurredAt}|${amount}|${balance}|${description}|${counterparty}`).digest('hex').slice(0, 20)
    const record = { account: context.store || 'bank', externalId, occurredAt, valueDate: occurredAt.slice(0, 10), amount, currency: 'USD', balanceAfter: balance, memo: description, source: PENDING_SOURCE, ...(counterparty ? { counterparty } : {}), ...(reference ? { reference } : {}) }
    return {
      cells: [`${month}/${day}/${year}`, description, thousands(amount, 'USD'), thousands(balance, 'USD'), 'USD', reference, counterparty],
      records: [{ kind: 'bankTxn', record }],
    }
  },
}
