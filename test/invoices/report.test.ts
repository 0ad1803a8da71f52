import { describe, expect, it } from 'vitest'
import { type Invoice, rateLabel } from '../../shared/invoices/record.ts'
import { type Minor, formatAmount, minor, vatOfGross } from '../../shared/money.ts'
import { createApp } from '../../service/app.ts'
import { main } from '../../service/cli.ts'
import { invoiceZip } from '../../service/generators/invoice-xml.ts'
import { GENERATED_SELLER, digitalInvoiceNo, redInvoiceOf } from '../../service/generators/invoices.ts'
import { Rng } from '../../service/generators/core.ts'
import { importFile } from '../../service/imports/load.ts'
import { invoiceReconciliation } from '../../service/invoices/report.ts'
import { updateInvoiceSettings } from '../../service/invoices/settings.ts'
import { SYSTEM } from '../../service/ledger/context.ts'
import { closePeriod } from '../../service/ledger/periods.ts'
import { writeVouchers } from '../../service/ledger/vouchers.ts'
import { updatePostingSettings } from '../../service/posting/settings.ts'
import { ledgerWithCompany } from '../support/db.ts'
import { call, signedIn } from '../support/http.ts'

/**
 * A generated quarter (2024-01..03): sales of three stores at 13%, 9% and 6%
 * posted through writeVouchers (1122 / 5001 + 2221.01.02), some refunded;
 * output invoices for part of them, issued in the month of the sale or later
 * (some in April, outside the quarter), some red-lettered, some 作废, imported
 * as a zip of XML files. January is closed (结转损益) before the report runs.
 */
const STORES = [{ code: 'tmall', taxCode: 'GENERAL_13', rate: '0.13' }, { code: 'rice', taxCode: 'GENERAL_9', rate: '0.09' }, { code: 'saas', taxCode: 'GENERAL_6', rate: '0.06' }] as const
const MONTHS = ['2024-01', '2024-02', '2024-03'] as const
const key = (month: string, rate: string) => `${month}|${rate}`

async function quarter(seed: number) {
  const ledger = await ledgerWithCompany()
  const { context, company } = ledger
  await updatePostingSettings(context, SYSTEM, company.id, { stores: Object.fromEntries(STORES.map((store) => [store.code, { taxCode: store.taxCode, channel: 'taobao' }])) })
  await updateInvoiceSettings(context, SYSTEM, company.id, { taxId: GENERATED_SELLER.taxId })
  const rng = new Rng(seed)
  const revenue = new Map<string, bigint>()
  const invoiced = new Map<string, bigint>()
  const add = (map: Map<string, bigint>, k: string, amount: bigint) => map.set(k, (map.get(k) ?? 0n) + amount)
  const vouchers: Array<{ input: unknown }> = []
  const invoices: Invoice[] = []
  const cancelled: string[] = []
  let serial = 1
  /** invoices issued in a later month than their sale */
  let late = 0
  for (const [monthIndex, month] of MONTHS.entries()) {
    for (let index = 0; index < 40; index += 1) {
      const store = rng.pick(STORES)
      const day = String(rng.int(1, 28)).padStart(2, '0')
      const gross = rng.minor(500, 500_000)
      const { net, vat } = vatOfGross(gross, store.rate, 'CNY')
      const text = (value: bigint) => formatAmount(value, 'CNY')
      vouchers.push({ input: { date: `${month}-${day}`, summary: `订单 ${month}-${index}`, lines: [
        { account: '1122', store: store.code, debit: text(gross) }, { account: '5001', store: store.code, credit: text(net) }, { account: '2221.01.02', store: store.code, credit: text(vat) },
      ] } })
      add(revenue, key(month, store.rate), net)
      if (rng.chance(0.15)) {
        // a refund of the whole sale in the same month (红字 sale voucher)
        vouchers.push({ input: { date: `${month}-28`, summary: `退款 ${month}-${index}`, lines: [
          { account: '1122', store: store.code, debit: text(-gross) }, { account: '5001', store: store.code, credit: text(-net) }, { account: '2221.01.02', store: store.code, credit: text(-vat) },
        ] } })
        add(revenue, key(month, store.rate), -net)
        continue
      }
      if (!rng.chance(0.6)) continue
      // invoiced in the same month, the next one, or (from March) in April
      const issueMonth = ['2024-01', '2024-02', '2024-03', '2024-04'][Math.min(3, monthIndex + rng.int(0, 1))] ?? '2024-04'
      const special = rng.chance(0.3)
      const blue: Invoice = {
        invoiceNo: digitalInvoiceNo(2024, serial++), invoiceType: special ? '数电票（增值税专用发票）' : '数电票（普通发票）', issuedAt: `${issueMonth}-${day}T10:00:00+08:00`,
        sellerTaxId: GENERATED_SELLER.taxId, sellerName: GENERATED_SELLER.name, buyerTaxId: special ? '91310115MA1K4B2C8D' : '', buyerName: special ? '上海某某贸易有限公司' : '个人',
        currency: 'CNY', amount: net, tax: vat, total: gross, taxRate: store.rate, status: 'normal', statusRaw: '正常', isRed: false, remark: `订单号：${month}-${index}`,
        items: [{ name: '*日用杂品*商品', spec: '', unit: '件', quantity: '1', unitPrice: formatAmount(net, 'CNY'), amount: net, taxRate: store.rate, tax: vat }],
        source: { fileHash: '0'.repeat(64), rowNumber: 1 },
      }
      if (rng.chance(0.05)) {
        // an older coded paper-style invoice that was voided (作废): in the list export only (数电票 XML has no 作废)
        cancelled.push(`033001900111,${String(serial++).padStart(8, '0')},${GENERATED_SELLER.taxId},${GENERATED_SELLER.name},,个人,${issueMonth}-${day},${text(net)},${rateLabel(store.rate)},${text(vat)},${text(gross)},作废,增值税电子普通发票`)
        continue
      }
      invoices.push(blue)
      if (issueMonth !== month) late += 1
      if (issueMonth !== '2024-04') add(invoiced, key(issueMonth, store.rate), net)
      if (issueMonth !== '2024-04' && rng.chance(0.1)) {
        // red-lettered in the following month (into April for March invoices)
        const redMonth = MONTHS[MONTHS.indexOf(issueMonth as (typeof MONTHS)[number]) + 1] ?? '2024-04'
        invoices.push(redInvoiceOf(blue, digitalInvoiceNo(2024, serial++), `${redMonth}-${day}T11:00:00+08:00`))
        if (redMonth !== '2024-04') add(invoiced, key(redMonth, store.rate), -net)
      }
    }
  }
  await writeVouchers(context, SYSTEM, company.id, vouchers, { mode: 'post' })
  const zip = invoiceZip(invoices)
  const imported = await importFile(ledger.db, company.id, { name: zip.fileName, bytes: zip.bytes }, { actor: SYSTEM })
  expect([imported.imported, imported.rejected]).toEqual([invoices.length, 0])
  const list = `发票代码,发票号码,销方识别号,销方名称,购方识别号,购买方名称,开票日期,金额,税率,税额,价税合计,发票状态,发票票种\n${cancelled.join('\n')}\n`
  const voided = await importFile(ledger.db, company.id, { name: '作废.csv', bytes: new Uint8Array(Buffer.from(list)) }, { actor: SYSTEM })
  expect([voided.imported, voided.rejected]).toEqual([cancelled.length, 0])
  await closePeriod(context, SYSTEM, company.id, '2024-01')
  return { ...ledger, revenue, invoiced, invoices, cancelled, late }
}

describe('开票与收入对账 (invoice-reconciliation)', () => {
  it('on a generated quarter, 未开票收入 + invoiced revenue = 主营业务收入 per rate and month, to the fen', async () => {
    const { context, company, revenue, invoiced, invoices, cancelled, late } = await quarter(2024)
    expect(invoices.some((invoice) => invoice.isRed)).toBe(true)
    expect(cancelled.length).toBeGreaterThan(0)
    const report = await invoiceReconciliation(context, company.id, { period: '2024-03' })
    expect(report.checks.every((check) => check.ok)).toBe(true)
    const lines = report.rows.filter((row) => row.indent === 1)
    const seen = new Set<string>()
    for (const row of lines) {
      const rate = { '13%': '0.13', '9%': '0.09', '6%': '0.06' }[String(row.cells.rate)] ?? ''
      const k = key(String(row.cells.month), rate)
      seen.add(k)
      expect(row.cells.revenue, `${k} revenue`).toBe(revenue.get(k) ?? 0n)
      expect(row.cells.invoiced, `${k} invoiced`).toBe(invoiced.get(k) ?? 0n)
      expect((row.cells.uninvoiced as bigint) + (row.cells.invoiced as bigint), `${k} sum`).toBe(row.cells.revenue)
      expect((row.cells.specialAmount as bigint) + (row.cells.otherAmount as bigint)).toBe(row.cells.invoiced)
    }
    expect([...revenue.keys()].every((k) => seen.has(k))).toBe(true)
    expect(late).toBeGreaterThan(5)
    const total = report.rows.at(-1)
    expect(total?.cells.revenue).toBe([...revenue.values()].reduce((sum, value) => sum + value, 0n))
  })

  it('is served by the CLI (csv) and the API (json), money as decimal strings', async () => {
    const { context, company, url } = await quarter(7)
    const api = createApp({ context })
    const token = await signedIn(api, context, company, 'acct1', 'accountant')
    const response = await call(api, token, 'GET', `/companies/${company.code}/reports/invoice-reconciliation?period=2024-03`)
    expect(response.status).toBe(200)
    const body = (await response.json()) as { rows: Array<Record<string, string>> }
    const last = body.rows.at(-1)
    expect(last?.rate).toBe('合计')
    expect(last?.revenue).toMatch(/^-?\d+\.\d{2}$/)
    let out = ''
    let err = ''
    const code = await main(['node', 'cledger', '--db', url, '--user', 'acct1', 'report', 'invoice-reconciliation', '--period', '2024-02', '--format', 'csv'], { stdout: (text) => { out += text }, stderr: (text) => { err += text } })
    expect([code, err]).toEqual([0, ''])
    expect(out.split('\n')[0]).toContain('未开票收入')
    expect(out).toContain('2024-02')
    const report = await invoiceReconciliation(context, company.id, { period: '2024-03' })
    expect(last?.uninvoiced).toBe(formatAmount(minor(report.rows.at(-1)?.cells.uninvoiced as bigint) as Minor, 'CNY'))
  })
})
