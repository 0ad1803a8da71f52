import { minor } from '../../shared/money.ts'
import type { OrderLine, OrderStatus } from '../../shared/records.ts'
import { DAY, type FormatSpec, type GeneratedRow, PENDING_SOURCE, type RowContext, clock, money, orderRecord } from './core.ts'

/**
 * Taobao order exports: 千牛 sub-order export (XLSX and GBK CSV) and the classic
 * 订单报表 ExportOrderList (parsers: service/imports/parsers/taobao.ts).
 */

// ---------------------------------------------------------------------------
// Taobao 千牛 sub-order export (XLSX, all text, literal null; multi-line orders)
// ---------------------------------------------------------------------------

const QIANNIU_HEADER = ['子订单编号', '主订单编号', '标题', '价格', '购买数量', '外部系统编号', '商品属性', '套餐信息', '联系方式备注', '订单状态', '商家编码', '支付单号', '买家应付货款', '买家实际支付金额', '退款状态', '退款金额', '订单创建时间', '订单付款时间', '商品id', '分阶段订单信息', '备注标签', '商家备注', '主订单买家留言', '发货时间', '物流单号', '物流公司', '是否赔付', '延迟发货主动赔付金额', '赔付出账时间']

export function qianniuOrder(context: RowContext): GeneratedRow[] {
  const { rng, index } = context
  const orderNo = rng.digits(19)
  const lines = rng.int(1, 3)
  const [created, createdIso] = clock(index * 13)
  const [paid, paidIso] = clock(index * 13 + 1)
  const shipped = rng.chance(0.5)
  const statusRaw = shipped ? '卖家已发货，等待买家确认' : '买家已付款，等待卖家发货'
  const trade = `2024032122001${rng.digits(15)}`
  const rows: GeneratedRow[] = []
  let gross = 0n
  let discountTotal = 0n
  for (let line = 0; line < lines; line += 1) {
    const subNo = lines === 1 ? orderNo : rng.digits(19)
    const price = rng.minor(1_000, 50_000)
    const qty = rng.int(1, 3)
    const paidAmount = minor(price * BigInt(qty) - rng.minor(0, 2_000))
    const discount = minor(price * BigInt(qty) - paidAmount)
    gross += paidAmount
    discountTotal += discount
    const sku = `SKU-${rng.int(100, 999)}`
    const record: OrderLine = {
      channel: 'taobao', store: context.store, orderNo, subOrderNo: subNo, sku, title: `商品标题${rng.int(1, 99)}`, quantity: qty, unitPrice: price, discount, amount: paidAmount,
      refunded: minor(0n), status: shipped ? 'shipped' : 'paid', statusRaw, currency: 'CNY', source: PENDING_SOURCE,
    }
    rows.push({
      cells: [subNo, orderNo, record.title, money(price), String(qty), sku, '颜色：黑', 'null', 'null', statusRaw, sku, trade, money(paidAmount), money(paidAmount), '没有申请退款', '无退款申请', created, paid, rng.digits(12), 'null', 'null', 'null', 'null', 'null', 'null', 'null', '否', 'null', 'null'],
      records: [{ kind: 'orderLine', record }],
    })
  }
  const order = orderRecord({
    channel: 'taobao', store: context.store, orderNo, status: shipped ? 'shipped' : 'paid', statusRaw, createdAt: createdIso, paidAt: paidIso, currency: 'CNY',
    gross: minor(gross), discount: minor(discountTotal), shipping: minor(0n), tax: minor(0n), refunded: minor(0n), paymentRef: trade,
  })
  rows[0]?.records.unshift({ kind: 'order', record: order })
  return rows
}

export const taobaoQianniuXlsx: FormatSpec = {
  parser: 'taobao-qianniu', container: 'xlsx', encoding: 'utf8', header: QIANNIU_HEADER, grouped: true, group: qianniuOrder,
  row: () => {
    throw new Error('grouped format: use group()')
  },
}
export const taobaoQianniuCsv: FormatSpec = { ...taobaoQianniuXlsx, container: 'csv', encoding: 'gbk' }

// ---------------------------------------------------------------------------
// Taobao classic 订单报表 ExportOrderList (order level, GBK)
// ---------------------------------------------------------------------------

const CLASSIC_HEADER = ['订单编号', '买家会员名', '买家支付宝账号', '买家应付货款', '买家应付邮费', '买家支付积分', '总金额', '返点积分', '买家实际支付金额', '买家实际支付积分', '订单状态', '买家留言', '收货人姓名', '收货地址', '运送方式', '联系电话', '联系手机', '订单创建时间', '订单付款时间', '宝贝标题', '宝贝种类', '物流单号', '物流公司', '订单备注', '宝贝总数量', '店铺Id', '店铺名称', '订单关闭原因', '卖家服务费', '买家服务费', '发票抬头', '是否手机订单', '分阶段订单信息', '定金排名', '修改后的sku', '修改后的收货地址', '异常信息', '支付单号', '退款金额', '确认收货时间', '打款商家金额', '发货时间']

const CLASSIC_STATES: ReadonlyArray<{ text: string; status: OrderStatus; shipped: boolean; done: boolean; refund: 'none' | 'full' | 'part' }> = [
  { text: '交易成功', status: 'completed', shipped: true, done: true, refund: 'none' },
  { text: '交易成功', status: 'completed', shipped: true, done: true, refund: 'none' },
  { text: '交易成功', status: 'completed', shipped: true, done: true, refund: 'part' },
  { text: '卖家已发货，等待买家确认', status: 'shipped', shipped: true, done: false, refund: 'none' },
  { text: '买家已付款，等待卖家发货', status: 'paid', shipped: false, done: false, refund: 'none' },
  { text: '交易关闭', status: 'closed', shipped: false, done: false, refund: 'full' },
]

export const taobaoClassic: FormatSpec = {
  parser: 'taobao-classic',
  container: 'csv',
  encoding: 'gbk',
  header: CLASSIC_HEADER,
  // 订单编号, 物流单号 and 支付单号 as bare `="…"` formula text (assumed, as in other Excel-oriented CN exports).
  decorate: (cell, column) => ((column === 0 || column === 21 || column === 37) && cell !== '' ? `="${cell}"` : cell),
  verbatim: (column) => column === 0 || column === 21 || column === 37,
  row(context) {
    const { rng, index } = context
    const state = rng.pick(CLASSIC_STATES)
    const minutes = index * 29
    const [created, createdIso] = clock(minutes)
    const [paidText, paidIso] = clock(minutes + 2)
    const [shippedText, shippedIso] = clock(minutes + DAY + 11)
    const [doneText, doneIso] = clock(minutes + 6 * DAY + 13)
    const orderNo = rng.digits(18)
    const qty = rng.int(1, 4)
    const unit = rng.minor(500, 30_000)
    const goods = minor(unit * BigInt(qty))
    const shipping = rng.chance(0.25) ? minor(800n) : minor(0n)
    const cut = BigInt(rng.int(1, 5)) * 500n
    const coupon = rng.chance(0.3) ? minor(cut > goods / 2n ? goods / 2n : cut) : minor(0n)
    const paid = minor(goods + shipping - coupon)
    const refunded = state.refund === 'full' ? paid : state.refund === 'part' ? minor(paid / 3n) : minor(0n)
    const trade = `2024030122001${rng.digits(15)}`
    const buyer = `tb_${rng.digits(9)}`
    const title = rng.pick(['夏季 纯棉T恤, 男款', '保温杯 500ml', '无线充电器 "快充版"', '儿童绘本 全10册'])
    const message = index % 7 === 3 ? '请尽快发货\n谢谢' : ''
    // 发票抬头: the buyer asked for an invoice (by position, no rng draw): a company title or 个人
    const invoiceTitle = index % 6 === 1 ? '杭州某某科技有限公司' : index % 6 === 4 ? '个人' : ''
    const order = orderRecord({
      channel: 'taobao', store: context.store, orderNo, status: state.status, statusRaw: state.text, createdAt: createdIso, paidAt: paidIso,
      shippedAt: state.shipped ? shippedIso : undefined, completedAt: state.done ? doneIso : undefined, paymentRef: trade, buyerRef: buyer, currency: 'CNY',
      gross: paid, discount: coupon, shipping, tax: minor(0n), refunded,
      ...(invoiceTitle ? { invoiceRequest: { title: invoiceTitle } } : {}),
    })
    const line: OrderLine = {
      channel: 'taobao', store: context.store, orderNo, subOrderNo: `${orderNo}-1`, sku: '', title, quantity: qty, unitPrice: unit, discount: coupon, amount: minor(paid - shipping),
      refunded, status: state.status, statusRaw: state.text, currency: 'CNY', source: PENDING_SOURCE,
    }
    return {
      cells: [orderNo, buyer, `${rng.digits(3)}****@qq.com`, money(goods), money(shipping), '0', money(goods + shipping), '0', money(paid), '0', state.text, message, '王**', '浙江省 杭州市 余杭区 ***', '快递', '', '138****0000', created, paidText,
        title, '1', state.shipped ? `YT${rng.digits(13)}` : '', state.shipped ? '圆通速递' : '', '', String(qty), '60001234', '测试旗舰店', state.refund === 'full' ? '买家申请退款' : '', '0.00', '0.00', invoiceTitle, '是', '', '', '', '', '',
        trade, money(refunded), state.done ? doneText : '', state.done ? money(paid - refunded) : '0.00', state.shipped ? shippedText : ''],
      records: [{ kind: 'order', record: order }, { kind: 'orderLine', record: line }],
    }
  },
}
