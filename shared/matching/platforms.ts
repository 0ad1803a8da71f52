import type { BankTxn, Channel } from '../records.ts'

/**
 * Which platform a bank line's 对方户名 (counterparty) names: the payer of a
 * payout as Chinese banks print it. A payout-level signal beside amount and
 * date window (engine.ts payoutLevel): a line that names a platform only
 * matches that platform's payouts, and among payouts of the same amount the
 * one of the named platform wins. A line naming none (对公转账 from a person,
 * a blank 对方户名) matches on amount and date alone, as before.
 *
 * Names are the settlement companies behind each channel (assumed from their
 * public 营业执照 names): Alipay 支付宝（中国）网络技术有限公司; WeChat Pay
 * 财付通支付科技有限公司; JD 网银在线（北京）科技有限公司 / 京东; PDD
 * 上海寻梦信息技术有限公司 / 拼多多 / 付费通; Douyin 抖音 / 字节跳动 / 合众易宝;
 * plus the English names Shopify and Amazon use on wires.
 */

export type Platform = 'alipay' | 'wechat' | 'jd' | 'pdd' | 'douyin' | 'shopify' | 'amazon'

const PLATFORM_NAMES: ReadonlyArray<{ platform: Platform; pattern: RegExp; label: string }> = [
  { platform: 'alipay', pattern: /支付宝|alipay|蚂蚁/i, label: '支付宝' },
  { platform: 'wechat', pattern: /财付通|tenpay|微信|wechat/i, label: '财付通' },
  { platform: 'jd', pattern: /京东|网银在线|jingdong|\bjd\.com/i, label: '京东' },
  { platform: 'pdd', pattern: /拼多多|寻梦|付费通|pinduoduo/i, label: '拼多多' },
  { platform: 'douyin', pattern: /抖音|字节跳动|合众易宝|douyin|bytedance/i, label: '抖音' },
  { platform: 'shopify', pattern: /shopify/i, label: 'Shopify' },
  { platform: 'amazon', pattern: /amazon|亚马逊/i, label: 'Amazon' },
]

/** Channels whose payouts each platform pays (Taobao/Tmall shops are paid out through Alipay). */
const PAYS: Record<Platform, ReadonlyArray<Channel>> = {
  alipay: ['alipay', 'taobao', 'tmall'],
  wechat: ['wechat'],
  jd: ['jd'],
  pdd: ['pdd'],
  douyin: ['douyin'],
  shopify: ['shopify'],
  amazon: ['amazon'],
}

/** The platform a bank line names in 对方户名 (else in its memo), or null. */
export function platformOfLine(line: Pick<BankTxn, 'counterparty' | 'memo'>): { platform: Platform; label: string } | null {
  const text = line.counterparty !== undefined && line.counterparty !== '' ? line.counterparty : line.memo
  for (const entry of PLATFORM_NAMES) if (entry.pattern.test(text)) return { platform: entry.platform, label: entry.label }
  return null
}

/** True when the named platform pays out money of `channel`. */
export function platformPays(platform: Platform, channel: Channel): boolean {
  return PAYS[platform].includes(channel)
}
