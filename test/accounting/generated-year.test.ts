import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { type Minor, convert, formatAmount, parseAmount } from '../../shared/money.ts'
import { lastDayOfPeriod } from '../../shared/period.ts'
import type { Order, OrderLine, SettlementTxn } from '../../shared/records.ts'
import { trialBalance } from '../../service/ledger/balances.ts'
import { exportJournal } from '../../service/ledger/export.ts'
import { closePeriod } from '../../service/ledger/periods.ts'
import { approveVoucher, reverseVoucher } from '../../service/ledger/vouchers.ts'
import { addSupplier, supplierBalances } from '../../service/ledger/suppliers.ts'
import { verifyLedger } from '../../service/ledger/verify.ts'
import { importReceipts, parseReceiptsCsv, stockOnHand } from '../../service/posting/inventory.ts'
import { rateLookup } from '../../service/posting/rates.ts'
import { monetaryAccounts, registerRevaluation, withinAccounts } from '../../service/posting/revaluation.ts'
import { runPosting } from '../../service/posting/run.ts'
import { updatePostingSettings } from '../../service/posting/settings.ts'
import { runVatMonthEnd } from '../../service/posting/vat-month-end.ts'
import { aLine, aTxn, anOrder } from '../posting/support.ts'
import { admin, companyOn, post, rates } from './support.ts'

/**
 * Issue #16 "must show": a generated year — two currencies (CNY, USD), three
 * stores selling the same SKUs, purchases (one supplier paid in USD), refunds
 * with goods back into stock, a reversed purchase keyed again — posted month by
 * month, VAT month-end approved by a second user, every month closed. After
 * each close: the stock sub-ledger equals GL 1405 to the fen, every
 * foreign-currency monetary balance is carried at exactly original x closing
 * rate (no FX residue), verify passes; at the end hledger and ledger-cli agree
 * with the trial balance.
 */
const approver = { userId: 2 }
const SKUS = ['TEA', 'CUP', 'POT'] as const
const STORES = [
  { code: 'tmall', channel: 'taobao' as const, wallet: 'alipay' as const, currency: 'CNY', vatRate: 'GENERAL_13' },
  { code: 'jd', channel: 'jd' as const, wallet: 'jd' as const, currency: 'CNY', vatRate: 'GENERAL_13' },
  { code: 'shop', channel: 'shopify' as const, wallet: 'shopify' as const, currency: 'USD', vatRate: 'ZERO_RATED' },
]

function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const pad = (value: number) => String(value).padStart(2, '0')

describe.each(['small-enterprise', 'enterprise'] as const)('a generated year (%s)', (template) => {
  it('closes every month with stock = GL 1405, no FX residue after revaluation, and hledger/ledger = trial balance', async () => {
    registerRevaluation()
    const next = random(template === 'enterprise' ? 16 : 61)
    const between = (low: number, high: number) => low + Math.floor(next() * (high - low + 1))
    const { context, company, dir, pl } = await companyOn(template)
    for (const store of STORES) await context.db.client.execute({ sql: 'INSERT INTO stores (company_id, code, name, channel, vat_rate) VALUES (?, ?, ?, ?, ?)', args: [company.id, store.code, store.code, store.channel, store.vatRate] })
    await updatePostingSettings(context, admin, company.id, { autoApprove: { maxTotal: '100000000.00' }, payouts: 'channel' })
    // USD rates on five days a month, a random walk around 7.2
    let usd = 7.2
    const rateRows: Array<[string, string, string]> = []
    for (let month = 1; month <= 12; month += 1) {
      for (const day of ['01', '08', '15', '22', lastDayOfPeriod(`2026-${pad(month)}`).slice(8)]) {
        usd = Math.min(7.45, Math.max(6.95, usd + (next() - 0.5) * 0.06))
        rateRows.push([`2026-${pad(month)}-${day}`, 'USD', usd.toFixed(4)])
      }
    }
    await rates(context, company.id, rateRows)
    const rateOn = await rateLookup(context, company.id)
    // 辅助核算 on 2202: the tea supplier, the US pot maker (paid in USD) and the carrier
    for (const [code, name] of [['cn-tea', '杭州茶源贸易有限公司'], ['us-pot', 'US Pottery Inc.'], ['wuliu', '顺达物流']] as const) await addSupplier(context, admin, company.id, { code, name })
    // opening capital
    await post(context, company.id, [{ date: '2026-01-01', lines: [{ account: '1002', debit: '500000.00' }, { account: '3001', credit: '500000.00' }] }])

    const orders: Order[] = []
    const lines: OrderLine[] = []
    const txns: SettlementTxn[] = []
    let orderNo = 1000
    const summary = { orders: 0, refunds: 0, usdOrders: 0, realised: 0 }
    for (let month = 1; month <= 12; month += 1) {
      const period = `2026-${pad(month)}`
      // purchases on the 1st: 25 of each SKU, cost varying by month, with a 13% 专票
      const receipts: string[] = []
      for (const sku of SKUS) {
        const unit = between(800, 1400)
        const cost = BigInt(unit * 25)
        receipts.push(`${period}-01,${sku},25,${formatAmount(cost, 'CNY')},${sku},PO-${period}-${sku}`)
        const vat = (cost * 13n + 50n) / 100n
        await post(context, company.id, [{ date: `${period}-01`, summary: `采购 ${sku}`, lines: [{ account: '1405', debit: formatAmount(cost, 'CNY') }, { account: '2221.01.01', debit: formatAmount(vat, 'CNY') }, { account: '2202', store: 'cn-tea', credit: formatAmount(cost + vat, 'CNY') }] }])
      }
      // a US supplier every quarter: 10 POT at USD 9.xx on the 8th, paid from the USD account on the 22nd
      if (month % 3 === 0) {
        const amount = parseAmount(`${between(90, 99)}.${pad(between(0, 99))}`, 'USD')
        const rate = rateOn('USD', `${period}-08`) ?? '7.2'
        const cost = convert(amount, 'USD', 'CNY', rate)
        receipts.push(`${period}-08,POT,10,${formatAmount(cost, 'CNY')},POT,US-${period}`)
        await post(context, company.id, [{ date: `${period}-08`, summary: '进口采购', lines: [{ account: '1405', debit: formatAmount(cost, 'CNY') }, { account: '2202', store: 'us-pot', credit: formatAmount(amount, 'USD'), currency: 'USD', rate }] }])
        const payRate = rateOn('USD', `${period}-22`) ?? '7.2'
        await post(context, company.id, [{ date: `${period}-22`, summary: '支付美元货款', lines: [{ account: '2202', store: 'us-pot', debit: formatAmount(amount, 'USD'), currency: 'USD', rate: payRate }, { account: '1002', credit: formatAmount(amount, 'USD'), currency: 'USD', rate: payRate }] }])
      }
      await importReceipts(context, admin, company.id, parseReceiptsCsv(`date,sku,quantity,total_cost,name,reference\n${receipts.join('\n')}\n`, 'CNY'))
      // June: a purchase keyed with the wrong amount is reversed (红字) and keyed again
      if (month === 6) {
        const [wrong] = await post(context, company.id, [{ date: '2026-06-03', summary: '运费(错)', lines: [{ account: pl('5601.03'), debit: '1000.00' }, { account: '2202', store: 'wuliu', credit: '1000.00' }] }])
        await reverseVoucher(context, admin, company.id, wrong?.id ?? 0)
        await post(context, company.id, [{ date: '2026-06-03', summary: '运费', lines: [{ account: pl('5601.03'), debit: '100.00' }, { account: '2202', store: 'wuliu', credit: '100.00' }] }])
      }
      // sales: each store 5-7 orders completed on days 2-18, paid two days later, some refunded in full after settlement
      for (const store of STORES) {
        const monthTxns: SettlementTxn[] = []
        for (let count = between(5, 7); count > 0; count -= 1) {
          const day = between(2, 18)
          const no = `${store.code.toUpperCase()}${orderNo++}`
          const skuLines = Array.from({ length: between(1, 2) }, (_, index) => ({ sku: SKUS[between(0, 2)] ?? 'TEA', quantity: between(1, 2), index }))
          const amounts = skuLines.map((line) => parseAmount(`${store.currency === 'USD' ? between(15, 40) : between(90, 260)}.${pad(between(0, 99))}`, store.currency) * BigInt(line.quantity))
          const gross = amounts.reduce((sum, amount) => sum + amount, 0n) as Minor
          const refunded = next() < 0.15
          const at = (offset: number, hour = '10:00:00') => `${period}-${pad(day + offset)}T${hour}+08:00`
          orders.push(anOrder(no, formatAmount(gross, store.currency), { store: store.code, channel: store.channel, currency: store.currency, createdAt: at(0, '08:00:00'), paidAt: at(0, '08:01:00'), shippedAt: at(0, '09:00:00'), completedAt: at(0), refunded: (refunded ? gross : 0n) as Minor }))
          skuLines.forEach((line, index) => lines.push(aLine(no, `${no}-${index + 1}`, line.sku, line.quantity, '0.00', { store: store.code, channel: store.channel, currency: store.currency, amount: amounts[index] as Minor, unitPrice: (amounts[index]! / BigInt(line.quantity)) as Minor, refunded: (refunded ? amounts[index]! : 0n) as Minor })))
          const wallet = { store: store.code, channel: store.wallet, currency: store.currency, orderRef: no }
          const charge = (gross * 3n + 50n) / 100n
          monthTxns.push(aTxn(`${no}-P`, 'payment', formatAmount(gross, store.currency), { ...wallet, occurredAt: at(2) }))
          monthTxns.push(aTxn(`${no}-C`, store.currency === 'USD' ? 'fee' : 'commission', formatAmount(-charge, store.currency), { ...wallet, occurredAt: at(2) }))
          if (refunded) {
            monthTxns.push(aTxn(`${no}-R`, 'refund', formatAmount(-gross, store.currency), { ...wallet, occurredAt: at(5) }))
            summary.refunds += 1
          }
          summary.orders += 1
          if (store.currency === 'USD') summary.usdOrders += 1
        }
        // the month's net paid out to the bank on the 28th
        const net = monthTxns.reduce((sum, txn) => sum + txn.amount, 0n)
        txns.push(...monthTxns)
        if (net > 0n) txns.push(aTxn(`${store.code}-PO-${period}`, 'payout', formatAmount(-net, store.currency), { store: store.code, channel: store.wallet, currency: store.currency, occurredAt: `${period}-28T09:00:00+08:00`, payoutRef: `PO-${period}` }))
      }
      const run = await runPosting(context, admin, company.id, { period, records: { orders, orderLines: lines, txns }, hold: () => undefined })
      expect(run.held).toEqual([])
      expect(run.uncosted).toEqual([])
      // before any revaluation: the USD receivable and wallet, settled and paid out within the month, hold no CNY either
      for (const account of ['1122', '1012.06']) {
        const left = await context.db.client.execute({ sql: "SELECT COALESCE(SUM(debit_minor - credit_minor), 0) AS b, COALESCE(SUM(CASE WHEN currency = 'USD' THEN debit_original_minor - credit_original_minor ELSE 0 END), 0) AS usd FROM balances WHERE company_id = ? AND account_code = ? AND store = 'shop' AND period <= ?", args: [company.id, account, period] })
        expect([period, account, BigInt(Number(left.rows[0]?.usd)), BigInt(Number(left.rows[0]?.b))]).toEqual([period, account, 0n, 0n])
      }
      const vat = await runVatMonthEnd(context, admin, company.id, period)
      for (const voucher of vat.vouchers) await approveVoucher(context, approver, company.id, voucher.id ?? 0)
      const closed = await closePeriod(context, admin, company.id, period)
      expect(closed.alreadyClosed).toBe(false)

      // the stock sub-ledger equals GL 1405 to the fen
      const stock = (await stockOnHand(context, company.id)).reduce((sum, row) => sum + row.value, 0n)
      const gl = await context.db.client.execute({ sql: "SELECT COALESCE(SUM(debit_minor - credit_minor), 0) AS b, COUNT(DISTINCT store) AS stores FROM balances WHERE company_id = ? AND account_code = '1405' AND period <= ?", args: [company.id, period] })
      expect([period, BigInt(Number(gl.rows[0]?.b)), Number(gl.rows[0]?.stores)]).toEqual([period, stock, 1])
      // no FX residue: every foreign monetary balance is carried at original x closing rate
      const within = withinAccounts(monetaryAccounts(company))
      const pools = await context.db.client.execute({
        sql: `SELECT account_code, store, currency, SUM(debit_original_minor - credit_original_minor) AS original, SUM(debit_minor - credit_minor)
            + COALESCE((SELECT SUM(adjustment_minor) FROM fx_revaluations r WHERE r.company_id = b.company_id AND r.account_code = b.account_code AND r.store = b.store AND r.currency = b.currency AND r.period <= ?), 0) AS base
          FROM balances b WHERE company_id = ? AND period <= ? AND currency != 'CNY' AND ${within.sql} GROUP BY account_code, store, currency`,
        args: [period, company.id, period, ...within.args],
      })
      const closing = rateOn('USD', lastDayOfPeriod(period)) ?? '0'
      for (const row of pools.rows) {
        const expected = convert(BigInt(Number(row.original)) as Minor, String(row.currency), 'CNY', closing)
        expect([period, row.account_code, row.store, BigInt(Number(row.base))]).toEqual([period, row.account_code, row.store, expected])
      }
      // a USD wallet emptied by its payout holds no CNY either (account total over every currency)
      const wallet = await context.db.client.execute({ sql: "SELECT COALESCE(SUM(debit_minor - credit_minor), 0) AS b FROM balances WHERE company_id = ? AND account_code = '1012.06' AND period <= ?", args: [company.id, period] })
      expect([period, BigInt(Number(wallet.rows[0]?.b))]).toEqual([period, 0n])
      const realised = await context.db.client.execute({ sql: "SELECT COUNT(*) AS n FROM voucher_lines WHERE company_id = ? AND period = ? AND summary LIKE '%汇兑损益(已实现)%'", args: [company.id, period] })
      summary.realised += Number(realised.rows[0]?.n)
    }
    expect((await verifyLedger(context)).breaches).toEqual([])
    // payables by supplier add up to 2202; the US supplier, paid each quarter, owes nothing in CNY either
    const payables = await supplierBalances(context, company.id, '2026-12')
    const payable2202 = await context.db.client.execute({ sql: "SELECT COALESCE(SUM(credit_minor - debit_minor), 0) AS b FROM balances WHERE company_id = ? AND account_code = '2202'", args: [company.id] })
    expect(parseAmount(payables.total.closing, 'CNY')).toBe(BigInt(Number(payable2202.rows[0]?.b)))
    expect(payables.rows.map((row) => row.supplier)).toEqual(['cn-tea', 'us-pot', 'wuliu'])
    expect(payables.rows.find((row) => row.supplier === 'us-pot')?.closing).toBe('0.00')
    expect(payables.rows.find((row) => row.supplier === 'wuliu')?.closing).toBe('100.00')
    expect(summary.orders).toBeGreaterThan(150)
    expect(summary.refunds).toBeGreaterThan(10)
    expect(summary.usdOrders).toBeGreaterThan(50)
    expect(summary.realised).toBeGreaterThan(20)

    // hledger and ledger-cli read the export and agree with the trial balance on every leaf
    const tb = await trialBalance(context, company.id, '2026-12', { from: '2026-01' })
    expect(tb.balanced).toBe(true)
    let journal = ''
    for await (const chunk of exportJournal(context, company.id)) journal += chunk
    const path = join(dir, 'year.journal')
    writeFileSync(path, journal)
    const parse = (text: string) => new Map(text.trim().split('\n').map((line) => line.split('\t')).filter((cells) => cells.length >= 2).map(([account, amount]) => [String(account).replaceAll(':', '.'), parseAmount((amount ?? '0').replace(/[ ,]|CNY/g, '') || '0', 'CNY')]))
    const fromHledger = parse(execFileSync('hledger', ['-f', path, 'bal', '--flat', '--no-total', '-O', 'csv'], { encoding: 'utf8' }).split('\n').slice(1).join('\n').replaceAll('","', '\t').replaceAll('"', ''))
    const fromLedger = parse(execFileSync('ledger', ['-f', path, 'bal', '--flat', '--no-total', '--balance-format', '%(account)\t%(quantity(scrub(display_total)))\n'], { encoding: 'utf8' }))
    const leaves = tb.rows.filter((row) => row.isLeaf && row.balance !== '0.00')
    expect(leaves.length).toBeGreaterThan(8)
    const mismatches: string[] = []
    for (const row of leaves) {
      const balance = parseAmount(row.balance, 'CNY')
      if ((fromHledger.get(row.code) ?? 0n) !== balance) mismatches.push(`hledger ${row.code}: ${fromHledger.get(row.code)} vs ${row.balance}`)
      if ((fromLedger.get(row.code) ?? 0n) !== balance) mismatches.push(`ledger ${row.code}: ${fromLedger.get(row.code)} vs ${row.balance}`)
    }
    for (const [code, amount] of fromHledger) if (amount !== 0n && !leaves.some((row) => row.code === code)) mismatches.push(`hledger only ${code} ${amount}`)
    expect(mismatches).toEqual([])
  }, 240_000)
})
