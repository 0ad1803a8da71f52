import { formatAmount } from '../../shared/money.ts'
import { getCompany, loadChart } from './company.ts'
import type { LedgerContext } from './context.ts'
import { postedVoucherPage, voucherLinesBetween } from './queries.ts'

/** hledger/ledger-cli account name for a code: `2221.01.02` -> `2221:01:02`. */
export function journalAccount(code: string): string {
  return code.replaceAll('.', ':')
}

/**
 * A plain-text journal readable by hledger and ledger-cli. Posted vouchers
 * only, base-currency amounts (debit positive, credit negative), original
 * currency and store as comments/tags. Streams by pages of vouchers.
 */
export async function* exportJournal(context: LedgerContext, companyId: number, options: { period?: string } = {}): AsyncGenerator<string> {
  const company = await getCompany(context, companyId)
  const chart = await loadChart(context, companyId)
  const currency = company.baseCurrency
  yield `; channel-ledger journal: ${company.code} ${company.name}${options.period ? `, period ${options.period}` : ''}\n`
  yield `commodity 1,000.00 ${currency}\n`
  for (const account of chart.values()) yield `account ${journalAccount(account.code)}  ; ${account.name}\n`
  yield '\n'
  let lastId = 0
  for (;;) {
    const vouchers = await postedVoucherPage(context.db.client, companyId, lastId, options.period)
    if (!vouchers.rows.length) break
    const first = Number(vouchers.rows[0]?.id)
    lastId = Number(vouchers.rows[vouchers.rows.length - 1]?.id)
    const lines = await voucherLinesBetween(context.db.client, companyId, first, lastId)
    const byVoucher = new Map<number, typeof lines.rows>()
    for (const line of lines.rows) {
      const id = Number(line.voucher_id)
      const list = byVoucher.get(id) ?? []
      list.push(line)
      byVoucher.set(id, list)
    }
    let chunk = ''
    for (const voucher of vouchers.rows) {
      const summary = String(voucher.summary).replace(/[\r\n;]/g, ' ')
      chunk += `${String(voucher.date)} * (${String(voucher.word)}-${String(voucher.number)}) ${summary}\n`
      for (const line of byVoucher.get(Number(voucher.id)) ?? []) {
        const amount = BigInt(line.amount_minor as number)
        const signed = line.side === 'debit' ? amount : -amount
        const tags = [line.store ? `store:${String(line.store)}` : '', line.currency !== currency ? `original:${formatAmount(BigInt(line.original_minor as number), String(line.currency))} ${String(line.currency)} @ ${String(line.rate)}` : ''].filter(Boolean).join(', ')
        chunk += `    ${journalAccount(String(line.account_code))}  ${formatAmount(signed, currency)} ${currency}${tags ? `  ; ${tags}` : ''}\n`
      }
      chunk += '\n'
    }
    yield chunk
  }
}
