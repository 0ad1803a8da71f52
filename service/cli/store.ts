import type { Command } from 'commander'
import { LedgerError } from '../../shared/errors.ts'
import { CHANNELS } from '../../shared/records.ts'
import { POSTING_ROLES } from '../../shared/posting/types.ts'
import type { CliRuntime } from './runtime.ts'
import { type Store, addStore, getStore, listStores, updateStore } from '../ledger/stores.ts'
import { addSupplier, listSuppliers, supplierBalances } from '../ledger/suppliers.ts'
import { normalizePeriod } from '../../shared/period.ts'
import { formatTable } from './table.ts'

/**
 * `cledger store add|list|show|set`: the store registry (店铺). A store with no
 * overrides posts with its channel's default accounts; imports register their
 * store on first use, so these commands are for names, tax codes, bank accounts
 * and account overrides, not a required set-up step.
 */
interface StoreFlags {
  name?: string
  channel?: string
  taxCode?: string
  bankAccount?: string
  account?: string[]
}

/** `--account role=code` pairs; `role=` (nothing after =) removes that override. */
function accountPairs(pairs: ReadonlyArray<string> | undefined): Map<string, string | null> {
  const out = new Map<string, string | null>()
  for (const pair of pairs ?? []) {
    const [role, ...rest] = pair.split('=')
    if (!role || rest.length === 0) throw new LedgerError('VALIDATION', `--account ${pair}: expected role=account (roles: ${POSTING_ROLES.join(', ')})`)
    const code = rest.join('=').trim()
    out.set(role.trim(), code === '' ? null : code)
  }
  return out
}

const orNull = (text: string | undefined): string | null | undefined => (text === undefined ? undefined : ['', 'none', '-'].includes(text.trim()) ? null : text.trim())

function storeText(store: Store): string {
  const overrides = Object.entries(store.overrides)
  return [
    `store ${store.code}: ${store.name}`,
    `  channel       ${store.channel || '(none)'}`,
    `  tax code      ${store.taxCode ?? '(company default)'}`,
    `  bank account  ${store.bankAccount ?? '(default)'}`,
    `  overrides     ${overrides.length ? overrides.map(([role, code]) => `${role}=${code}`).join(', ') : '(none: channel defaults)'}`,
    `  created       ${store.createdAt}`,
  ].join('\n')
}

export function registerStoreCommands(program: Command, runtime: CliRuntime): void {
  const store = program.command('store').description('stores (店铺): channel, name, tax code, bank account and posting-account overrides')
  store.command('list').description('the company\'s stores').action(async () => {
    const { context, company } = await runtime.open('stores.read')
    const stores = await listStores(context, company.id)
    runtime.print({ stores }, () => (stores.length === 0
      ? 'no stores yet: `cledger import FILE --store CODE` registers one, or `cledger store add CODE --channel CHANNEL`'
      : formatTable(['code', 'name', 'channel', 'tax code', 'bank account', 'overrides'], stores.map((s) => [s.code, s.name, s.channel, s.taxCode ?? '', s.bankAccount ?? '', Object.entries(s.overrides).map(([role, code]) => `${role}=${code}`).join(' ')]))))
  })
  store.command('show <code>').description('one store').action(async (code: string) => {
    const { context, company } = await runtime.open('stores.read')
    const found = await getStore(context, company.id, code)
    runtime.print({ store: found }, () => storeText(found))
  })
  store.command('add <code>').description('register a store (imports also register theirs on first use)')
    .requiredOption('--channel <channel>', CHANNELS.join(' | '))
    .option('--name <name>', 'display name (default the code)')
    .option('--tax-code <code>', 'VAT code (GENERAL_13, GENERAL_9, GENERAL_6, SMALL_SCALE, ZERO, ...; default the company\'s)')
    .option('--bank-account <account>', 'leaf ledger account the payouts land in (e.g. 1002.01)')
    .option('--account <role=code...>', `posting-role override (${POSTING_ROLES.join(', ')})`)
    .action(async (code: string, flags: StoreFlags) => {
      const { context, company, actor } = await runtime.open('stores.write')
      const overrides: Record<string, string> = {}
      for (const [role, account] of accountPairs(flags.account)) if (account !== null) overrides[role] = account
      const created = await addStore(context, actor, company.id, { code, name: flags.name, channel: flags.channel ?? '', taxCode: orNull(flags.taxCode), bankAccount: orNull(flags.bankAccount), overrides })
      runtime.print({ store: created }, () => storeText(created))
    })
  store.command('set <code>').description('change a store; --account role= removes an override, --bank-account none clears it')
    .option('--channel <channel>', CHANNELS.join(' | '))
    .option('--name <name>', 'display name')
    .option('--tax-code <code>', 'VAT code, or none for the company default')
    .option('--bank-account <account>', 'leaf ledger account, or none')
    .option('--account <role=code...>', 'posting-role override to add or change (role= removes it)')
    .action(async (code: string, flags: StoreFlags) => {
      const { context, company, actor } = await runtime.open('stores.write')
      const before = await getStore(context, company.id, code)
      const pairs = accountPairs(flags.account)
      const overrides = { ...before.overrides }
      for (const [role, account] of pairs) {
        if (account === null) delete overrides[role]
        else overrides[role] = account
      }
      const changed = await updateStore(context, actor, company.id, code, {
        ...(flags.name !== undefined ? { name: flags.name } : {}),
        ...(flags.channel !== undefined ? { channel: flags.channel } : {}),
        ...(flags.taxCode !== undefined ? { taxCode: orNull(flags.taxCode) } : {}),
        ...(flags.bankAccount !== undefined ? { bankAccount: orNull(flags.bankAccount) } : {}),
        ...(pairs.size > 0 ? { overrides } : {}),
      })
      runtime.print({ store: changed }, () => storeText(changed))
    })
  const supplier = program.command('supplier').description('suppliers (供应商): 辅助核算 on 应付账款 2202 — purchases and payments name one in the line\'s "store"')
  supplier.command('add <code>').description('register a supplier').option('--name <name>', 'the supplier\'s name (default the code)').action(async (code: string, flags: { name?: string }) => {
    const { context, company, actor } = await runtime.open('stores.write')
    const added = await addSupplier(context, actor, company.id, { code, name: flags.name })
    runtime.print({ supplier: added }, () => `supplier ${added.code}: ${added.name}`)
  })
  supplier.command('list').description('the company\'s suppliers').action(async () => {
    const { context, company } = await runtime.open('stores.read')
    const suppliers = await listSuppliers(context, company.id)
    runtime.print({ suppliers }, () => (suppliers.length === 0 ? 'no suppliers yet: `cledger supplier add CODE --name NAME`' : formatTable(['code', 'name'], suppliers.map((s) => [s.code, s.name]))))
  })
  supplier.command('balances <period>').description('应付账款余额表 by supplier: opening, debit, credit, closing (credit = owed); rows sum to the 2202 balance').action(async (period: string) => {
    const { context, company } = await runtime.open('reports.read')
    const report = await supplierBalances(context, company.id, normalizePeriod(period))
    runtime.print(report, () => formatTable(['supplier', 'name', 'opening', 'debit', 'credit', 'closing'], [...report.rows, report.total].map((row) => [row.supplier, row.name, row.opening, row.debit, row.credit, row.closing]), ['left', 'left', 'right', 'right', 'right', 'right']))
  })
}
