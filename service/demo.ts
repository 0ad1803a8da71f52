import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { LedgerError } from '../shared/errors.ts'
import { parseMatchingSettings } from '../shared/matching/index.ts'
import { lastDayOfPeriod } from '../shared/period.ts'
import { createUser, setRole } from './auth/users.ts'
import { userIdRows } from './auth/queries.ts'
import { DEMO_SUPPLIER, type DemoFile, demoMonth, manualVouchers } from './demo/files.ts'
import { type DemoSummary, summariseDemo } from './demo/summary.ts'
import { type FileImportResult, importFile } from './imports/load.ts'
import { trialBalance } from './ledger/balances.ts'
import { type Company, createCompany, updateCompanySettings } from './ledger/company.ts'
import { type Actor, type LedgerContext, SYSTEM } from './ledger/context.ts'
import { preparePeriodEnd } from './ledger/periods.ts'
import { addStore } from './ledger/stores.ts'
import { addSupplier, assertSupplierLines } from './ledger/suppliers.ts'
import { approveVoucher, writeVouchers } from './ledger/vouchers.ts'
import { matchCounts, runMatching } from './matching/index.ts'
import { importReceipts, readReceiptsFile } from './posting/inventory.ts'
import { importRates, readRatesFile } from './posting/rates.ts'
import { registerRevaluation } from './posting/revaluation.ts'
import { type PostingRunResult, runPosting } from './posting/run.ts'
import { updatePostingSettings } from './posting/settings.ts'

export { demoSummaryText } from './demo/summary.ts'
export type { DemoSummary } from './demo/summary.ts'

/**
 * A demo company (账套) so a newcomer sees a populated ledger at once, made the
 * way an accountant would make it: two Chinese stores (Tmall settling through
 * Alipay, JD) and a Shopify US store in USD, one month of channel exports in
 * each channel's real format (service/demo/files.ts), the bank statements the
 * payouts land on, purchase receipts and USD rates — written to a folder the
 * accountant can open in Excel, then imported with the real importers, matched
 * (service/matching) and posted (service/posting: day summaries for the Chinese
 * stores, one voucher per payout for Shopify, auto-approval under a threshold,
 * payouts on their bank receipt). A few deliberate exceptions wait: an orphan
 * payment, a refund without order, an amount mismatch beyond tolerance, a big
 * refund that needs an approver, and the last payout of the month, not in the
 * bank yet. Seeded, so every run gives the same ledger.
 */
export const DEMO_USERS = [
  { username: 'admin', role: 'admin', password: 'demo-admin-2026' },
  { username: 'accountant', role: 'accountant', password: 'demo-accountant-2026' },
  { username: 'approver', role: 'approver', password: 'demo-approver-2026' },
  { username: 'sales', role: 'sales', password: 'demo-sales-2026' },
  { username: 'auditor', role: 'auditor', password: 'demo-auditor-2026' },
] as const

interface DemoStore {
  readonly code: string
  readonly name: string
  readonly channel: 'taobao' | 'jd' | 'shopify'
  readonly taxCode: string
  readonly granularity: 'day' | 'payout'
}

export const DEMO_STORES: ReadonlyArray<DemoStore> = [
  { code: 'tmall-main', name: '天猫旗舰店', channel: 'taobao', taxCode: 'GENERAL_13', granularity: 'day' },
  { code: 'jd-flagship', name: '京东旗舰店', channel: 'jd', taxCode: 'GENERAL_13', granularity: 'day' },
  { code: 'shopify-us', name: 'Shopify US', channel: 'shopify', taxCode: 'ZERO', granularity: 'payout' },
]

export const DEMO_PERIOD = '2026-10'
const DEMO_SEED = 20261

/** Company rules of the demo: a 0.05 tolerance (to 财务费用-手续费) and refunds from 5,000 need an approver. */
const DEMO_MATCHING = {
  tolerance: { amount: '0.05', account: '5603.01' },
  rules: [{ id: 'big-refunds', description: '退款 ≥ 5,000 需审批人确认', when: { kind: ['refund'], amountMin: '5000.00' }, then: { action: 'requireApproval', role: 'approver' } }],
}

export interface DemoImport {
  readonly file: string
  readonly parser: string
  readonly store: string
  readonly rows: number
  readonly records: number
  readonly rejected: number
}

export interface DemoResult {
  readonly company: Company
  readonly period: string
  /** Folder the files were written to, or null when they were imported from memory. */
  readonly folder: string | null
  readonly vouchers: number
  readonly users: typeof DEMO_USERS
  readonly imports: ReadonlyArray<DemoImport>
  readonly runs: ReadonlyArray<PostingRunResult>
  readonly summary: DemoSummary
}

/** The demo folder next to a `file:` database (data/ledger.db -> data/demo-files), else none. */
export function demoFolderFor(url: string): string | null {
  if (!url.startsWith('file:') || url === 'file::memory:') return null
  return join(dirname(resolve(url.slice('file:'.length))), 'demo-files')
}

async function ensureUsers(context: LedgerContext, companyId: number): Promise<Record<string, number>> {
  const ids: Record<string, number> = {}
  for (const user of DEMO_USERS) {
    const existing = await userIdRows(context.db.client, user.username)
    const id = existing.rows[0] ? Number(existing.rows[0].id) : (await createUser(context, SYSTEM, { username: user.username, password: user.password, displayName: user.username })).id
    ids[user.username] = id
    await setRole(context, SYSTEM, id, companyId, user.role)
  }
  return ids
}

async function importChannelFiles(context: LedgerContext, companyId: number, files: ReadonlyArray<DemoFile>, folder: string | null, actor: Actor): Promise<DemoImport[]> {
  const imports: DemoImport[] = []
  for (const file of files) {
    const input = folder === null ? { name: file.name, bytes: file.bytes } : { name: file.name, path: join(folder, file.name) }
    // Format detected from the header, as `cledger import` does for the accountant; the demo says which parser it wrote for.
    const result: FileImportResult = await importFile(context.db, companyId, input, { actor, format: 'auto', store: file.store, ...(file.currency ? { currency: file.currency } : {}) })
    if (result.parser !== file.parser || result.rejected > 0) throw new LedgerError('INTERNAL', `demo file ${file.name}: detected ${result.parser} (wrote ${file.parser}), ${result.rejected} row(s) rejected`)
    imports.push({ file: file.name, parser: result.parser, store: file.store, rows: result.read, records: result.imported, rejected: result.rejected })
  }
  return imports
}

/**
 * Creates the demo company, its users, stores and settings; writes the month's
 * channel files (to `folder` when given) and runs import -> match -> post.
 */
export async function createDemo(context: LedgerContext, options: { code?: string; period?: string; folder?: string | null } = {}): Promise<DemoResult> {
  const period = options.period ?? DEMO_PERIOD
  const folder = options.folder ?? null
  const company = await createCompany(context, SYSTEM, { code: options.code ?? 'DEMO', name: '演示电商有限公司 (Demo Trading Co.)' })
  const ids = await ensureUsers(context, company.id)
  const accountant: Actor = { userId: ids.accountant ?? null, username: 'accountant' }
  const admin: Actor = { userId: ids.admin ?? null, username: 'admin' }
  // The stores through the registry, as `cledger store add` does: the imports would register them
  // anyway (channel defaults); adding them first gives their names and the Shopify store its zero rate.
  for (const store of DEMO_STORES) await addStore(context, admin, company.id, { code: store.code, name: store.name, channel: store.channel, taxCode: store.taxCode })
  await updatePostingSettings(context, admin, company.id, { recognition: 'shipped', granularity: 'day', autoApprove: { maxTotal: '20000.00' }, payouts: 'bank' })
  await updateCompanySettings(context, admin, company.id, { matching: parseMatchingSettings(DEMO_MATCHING) })

  const month = demoMonth(period, DEMO_SEED)
  const keyedIn = manualVouchers(month)
  const vouchersFile = `手工凭证-采购与付款-${period}.json`
  if (folder !== null) {
    mkdirSync(folder, { recursive: true })
    for (const file of [...month.files, month.receipts, month.rates]) writeFileSync(join(folder, file.name), file.bytes)
    writeFileSync(join(folder, vouchersFile), `${JSON.stringify(keyedIn, null, 2)}\n`)
  }
  const imports = await importChannelFiles(context, company.id, month.files, folder, accountant)
  const receipts = await readReceiptsFile({ name: month.receipts.name, bytes: month.receipts.bytes }, company.baseCurrency)
  const rates = await readRatesFile({ name: month.rates.name, bytes: month.rates.bytes }, 'demo')
  await importReceipts(context, accountant, company.id, receipts)
  await importRates(context, accountant, company.id, rates)
  imports.push({ file: month.receipts.name, parser: 'purchase-receipts', store: '', rows: receipts.length, records: receipts.length, rejected: 0 })
  imports.push({ file: month.rates.name, parser: 'exchange-rates', store: '', rows: rates.length, records: rates.length, rejected: 0 })
  // Purchases and the supplier payment, keyed in by the accountant and approved by the approver (maker != approver).
  const approver: Actor = { userId: ids.approver ?? null, username: 'approver' }
  await addSupplier(context, accountant, company.id, DEMO_SUPPLIER)
  await assertSupplierLines(context, company, keyedIn)
  for (const draft of await writeVouchers(context, accountant, company.id, keyedIn.map((input) => ({ input })), { mode: 'draft', sourceKind: 'manual' })) await approveVoucher(context, approver, company.id, draft.id)
  imports.push({ file: vouchersFile, parser: 'vouchers (voucher add)', store: '', rows: keyedIn.length, records: keyedIn.length, rejected: 0 })

  const matching = await runMatching(context, accountant, company.id, { asOf: lastDayOfPeriod(period) })
  const runs: PostingRunResult[] = []
  for (const store of DEMO_STORES) runs.push(await runPosting(context, accountant, company.id, { store: store.code, granularity: store.granularity }))
  // 期末处理: the accountant drafts the month's period-end vouchers (VAT month-end, FX revaluation of the USD
  // balances) and the approver approves them, so they too have maker != approver; closing is left to the user.
  registerRevaluation()
  await updateCompanySettings(context, admin, company.id, { closing: { vatMonthEnd: true } })
  for (const id of await preparePeriodEnd(context, accountant, company.id, period)) await approveVoucher(context, approver, company.id, id)
  const summary = summariseDemo({
    company, period, folder, imports, matching, counts: await matchCounts(context, company.id), runs, keyedIn: keyedIn.length,
    trialBalance: await trialBalance(context, company.id, period), users: DEMO_USERS,
  })
  return { company, period, folder, vouchers: summary.vouchers.written, users: DEMO_USERS, imports, runs, summary }
}
