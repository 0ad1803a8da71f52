import { type Minor, minor } from '../../../shared/money.ts'
import type { Order, OrderLine, SettlementKind } from '../../../shared/records.ts'
import { absMinor, decimalToMinor, freeText, moneyOrZero, negate, quantity, readMoneyText, readTimestamp, required, timestampOrUndefined } from '../clean.ts'
import type { FileParser } from '../types.ts'
import { OrderAssembler, StatedTotals, chineseOrderStatus, joinParts, orderItems, records, requiredMagnitude, rowCountedRun, skip, sourceOf, txn } from './common.ts'
import { JD_INVOICE_COLUMNS, jdInvoiceRequest } from './invoice-request.ts'

/** JD: merchant settlement/钱包 bill, order export, personal 交易流水 (inline partial refunds). */

const CNY = 'CNY'

function feeKind(item: string, documentType: string): SettlementKind {
  const text = `${item}|${documentType}`
  if (/佣金/.test(text)) return 'commission'
  if (/退款|退货/.test(text)) return 'refund'
  if (/货款|销售|收入/.test(text)) return 'payment'
  if (/广告|推广|京豆|优惠|券|营销/.test(text)) return 'promotion'
  if (/提现|结算到账/.test(text)) return 'payout'
  if (/费/.test(text)) return 'fee'
  return 'adjustment'
}

export const jdSettlement: FileParser = {
  id: 'jd-settlement',
  family: 'jd',
  channel: 'jd',
  label: 'JD merchant settlement / 钱包 bill',
  containers: ['csv', 'xlsx'],
  required: ['订单编号', '单据编号', '单据类型', '费用项', '金额'],
  optional: ['商品编号', '商户订单号', '商品名称', '结算状态', '费用发生时间', '费用计费时间', '费用结算时间', '币种', '商家应收/应付', '收支方向', '店铺号', '备注', '商品数量', '对账日期', '账单日期'],
  amountColumns: ['金额', '商家应收/应付'],
  storeColumns: [{ column: '店铺号', kind: 'id' }],
  start(context) {
    return {
      row(row) {
        const currencyText = row.get('币种')
        const currency = context.currency ?? (currencyText === '' || /人民币|cny/i.test(currencyText) ? CNY : currencyText.toUpperCase())
        const magnitude = requiredMagnitude(row, '金额', currency)
        const direction = row.get('收支方向') || row.get('商家应收/应付')
        const signedRaw = moneyOrZero('金额', row.get('金额'), currency)
        const amount = direction === '' ? signedRaw : /收入|应收/.test(direction) ? magnitude : negate(magnitude)
        const item = row.get('费用项')
        const documentNo = required('单据编号', row.get('单据编号'))
        return records(txn(context, row, 'jd', {
          externalId: `${documentNo}:${item}`,
          kind: feeKind(item, row.get('单据类型')),
          amount,
          currency,
          occurredAt: readTimestamp('费用发生时间', row.get('费用发生时间') || row.get('费用结算时间') || row.get('费用计费时间') || row.get('对账日期') || row.get('账单日期')),
          orderRef: row.get('订单编号'),
          tradeNo: row.get('商户订单号'),
          description: joinParts(row.get('单据类型'), item, row.get('备注')),
        }))
      },
      finish: () => [],
    }
  },
}

export const jdOrders: FileParser = {
  id: 'jd-orders',
  family: 'jd',
  channel: 'jd',
  label: 'JD order export',
  containers: ['csv', 'xlsx'],
  required: ['订单号', '商品id', '商品名称', '订购数量', '下单时间', '订单金额', '订单状态'],
  optional: ['京东价', '结算金额', '应付金额', '运费金额', '付款确认时间', '订单完成时间', '下单账号', '货号', '订单来源', ...JD_INVOICE_COLUMNS],
  amountColumns: ['京东价', '订单金额', '应付金额', '运费金额', '结算金额'],
  start(context) {
    const assembler = new OrderAssembler()
    return {
      row(row) {
        const orderNo = required('订单号', row.get('订单号'))
        const qty = quantity('订购数量', row.get('订购数量'))
        const unitPrice = moneyOrZero('京东价', row.get('京东价'), CNY)
        const statusRaw = row.get('订单状态')
        // 订单金额 = goods + freight; 应付金额 = what the buyer pays after seller and platform discounts.
        const total = moneyOrZero('订单金额', row.get('订单金额'), CNY)
        const gross = moneyOrZero('应付金额', row.get('应付金额') || row.get('订单金额'), CNY)
        const order: Order = {
          channel: 'jd', store: context.store, orderNo, status: chineseOrderStatus(statusRaw), statusRaw: freeText(statusRaw),
          createdAt: readTimestamp('下单时间', row.get('下单时间')), currency: CNY,
          gross, discount: minor(total > gross ? total - gross : 0n),
          shipping: moneyOrZero('运费金额', row.get('运费金额'), CNY), tax: minor(0n), refunded: minor(0n), source: sourceOf(context, row),
        }
        const paidAt = timestampOrUndefined('付款确认时间', row.get('付款确认时间'))
        if (paidAt) order.paidAt = paidAt
        const completedAt = timestampOrUndefined('订单完成时间', row.get('订单完成时间'))
        if (completedAt) order.completedAt = completedAt
        const buyer = row.get('下单账号')
        if (buyer) order.buyerRef = freeText(buyer)
        const invoiceRequest = jdInvoiceRequest(row)
        if (invoiceRequest) order.invoiceRequest = invoiceRequest
        const line: OrderLine = {
          channel: 'jd', store: context.store, orderNo, subOrderNo: `${orderNo}-${assembler.nextLineIndex(orderNo)}`,
          sku: freeText(row.get('商品id')), title: freeText(row.get('商品名称')), quantity: qty, unitPrice, discount: minor(0n),
          amount: minor(unitPrice * BigInt(qty)), refunded: minor(0n), status: order.status, statusRaw: order.statusRaw, currency: CNY, source: sourceOf(context, row),
        }
        return { type: 'records', records: orderItems(assembler.add(order, line, false), line) }
      },
      flush: () => assembler.flush().map((record) => ({ kind: 'order' as const, record })),
      finish: () => [],
    }
  },
}

export const jdPersonal: FileParser = {
  id: 'jd-personal',
  family: 'jd',
  channel: 'jd',
  label: 'JD personal 交易流水',
  containers: ['csv', 'xlsx'],
  required: ['交易时间', '商户名称', '交易说明', '金额', '收/付款方式', '交易状态', '收/支', '交易订单号'],
  optional: ['交易分类', '商家订单号', '备注'],
  amountColumns: ['金额'],
  start(context) {
    const stated = new StatedTotals('JD 交易流水', ['不计收支'])
    const run = rowCountedRun(/共[:：](\d+)笔记录/, 'preamble', (row) => {
      const text = readMoneyText('金额', required('金额', row.get('金额')))
      if (!text) return { type: 'reject', column: '金额', reason: 'amount is missing' }
      // `X(已退款Y)`: X is what was paid, Y the part refunded since (the refund is also its own
      // 不计收支 row), so the payment is X and the order nets -(X-Y). `X(已全额退款)` is a 不计收支
      // row for the payment whose refunds come as their own rows: also a payment of X (nets 0).
      const paid = absMinor(decimalToMinor('金额', text.value, CNY))
      const refunded = text.refunded === undefined ? minor(0n) : absMinor(decimalToMinor('金额', text.refunded, CNY))
      const direction = row.get('收/支')
      const explanation = row.get('交易说明')
      const status = row.get('交易状态')
      const method = row.get('收/付款方式')
      stated.see(direction, minor(paid - refunded))
      if (/先享后付/.test(method) || row.get('交易分类') === '先享后付') return skip('先享后付 (pay later): no money left an account now; the repayment is a row of its own')
      if (paid === 0n) return skip('0.00 amount: no money moved')
      if (refunded > paid) return { type: 'reject', column: '金额', reason: `refunded ${text.refunded} is more than the ${text.value} paid` }
      const isRefund = status.startsWith('退款') || explanation.startsWith('退款-')
      const fullyRefunded = text.refunded !== undefined && refunded === paid
      let kind: SettlementKind
      let amount: Minor
      if (isRefund) {
        kind = 'refund'
        amount = direction === '支出' ? negate(paid) : paid
      } else if (direction === '支出' || fullyRefunded) {
        kind = 'payment'
        amount = negate(paid)
      } else if (direction === '收入') {
        kind = 'payment'
        amount = paid
      } else {
        return skip(`不计收支 row that is neither a refund nor a refunded payment (${explanation || row.get('交易分类')}): not a money movement of this account`)
      }
      const externalId = required('交易订单号', row.get('交易订单号'))
      return records(txn(context, row, 'jd', {
        externalId, kind, amount, currency: CNY,
        occurredAt: readTimestamp('交易时间', row.get('交易时间')),
        orderRef: row.get('商家订单号'), tradeNo: externalId, counterparty: row.get('商户名称'),
        description: joinParts(row.get('交易分类'), direction, explanation, status, text.refunded === undefined ? '' : fullyRefunded ? '已全额退款' : `已退款${text.refunded}`),
      }))
    })
    return {
      ...run,
      preamble(line) {
        run.preamble?.(line)
        stated.read(line)
      },
      finish: () => [...run.finish(), ...stated.check()],
    }
  },
}

export const JD_PARSERS = [jdSettlement, jdOrders, jdPersonal]
