import { LedgerError } from '../../shared/errors.ts'
import { isCurrency } from '../../shared/money.ts'
import { postingSettingsSchema } from '../posting/settings.ts'
import { appendAudit } from './audit.ts'
import { getCompany } from './company.ts'
import { type Actor, type LedgerContext, isoNow } from './context.ts'
import { bankParentPostings, bankParentRow, bankSubAccountCodes, insertBankAccount, makeBankParentGroup, setCompanySettingsJson } from './queries.ts'

/**
 * Bank accounts (银行账户) as a registry like stores (issue #16.4): each bank
 * account and currency gets its own sub-account of 1002 银行存款 (1002.01
 * 工商银行 CNY 1234, 1002.02 招商银行 USD 5678 …), so balances, revaluation and
 * the 银行日记账 are per account. Registering one, in one transaction:
 * creates the sub-account (1002 becomes a parent; refused once 1002 itself has
 * postings, which could not move), records it in company settings `banks`,
 * maps the account number as it appears on imported statements to it
 * (posting.bankAccounts), makes the first base-currency one the company's
 * default bank account, and, with `store`, that store's bank account (where its
 * payouts land).
 */
export interface BankAccountInput {
  /** bank name, e.g. 工商银行 */
  readonly name: string
  /** account number as printed on statements */
  readonly number: string
  readonly currency: string
  /** a store whose payouts land in this account */
  readonly store?: string
}

export interface BankAccount extends BankAccountInput {
  readonly account: string
}

export function banksOf(settings: Record<string, unknown>): BankAccount[] {
  return Array.isArray(settings.banks) ? (settings.banks as BankAccount[]) : []
}

export async function addBankAccount(context: LedgerContext, actor: Actor, companyId: number, input: BankAccountInput): Promise<BankAccount> {
  const name = input.name.trim()
  const number = input.number.replace(/\s+/g, '')
  const currency = input.currency.toUpperCase()
  if (!name) throw new LedgerError('VALIDATION', 'a bank account needs the bank name (--name 工商银行)')
  if (!/^[\w-]{4,40}$/.test(number)) throw new LedgerError('VALIDATION', `bank account number "${input.number}" must be 4-40 letters, digits or -`)
  if (!isCurrency(currency)) throw new LedgerError('UNKNOWN_CURRENCY', `unknown currency ${input.currency}`)
  const company = await getCompany(context, companyId)
  const banks = banksOf(company.settings)
  if (banks.some((bank) => bank.number === number && bank.currency === currency)) throw new LedgerError('DUPLICATE', `bank account ${number} ${currency} is registered already`)
  return context.db.write(async (tx) => {
    const parent = await bankParentRow(tx, companyId)
    if (!parent.rows[0]) throw new LedgerError('UNKNOWN_ACCOUNT', 'the chart has no 1002 银行存款')
    if (Number(parent.rows[0].is_leaf) === 1) {
      if ((await bankParentPostings(tx, companyId)) > 0) throw new LedgerError('INVALID_STATE', '1002 银行存款 already has postings, so it cannot get sub-accounts; register bank accounts before the first bank voucher, or keep one 1002 and map statements with posting.bankAccounts')
      await makeBankParentGroup(tx, companyId)
    }
    const taken = new Set((await bankSubAccountCodes(tx, companyId)).map((code) => Number(code.slice(5))))
    let next = 1
    while (taken.has(next)) next += 1
    if (next > 99) throw new LedgerError('VALIDATION', '1002 has 99 sub-accounts already')
    const account = `1002.${String(next).padStart(2, '0')}`
    const last4 = number.slice(-4)
    await insertBankAccount(tx, companyId, account, `${name} ${currency} ${last4}`)
    const bank: BankAccount = { name, number, currency, account, ...(input.store ? { store: input.store } : {}) }
    const posting = { ...((company.settings.posting as Record<string, unknown> | undefined) ?? {}) }
    const bankAccounts = { ...((posting.bankAccounts as Record<string, string> | undefined) ?? {}), [number]: account }
    const accounts = { ...((posting.accounts as Record<string, string> | undefined) ?? {}) }
    if ((accounts.bank === undefined || accounts.bank === '1002') && currency === company.baseCurrency) accounts.bank = account
    const stores = { ...((posting.stores as Record<string, { accounts?: Record<string, string> }> | undefined) ?? {}) }
    if (input.store) stores[input.store] = { ...stores[input.store], accounts: { ...stores[input.store]?.accounts, bank: account } }
    const parsed = postingSettingsSchema.safeParse({ ...posting, bankAccounts, accounts, stores })
    if (!parsed.success) throw new LedgerError('VALIDATION', `posting settings: ${parsed.error.issues[0]?.message ?? 'invalid'}`)
    const settings = { ...company.settings, banks: [...banks, bank], posting: parsed.data }
    await setCompanySettingsJson(tx, companyId, JSON.stringify(settings))
    await appendAudit(tx, [{ at: isoNow(context), companyId, actorId: actor.userId, action: 'bank.add', entity: 'account', entityId: account, payload: bank }])
    return bank
  })
}
