import { type Minor, allocate, formatAmount, minor } from '../../shared/money.ts'
import { previousPeriod } from '../../shared/period.ts'
import type { Company } from '../ledger/company.ts'
import type { LedgerContext } from '../ledger/context.ts'
import { loadStoreProfiles } from '../posting/settings.ts'
import { vatSettings } from '../posting/vat-month-end.ts'
import { companyTaxId } from './settings.ts'
import { channelFeeRows, receivedInvoiceRows } from './queries.ts'

/**
 * Input invoices for platform fees (issue #17): the platform invoices its
 * commission (佣金 / 技术服务费), promotion (推广 / 广告) or payment fees (支付手续费)
 * of a month as one invoice, in that month or the next. An input invoice matches
 * the fee settlement lines (settlement_txns of kind commission / promotion / fee)
 * by the platform seller name (天猫/淘宝/支付宝 -> taobao, tmall, alipay; 京东 -> jd;
 * 寻梦/拼多多 -> pdd; 抖音/巨量/空间变换 -> douyin; 财付通/腾讯 -> wechat), the period
 * (issue month, else the month before) and the amount (价税合计 = the lines' total,
 * to the fen; all the platform's stores, else one store). The matched fee's input
 * VAT then takes the invoice's rate and tax: postInputVat credits the fee account
 * of each store (split by the stores' fees) instead of a guessed cost account.
 * Read-only: computed on demand, nothing stored.
 */

export type FeeKind = 'commission' | 'promotion' | 'fee'

const ROLE: Record<FeeKind, 'commission' | 'promotion' | 'paymentFee'> = { commission: 'commission', promotion: 'promotion', fee: 'paymentFee' }
const KIND_NAME: Record<FeeKind, { zh: string; en: string }> = { commission: { zh: '佣金', en: 'commission' }, promotion: { zh: '推广费', en: 'promotion' }, fee: { zh: '支付手续费', en: 'payment fees' } }

const PLATFORMS: ReadonlyArray<{ pattern: RegExp; name: { zh: string; en: string }; channels: string[] }> = [
  { pattern: /天猫|淘宝|阿里巴巴|阿里妈妈|支付宝/, name: { zh: '淘宝/天猫', en: 'Taobao/Tmall' }, channels: ['taobao', 'tmall', 'alipay'] },
  { pattern: /京东/, name: { zh: '京东', en: 'JD' }, channels: ['jd'] },
  { pattern: /寻梦|拼多多/, name: { zh: '拼多多', en: 'PDD' }, channels: ['pdd'] },
  { pattern: /抖音|巨量|空间变换|字节跳动/, name: { zh: '抖音', en: 'Douyin' }, channels: ['douyin'] },
  { pattern: /财付通|腾讯/, name: { zh: '微信支付', en: 'WeChat Pay' }, channels: ['wechat'] },
]

/** The fee an invoice is for, from its remark and item names; null for goods, freight and anything else. */
export function feeKindOf(text: string): FeeKind | null {
  if (/推广|广告|直通车|巨量|多多搜索|引力魔方|万相台|京准通/.test(text)) return 'promotion'
  if (/手续费|支付服务|收单/.test(text)) return 'fee'
  if (/佣金|技术服务费|平台服务费|软件服务/.test(text)) return 'commission'
  return null
}

export function platformOf(sellerName: string): { name: { zh: string; en: string }; channels: string[] } | null {
  return PLATFORMS.find((platform) => platform.pattern.test(sellerName)) ?? null
}

export interface FeeInvoiceMatch {
  readonly invoiceNo: string
  readonly sellerName: string
  readonly kind: FeeKind
  readonly month: string
  readonly channels: string[]
  /** the fee of each store in that month (positive fen) */
  readonly stores: Array<{ store: string; fee: Minor; account: string }>
  readonly lines: number
  readonly total: Minor
  readonly taxRate: string
  readonly tax: Minor
  /** the fee's tax code when the settlement posting already books input VAT on it (vat.feeTaxCodes) */
  readonly bookedBySettlement: string | null
}

export interface FeeInvoiceUnmatched {
  readonly invoiceNo: string
  readonly sellerName: string
  readonly issuedAt: string
  readonly kind: FeeKind
  readonly total: Minor
  readonly why: { zh: string; en: string }
}

interface FeeGroup { channel: string; store: string; month: string; kind: FeeKind; fee: bigint; lines: number }

const yuan = (value: bigint): string => formatAmount(minor(value), 'CNY')

export async function matchFeeInvoices(context: LedgerContext, company: Company, options: { period?: string } = {}): Promise<{ matched: FeeInvoiceMatch[]; unmatched: FeeInvoiceUnmatched[] }> {
  const { taxId } = await companyTaxId(context, company)
  if (taxId === null) return { matched: [], unmatched: [] }
  const invoices = (await receivedInvoiceRows(context.db.client, company.id, taxId, options.period)).rows
  const groups: FeeGroup[] = (await channelFeeRows(context.db.client, company.id)).rows.map((row) => ({ channel: String(row.channel), store: String(row.store), month: String(row.month), kind: String(row.kind) as FeeKind, fee: BigInt(String(row.fee ?? 0)), lines: Number(row.n) }))
  const { profiles } = await loadStoreProfiles(context, company)
  const codes = company.taxpayerType === 'general' ? vatSettings(company).feeTaxCodes ?? {} : {}
  const taken = new Set<string>()
  const matched: FeeInvoiceMatch[] = []
  const unmatched: FeeInvoiceUnmatched[] = []
  for (const row of invoices) {
    const kind = feeKindOf(`${String(row.remark)} ${String(row.items_json)}`)
    if (kind === null) continue
    const invoiceNo = String(row.invoice_no)
    const sellerName = String(row.seller_name)
    const total = BigInt(String(row.total_minor))
    const issued = String(row.issued_at).slice(0, 7)
    const base = { invoiceNo, sellerName, issuedAt: String(row.issued_at).slice(0, 10), kind, total: minor(total) }
    const platform = platformOf(sellerName)
    if (!platform) {
      unmatched.push({ ...base, why: { zh: `销方 ${sellerName} 不是已知的平台，无法对应平台费用`, en: `the seller ${sellerName} is not a known platform, so no platform fee can be matched` } })
      continue
    }
    let found: FeeGroup[] | null = null
    let closest: FeeGroup[] = []
    for (const month of [issued, previousPeriod(issued)]) {
      const all = groups.filter((group) => group.kind === kind && group.month === month && platform.channels.includes(group.channel))
      if (all.length > 0 && closest.length === 0) closest = all
      const candidates = all.filter((group) => !taken.has(groupKey(group)))
      if (candidates.length > 0 && candidates.reduce((sum, group) => sum + group.fee, 0n) === total) found = candidates
      else found = candidates.find((group) => group.fee === total) ? [candidates.find((group) => group.fee === total) as FeeGroup] : null
      if (found) break
    }
    if (!found) {
      const near = closest.length > 0 ? `；最接近：${closest[0]?.month} ${closest.map((group) => `${group.store} ${yuan(group.fee)}`).join('、')}` : ''
      const nearEn = closest.length > 0 ? `; closest: ${closest[0]?.month} ${closest.map((group) => `${group.store} ${yuan(group.fee)}`).join(', ')}` : ''
      unmatched.push({ ...base, why: {
        zh: `${platform.name.zh} 在 ${issued} 或 ${previousPeriod(issued)} 没有合计 ${yuan(total)} 的${KIND_NAME[kind].zh}明细${near}`,
        en: `no ${KIND_NAME[kind].en} lines of ${platform.name.en} add up to ${yuan(total)} in ${issued} or ${previousPeriod(issued)}${nearEn}`,
      } })
      continue
    }
    for (const group of found) taken.add(groupKey(group))
    const byStore = new Map<string, bigint>()
    for (const group of found) byStore.set(group.store, (byStore.get(group.store) ?? 0n) + group.fee)
    const role = ROLE[kind]
    matched.push({
      invoiceNo, sellerName, kind, month: found[0]?.month ?? issued, channels: [...new Set(found.map((group) => group.channel))],
      stores: [...byStore].sort(([a], [b]) => a.localeCompare(b)).map(([store, fee]) => ({ store, fee: minor(fee), account: profiles.get(store)?.accounts[role] ?? defaultAccount(company, kind) })),
      lines: found.reduce((sum, group) => sum + group.lines, 0), total: minor(total), taxRate: String(row.tax_rate), tax: minor(BigInt(String(row.tax_minor))),
      bookedBySettlement: codes[role] ?? null,
    })
  }
  return { matched, unmatched }
}

function groupKey(group: FeeGroup): string {
  return `${group.channel}|${group.store}|${group.month}|${group.kind}`
}

function defaultAccount(company: Company, kind: FeeKind): string {
  const selling = company.chartTemplate === 'enterprise' ? '6601' : '5601'
  return kind === 'promotion' ? `${selling}.02` : `${selling}.01`
}

/** The invoice's tax split over the stores by their fees (largest remainder), for the input-VAT voucher's credit lines. */
export function taxByStore(match: FeeInvoiceMatch): Array<{ store: string; account: string; tax: Minor }> {
  const weights = match.stores.map((each) => (each.fee > 0n ? each.fee : 0n))
  const parts = weights.some((weight) => weight > 0n) ? allocate(match.tax, weights) : allocate(match.tax, match.stores.map(() => 1n))
  return match.stores.map((each, index) => ({ store: each.store, account: each.account, tax: parts[index] ?? minor(0n) }))
}
