import { ALIPAY_PARSERS } from './parsers/alipay.ts'
import { AMAZON_PARSERS } from './parsers/amazon.ts'
import { BANK_CN_PARSERS, BANK_PARSERS } from './parsers/bank.ts'
import { INVOICE_PARSERS } from './parsers/invoice-list.ts'
import { JD_PARSERS } from './parsers/jd.ts'
import { PDD_DOUYIN_PARSERS } from './parsers/pdd-douyin.ts'
import { SHOPIFY_PARSERS } from './parsers/shopify.ts'
import { TAOBAO_PARSERS } from './parsers/taobao.ts'
import { WECHAT_PARSERS } from './parsers/wechat.ts'
import type { FileParser } from './types.ts'

/**
 * THE table of file parsers. Detection tries them all (or one family with
 * --format) against the header row and takes the best full match; order breaks ties.
 * The `generic` family is compiled from a mapping profile at import time (profile.ts).
 */
export const PARSERS: ReadonlyArray<FileParser> = [
  ...ALIPAY_PARSERS,
  ...WECHAT_PARSERS,
  ...TAOBAO_PARSERS,
  ...JD_PARSERS,
  ...PDD_DOUYIN_PARSERS,
  ...SHOPIFY_PARSERS,
  ...AMAZON_PARSERS,
  ...BANK_CN_PARSERS,
  ...BANK_PARSERS,
  ...INVOICE_PARSERS,
]

export function parserById(id: string): FileParser | undefined {
  return PARSERS.find((parser) => parser.id === id)
}
