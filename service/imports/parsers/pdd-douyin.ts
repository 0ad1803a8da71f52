import { minor } from '../../../shared/money.ts'
import type { Order, OrderLine, SettlementKind } from '../../../shared/records.ts'
import { absMinor, freeText, moneyOrNull, moneyOrZero, negate, quantity, readTimestamp, required, timestampOrUndefined } from '../clean.ts'
import type { FileParser } from '../types.ts'
import { OrderAssembler, chineseOrderStatus, joinParts, magnitudeOf, orderItems, records, requiredMagnitude, sourceOf, txn } from './common.ts'

/** Pinduoduo (店铺账务明细, orders) and Douyin 抖店 (orders, 动账明细, 账户流水). */

const CNY = 'CNY'

function kindOf(text: string): SettlementKind {
  if (/佣金|分成/.test(text)) return 'commission'
  if (/退款|原路退|售后/.test(text)) return 'refund'
  if (/提现/.test(text)) return 'payout'
  if (/服务费|技术服务|手续费|扣款|罚/.test(text)) return 'fee'
  if (/推广|营销|优惠|补贴|返现/.test(text)) return 'promotion'
  if (/交易|订单|结算|收入|货款/.test(text)) return 'payment'
  return 'adjustment'
}

export const pddAccount: FileParser = {
  id: 'pdd-account',
  family: 'pdd',
  channel: 'pdd',
  label: 'Pinduoduo 店铺账务明细',
  containers: ['csv', 'xlsx'],
  required: ['商户订单号', '发生时间', '收入金额(+元)', '支出金额(-元)', '账务类型'],
  optional: ['备注', '业务描述'],
  amountColumns: ['收入金额(+元)', '支出金额(-元)'],
  start(context) {
    return {
      row(row) {
        const income = magnitudeOf(row, '收入金额(+元)', CNY)
        const expense = magnitudeOf(row, '支出金额(-元)', CNY)
        const amount = minor(income - expense)
        const type = row.get('账务类型')
        const occurredAt = readTimestamp('发生时间', row.get('发生时间'))
        const orderNo = row.get('商户订单号')
        // No unique id in this export: the movement is identified by order, time, type and amount.
        return records(txn(context, row, 'pdd', {
          externalId: `${orderNo}|${occurredAt}|${type}|${amount}`,
          kind: kindOf(`${type}|${row.get('业务描述')}`), amount, currency: CNY, occurredAt, orderRef: orderNo,
          description: joinParts(type, row.get('业务描述'), row.get('备注')),
        }))
      },
      finish: () => [],
    }
  },
}

export const pddOrders: FileParser = {
  id: 'pdd-orders',
  family: 'pdd',
  channel: 'pdd',
  label: 'Pinduoduo order export',
  containers: ['csv', 'xlsx'],
  required: ['订单号', '订单状态', '商品总价(元)', '商家实收金额(元)', '商品数量(件)'],
  optional: ['商品', '店铺优惠折扣(元)', '平台优惠折扣(元)', '用户实付金额(元)', '邮费(元)', '发货时间', '确认收货时间', '商品id', '支付时间', '订单成交时间', '商品规格', '商家编码-规格维度', '售后状态'],
  amountColumns: ['商品总价(元)', '店铺优惠折扣(元)', '平台优惠折扣(元)', '邮费(元)', '用户实付金额(元)'],
  start(context) {
    return {
      row(row) {
        const orderNo = required('订单号', row.get('订单号'))
        const qty = quantity('商品数量(件)', row.get('商品数量(件)'))
        const total = moneyOrZero('商品总价(元)', row.get('商品总价(元)'), CNY)
        const discount = minor(moneyOrZero('店铺优惠折扣(元)', row.get('店铺优惠折扣(元)'), CNY) + moneyOrZero('平台优惠折扣(元)', row.get('平台优惠折扣(元)'), CNY))
        const shipping = moneyOrZero('邮费(元)', row.get('邮费(元)'), CNY)
        const paid = moneyOrNull('用户实付金额(元)', row.get('用户实付金额(元)'), CNY) ?? minor(total - discount + shipping)
        // 售后状态 "无售后或售后取消" is the no-after-sale value: its 取消 must not read as a cancelled order.
        const afterSale = row.get('售后状态')
        const statusRaw = /^无售后/.test(afterSale) ? row.get('订单状态') : `${row.get('订单状态')} ${afterSale}`.trim()
        const createdAt = readTimestamp('订单成交时间', row.get('订单成交时间') || row.get('支付时间') || row.get('发货时间'))
        const order: Order = {
          channel: 'pdd', store: context.store, orderNo, status: chineseOrderStatus(statusRaw), statusRaw: freeText(statusRaw), createdAt, currency: CNY,
          gross: paid, discount, shipping, tax: minor(0n), refunded: minor(0n), source: sourceOf(context, row),
        }
        const paidAt = timestampOrUndefined('支付时间', row.get('支付时间'))
        if (paidAt) order.paidAt = paidAt
        const shippedAt = timestampOrUndefined('发货时间', row.get('发货时间'))
        if (shippedAt) order.shippedAt = shippedAt
        const completedAt = timestampOrUndefined('确认收货时间', row.get('确认收货时间'))
        if (completedAt) order.completedAt = completedAt
        const line: OrderLine = {
          channel: 'pdd', store: context.store, orderNo, subOrderNo: `${orderNo}-1`, sku: freeText(row.get('商家编码-规格维度') || row.get('商品id')),
          title: freeText(row.get('商品')), quantity: qty, unitPrice: qty > 0 ? minor(total / BigInt(qty)) : total, discount, amount: paid,
          refunded: minor(0n), status: order.status, statusRaw: order.statusRaw, currency: CNY, source: sourceOf(context, row),
        }
        return { type: 'records', records: orderItems(order, line) }
      },
      finish: () => [],
    }
  },
}

export const douyinOrders: FileParser = {
  id: 'douyin-orders',
  family: 'douyin',
  channel: 'douyin',
  label: 'Douyin 抖店 order export',
  containers: ['csv', 'xlsx'],
  required: ['主订单编号', '子订单编号', '选购商品', '商品数量', '商品单价', '订单应付金额', '订单提交时间', '订单状态'],
  optional: ['商家编码', '商品id', '运费', '优惠总金额', '支付完成时间', '发货时间', '订单完成时间', '售后状态', '商家优惠', '平台优惠', '达人优惠', '商品规格'],
  amountColumns: ['商品单价', '订单应付金额', '优惠总金额', '运费'],
  start(context) {
    const assembler = new OrderAssembler()
    return {
      row(row) {
        const orderNo = required('主订单编号', row.get('主订单编号'))
        const qty = quantity('商品数量', row.get('商品数量'))
        const unitPrice = moneyOrZero('商品单价', row.get('商品单价'), CNY)
        const amount = moneyOrZero('订单应付金额', row.get('订单应付金额'), CNY)
        const discount = moneyOrZero('优惠总金额', row.get('优惠总金额'), CNY)
        const statusRaw = `${row.get('订单状态')} ${row.get('售后状态')}`.trim()
        const order: Order = {
          channel: 'douyin', store: context.store, orderNo, status: chineseOrderStatus(statusRaw), statusRaw: freeText(statusRaw),
          createdAt: readTimestamp('订单提交时间', row.get('订单提交时间')), currency: CNY,
          gross: amount, discount, shipping: moneyOrZero('运费', row.get('运费'), CNY), tax: minor(0n), refunded: minor(0n), source: sourceOf(context, row),
        }
        const paidAt = timestampOrUndefined('支付完成时间', row.get('支付完成时间'))
        if (paidAt) order.paidAt = paidAt
        const shippedAt = timestampOrUndefined('发货时间', row.get('发货时间'))
        if (shippedAt) order.shippedAt = shippedAt
        const completedAt = timestampOrUndefined('订单完成时间', row.get('订单完成时间'))
        if (completedAt) order.completedAt = completedAt
        const line: OrderLine = {
          channel: 'douyin', store: context.store, orderNo, subOrderNo: required('子订单编号', row.get('子订单编号')), sku: freeText(row.get('商家编码') || row.get('商品id')),
          title: freeText(row.get('选购商品')), quantity: qty, unitPrice, discount, amount, refunded: minor(0n), status: order.status, statusRaw: order.statusRaw,
          currency: CNY, source: sourceOf(context, row),
        }
        return { type: 'records', records: orderItems(assembler.add(order, line, true), line) }
      },
      flush: () => assembler.flush().map((record) => ({ kind: 'order' as const, record })),
      finish: () => [],
    }
  },
}

export const douyinFund: FileParser = {
  id: 'douyin-fund',
  family: 'douyin',
  channel: 'douyin',
  label: 'Douyin 抖店 动账明细',
  containers: ['csv', 'xlsx'],
  required: ['动账时间', '动账流水号', '动账方向', '动账金额', '动账场景'],
  optional: ['动账账户', '计费类型', '子订单号', '订单号', '售后编号', '订单实付应结', '平台服务费', '佣金', '服务商佣金', '渠道分成', '招商服务费', '站外推广费', '订单退款', '备注'],
  amountColumns: ['动账金额'],
  start(context) {
    return {
      row(row) {
        const magnitude = requiredMagnitude(row, '动账金额', CNY)
        const scene = row.get('动账场景')
        // The amount is net: platform fees and commissions are columns on the same row (see formats.md §6).
        return records(txn(context, row, 'douyin', {
          externalId: required('动账流水号', row.get('动账流水号')),
          kind: kindOf(`${scene}|${row.get('备注')}`),
          amount: row.get('动账方向') === '出账' ? negate(magnitude) : magnitude,
          currency: CNY,
          occurredAt: readTimestamp('动账时间', row.get('动账时间')),
          orderRef: row.get('订单号'),
          tradeNo: row.get('子订单号'),
          description: joinParts(scene, row.get('计费类型'), row.get('备注')),
        }))
      },
      finish: () => [],
    }
  },
}

export const douyinAccount: FileParser = {
  id: 'douyin-account',
  family: 'douyin',
  channel: 'douyin',
  label: 'Douyin 抖店 账户流水',
  containers: ['csv', 'xlsx'],
  required: ['动账流水号', '关联订单号', '动账时间', '账户方向', '动账金额(元)', '动账场景'],
  optional: ['关联子订单号', '账户余额(元)', '备注'],
  amountColumns: ['动账金额(元)', '账户余额(元)'],
  start(context) {
    return {
      row(row) {
        const signed = moneyOrZero('动账金额(元)', required('动账金额(元)', row.get('动账金额(元)')), CNY)
        const magnitude = absMinor(signed)
        const balance = moneyOrNull('账户余额(元)', row.get('账户余额(元)'), CNY)
        return records(txn(context, row, 'douyin', {
          externalId: required('动账流水号', row.get('动账流水号')),
          kind: kindOf(`${row.get('动账场景')}|${row.get('备注')}`),
          amount: row.get('账户方向') === '支出' ? negate(magnitude) : magnitude,
          currency: CNY,
          occurredAt: readTimestamp('动账时间', row.get('动账时间')),
          orderRef: row.get('关联订单号'),
          tradeNo: row.get('关联子订单号'),
          balanceAfter: balance ?? undefined,
          description: joinParts(row.get('动账场景'), row.get('备注')),
        }))
      },
      finish: () => [],
    }
  },
}

export const PDD_DOUYIN_PARSERS = [pddAccount, pddOrders, douyinOrders, douyinFund, douyinAccount]
