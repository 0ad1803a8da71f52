import type { InValue, Transaction } from '@libsql/client'
import { CHANNELS, type Channel } from '../../shared/records.ts'
import { LedgerError } from '../../shared/errors.ts'
import { POSTING_ROLES, type PostingRole } from '../../shared/posting/types.ts'
import { STORE_PATTERN } from '../../shared/voucher.ts'
import { appendAudit } from './audit.ts'
import { loadChart } from './company.ts'
import { type Actor, type LedgerContext, isoNow } from './context.ts'
import { insertImportStore, insertStore, storeChannelRow, patchStore, storeNameChannel, storeRow, storeRows, taxCodes, updateStoreRow } from './queries.ts'

/**
 * The store registry (店铺, 辅助核算). One row per company × store code with
 * its channel, name, tax code, ledger bank account and posting-role overrides.
 * A store with no overrides posts with its channel's default profile
 * (shared/posting/mapping.ts). Stores come from `cledger store add`, the API
 * (`/companies/:company/stores`) or the first import that names them.
 */
export interface Store {
  readonly code: string
  readonly name: string
  readonly channel: string
  readonly taxCode: string | null
  readonly bankAccount: string | null
  /** posting role -> account code */
  readonly overrides: Record<string, string>
  readonly createdAt: string
}

export interface StoreInput {
  readonly code: string
  readonly name?: string
  readonly channel: string
  readonly taxCode?: string | null
  readonly bankAccount?: string | null
  readonly overrides?: Record<string, string>
}

export type StorePatch = Partial<Omit<StoreInput, 'code'>>


function rowToStore(row: Record<string, unknown>): Store {
  let overrides: Record<string, string> = {}
  try {
    const parsed: unknown = JSON.parse(String(row.overrides_json ?? '{}'))
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) overrides = Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'))
  } catch {
    overrides = {}
  }
  return {
    code: String(row.code), name: String(row.name), channel: String(row.channel),
    taxCode: row.vat_rate === null || row.vat_rate === undefined ? null : String(row.vat_rate),
    bankAccount: row.bank_account === null || row.bank_account === undefined ? null : String(row.bank_account),
    overrides, createdAt: row.created_at === null || row.created_at === undefined ? '' : String(row.created_at),
  }
}

export async function listStores(context: LedgerContext, companyId: number): Promise<Store[]> {
  // suppliers (辅助核算 on 2202, service/ledger/suppliers.ts) share the registry but are not stores
  const result = await storeRows(context.db.client, companyId)
  return result.rows.map((row) => rowToStore(row as unknown as Record<string, unknown>))
}

/** The stores as a short list for messages: `tmall-main (天猫旗舰店, taobao), jd-1 (jd)`, or `none yet`. */
export function storeListText(stores: ReadonlyArray<Pick<Store, 'code' | 'name' | 'channel'>>): string {
  if (stores.length === 0) return 'none yet'
  return stores.map((store) => `${store.code} (${store.name !== store.code ? `${store.name}, ` : ''}${store.channel || 'no channel'})`).join(', ')
}

export async function getStore(context: LedgerContext, companyId: number, code: string): Promise<Store> {
  const result = await storeRow(context.db.client, companyId, code)
  const row = result.rows[0]
  if (!row) {
    const stores = await listStores(context, companyId)
    throw new LedgerError('NOT_FOUND', `no store "${code}"; the company's stores: ${storeListText(stores)} (add one with \`cledger store add ${code} --channel <channel>\`)`)
  }
  return rowToStore(row as unknown as Record<string, unknown>)
}

export const isChannel = (value: string): value is Channel => (CHANNELS as ReadonlyArray<string>).includes(value)
const isRole = (value: string): value is PostingRole => (POSTING_ROLES as ReadonlyArray<string>).includes(value)

/** Checks every field of a store against the company's chart and tax codes; throws a LedgerError naming the first problem. */
async function checkStore(context: LedgerContext, companyId: number, store: Omit<Store, 'createdAt'>): Promise<void> {
  if (!STORE_PATTERN.test(store.code)) throw new LedgerError('VALIDATION', `store code "${store.code}": 1-64 letters, digits, . _ - (no spaces)`)
  if (!isChannel(store.channel)) throw new LedgerError('VALIDATION', `store ${store.code}: unknown channel "${store.channel}" (one of ${CHANNELS.join(', ')})`)
  if (store.name.trim() === '' || store.name.length > 200) throw new LedgerError('VALIDATION', `store ${store.code}: name must be 1-200 characters`)
  if (store.taxCode !== null) {
    const codes = await taxCodes(context.db)
    if (!codes.includes(store.taxCode)) throw new LedgerError('VALIDATION', `store ${store.code}: unknown tax code "${store.taxCode}" (one of ${codes.join(', ')})`)
  }
  const chart = await loadChart(context, companyId)
  const leaf = (what: string, code: string) => {
    const account = chart.get(code)
    if (!account) throw new LedgerError('UNKNOWN_ACCOUNT', `store ${store.code}: ${what} account ${code} is not in the chart of accounts`)
    if (!account.isLeaf) throw new LedgerError('NON_LEAF_ACCOUNT', `store ${store.code}: ${what} account ${code} has sub-accounts; name one of them`)
  }
  if (store.bankAccount !== null) leaf('bank', store.bankAccount)
  for (const [role, code] of Object.entries(store.overrides)) {
    if (!isRole(role)) throw new LedgerError('VALIDATION', `store ${store.code}: unknown posting role "${role}" (one of ${POSTING_ROLES.join(', ')})`)
    leaf(role, code)
  }
}

function normalise(input: StoreInput): Omit<Store, 'createdAt'> {
  return {
    code: input.code.trim(), name: (input.name ?? input.code).trim(), channel: input.channel.trim(),
    taxCode: input.taxCode === undefined || input.taxCode === '' ? null : input.taxCode, bankAccount: input.bankAccount === undefined || input.bankAccount === '' ? null : input.bankAccount,
    overrides: { ...(input.overrides ?? {}) },
  }
}

/** Registers a store (`cledger store add`, POST …/stores). DUPLICATE if the code is taken. Audited. */
export async function addStore(context: LedgerContext, actor: Actor, companyId: number, input: StoreInput): Promise<Store> {
  const store = normalise(input)
  await checkStore(context, companyId, store)
  const at = isoNow(context)
  await context.db.write(async (tx) => {
    const existing = await storeChannelRow(tx, companyId, store.code)
    if (existing.rows[0]) throw new LedgerError('DUPLICATE', `store ${store.code} exists already; change it with \`cledger store set ${store.code} …\``)
    await insertStore(tx, companyId, { code: store.code, name: store.name, channel: store.channel, taxCode: store.taxCode, bankAccount: store.bankAccount, overridesJson: JSON.stringify(store.overrides), createdAt: at })
    await appendAudit(tx, [{ at, companyId, actorId: actor.userId, action: 'store.create', entity: 'store', entityId: store.code, payload: store }])
  })
  return getStore(context, companyId, store.code)
}

/** Changes a store's name, channel, tax code, bank account or overrides (`null` clears the last three). Audited with before/after. */
export async function updateStore(context: LedgerContext, actor: Actor, companyId: number, code: string, patch: StorePatch): Promise<Store> {
  const before = await getStore(context, companyId, code)
  const after: Omit<Store, 'createdAt'> = {
    code: before.code,
    name: patch.name === undefined ? before.name : patch.name.trim(),
    channel: patch.channel === undefined ? before.channel : patch.channel.trim(),
    taxCode: patch.taxCode === undefined ? before.taxCode : patch.taxCode === '' ? null : patch.taxCode,
    bankAccount: patch.bankAccount === undefined ? before.bankAccount : patch.bankAccount === '' ? null : patch.bankAccount,
    overrides: patch.overrides === undefined ? before.overrides : { ...patch.overrides },
  }
  await checkStore(context, companyId, after)
  const at = isoNow(context)
  await context.db.write(async (tx) => {
    await updateStoreRow(tx, companyId, code, { name: after.name, channel: after.channel, taxCode: after.taxCode, bankAccount: after.bankAccount, overridesJson: JSON.stringify(after.overrides) })
    const { createdAt: _createdAt, ...old } = before
    await appendAudit(tx, [{ at, companyId, actorId: actor.userId, action: 'store.update', entity: 'store', entityId: code, payload: { before: old, after } }])
  })
  return getStore(context, companyId, code)
}

/**
 * Inside an import's transaction: registers the import's store on first use,
 * with the channel of the detected format and the name the file gives. A store
 * registered earlier without a channel (a voucher used the code first) gets
 * this channel; one whose name is just its code gets the file's name. Other
 * stores are left as they are. Returns true when the store is new.
 */
export async function registerImportStore(tx: Transaction, companyId: number, at: string, actor: Actor, store: { code: string; name: string; channel: Channel }): Promise<boolean> {
  const existing = await storeNameChannel(tx, companyId, store.code)
  const row = existing.rows[0]
  if (!row) {
    await insertImportStore(tx, companyId, store, at)
    await appendAudit(tx, [{ at, companyId, actorId: actor.userId, action: 'store.create', entity: 'store', entityId: store.code, payload: { ...store, by: 'import' } }])
    return true
  }
  const sets: string[] = []
  const args: InValue[] = []
  if (String(row.channel) === '') {
    sets.push('channel = ?')
    args.push(store.channel)
  }
  if (String(row.name) === store.code && store.name !== store.code) {
    sets.push('name = ?')
    args.push(store.name)
  }
  if (sets.length > 0) {
    await patchStore(tx, companyId, store.code, sets, args)
    await appendAudit(tx, [{ at, companyId, actorId: actor.userId, action: 'store.update', entity: 'store', entityId: store.code, payload: { channel: store.channel, name: store.name, by: 'import' } }])
  }
  return false
}

/**
 * A store code from what a file calls its store: the text itself when it is a
 * valid code, else its runs of letters and digits joined by `-` (cut to 64).
 * @example storeCodeFrom('某某 旗舰店 (天猫)') === '某某-旗舰店-天猫'
 */
export function storeCodeFrom(text: string): string {
  const trimmed = text.trim()
  if (STORE_PATTERN.test(trimmed)) return trimmed
  return trimmed.replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^-+|-+$/g, '').slice(0, 64)
}
