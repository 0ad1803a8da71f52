import iconv from 'iconv-lite'
import type { FormatSpec } from '../../service/generators/core.ts'
import { GENERATED_FORMATS, csvLine } from '../../service/generators/index.ts'
import { formatAmount } from '../../shared/money.ts'

/** One row of an Alipay merchant 账务明细, as the bill writes it. Amount in fen: income > 0, expense < 0. */
export interface AccountRow {
  readonly journal: string
  /** 业务流水号 */
  readonly business: string
  /** bare order number: written as 商户订单号 T200P<order> and 业务基础订单号; '' for store-level rows */
  readonly order?: string
  readonly at: string
  readonly amount: bigint
  readonly type: string
  readonly desc: string
}

/**
 * A later 账务明细 download with the given rows, in the generators' format spec for
 * `alipay-merchant-account` (header, cell decoration, GBK) with the preamble and the
 * 收入/支出合计 trailer the parser checks.
 */
export function alipayAccountFile(name: string, rows: ReadonlyArray<AccountRow>): { name: string; bytes: Uint8Array } {
  const spec: FormatSpec = GENERATED_FORMATS['alipay-merchant-account']
  const income = rows.filter((row) => row.amount > 0n)
  const expense = rows.filter((row) => row.amount < 0n)
  const sum = (list: ReadonlyArray<AccountRow>) => formatAmount(list.reduce((total, row) => total + (row.amount < 0n ? -row.amount : row.amount), 0n), 'CNY')
  const lines = [
    ...['#支付宝账务明细查询', '#账号：[20888011365400330156]', '#起始日期：[2024年03月01日 00:00:00]   终止日期：[2024年04月01日 00:00:00]', '#-----------------------------------------账务明细列表----------------------------------------'].map((line) => csvLine(spec, [line], false)),
    csvLine(spec, spec.header, false),
    ...rows.map((row) => {
      const out = row.amount < 0n
      const absolute = formatAmount(out ? -row.amount : row.amount, 'CNY')
      const order = row.order ?? ''
      return csvLine(spec, [row.journal, row.business, order === '' ? '' : `T200P${order}`, order === '' ? '' : '商品', row.at, order === '' ? '' : '买家1', out ? '0.00' : absolute, out ? absolute : '0.00', '', '支付宝', row.type, '', row.desc, order], true)
    }),
    ...['#----------------------------------------账务明细列表结束-------------------------------------', `#支出合计：${expense.length}笔，共${sum(expense)}元`, `#收入合计：${income.length}笔，共${sum(income)}元`, '#导出时间：[2024年04月01日 13:19:01]'].map((line) => csvLine(spec, [line], false)),
  ]
  return { name, bytes: iconv.encode(`${lines.join('\n')}\n`, 'gbk') }
}
