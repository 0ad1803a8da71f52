import { formatAmount, vatOfGross } from '../shared/money.ts'
import type { VoucherInput } from '../shared/voucher.ts'
import { createUser, setRole } from './auth/users.ts'
import { type Company, createCompany } from './ledger/company.ts'
import { type Actor, type LedgerContext, SYSTEM } from './ledger/context.ts'
import { writeVouchers } from './ledger/vouchers.ts'

/**
 * A demo company (账套) so a newcomer sees a populated ledger at once: three
 * stores (Tmall, JD, Shopify US), one month of sales, settlements with
 * commission and payment fees, refunds, promotion and payouts to the bank.
 * Seeded, so every run gives the same ledger.
 */
export const DEMO_USERS = [
  { username: 'admin', role: 'admin', password: 'demo-admin-2026' },
  { username: 'accountant', role: 'accountant', password: 'demo-accountant-2026' },
  { username: 'approver', role: 'approver', password: 'demo-approver-2026' },
  { username: 'sales', role: 'sales', password: 'demo-sales-2026' },
  { username: 'auditor', role: 'auditor', password: 'demo-auditor-2026' },
] as const

export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const STORES = [
  { code: 'tmall-main', name: '天猫旗舰店', channel: 'taobao', wallet: '1012.01', commissionPerMille: 50n, feePerMille: 6n },
  { code: 'jd-flagship', name: '京东自营店', channel: 'jd', wallet: '1012.03', commissionPerMille: 80n, feePerMille: 0n },
  { code: 'pdd-outlet', name: '拼多多店', channel: 'pdd', wallet: '1012.04', commissionPerMille: 6n, feePerMille: 0n },
] as const

function day(period: string, dayOfMonth: number): string {
  return `${period}-${String(dayOfMonth).padStart(2, '0')}`
}

/** One month of vouchers for the demo stores. Every voucher balances by construction. */
export function demoVouchers(period = '2026-10', seed = 20261): VoucherInput[] {
  const random = seededRandom(seed)
  const vouchers: VoucherInput[] = []
  for (let d = 1; d <= 28; d += 1) {
    for (const store of STORES) {
      const orders = 1 + Math.floor(random() * 4)
      let gross = 0n
      for (let i = 0; i < orders; i += 1) gross += BigInt(5_000 + Math.floor(random() * 60_000))
      const { net, vat } = vatOfGross(gross, '0.13', 'CNY')
      const date = day(period, d)
      vouchers.push({ date, summary: `${store.name} ${date} 销售 ${orders} 单`, idempotencyKey: `demo:sale:${store.code}:${date}`, lines: [
        { account: '1122', store: store.code, debit: formatAmount(gross, 'CNY') },
        { account: '5001', store: store.code, credit: formatAmount(net, 'CNY') },
        { account: '2221.01.02', store: store.code, credit: formatAmount(vat, 'CNY') },
      ] })
      const commission = (gross * store.commissionPerMille) / 1000n
      const fee = (gross * store.feePerMille) / 1000n
      const wallet = gross - commission - fee
      const settle = day(period, Math.min(d + 2, 28))
      vouchers.push({ date: settle, summary: `${store.name} ${date} 订单结算`, idempotencyKey: `demo:settle:${store.code}:${date}`, lines: [
        { account: store.wallet, store: store.code, debit: formatAmount(wallet, 'CNY') },
        ...(commission > 0n ? [{ account: '5601.01', store: store.code, debit: formatAmount(commission, 'CNY') }] : []),
        ...(fee > 0n ? [{ account: '5603.01', store: store.code, debit: formatAmount(fee, 'CNY') }] : []),
        { account: '1122', store: store.code, credit: formatAmount(gross, 'CNY') },
      ] })
      if (random() < 0.15) {
        const refund = BigInt(2_000 + Math.floor(random() * 8_000))
        const split = vatOfGross(refund, '0.13', 'CNY')
        vouchers.push({ date: settle, summary: `${store.name} 售后退款`, idempotencyKey: `demo:refund:${store.code}:${date}`, lines: [
          { account: '5001', store: store.code, debit: formatAmount(split.net, 'CNY') },
          { account: '2221.01.02', store: store.code, debit: formatAmount(split.vat, 'CNY') },
          { account: store.wallet, store: store.code, credit: formatAmount(refund, 'CNY') },
        ] })
      }
    }
    if (d % 7 === 0) {
      for (const store of STORES) {
        const promotion = BigInt(10_000 + Math.floor(random() * 40_000))
        vouchers.push({ date: day(period, d), summary: `${store.name} 推广费`, idempotencyKey: `demo:promo:${store.code}:${d}`, lines: [
          { account: '5601.02', store: store.code, debit: formatAmount(promotion, 'CNY') },
          { account: store.wallet, store: store.code, credit: formatAmount(promotion, 'CNY') },
        ] })
      }
    }
  }
  for (const store of STORES) {
    const payout = BigInt(200_000 + Math.floor(random() * 100_000))
    vouchers.push({ date: day(period, 28), summary: `${store.name} 提现到银行`, idempotencyKey: `demo:payout:${store.code}`, lines: [
      { account: '1002', debit: formatAmount(payout, 'CNY') },
      { account: store.wallet, store: store.code, credit: formatAmount(payout, 'CNY') },
    ] })
  }
  return vouchers
}

/** Creates the DEMO company, its users and one month of posted vouchers. */
export async function createDemo(context: LedgerContext, options: { code?: string; period?: string } = {}): Promise<{ company: Company; vouchers: number; users: typeof DEMO_USERS }> {
  const company = await createCompany(context, SYSTEM, { code: options.code ?? 'DEMO', name: '演示电商有限公司 (Demo Trading Co.)' })
  const ids: Record<string, number> = {}
  for (const user of DEMO_USERS) {
    const existing = await context.db.client.execute({ sql: 'SELECT id FROM users WHERE username = ?', args: [user.username] })
    const id = existing.rows[0] ? Number(existing.rows[0].id) : (await createUser(context, SYSTEM, { username: user.username, password: user.password, displayName: user.username })).id
    ids[user.username] = id
    await setRole(context, SYSTEM, id, company.id, user.role)
  }
  for (const store of STORES) {
    await context.db.client.execute({ sql: 'INSERT OR IGNORE INTO stores (company_id, code, name, channel, vat_rate) VALUES (?,?,?,?,?)', args: [company.id, store.code, store.name, store.channel, '0.13'] })
  }
  const accountant: Actor = { userId: ids.accountant ?? null, username: 'accountant' }
  const inputs = demoVouchers(options.period)
  await writeVouchers(context, accountant, company.id, inputs.map((input) => ({ input })), { mode: 'post', sourceKind: 'demo' })
  return { company, vouchers: inputs.length, users: DEMO_USERS }
}
