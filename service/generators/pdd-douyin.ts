import { minor } from '../../shared/money.ts'
import type { CanonicalRecord, OrderLine, OrderStatus } from '../../shared/records.ts'
import { DAY, type FormatSpec, type GeneratedRow, PENDING_SOURCE, type RowContext, clock, money, neg, orderRecord, running, settlement } from './core.ts'

/**
 * Pinduoduo 店铺账务明细 and order export; Douyin 抖店 动账明细, order export and
 * 账户流水 (parsers: service/imports/parsers/pdd-douyin.ts). The order exports and
 * 账户流水 have no real samples (formats.md §5.2, §6 have column lists from code); the
 * encodings are assumed from the same platforms' bills.
 */

// ---------------------------------------------------------------------------
// Pinduoduo 店铺账务明细 (GB18030, preamble with a blank line, no line ids)
// ---------------------------------------------------------------------------

export const pddAccount: FormatSpec = {
  parser: 'pdd-account',
  container: 'csv',
  encoding: 'gbk',
  preamble: () => ['拼多多店铺账务明细查询', '', '起始时间：2024-03-01 00:00:00  终止时间：2024-03-31 23:59:59', '----------交易记录明细列表---------'],
  header: ['商户订单号', '发生时间', '收入金额（+元）', '支出金额（-元）', '账务类型', '备注', '业务描述'],
  row(context) {
    const { rng, index } = context
    const [time, iso] = clock(index * 2)
    const refund = rng.chance(0.15)
    const amount = rng.minor(100, 30_000)
    const orderNo = `240301-${rng.digits(15)}`
    const type = refund ? '退款' : '交易收入'
    const desc = refund ? '0010004|退款-售后退款' : '0010002|交易收入-订单收入'
    const signed = refund ? neg(amount) : amount
    return {
      cells: [orderNo, time, refund ? '0' : money(amount), refund ? `-${money(amount)}` : '0', type, '-', desc],
      records: [settlement(context, 'pdd', { externalId: `${orderNo}|${iso}|${type}|${signed}`, kind: refund ? 'refund' : 'payment', amount: signed, currency: 'CNY', occurredAt: iso, orderRef: orderNo, description: [type, desc].join(' / ') })],
    }
  },
}

// ---------------------------------------------------------------------------
// Douyin 动账明细 (UTF-8 BOM, 动帐/动账 mixed in the header)
// ---------------------------------------------------------------------------

export const douyinFund: FormatSpec = {
  parser: 'douyin-fund',
  container: 'csv',
  encoding: 'utf8-bom',
  header: ['动账时间', '动帐流水号', '动账方向', '动账金额', '动账账户', '动账场景', '计费类型', '子订单号', '订单号', '售后编号', '订单实付应结', '平台服务费', '佣金', '备注'],
  row(context) {
    const { rng, index } = context
    const [time, iso] = clock(index * 6)
    const out = rng.chance(0.2)
    const amount = rng.minor(100, 40_000)
    const id = `DY${rng.digits(18)}`
    const orderNo = rng.digits(19)
    const scene = out ? '已退款' : '订单结算'
    return {
      cells: [time, id, out ? '出账' : '入账', money(amount), '抖音支付', scene, '', `${orderNo}1`, orderNo, '', money(amount), '0.00', '0.00', ''],
      records: [settlement(context, 'douyin', { externalId: id, kind: out ? 'refund' : 'payment', amount: out ? neg(amount) : amount, currency: 'CNY', occurredAt: iso, orderRef: orderNo, tradeNo: `${orderNo}1`, description: scene })],
    }
  },
}

// ---------------------------------------------------------------------------
// Pinduoduo order export (one row per order; GBK; 售后状态 无售后或售后取消)
// ---------------------------------------------------------------------------

const PDD_ORDER_HEADER = ['商品', '订单号', '订单状态', '商品总价(元)', '店铺优惠折扣(元)', '平台优惠折扣(元)', '多多支付立减金额(元)', '邮费(元)', '用户实付金额(元)', '商家实收金额(元)', '商品数量(件)', '收货人', '手机', '省', '市', '区', '街道', '发货时间', '确认收货时间', '商品id', '商品规格', '商家编码-规格维度', '商家编码-商品维度', '快递单号', '快递公司', '商家备注', '售后状态', '支付时间', '拼单成功时间', '订单成交时间']

/** 订单状态 + 售后状态 and the status an import must give. */
const PDD_STATES: ReadonlyArray<{ order: string; after: string; status: OrderStatus; shipped: boolean; received: boolean }> = [
  { order: '待发货', after: '无售后或售后取消', status: 'paid', shipped: false, received: false },
  { order: '已发货，待签收', after: '无售后或售后取消', status: 'shipped', shipped: true, received: false },
  { order: '已签收', after: '无售后或售后取消', status: 'completed', shipped: true, received: true },
  { order: '已签收', after: '无售后或售后取消', status: 'completed', shipped: true, received: true },
  { order: '已签收', after: '退款成功', status: 'refunded', shipped: true, received: true },
  { order: '已取消', after: '无售后或售后取消', status: 'cancelled', shipped: false, received: false },
]

export const pddOrders: FormatSpec = {
  parser: 'pdd-orders',
  container: 'csv',
  encoding: 'gbk',
  header: PDD_ORDER_HEADER,
  // 快递单号 ends in TAB (kept as text in Excel).
  decorate: (cell, column) => (column === 23 && cell !== '' ? `${cell}\t` : cell),
  row(context) {
    const { rng, index } = context
    const state = rng.pick(PDD_STATES)
    const minutes = index * 23
    const [paidText, paidIso] = clock(minutes)
    const [groupText] = clock(minutes + 2)
    const [shippedText, shippedIso] = clock(minutes + DAY + 30)
    const [receivedText, receivedIso] = clock(minutes + 4 * DAY + 50)
    const orderNo = `${paidText.slice(2, 4)}${paidText.slice(5, 7)}${paidText.slice(8, 10)}-${rng.digits(15)}`
    const qty = rng.int(1, 4)
    const price = rng.minor(290, 19_900)
    const total = minor(price * BigInt(qty))
    const shopDiscount = rng.chance(0.4) ? minor(BigInt(rng.int(1, 5)) * 100n) : minor(0n)
    const platformDiscount = rng.chance(0.3) ? rng.minor(1, 300) : minor(0n)
    const discount = minor(shopDiscount + platformDiscount)
    const shipping = rng.chance(0.1) ? minor(500n) : minor(0n)
    const paid = minor(total - discount + shipping)
    const received = minor(total - shopDiscount + shipping)
    const goodsId = rng.digits(12)
    const skuCode = `PDD-${rng.int(100, 999)}`
    const title = rng.pick(['家用保鲜袋 100只', '纯棉毛巾 3条装', '手机支架 桌面', '厨房抹布 10片'])
    const statusRaw = state.after === '无售后或售后取消' ? state.order : `${state.order} ${state.after}`
    const order = orderRecord({
      channel: 'pdd', store: context.store, orderNo, status: state.status, statusRaw, createdAt: paidIso, paidAt: paidIso,
      shippedAt: state.shipped ? shippedIso : undefined, completedAt: state.received ? receivedIso : undefined, currency: 'CNY',
      gross: paid, discount, shipping, tax: minor(0n), refunded: minor(0n),
    })
    const line: OrderLine = {
      channel: 'pdd', store: context.store, orderNo, subOrderNo: `${orderNo}-1`, sku: skuCode, title, quantity: qty, unitPrice: price, discount, amount: paid,
      refunded: minor(0n), status: state.status, statusRaw, currency: 'CNY', source: PENDING_SOURCE,
    }
    return {
      cells: [title, orderNo, state.order, money(total), money(shopDiscount), money(platformDiscount), '0.00', money(shipping), money(paid), money(received), String(qty), '张**', '138****0000', '浙江省', '杭州市', '西湖区', '**街道',
        state.shipped ? shippedText : '', state.received ? receivedText : '', goodsId, rng.pick(['颜色:白色,规格:大号', '默认', '颜色:灰色,规格:3条']), skuCode, `SPU-${goodsId.slice(-4)}`,
        state.shipped ? `YT${rng.digits(13)}` : '', state.shipped ? '圆通快递' : '', '', state.after, paidText, groupText, paidText],
      records: [{ kind: 'order', record: order }, { kind: 'orderLine', record: line }],
    }
  },
}

// ---------------------------------------------------------------------------
// Douyin 抖店 order export (one row per 子订单, ids with a leading TAB)
// ---------------------------------------------------------------------------

const DOUYIN_ORDER_HEADER = ['主订单编号', '子订单编号', '选购商品', '商品规格', '商品数量', '商品ID', '商家编码', '商品单价', '订单应付金额', '运费', '优惠总金额', '平台优惠', '商家优惠', '达人优惠', '商家改价', '支付优惠', '红包抵扣', '支付方式', '手续费', '收件人', '收件人手机号', '省', '市', '区', '街道', '详细地址', '订单提交时间', '订单完成时间', '支付完成时间', 'APP渠道', '流量来源', '订单状态', '售后状态', '取消原因', '发货时间']

const DOUYIN_STATES: ReadonlyArray<{ order: string; after: string; status: OrderStatus; paid: boolean; shipped: boolean; done: boolean }> = [
  { order: '待发货', after: '-', status: 'paid', paid: true, shipped: false, done: false },
  { order: '已发货', after: '-', status: 'shipped', paid: true, shipped: true, done: false },
  { order: '已完成', after: '-', status: 'completed', paid: true, shipped: true, done: true },
  { order: '已完成', after: '-', status: 'completed', paid: true, shipped: true, done: true },
  { order: '已关闭', after: '退款成功', status: 'refunded', paid: true, shipped: false, done: false },
  { order: '已关闭', after: '-', status: 'closed', paid: false, shipped: false, done: false },
]

export function douyinOrder(context: RowContext): GeneratedRow[] {
  const { rng, index } = context
  const state = rng.pick(DOUYIN_STATES)
  const minutes = index * 19
  const [created, createdIso] = clock(minutes)
  const [paidText, paidIso] = clock(minutes + 1)
  const [shippedText, shippedIso] = clock(minutes + DAY)
  const [doneText, doneIso] = clock(minutes + 5 * DAY)
  const orderNo = `69${rng.digits(17)}`
  const count = rng.int(1, 3)
  const shipping = rng.chance(0.2) ? minor(800n) : minor(0n)
  const statusRaw = state.after === '-' ? state.order : `${state.order} ${state.after}`
  const rows: GeneratedRow[] = []
  let gross = 0n
  let discountTotal = 0n
  for (let line = 0; line < count; line += 1) {
    const subNo = `${orderNo.slice(0, -1)}${line + 1}`
    const price = rng.minor(990, 29_900)
    const qty = rng.int(1, 2)
    const platform = rng.chance(0.3) ? minor(BigInt(rng.int(1, 10)) * 100n) : minor(0n)
    const merchant = rng.chance(0.3) ? minor(BigInt(rng.int(1, 5)) * 100n) : minor(0n)
    const discount = minor(platform + merchant)
    // Freight sits on the first 子订单: its 订单应付金额 includes it.
    const freight = line === 0 ? shipping : 0n
    const amount = minor(price * BigInt(qty) - discount + freight)
    gross += amount
    discountTotal += discount
    const sku = `DY-${rng.int(1000, 9999)}`
    const title = rng.pick(['蓝牙耳机 降噪款', '保温杯 316不锈钢', '羽绒服 轻薄款', '面膜 10片装'])
    const record: OrderLine = {
      channel: 'douyin', store: context.store, orderNo, subOrderNo: subNo, sku, title, quantity: qty, unitPrice: price, discount, amount,
      refunded: minor(0n), status: state.status, statusRaw, currency: 'CNY', source: PENDING_SOURCE,
    }
    rows.push({
      cells: [`\t${orderNo}`, `\t${subNo}`, title, rng.pick(['黑色', '白色;标准版', '默认']), String(qty), `\t${rng.digits(19)}`, sku, money(price), money(amount), money(freight), money(discount), money(platform), money(merchant), '0.00', '0.00', '0.00', '0.00',
        state.paid ? '抖音支付' : '', '0.00', '李**', '139****0000', '广东省', '深圳市', '南山区', '**街道', '***', created, state.done ? doneText : '', state.paid ? paidText : '', '抖音', '直播', state.order, state.after,
        state.paid ? '' : '超时未支付', state.shipped ? shippedText : ''],
      records: [{ kind: 'orderLine', record }],
    })
  }
  const order = orderRecord({
    channel: 'douyin', store: context.store, orderNo, status: state.status, statusRaw, createdAt: createdIso, paidAt: state.paid ? paidIso : undefined,
    shippedAt: state.shipped ? shippedIso : undefined, completedAt: state.done ? doneIso : undefined, currency: 'CNY',
    gross: minor(gross), discount: minor(discountTotal), shipping, tax: minor(0n), refunded: minor(0n),
  })
  rows[0]?.records.unshift({ kind: 'order', record: order })
  return rows
}

export const douyinOrders: FormatSpec = {
  parser: 'douyin-orders',
  container: 'csv',
  encoding: 'utf8-bom',
  header: DOUYIN_ORDER_HEADER,
  grouped: true,
  group: douyinOrder,
  row: () => {
    throw new Error('grouped format: use group()')
  },
}

// ---------------------------------------------------------------------------
// Douyin 抖店 账户流水 (UTF-8 BOM, signed amounts, running balance)
// ---------------------------------------------------------------------------

const DOUYIN_ACCOUNT_SCENES: ReadonlyArray<{ scene: string; kind: 'payment' | 'refund' | 'fee' | 'payout' | 'promotion'; out: boolean; weight: number }> = [
  { scene: '订单结算-货款入账', kind: 'payment', out: false, weight: 6 },
  { scene: '退款-结算后退款-退用户', kind: 'refund', out: true, weight: 2 },
  { scene: '技术服务费扣款', kind: 'fee', out: true, weight: 1 },
  { scene: '平台补贴入账', kind: 'promotion', out: false, weight: 1 },
  { scene: '提现', kind: 'payout', out: true, weight: 0 },
]

export const douyinAccount: FormatSpec = {
  parser: 'douyin-account',
  container: 'csv',
  encoding: 'utf8-bom',
  header: ['动账流水号', '关联订单号', '关联子订单号', '动账时间', '账户方向', '动账金额(元)', '动账场景', '账户余额(元)', '备注'],
  row(context) {
    const { rng, index } = context
    const payout = index % 40 === 39
    const type = payout ? DOUYIN_ACCOUNT_SCENES[4] : rng.pick(DOUYIN_ACCOUNT_SCENES.flatMap((item) => new Array<typeof item>(item.weight).fill(item)))
    if (!type) throw new Error('no scene')
    const [time, iso] = clock(index * 8)
    const magnitude = payout ? rng.minor(50_000, 900_000) : rng.minor(100, 40_000)
    const amount = type.out ? neg(magnitude) : magnitude
    const orderNo = payout ? '' : `69${rng.digits(17)}`
    const subNo = orderNo === '' ? '' : `${orderNo.slice(0, -1)}1`
    const balance = minor(running(context, 'balance', amount, 3_000_000n))
    const id = `${2024030100000000n + BigInt(index)}${rng.digits(4)}`
    const note = type.kind === 'refund' ? '售后单号 ' + rng.digits(16) : ''
    const records: CanonicalRecord[] = [settlement(context, 'douyin', {
      externalId: id, kind: type.kind, amount, currency: 'CNY', occurredAt: iso, orderRef: orderNo, tradeNo: subNo, balanceAfter: balance,
      description: [type.scene, note].filter((part) => part !== '').join(' / '),
    })]
    return {
      cells: [id, orderNo, subNo, time, type.out ? '支出' : '收入', money(amount), type.scene, money(balance), note],
      records,
    }
  },
}
