import { type GenerateOptions, generateFile } from './index.ts'

/**
 * A file in a layout no parser knows, for the mapping-profile path (`cledger
 * profile`, the pane's 建立映射): a Shopify Payments transactions export whose
 * header is renamed into a shop's own Chinese words, rows untouched. Its
 * columns and the profile that maps it are returned with it.
 */
export const UNKNOWN_LAYOUT_HEADER: Readonly<Record<string, string>> = {
  'Transaction Date': '入账时间', Type: '流水类型', Order: '网店订单', 'Card Brand': '卡组织', 'Card Source': '卡来源', 'Payout Status': '结算状态',
  'Payout Date': '结算日', 'Available On': '可用日', Amount: '流水金额', Fee: '扣费', Net: '实收', Checkout: '结账号', 'Payment Method Name': '付款方式',
  'Presentment Amount': '展示金额', 'Presentment Currency': '展示币种', Currency: '币种',
}

export interface UnknownLayoutFile {
  readonly fileName: string
  readonly bytes: Uint8Array
  readonly columns: readonly string[]
  /** data rows in the file */
  readonly rows: number
  /** what a person maps: field -> column */
  readonly mapping: Readonly<Record<string, string>>
}

export async function unknownLayoutFile(options: GenerateOptions = {}): Promise<UnknownLayoutFile> {
  const file = await generateFile('shopify-payments-transactions', options)
  const text = new TextDecoder('utf-8').decode(file.bytes)
  const newline = text.indexOf('\n')
  const header = text.slice(0, newline).replace(/\r$/, '').split(',')
  const columns = header.map((name) => UNKNOWN_LAYOUT_HEADER[name] ?? name)
  const renamed = `${columns.join(',')}${text.slice(newline)}`
  const rows = text.slice(newline + 1).split('\n').filter((line) => line.trim() !== '').length
  return {
    fileName: '网店资金流水.csv',
    bytes: new TextEncoder().encode(renamed),
    columns,
    rows,
    mapping: { occurredAt: '入账时间', amount: '流水金额', orderRef: '网店订单', kind: '流水类型', description: '付款方式' },
  }
}
