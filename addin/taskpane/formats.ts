/**
 * A first guess of a channel file's format from its name and first bytes, shown
 * while the person picks files. The service detects the format authoritatively
 * (service/imports) and its answer replaces this guess after upload.
 */
const SIGNATURES: readonly (readonly [format: string, pattern: RegExp])[] = [
  // Invoices first: their 销方/购方名称 columns hold any company name (支付宝, 京东, a bank).
  ['invoice', /数电票号码|价税合计|<EInvoice|发票代码.*发票号码/],
  // Bank statements first: their 对方户名 column often holds 支付宝 / 京东 / 拼多多.
  ['bank-csv', /借方发生额|贷方发生额|借方金额|贷方金额|借贷标志|交易后余额|对方户名|对方单位名称|收\/付方名称|本次余额/],
  ['alipay', /支付宝|账务流水号|支付宝交易号/],
  ['wechat', /微信支付|微信订单号|商户订单号.*交易状态/],
  ['douyin', /抖店|动[帐账]流水号/],
  ['pdd', /拼多多|商户订单号.*货款/],
  ['jd', /京东|jd\.com/i],
  ['taobao', /订单编号.*买家|子订单编号|淘宝|天猫/],
  ['amazon-settlement', /settlement-id|settlement-start-date/i],
  ['shopify-payouts', /Payout Date|Payout ID/i],
  ['shopify-orders', /Financial Status|Fulfillment Status/i],
  ['bank-csv', /交易日期.*(借方|贷方|收入|支出)|对方账号/],
]

export function guessFormat(fileName: string, head: string): string | null {
  for (const [format, pattern] of SIGNATURES) if (pattern.test(head)) return format
  for (const [format, pattern] of SIGNATURES) if (pattern.test(fileName)) return format
  return null
}

/** The first ~4 KB as text; GB18030 exports are tried when UTF-8 gives replacement characters. */
export async function readHead(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.slice(0, 4096).arrayBuffer())
  const utf8 = new TextDecoder('utf-8').decode(bytes)
  if (!utf8.includes('\uFFFD')) return utf8
  try {
    return new TextDecoder('gb18030').decode(bytes)
  } catch {
    return utf8
  }
}
