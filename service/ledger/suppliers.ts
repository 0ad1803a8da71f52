import { LedgerError } from '../../shared/errors.ts'
import { formatAmount } from '../../shared/money.ts'
import { assertPeriod } from '../../shared/period.ts'
import { STORE_PATTERN } from '../../shared/voucher.ts'
import { appendAudit } from './audit.ts'
import { storeTurnoverUnder } from './balances.ts'
import { type Company, chartStampOf, getCompany, loadSupplierCodes } from './company.ts'
import { type Actor, type LedgerContext, isoNow } from './context.ts'
import { insertSupplier, storeChannelRow, supplierRows } from './queries.ts'

/**
 * 辅助核算: supplier (供应商) on 应付账款 2202 (issue #16.6). The supplier is the
 * line's `store` column, the ledger's one line dimension (docs/decisions.d/h-acct2.md):
 * on 2202, which posting never touches, it names the supplier. Suppliers are rows of
 * the stores registry with channel `supplier`, so voucher lines, materialized balances,
 * `cledger verify`, revaluation (per account × store × currency) and 明细账 `--store`
 * work per supplier unchanged. Store lists leave them out.
 *
 * Accounts with the supplier dimension: 2202 and below, or company setting
 * `suppliers.accounts`. Once a company has registered a supplier, a hand-made line on
 * such an account must name a registered supplier (purchases and payments alike).
 */
export const SUPPLIER_CHANNEL = 'supplier'
export const DEFAULT_SUPPLIER_ACCOUNTS = ['2202'] as const

export interface Supplier {
  readonly code: string
  readonly name: string
}

export function supplierAccounts(company: Company): string[] {
  const configured = (company.settings.suppliers as { accounts?: unknown } | undefined)?.accounts
  if (Array.isArray(configured) && configured.every((code) => typeof code === 'string' && /^\d{4}(\.\d{2}){0,3}$/.test(code))) return configured as string[]
  return [...DEFAULT_SUPPLIER_ACCOUNTS]
}

const within = (code: string, roots: ReadonlyArray<string>) => roots.some((root) => code === root || code.startsWith(`${root}.`))

export async function listSuppliers(context: LedgerContext, companyId: number): Promise<Supplier[]> {
  return (await supplierRows(context.db, companyId, SUPPLIER_CHANNEL)).map((row) => ({ code: row.code, name: row.name }))
}

/** Registers a supplier (`cledger supplier add`). DUPLICATE if the code is taken by a supplier or a store. Audited. */
export async function addSupplier(context: LedgerContext, actor: Actor, companyId: number, input: { code: string; name?: string }): Promise<Supplier> {
  const code = input.code.trim()
  const name = (input.name ?? code).trim()
  if (!STORE_PATTERN.test(code)) throw new LedgerError('VALIDATION', `supplier code "${code.slice(0, 80)}" must be 1-64 letters, digits, Chinese characters, . _ - (like a store code)`)
  if (name === '' || name.length > 200) throw new LedgerError('VALIDATION', 'a supplier name is 1-200 characters')
  const at = isoNow(context)
  await context.db.write(async (tx) => {
    const existing = await storeChannelRow(tx, companyId, code)
    if (existing.rows[0]) throw new LedgerError('DUPLICATE', `${String(existing.rows[0].channel) === SUPPLIER_CHANNEL ? 'supplier' : 'store'} ${code} exists already; a supplier needs a code of its own`)
    await insertSupplier(tx, companyId, code, name, SUPPLIER_CHANNEL, at)
    await appendAudit(tx, [{ at, companyId, actorId: actor.userId, action: 'supplier.create', entity: 'supplier', entityId: code, payload: { code, name } }])
  })
  return { code, name }
}

/**
 * Policy for vouchers typed in by people (next to assertNoNegativeAmounts): once the
 * company has suppliers, every line on a supplier account names one
 * (SUPPLIER_REQUIRED), and only registered suppliers go there (UNKNOWN_SUPPLIER); a
 * supplier code is not used as a store on other accounts.
 */
export async function assertSupplierLines(context: LedgerContext, company: Company, inputs: ReadonlyArray<unknown>): Promise<void> {
  // cached by chart_version (a supplier added or removed bumps it); no read at all when the request's access check read the version
  const suppliers = await loadSupplierCodes(context, company.id, chartStampOf(company))
  if (suppliers.size === 0) return
  const accounts = supplierAccounts(company)
  inputs.forEach((input, voucherIndex) => {
    const lines = (input as { lines?: unknown } | null)?.lines
    if (!Array.isArray(lines)) return
    lines.forEach((line: unknown, lineIndex) => {
      const { account, store } = (line ?? {}) as { account?: unknown; store?: unknown }
      if (typeof account !== 'string') return
      const where = `${inputs.length > 1 ? `voucher ${voucherIndex + 1}, ` : ''}line ${lineIndex + 1}`
      const code = typeof store === 'string' ? store : ''
      if (within(account, accounts)) {
        if (code === '') throw new LedgerError('SUPPLIER_REQUIRED', `${where}: account ${account} is kept by supplier (辅助核算: 供应商); name one in "store" / 应付账款需指明供应商. Suppliers: ${[...suppliers].join(', ')}`, { voucher: voucherIndex + 1, line: lineIndex + 1 })
        if (!suppliers.has(code)) throw new LedgerError('UNKNOWN_SUPPLIER', `${where}: "${code}" is not a registered supplier (供应商未登记); add it with \`cledger supplier add ${code} --name …\``, { voucher: voucherIndex + 1, line: lineIndex + 1 })
      } else if (suppliers.has(code)) {
        throw new LedgerError('VALIDATION', `${where}: "${code}" is a supplier; it goes on ${accounts.join(', ')} only, not on ${account} / 供应商只用于应付账款`, { voucher: voucherIndex + 1, line: lineIndex + 1 })
      }
    })
  })
}

export interface SupplierBalance {
  readonly supplier: string
  readonly name: string
  /** credit-positive (what is owed), base currency, decimal strings */
  readonly opening: string
  readonly debit: string
  readonly credit: string
  readonly closing: string
}

/**
 * 应付账款余额表 by supplier for `period`: opening (through the period before),
 * the period's debits and credits and the closing balance, credit-positive, from
 * the materialized balances of the supplier accounts. Lines without a supplier
 * (before suppliers were registered) are one row with supplier ''. The rows sum to
 * the accounts' balance.
 */
export async function supplierBalances(context: LedgerContext, companyId: number, period: string): Promise<{ period: string; rows: SupplierBalance[]; total: SupplierBalance }> {
  assertPeriod(period)
  const company = await getCompany(context, companyId)
  const accounts = supplierAccounts(company)
  const turnover = await storeTurnoverUnder(context.db.client, companyId, period, accounts)
  const names = new Map((await listSuppliers(context, companyId)).map((supplier) => [supplier.code, supplier.name]))
  const money = (value: bigint) => formatAmount(value, company.baseCurrency)
  const totals = { opening: 0n, debit: 0n, credit: 0n }
  const rows: SupplierBalance[] = []
  for (const { store, opening, debit, credit } of turnover) {
    if (opening === 0n && debit === 0n && credit === 0n) continue
    totals.opening += opening
    totals.debit += debit
    totals.credit += credit
    rows.push({ supplier: store, name: store === '' ? '(未指定供应商)' : (names.get(store) ?? store), opening: money(opening), debit: money(debit), credit: money(credit), closing: money(opening - debit + credit) })
  }
  return { period, rows, total: { supplier: '', name: '合计', opening: money(totals.opening), debit: money(totals.debit), credit: money(totals.credit), closing: money(totals.opening - totals.debit + totals.credit) } }
}
