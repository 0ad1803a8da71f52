import type { PostingAccounts } from './types.ts'

/**
 * Transfers between the owner's own accounts (settlement txns of kind `transfer`,
 * see shared/records.ts `counterAccount`): the ledger account of the other side.
 * Sub-wallets are siblings of the channel wallets under 1012 其他货币资金 (1012.08
 * 余额宝, 1012.09 零钱通; the channel wallets stay leaves), money-market and fund
 * holdings are 1101 交易性金融资产, a credit card repaid is 2241 其他应付款, and a
 * bank card is the store's bank account. Unknown hints return null (the txn is held).
 */
export const TRANSFER_ACCOUNTS = {
  'wallet:余额宝': '1012.08',
  'wallet:零钱通': '1012.09',
  investment: '1101',
  card: '2241',
} as const

export function transferCounterAccount(hint: string | undefined, accounts: Pick<PostingAccounts, 'bank'>): string | null {
  if (hint === undefined) return null
  const kind = hint.slice(0, hint.indexOf(':'))
  if (kind === 'bank') return accounts.bank
  if (kind === 'investment') return TRANSFER_ACCOUNTS.investment
  if (kind === 'card') return TRANSFER_ACCOUNTS.card
  if (hint === 'wallet:余额宝' || hint === 'wallet:零钱通') return TRANSFER_ACCOUNTS[hint]
  return null
}

/** Voucher-line wording for the other side (`余额宝`, `理财通`, `银行卡 工商银行(9876)`, `信用卡还款 …`). */
export function transferLabel(hint: string): string {
  const cut = hint.indexOf(':')
  const kind = hint.slice(0, cut)
  const name = hint.slice(cut + 1)
  if (kind === 'bank') return `银行卡 ${name}`.trim()
  if (kind === 'card') return `信用卡还款 ${name}`.trim()
  return name
}
