import { describe, expect, it } from 'vitest'
import { formatAmount } from '../../shared/money.ts'
import { createApp } from '../../service/app.ts'
import { main } from '../../service/cli.ts'
import { linkedFiles } from '../../service/generators/linked.ts'
import { importFile } from '../../service/imports/load.ts'
import { SYSTEM } from '../../service/ledger/context.ts'
import { runMatching } from '../../service/matching/index.ts'
import { storeReconciliation } from '../../service/posting/reconcile.ts'
import { runPosting } from '../../service/posting/run.ts'
import { updatePostingSettings } from '../../service/posting/settings.ts'
import { ledgerWithCompany } from '../support/db.ts'
import { call, signedIn } from '../support/http.ts'

/**
 * 对账汇总 per store (issue #13): a month of Taobao orders with post-sale refunds, fees, a
 * 提现 that reached the bank and one underpaid order, imported, matched and posted. The
 * summary's money adds up to the ledger: wallet movement = received − fees − refunds − payouts,
 * except for what posting holds, which the summary shows.
 */
const STORE = '旗舰店'
const PERIOD = '2024-03'
const linked = linkedFiles({ seed: 2024, orders: 60, defects: ['payoutInBank', 'amountMismatch'], postSaleRefundRate: 0.08, shipped: true })
const cny = (value: bigint) => formatAmount(value, 'CNY')

async function posted() {
  const ledger = await ledgerWithCompany()
  const { context, company } = ledger
  await context.db.client.execute({ sql: "INSERT INTO stores (company_id, code, name, channel, vat_rate) VALUES (?, ?, '天猫旗舰店', 'tmall', 'GENERAL_13')", args: [company.id, STORE] })
  await updatePostingSettings(context, SYSTEM, company.id, { recognition: 'shipped', autoApprove: { maxTotal: '1000000.00' } })
  for (const [file, store] of [[linked.files.orders, STORE], [linked.files.alipay, STORE], [linked.files.bank, linked.bankAccount]] as const) {
    const result = await importFile(ledger.db, company.id, { name: file.fileName, bytes: file.bytes }, { actor: SYSTEM, format: file.parser, store })
    expect(result.rejected).toBe(0)
  }
  await runMatching(context, SYSTEM, company.id, { asOf: '2024-04-10' })
  await runPosting(context, SYSTEM, company.id)
  return ledger
}

describe('对账汇总 per store', () => {
  it('adds up to the ledger: wallet movement = received − fees − refunds − payouts, short by exactly the held payment', async () => {
    const { context, company } = await posted()
    const result = await storeReconciliation(context, company.id, { period: PERIOD, store: STORE })
    expect(result.stores).toHaveLength(1)
    const row = result.stores[0]
    if (!row) throw new Error('no row')
    const mismatch = linked.cases.amountMismatch?.gross ?? 0n
    const payout = 1_234_567n
    const refunds = linked.postSaleRefunds.reduce((sum, refund) => sum + refund.amount, 0n)
    expect(refunds).toBeGreaterThan(0n)
    // the generator's own ledger of what it wrote
    const fees = await context.db.client.execute({ sql: "SELECT -SUM(amount_minor) AS fees FROM settlement_txns WHERE kind = 'fee'", args: [] })
    const cleanGross = await context.db.client.execute({ sql: 'SELECT SUM(gross_minor) AS gross FROM orders', args: [] })
    const allGross = BigInt(Number(cleanGross.rows[0]?.gross))
    expect(row).toMatchObject({
      store: STORE, channel: 'taobao', currency: 'CNY', orders: 61,
      expected: allGross - refunds, received: allGross - 1_200n, refunds, fees: BigInt(Number(fees.rows[0]?.fees)), payouts: payout, foundInBank: payout,
      difference: -1_200n, openExceptions: { AMOUNT_MISMATCH: 1 }, held: 1,
    })
    expect(row.walletExpected).toBe(row.received - row.fees - row.refunds - row.payouts)
    // the only thing not in the ledger is the underpaid order's payment, which waits
    expect(row.walletDifference).toBe(-(mismatch - 1_200n))
    const ledgerWallet = await context.db.client.execute({ sql: "SELECT SUM(debit_minor - credit_minor) AS net FROM balances WHERE account_code = '1012.01' AND period = ? AND store = ?", args: [PERIOD, STORE] })
    expect(row.walletMovement).toBe(BigInt(Number(ledgerWallet.rows[0]?.net)))
  })

  it('is exact once the mismatch is resolved and posted, and is served over HTTP and the CLI with drill paths', async () => {
    const { context, company, url } = await posted()
    const api = createApp({ context })
    const token = await signedIn(api, context, company, 'acct', 'accountant')
    const [exception] = (await (await call(api, token, 'GET', '/companies/ACME/exceptions?status=open')).json() as { exceptions: Array<{ id: number }> }).exceptions
    expect((await call(api, token, 'POST', `/companies/ACME/exceptions/${exception?.id ?? 0}/resolve`, { reason: '买家少付 12.00，平台补差' })).status).toBe(200)
    await runPosting(context, SYSTEM, company.id)
    const response = await call(api, token, 'GET', `/companies/ACME/reconcile?period=${PERIOD}&store=${encodeURIComponent(STORE)}`)
    expect(response.status).toBe(200)
    const body = (await response.json()) as { period: string; stores: Array<Record<string, unknown> & { drill: Record<string, string[]> }> }
    const row = body.stores[0]
    if (!row) throw new Error('no row')
    expect(body.period).toBe(PERIOD)
    const amount = (key: string) => BigInt(String(row[key]).replace('.', ''))
    expect(amount('walletMovement')).toBe(amount('received') - amount('fees') - amount('refunds') - amount('payouts'))
    expect([row.walletDifference, row.held, row.openExceptions, row.difference]).toEqual(['0.00', 0, {}, '-12.00'])
    // drill: the payments listed by the route the summary names add up to "received"
    const drill = row.drill
    expect(Object.keys(drill ?? {}).sort()).toEqual(['difference', 'expected', 'fees', 'foundInBank', 'held', 'openExceptions', 'orders', 'payouts', 'received', 'refunds', 'walletMovement'])
    const payments = (await (await call(api, token, 'GET', `${drill.received?.[0] ?? ''}&limit=10000`)).json()) as { txns: Array<{ amount: string }> }
    expect(cny(payments.txns.reduce((sum, txn) => sum + BigInt(txn.amount.replace('.', '')), 0n))).toBe(row.received)
    const orders = (await (await call(api, token, 'GET', `${drill.orders?.[0] ?? ''}&limit=10000`)).json()) as { orders: unknown[] }
    expect(orders.orders).toHaveLength(Number(row.orders))

    await setAdmin(context, company.id)
    let stdout = ''
    const code = await main(['node', 'cledger', '--db', url, '--company', 'ACME', 'reconcile', '--period', PERIOD, '--format', 'csv'], { stdout: (t) => { stdout += t }, stderr: () => {} })
    expect(code).toBe(0)
    const [header, line] = stdout.trim().split('\r\n')
    expect(header).toBe('store,channel,currency,orders,expected,received,fees,refunds,payouts,foundInBank,difference,walletMovement,walletDifference,openExceptions,held')
    expect(line?.split(',').slice(0, 6)).toEqual([STORE, 'taobao', 'CNY', String(row.orders), row.expected, row.received])
    let table = ''
    expect(await main(['node', 'cledger', '--db', url, '--company', 'ACME', 'reconcile', '--period', PERIOD], { stdout: (t) => { table += t }, stderr: () => {} })).toBe(0)
    expect(table).toContain('对账汇总 2024-03')
    expect(table).toContain('钱包发生额 wallet')
  })
})

async function setAdmin(context: Parameters<typeof storeReconciliation>[0], companyId: number): Promise<void> {
  const user = await context.db.client.execute("SELECT id FROM users WHERE username = 'acct'")
  await context.db.client.execute({ sql: "UPDATE memberships SET role = 'admin' WHERE company_id = ? AND user_id = ?", args: [companyId, Number(user.rows[0]?.id)] })
}
