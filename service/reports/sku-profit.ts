import { formatAmount, type Minor, allocate } from '../../shared/money.ts'
import { assertPeriod } from '../../shared/period.ts'
import { baseOf, lineKeyOf, orderKeyOf, orderSplit, recognitionDate, refundSplit, type PostingPolicy, type StoreProfile } from '../../shared/posting/index.ts'
import { type Order, type OrderLine, type SettlementTxn, normalizeOrderRef } from '../../shared/records.ts'
import { type CellValue, type Formula, type Report, type ReportCheck, type ReportColumn, type ReportRow, periodLabel } from '../../shared/reports/report.ts'
import { getCompany } from '../ledger/company.ts'
import type { LedgerContext } from '../ledger/context.ts'
import { rateLookup } from '../posting/rates.ts'
import { loadRecords } from '../posting/records.ts'
import { loadStoreProfiles, postingSettings } from '../posting/settings.ts'
import { channelProfit, marginRatio } from './management.ts'
import { issueReturnCostRows, postedSaleSourceRows, productNameRows } from './data.ts'

/**
 * 渠道利润（按 SKU）: per store x SKU for the orders whose sale is recognised
 * in the period (the posting rule: 确认收货, or shipment when the company posts
 * on shipment). Every order-level figure is computed exactly as posting does
 * (service/posting, shared/posting/templates.ts) and then split to the
 * order's lines pro rata by line amount with allocate() (largest remainder),
 * so the lines of an order add up to the order's figure to the fen:
 *
 * - revenue: orderSplit(order).net (net of VAT at the store's rate on the
 *   recognition date), in base currency as the sale voucher converts it;
 * - refunds: the net part of the order's refunded total (refundSplit from 0,
 *   so partial refunds add up like the cumulative refund vouchers), weighted
 *   by the lines' refunded amounts (line amounts when no line says);
 * - commission / payment fees / promotion: the order's settlement txns of
 *   that kind (linked by order ref or trade no within the store), any date;
 * - COGS: the lines' issue costs minus return costs from inventory_moves.
 *
 * Promotion and fee txns without an order are shown per store as 未分摊.
 */
export interface SkuProfitOptions {
  readonly period: string
  readonly store?: string
}

const AMOUNT_KEYS = ['revenue', 'refunds', 'netRevenue', 'commission', 'paymentFees', 'promotion', 'cogs', 'margin'] as const
type AmountKey = (typeof AMOUNT_KEYS)[number]
const SUM_KEYS = ['quantity', ...AMOUNT_KEYS] as const
const UNALLOCATED = '(未分摊)'

interface Figures {
  quantity: bigint
  revenue: bigint
  refunds: bigint
  commission: bigint
  paymentFees: bigint
  promotion: bigint
  cogs: bigint
}

const emptyFigures = (): Figures => ({ quantity: 0n, revenue: 0n, refunds: 0n, commission: 0n, paymentFees: 0n, promotion: 0n, cogs: 0n })

const CHARGE_KINDS = { commission: 'commission', fee: 'paymentFees', promotion: 'promotion' } as const
type ChargeKind = keyof typeof CHARGE_KINDS
const isChargeKind = (kind: string): kind is ChargeKind => Object.hasOwn(CHARGE_KINDS, kind)

const dateOf = (timestamp: string): string => timestamp.slice(0, 10)
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** The order a txn belongs to, by order ref / trade no within its store (as posting links them). */
function orderIndex(orders: ReadonlyArray<Order>): (txn: SettlementTxn) => Order | undefined {
  const byRef = new Map<string, Order>()
  for (const order of orders) {
    byRef.set(`${order.store}\u0000${order.orderNo}`, order)
    if (order.paymentRef) byRef.set(`${order.store}\u0000${order.paymentRef}`, order)
  }
  return (txn) => {
    for (const reference of [txn.orderRef, txn.tradeNo]) {
      if (reference === undefined || reference === '') continue
      const found = byRef.get(`${txn.store}\u0000${normalizeOrderRef(reference)}`)
      if (found) return found
    }
    return undefined
  }
}

async function postedSources(context: LedgerContext, companyId: number, period: string): Promise<Set<string>> {
  const result = await postedSaleSourceRows(context, companyId, period)
  return new Set(result.rows.map((row) => `${String(row.source_kind)}\u0000${String(row.source_id)}`))
}

async function lineCosts(context: LedgerContext, companyId: number): Promise<Map<string, { issue: bigint | null; back: bigint }>> {
  const result = await issueReturnCostRows(context, companyId)
  const costs = new Map<string, { issue: bigint | null; back: bigint }>()
  for (const row of result.rows) {
    const key = String(row.move_key)
    const entry = costs.get(key) ?? { issue: null, back: 0n }
    const cost = row.cost_minor === null ? null : BigInt(String(row.cost_minor))
    if (row.kind === 'issue') entry.issue = cost
    else entry.back += cost ?? 0n
    costs.set(key, entry)
  }
  return costs
}

function add(target: Figures, part: Partial<Figures>): void {
  for (const key of Object.keys(part) as Array<keyof Figures>) target[key] += part[key] ?? 0n
}

/** What the report reads: the company's settings, records, posted sources, costs and the per-store ledger report it checks against. */
interface Inputs {
  readonly period: string
  readonly company: Awaited<ReturnType<typeof getCompany>>
  readonly currency: string
  readonly recognition: PostingPolicy['recognition']
  readonly policy: PostingPolicy
  readonly profiles: Map<string, StoreProfile>
  readonly records: Awaited<ReturnType<typeof loadRecords>>
  readonly posted: Set<string>
  readonly costs: Map<string, { issue: bigint | null; back: bigint }>
  readonly productNames: Map<string, string>
  readonly storeReport: Report
  /** An amount in base currency on a date; undefined when no rate. */
  readonly toBase: (amount: bigint, from: string, date: string) => bigint | undefined
}

async function loadInputs(context: LedgerContext, companyId: number, options: SkuProfitOptions): Promise<Inputs> {
  const period = assertPeriod(options.period)
  const company = await getCompany(context, companyId)
  const currency = company.baseCurrency
  const settings = postingSettings(company)
  const [{ profiles }, rateOn, records, posted, costs, products, storeReport] = await Promise.all([
    loadStoreProfiles(context, company),
    rateLookup(context, companyId),
    loadRecords(context, companyId, options.store === undefined ? {} : { store: options.store }),
    postedSources(context, companyId, period),
    lineCosts(context, companyId),
    productNameRows(context, companyId),
    channelProfit(context, companyId, { period, ...(options.store === undefined ? {} : { store: options.store }) }),
  ])
  const toBase = (amount: bigint, from: string, date: string): bigint | undefined => {
    if (from === currency) return amount
    const rate = rateOn(from, date)
    return rate === undefined ? undefined : baseOf(amount as Minor, from, currency, rate)
  }
  return {
    period, company, currency, recognition: settings.recognition, profiles, records, posted, costs, storeReport, toBase,
    policy: { baseCurrency: currency, recognition: settings.recognition, tolerance: 0n as Minor, rateOn },
    productNames: new Map(products.rows.map((row) => [String(row.sku), String(row.name)])),
  }
}

/** Order lines and settlement txns by order; txns of no order (and payouts) loose. */
function byOrder(records: Inputs['records']): { linesByOrder: Map<string, OrderLine[]>; txnsByOrder: Map<string, SettlementTxn[]>; loose: SettlementTxn[] } {
  const linesByOrder = new Map<string, OrderLine[]>()
  for (const line of records.orderLines ?? []) {
    const key = `${line.channel}|${line.orderNo}|order`
    linesByOrder.set(key, [...(linesByOrder.get(key) ?? []), line])
  }
  const orderOf = orderIndex(records.orders)
  const txnsByOrder = new Map<string, SettlementTxn[]>()
  const loose: SettlementTxn[] = []
  for (const txn of records.txns) {
    const order = txn.kind === 'payout' ? undefined : orderOf(txn)
    if (order) txnsByOrder.set(orderKeyOf(order), [...(txnsByOrder.get(orderKeyOf(order)) ?? []), txn])
    else loose.push(txn)
  }
  return { linesByOrder, txnsByOrder, loose }
}

/** store -> sku -> figures, and per store what the ledger check needs. */
interface Tally {
  readonly cells: Map<string, Map<string, { title: string; figures: Figures }>>
  readonly postedRevenue: Map<string, bigint>
  readonly postedCogs: Map<string, bigint>
  orderCount: number
  unposted: number
  unpostedRevenue: bigint
  uncosted: number
  readonly skipped: string[]
}

function bucket(tally: Tally, store: string, sku: string, title: string): Figures {
  const skus = tally.cells.get(store) ?? new Map<string, { title: string; figures: Figures }>()
  tally.cells.set(store, skus)
  const entry = skus.get(sku) ?? { title, figures: emptyFigures() }
  skus.set(sku, entry)
  return entry.figures
}

/** An order's figures in base currency (revenue and refunds net of VAT, charges), or undefined when a rate is missing. */
function orderFigures(inputs: Inputs, order: Order, store: StoreProfile, txns: ReadonlyArray<SettlementTxn>, date: string): { revenue: bigint; refunds: bigint; charges: Record<ChargeKind, bigint> } | undefined {
  const split = orderSplit(order, store, inputs.policy)
  const refundTxns = txns.filter((txn) => txn.kind === 'refund').reduce((sum, txn) => sum - txn.amount, 0n)
  const refundedGross = order.refunded > refundTxns ? order.refunded : refundTxns
  const refundNet = refundSplit(split, 0n, refundedGross > order.gross ? order.gross : refundedGross).net
  const revenue = inputs.toBase(split.net, order.currency, date)
  const refunds = inputs.toBase(refundNet, order.currency, date)
  const charges: Record<ChargeKind, bigint> = { commission: 0n, fee: 0n, promotion: 0n }
  let chargesOk = true
  for (const txn of txns) {
    if (!isChargeKind(txn.kind)) continue
    const base = inputs.toBase(-txn.amount, txn.currency, dateOf(txn.occurredAt))
    if (base === undefined) chargesOk = false
    else charges[txn.kind] += base
  }
  return revenue === undefined || refunds === undefined || !chargesOk ? undefined : { revenue, refunds, charges }
}

/** One recognised order into the tally: its figures split to its lines (or one 无明细 row). */
function addOrder(tally: Tally, inputs: Inputs, order: Order, lines: ReadonlyArray<OrderLine>, txns: ReadonlyArray<SettlementTxn>, date: string): void {
  const store = inputs.profiles.get(order.store)
  if (!store) {
    tally.skipped.push(`${order.orderNo}（店铺 ${order.store} 无过账配置）`)
    return
  }
  const figures = orderFigures(inputs, order, store, txns, date)
  if (figures === undefined) {
    tally.skipped.push(`${order.orderNo}（无 ${order.currency} 汇率）`)
    return
  }
  const { revenue, refunds, charges } = figures
  tally.orderCount += 1
  if (inputs.posted.has(`order\u0000${orderKeyOf(order)}`)) tally.postedRevenue.set(order.store, (tally.postedRevenue.get(order.store) ?? 0n) + revenue)
  else {
    tally.unposted += 1
    tally.unpostedRevenue += revenue
  }
  if (lines.length === 0) {
    add(bucket(tally, order.store, '(无明细)', ''), { revenue, refunds, commission: charges.commission, paymentFees: charges.fee, promotion: charges.promotion })
    return
  }
  const weights = lines.map((line) => (line.amount > 0n ? line.amount : 0n))
  const refundWeights = lines.some((line) => line.refunded > 0n) ? lines.map((line) => (line.refunded > 0n ? line.refunded : 0n)) : weights
  const parts = {
    revenue: allocate(revenue, weights), refunds: allocate(refunds, refundWeights), commission: allocate(charges.commission, weights),
    paymentFees: allocate(charges.fee, weights), promotion: allocate(charges.promotion, weights),
  }
  lines.forEach((line, index) => {
    const key = lineKeyOf(line)
    const cost = inputs.costs.get(key)
    const cogs = (cost?.issue ?? 0n) - (cost?.back ?? 0n)
    if ((cost === undefined || cost.issue === null) && inputs.productNames.has(line.sku) && line.quantity > 0) tally.uncosted += 1
    if (inputs.posted.has(`orderLine\u0000${key}`)) tally.postedCogs.set(order.store, (tally.postedCogs.get(order.store) ?? 0n) + (cost?.issue ?? 0n))
    if (inputs.posted.has(`orderLine.return\u0000${key}`)) tally.postedCogs.set(order.store, (tally.postedCogs.get(order.store) ?? 0n) - (cost?.back ?? 0n))
    add(bucket(tally, order.store, line.sku, inputs.productNames.get(line.sku) || line.title), {
      quantity: BigInt(line.quantity), revenue: parts.revenue[index] ?? 0n, refunds: parts.refunds[index] ?? 0n, commission: parts.commission[index] ?? 0n,
      paymentFees: parts.paymentFees[index] ?? 0n, promotion: parts.promotion[index] ?? 0n, cogs,
    })
  })
}

/** Every order recognised in the period, then the period's platform charges of no order (未分摊). */
function tallyOf(inputs: Inputs): Tally {
  const tally: Tally = { cells: new Map(), postedRevenue: new Map(), postedCogs: new Map(), orderCount: 0, unposted: 0, unpostedRevenue: 0n, uncosted: 0, skipped: [] }
  const { linesByOrder, txnsByOrder, loose } = byOrder(inputs.records)
  for (const order of inputs.records.orders) {
    const date = recognitionDate(order, inputs.recognition)
    if (date === undefined || !date.startsWith(inputs.period) || order.gross === 0n) continue
    addOrder(tally, inputs, order, linesByOrder.get(orderKeyOf(order)) ?? [], txnsByOrder.get(orderKeyOf(order)) ?? [], date)
  }
  for (const txn of loose) {
    if ((txn.kind !== 'promotion' && txn.kind !== 'fee' && txn.kind !== 'commission') || !dateOf(txn.occurredAt).startsWith(inputs.period) || !inputs.profiles.has(txn.store)) continue
    const base = inputs.toBase(-txn.amount, txn.currency, dateOf(txn.occurredAt))
    if (base === undefined) {
      tally.skipped.push(`${txn.externalId}（无 ${txn.currency} 汇率）`)
      continue
    }
    add(bucket(tally, txn.store, UNALLOCATED, '无订单的平台费用'), { [CHARGE_KINDS[txn.kind]]: base })
  }
  return tally
}

function ratio(margin: bigint, net: bigint): CellValue {
  const value = marginRatio(margin, net)
  return value === null ? null : { ratio: value }
}

/** A report row of figures (net revenue, margin and its rate derived), with its own formulas unless given. */
function rowOf(base: Record<string, CellValue>, figures: Figures, index: number, style?: 'subtotal' | 'total', formulas?: Record<string, Formula>): ReportRow {
  const netRevenue = figures.revenue - figures.refunds
  const margin = netRevenue - figures.commission - figures.paymentFees - figures.promotion - figures.cogs
  const own: Record<string, Formula> = {
    netRevenue: { kind: 'terms', terms: [{ row: index, column: 'revenue', sign: 1 }, { row: index, column: 'refunds', sign: -1 }] },
    margin: { kind: 'terms', terms: [{ row: index, column: 'netRevenue', sign: 1 }, ...(['commission', 'paymentFees', 'promotion', 'cogs'] as const).map((column) => ({ row: index, column, sign: -1 as const }))] },
  }
  return {
    cells: { ...base, quantity: figures.quantity, revenue: figures.revenue, refunds: figures.refunds, netRevenue, commission: figures.commission, paymentFees: figures.paymentFees, promotion: figures.promotion, cogs: figures.cogs, margin, marginRate: ratio(margin, netRevenue) },
    formulas: formulas ?? own, ...(style ? { style } : {}),
  }
}

/** Rows per store and SKU (未分摊 last), a subtotal per store and its checks against the channel profit report, and the total. */
function tableOf(tally: Tally, inputs: Inputs): { rows: ReportRow[]; checks: ReportCheck[] } {
  const { currency, storeReport } = inputs
  const channels = new Map([...inputs.profiles].map(([code, profile]) => [code, profile.channel]))
  const rows: ReportRow[] = []
  const subtotalRows: number[] = []
  const checks: ReportCheck[] = []
  const ledgerAmount = (store: string, key: string): bigint => {
    const value = storeReport.rows.find((row) => row.style !== 'total' && row.cells.store === (store || '(未指定店铺)'))?.cells[key]
    return typeof value === 'bigint' ? value : 0n
  }
  const grand = emptyFigures()
  for (const [store, skus] of [...tally.cells].sort(([a], [b]) => compare(a, b))) {
    const first = rows.length
    const subtotal = emptyFigures()
    for (const [sku, entry] of [...skus].sort(([a], [b]) => (a === UNALLOCATED ? 1 : b === UNALLOCATED ? -1 : compare(a, b)))) {
      rows.push(rowOf({ store, channel: channels.get(store) ?? '', sku, title: entry.title }, entry.figures, rows.length))
      add(subtotal, entry.figures)
    }
    add(grand, subtotal)
    subtotalRows.push(rows.length)
    const last = rows.length - 1
    rows.push(rowOf({ store, channel: channels.get(store) ?? '', sku: '小计', title: '' }, subtotal, rows.length, 'subtotal', Object.fromEntries(SUM_KEYS.map((column) => [column, { kind: 'range', column, from: first, to: last } satisfies Formula]))))
    const revenue = tally.postedRevenue.get(store) ?? 0n
    checks.push({ key: `revenue.${store}`, label: `${store}：已过账订单的 SKU 收入合计 = 渠道利润表销售收入`, ok: revenue === ledgerAmount(store, 'revenue'), expected: formatAmount(ledgerAmount(store, 'revenue'), currency), actual: formatAmount(revenue, currency) })
    const cogs = tally.postedCogs.get(store) ?? 0n
    checks.push({ key: `cogs.${store}`, label: `${store}：已过账明细的 SKU 成本合计 = 渠道利润表销售成本`, ok: cogs === ledgerAmount(store, 'cogs'), expected: formatAmount(ledgerAmount(store, 'cogs'), currency), actual: formatAmount(cogs, currency) })
  }
  if (subtotalRows.length) {
    rows.push(rowOf({ store: '合计', channel: '', sku: '', title: '' }, grand, rows.length, 'total', Object.fromEntries(SUM_KEYS.map((column) => [column, { kind: 'terms', terms: subtotalRows.map((row) => ({ row, column, sign: 1 as const })) } satisfies Formula]))))
  }
  return { rows, checks }
}

function notesOf(tally: Tally, inputs: Inputs): string[] {
  const notes = [
    `含本期${inputs.recognition === 'completed' ? '确认收货' : '发货'}（收入确认）的订单 ${tally.orderCount} 张；退款、佣金、手续费、推广与成本按这些订单归集（不论发生在哪一期），故与按期间的渠道利润表只在销售收入与成本上逐店核对。`,
    '收入为按店铺税率价税分离后的不含税收入；订单的收入、退款、佣金、手续费、推广按明细行金额比例用最大余额法分摊（退款按明细行退款额），各行之和等于订单金额，分毫不差。',
    `未过账订单 ${tally.unposted} 张，不含税收入 ${formatAmount(tally.unpostedRevenue, inputs.currency)}：列在表中，但不在核对的已过账收入内。`,
  ]
  if (tally.uncosted) notes.push(`${tally.uncosted} 个已售明细尚无出库成本（未过账或库存不足），成本按 0 计。`)
  if (tally.skipped.length) notes.push(`未列入：${tally.skipped.join('、')}。`)
  return notes
}

export async function skuProfit(context: LedgerContext, companyId: number, options: SkuProfitOptions): Promise<Report> {
  const inputs = await loadInputs(context, companyId, options)
  const tally = tallyOf(inputs)
  const { rows, checks } = tableOf(tally, inputs)
  const columns: ReportColumn[] = [
    { key: 'store', label: '店铺', kind: 'text', width: 12 }, { key: 'channel', label: '渠道', kind: 'text', width: 8 },
    { key: 'sku', label: 'SKU', kind: 'text', width: 14 }, { key: 'title', label: '商品名称', kind: 'text', width: 16 },
    { key: 'quantity', label: '销量', kind: 'integer', width: 8 },
    ...(AMOUNT_KEYS.map((key) => ({ key, label: AMOUNT_LABELS[key], kind: 'amount' as const, width: 13 }))),
    { key: 'marginRate', label: '毛利率', kind: 'ratio', width: 8 },
  ]
  const { company, period, currency } = inputs
  return {
    company: { code: company.code, name: company.name }, period, currency, name: 'sku-profit', title: '渠道利润表（按SKU）', titleEn: 'Channel profitability by SKU',
    dateLabel: periodLabel(period), columns, rows, checks, notes: notesOf(tally, inputs),
    meta: options.store === undefined ? {} : { store: options.store },
  }
}

const AMOUNT_LABELS: Record<AmountKey, string> = {
  revenue: '销售收入', refunds: '退款', netRevenue: '净收入', commission: '平台佣金', paymentFees: '支付手续费', promotion: '推广费', cogs: '销售成本', margin: '毛利',
}
