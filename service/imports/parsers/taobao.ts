import { minor, type Minor } from '../../../shared/money.ts'
import type { Order, OrderLine } from '../../../shared/records.ts'
import { freeText, moneyOrZero, optionalText, quantity, readTimestamp, required, timestampOrUndefined } from '../clean.ts'
import type { FileParser, MappedRow, ParseContext } from '../types.ts'
import { OrderAssembler, chineseOrderStatus, orderItems, sourceOf } from './common.ts'
import { TAOBAO_INVOICE_COLUMNS, taobaoInvoiceRequest } from './invoice-request.ts'

/** Taobao/Tmall: 千牛 sub-order export (XLSX/CSV) and the classic order-level ExportOrderList CSV. */

const CNY = 'CNY'

function refundedOf(row: MappedRow): Minor {
  // 退款金额 holds text such as 无退款申请 when there is no refund.
  const text = row.get('退款金额')
  return /\d/.test(text) ? moneyOrZero('退款金额', text, CNY) : minor(0n)
}

function orderFields(context: ParseContext, row: MappedRow, orderNo: string): Order {
  const statusRaw = row.get('订单状态')
  const order: Order = {
    channel: 'taobao', store: context.store, orderNo, status: chineseOrderStatus(statusRaw), statusRaw: freeText(statusRaw),
    createdAt: readTimestamp('订单创建时间', row.get('订单创建时间')), currency: CNY,
    gross: minor(0n), discount: minor(0n), shipping: minor(0n), tax: minor(0n), refunded: minor(0n), source: sourceOf(context, row),
  }
  const paidAt = timestampOrUndefined('订单付款时间', row.get('订单付款时间'))
  if (paidAt) order.paidAt = paidAt
  const shippedAt = timestampOrUndefined('发货时间', row.get('发货时间'))
  if (shippedAt) order.shippedAt = shippedAt
  const completedAt = timestampOrUndefined('确认收货时间', row.get('确认收货时间'))
  if (completedAt) order.completedAt = completedAt
  const paymentRef = optionalText(row.get('支付单号'))
  if (paymentRef) order.paymentRef = paymentRef
  const buyer = optionalText(row.get('买家会员名'))
  if (buyer) order.buyerRef = buyer
  const invoiceRequest = taobaoInvoiceRequest(row)
  if (invoiceRequest) order.invoiceRequest = invoiceRequest
  return order
}

export const taobaoQianniu: FileParser = {
  id: 'taobao-qianniu',
  family: 'taobao',
  channel: 'taobao',
  label: 'Taobao/Tmall 千牛 order export (sub-orders)',
  containers: ['xlsx', 'csv'],
  required: ['子订单编号', '主订单编号', '标题', '价格', '购买数量', '订单状态', '买家实际支付金额', '订单创建时间'],
  optional: ['商家编码', '支付单号', '买家应付货款', '退款状态', '退款金额', '订单付款时间', '发货时间', '商品id', '外部系统编号', '商品属性', ...TAOBAO_INVOICE_COLUMNS],
  amountColumns: ['价格', '买家实际支付金额', '退款金额'],
  start(context) {
    const assembler = new OrderAssembler()
    return {
      row(row) {
        const orderNo = required('主订单编号', row.get('主订单编号'))
        const qty = quantity('购买数量', row.get('购买数量'))
        const unitPrice = moneyOrZero('价格', row.get('价格'), CNY)
        const amount = moneyOrZero('买家实际支付金额', row.get('买家实际支付金额'), CNY)
        const listTotal = unitPrice * BigInt(qty)
        const discount = minor(listTotal > amount ? listTotal - amount : 0n)
        const refunded = refundedOf(row)
        const order = orderFields(context, row, orderNo)
        order.gross = amount
        order.discount = discount
        order.refunded = refunded
        const line: OrderLine = {
          channel: 'taobao', store: context.store, orderNo, subOrderNo: required('子订单编号', row.get('子订单编号')),
          sku: freeText(row.get('商家编码') || row.get('外部系统编号')), title: freeText(row.get('标题')), quantity: qty,
          unitPrice, discount, amount, refunded, status: chineseOrderStatus(`${row.get('订单状态')} ${row.get('退款状态')}`),
          statusRaw: freeText(row.get('订单状态')), currency: CNY, source: sourceOf(context, row),
        }
        return { type: 'records', records: orderItems(assembler.add(order, line, true), line) }
      },
      flush: () => assembler.flush().map((record) => ({ kind: 'order' as const, record })),
      finish: () => (assembler.repeated > 0 ? [{ level: 'warning', code: 'ORDER_SPLIT', message: `${assembler.repeated} order(s) appear in non-adjacent rows; only their first block is kept as the order header` }] : []),
    }
  },
}

export const taobaoClassic: FileParser = {
  id: 'taobao-classic',
  family: 'taobao',
  channel: 'taobao',
  label: 'Taobao classic 订单报表 (ExportOrderList)',
  containers: ['csv', 'xlsx'],
  required: ['订单编号', '买家会员名', '买家应付货款', '买家实际支付金额', '订单状态', '订单创建时间'],
  optional: ['买家支付宝账号', '买家应付邮费', '总金额', '订单付款时间', '宝贝标题', '宝贝种类', '宝贝总数量', '店铺名称', '卖家服务费', '退款金额', '打款商家金额', '支付单号', '确认收货时间', '发货时间', '物流单号', ...TAOBAO_INVOICE_COLUMNS],
  amountColumns: ['买家实际支付金额', '买家应付货款', '买家应付邮费', '退款金额'],
  storeColumns: [{ column: '店铺名称', kind: 'name' }, { column: '店铺Id', kind: 'id' }],
  start(context) {
    return {
      row(row) {
        const orderNo = required('订单编号', row.get('订单编号'))
        const paid = moneyOrZero('买家实际支付金额', row.get('买家实际支付金额'), CNY)
        const goods = moneyOrZero('买家应付货款', row.get('买家应付货款'), CNY)
        const shipping = moneyOrZero('买家应付邮费', row.get('买家应付邮费'), CNY)
        const discount = minor(goods + shipping > paid ? goods + shipping - paid : 0n)
        const order = orderFields(context, row, orderNo)
        order.gross = paid
        order.shipping = shipping
        order.discount = discount
        order.refunded = refundedOf(row)
        const qtyText = row.get('宝贝总数量')
        const qty = qtyText === '' ? 1 : quantity('宝贝总数量', qtyText)
        const lineAmount = minor(paid - shipping > 0n ? paid - shipping : 0n)
        const line: OrderLine = {
          channel: 'taobao', store: context.store, orderNo, subOrderNo: `${orderNo}-1`, sku: '', title: freeText(row.get('宝贝标题')), quantity: qty,
          unitPrice: qty > 0 ? minor(goods / BigInt(qty)) : goods, discount, amount: lineAmount, refunded: order.refunded,
          status: order.status, statusRaw: order.statusRaw, currency: CNY, source: sourceOf(context, row),
        }
        return { type: 'records', records: orderItems(order, line) }
      },
      finish: () => [],
    }
  },
}

export const TAOBAO_PARSERS = [taobaoQianniu, taobaoClassic]
