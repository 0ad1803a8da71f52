import { type Account, type AccountRole, type ChartTemplate, type TaxpayerType, defaultAccountRoles } from '../accounts.ts'
import { LedgerError } from '../errors.ts'
import type { Channel } from '../records.ts'
import { DEFAULT_ROLE_SOURCE, POSTING_ROLES, type PostingAccounts, type PostingRole } from './types.ts'

/**
 * Account mapping per company and store: defaults from the chart's role table,
 * company-wide overrides, then per-store overrides (which wallet, which fee
 * account, revenue and VAT accounts). Every mapped account must exist and be a leaf.
 */
export type AccountOverrides = Partial<Record<PostingRole, string>>

/**
 * The channel default profile: every channel in CHANNELS has a wallet, so a
 * store with no overrides posts out of the box. A `bank` store (money paid
 * straight into the bank) uses the bank account; `other` (generic imports)
 * 1012.99 其他平台.
 */
export const WALLET_OF_CHANNEL: Record<Channel, AccountRole> = {
  alipay: 'wallet.alipay', taobao: 'wallet.taobao', tmall: 'wallet.taobao', wechat: 'wallet.wechat', jd: 'wallet.jd', pdd: 'wallet.pdd',
  douyin: 'wallet.douyin', shopify: 'wallet.shopify', amazon: 'wallet.amazon', bank: 'bank', other: 'wallet.other',
}

/**
 * The accounts one store posts to.
 * @example resolveAccounts('small-enterprise', 'general', 'jd', {}, {}).wallet === '1012.03'
 */
export function resolveAccounts(template: ChartTemplate, taxpayer: TaxpayerType, channel: Channel, company: AccountOverrides, store: AccountOverrides): PostingAccounts {
  const roles = defaultAccountRoles(template, taxpayer)
  const walletRole = WALLET_OF_CHANNEL[channel]
  const pick = (role: PostingRole): string => {
    const chosen = store[role] ?? company[role] ?? (role === 'wallet' ? roles[walletRole] : roles[DEFAULT_ROLE_SOURCE[role]])
    if (chosen === undefined) throw new LedgerError('VALIDATION', `no ${role} account for channel ${channel}: set it with cledger store set <store> --account ${role}=<code>`)
    return chosen
  }
  return {
    receivable: pick('receivable'), revenue: pick('revenue'), outputVat: pick('outputVat'), wallet: pick('wallet'), commission: pick('commission'),
    paymentFee: pick('paymentFee'), promotion: pick('promotion'), shipping: pick('shipping'), otherPlatformCharge: pick('otherPlatformCharge'),
    bank: pick('bank'), inventory: pick('inventory'), cost: pick('cost'), exchangeGainLoss: pick('exchangeGainLoss'),
    differenceLoss: pick('differenceLoss'), differenceGain: pick('differenceGain'),
  }
}

export interface MappingProblem {
  readonly store: string
  readonly role: PostingRole
  readonly account: string
  readonly problem: 'UNKNOWN_ACCOUNT' | 'NON_LEAF_ACCOUNT'
}

/** Every mapped account exists in the chart and is a leaf; returns the problems (empty = valid). */
export function validateMapping(store: string, accounts: PostingAccounts, chart: ReadonlyMap<string, Account>): MappingProblem[] {
  const problems: MappingProblem[] = []
  for (const role of POSTING_ROLES) {
    const code = accounts[role]
    const account = chart.get(code)
    if (!account) problems.push({ store, role, account: code, problem: 'UNKNOWN_ACCOUNT' })
    else if (!account.isLeaf) problems.push({ store, role, account: code, problem: 'NON_LEAF_ACCOUNT' })
  }
  return problems
}
