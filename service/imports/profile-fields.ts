/**
 * Which fields a mapping profile maps, per record kind, with a one-line
 * explanation and a guess from typical header words, for the interactive
 * `cledger profile` (service/cli/import.ts).
 */
export type ProfileRecord = 'settlementTxn' | 'bankTxn' | 'order'

export interface ProfileField {
  readonly field: string
  readonly help: string
  readonly required?: boolean
  readonly guess?: RegExp
}

const TIME = /时间|日期|date|time|created/i
const AMOUNT = /金额|amount|total|value|sum/i
const TEXT = /备注|摘要|说明|用途|description|memo|text|item/i
const PARTY = /对方|客户|买家|customer|buyer|counterparty|payee/i
const BALANCE = /余额|balance/i

const MONEY_FIELDS: ReadonlyArray<ProfileField> = [
  { field: 'occurredAt', help: 'when the money moved', required: true, guess: TIME },
  { field: 'amount', help: 'signed amount (leave empty if the file has separate income and expense columns)', guess: AMOUNT },
  { field: 'income', help: 'income column (only without a signed amount)', guess: /收入|income|credit|贷方/i },
  { field: 'expense', help: 'expense column (only without a signed amount)', guess: /支出|expense|debit|借方/i },
  { field: 'externalId', help: 'unique id of the row (流水号); without one, time|amount|text|row is used', guess: /流水号|交易号|reference|ref|\bid\b/i },
  { field: 'direction', help: 'direction column (收/支, in/out) that flips the sign of money out', guess: /收支|方向|direction/i },
  { field: 'counterparty', help: 'the other party', guess: PARTY },
  { field: 'description', help: 'text of the row', guess: TEXT },
  { field: 'balanceAfter', help: 'balance after the row', guess: BALANCE },
]

export const PROFILE_FIELDS: Readonly<Record<ProfileRecord, ReadonlyArray<ProfileField>>> = {
  settlementTxn: [
    ...MONEY_FIELDS,
    { field: 'kind', help: 'type of the row (payment, refund, fee ...; mapped with kindMap in the profile)', guess: /类型|业务|type|kind/i },
    { field: 'orderRef', help: 'order number the money belongs to', guess: /订单|order/i },
    { field: 'tradeNo', help: 'payment / trade number', guess: /交易号|支付单号|trade|payment/i },
  ],
  bankTxn: [
    ...MONEY_FIELDS,
    { field: 'account', help: 'bank account of the row (else --store or the profile name)', guess: /账号|账户|account/i },
  ],
  order: [
    { field: 'orderNo', help: 'order number', required: true, guess: /订单号|订单编号|order/i },
    { field: 'occurredAt', help: 'when the order was created', required: true, guess: TIME },
    { field: 'amount', help: 'line amount the buyer pays (after discounts)', required: true, guess: AMOUNT },
    { field: 'status', help: 'order status', guess: /状态|status/i },
    { field: 'sku', help: 'SKU / 商家编码', guess: /sku|编码/i },
    { field: 'title', help: 'item title', guess: /标题|商品|item|title|product/i },
    { field: 'quantity', help: 'quantity (default 1)', guess: /数量|qty|quantity/i },
    { field: 'unitPrice', help: 'unit price', guess: /单价|价格|price/i },
    { field: 'discount', help: 'discount on the line', guess: /优惠|折扣|discount/i },
    { field: 'refunded', help: 'amount refunded', guess: /退款|refund/i },
    { field: 'shipping', help: 'shipping, on the first row of an order', guess: /运费|邮费|shipping/i },
    { field: 'externalId', help: 'sub-order / line id (else <order>-<n>)', guess: /子订单|line id/i },
    { field: 'counterparty', help: 'buyer', guess: PARTY },
    { field: 'tradeNo', help: 'payment number (支付单号) the payment bill carries', guess: /支付单号|交易号|payment/i },
    { field: 'paidAt', help: 'paid time', guess: /付款时间|支付时间|paid/i },
    { field: 'shippedAt', help: 'shipped time', guess: /发货时间|shipped/i },
    { field: 'completedAt', help: 'completed time', guess: /完成时间|确认收货|completed/i },
  ],
}

/** The first column matching the field's guess that no earlier field took. */
export function guessColumn(field: ProfileField, columns: ReadonlyArray<string>, taken: ReadonlySet<string>): string | undefined {
  if (!field.guess) return undefined
  return columns.find((column) => !taken.has(column) && field.guess?.test(column) === true)
}
