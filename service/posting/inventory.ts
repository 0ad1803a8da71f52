import type { InValue } from '@libsql/client'
import { LedgerError } from '../../shared/errors.ts'
import { type Minor, minor, parseAmount } from '../../shared/money.ts'
import { assertDate } from '../../shared/period.ts'
import { type InventoryMove, recognitionDate, replayMoves, returnCost, lineKeyOf, orderKeyOf, type Recognition } from '../../shared/posting/index.ts'
import type { Order, OrderLine } from '../../shared/records.ts'
import type { FileInput } from '../imports/source.ts'
import { type Table, parseTableText, readRecords, readTable } from '../imports/table.ts'
import { appendAudit } from '../ledger/audit.ts'
import { type Actor, type LedgerContext, isoNow } from '../ledger/context.ts'
import { getCompany } from '../ledger/company.ts'
import { insertMoves, insertProducts, productSkus, receiptCount, selectMoves } from './queries.ts'

/**
 * Inventory at moving average cost: purchase receipts come from CSV
 * (`date,sku,quantity,total_cost[,name,reference]`, base currency), issues are
 * fixed when a sold line is first costed, returns come back at the cost the
 * line left with. A fixed cost never changes, so COGS is stable across runs
 * (a receipt back-dated before already-costed issues affects later issues only).
 */
export interface Receipt {
  readonly date: string
  readonly sku: string
  readonly quantity: bigint
  readonly cost: Minor
  readonly name: string
  readonly reference: string
}

/** Rows of a receipts table; every bad line is named in one error (see imports/table.ts). */
export function receiptsFromTable(table: Table, currency: string): Receipt[] {
  return readRecords(table, ['date', 'sku', 'quantity', 'total_cost'], (record, line) => {
    const date = record.date ?? ''
    try {
      assertDate(date)
    } catch {
      throw new LedgerError('VALIDATION', `line ${line}: "${date}" is not a date`)
    }
    const sku = record.sku ?? ''
    if (!sku) throw new LedgerError('VALIDATION', `line ${line}: sku is empty`)
    if (!/^\d{1,9}$/.test(record.quantity ?? '') || record.quantity === '0') throw new LedgerError('VALIDATION', `line ${line}: quantity must be a positive whole number`)
    const cost = parseAmount(record.total_cost ?? '', currency)
    if (cost < 0n) throw new LedgerError('VALIDATION', `line ${line}: total_cost is negative`)
    return { date, sku, quantity: BigInt(record.quantity ?? '0'), cost, name: record.name ?? '', reference: record.reference || `line ${line}` }
  })
}

/** Receipts from decoded CSV text (the import pipeline's tokenizer). */
export function parseReceiptsCsv(text: string, currency: string, name = 'receipts'): Receipt[] {
  return receiptsFromTable(parseTableText(text, name), currency)
}

/** Receipts from a file or bytes: CSV in UTF-8 or GBK, XLSX or XLS, read by the import pipeline. */
export async function readReceiptsFile(input: FileInput, currency: string): Promise<Receipt[]> {
  return receiptsFromTable(await readTable(input), currency)
}

/** Records purchase receipts (入库); the same reference + sku + date is not stored twice. */
export async function importReceipts(context: LedgerContext, actor: Actor, companyId: number, receipts: ReadonlyArray<Receipt>): Promise<{ imported: number }> {
  const at = isoNow(context)
  await getCompany(context, companyId)
  return context.db.write(async (tx) => {
    await insertProducts(tx, receipts.map((receipt) => [companyId, receipt.sku, receipt.name]))
    const before = await receiptCount(tx, companyId)
    const rows = receipts.map((receipt) => [companyId, receipt.sku, 'receipt', `${receipt.reference}|${receipt.sku}|${receipt.date}`, receipt.date, receipt.quantity, receipt.cost, receipt.reference, at])
    await insertMoves(tx, rows)
    const imported = (await receiptCount(tx, companyId)) - before
    await appendAudit(tx, [{ at, companyId, actorId: actor.userId, action: 'inventory.receipts', entity: 'inventory_moves', entityId: String(imported), payload: { imported } }])
    return { imported }
  })
}

async function loadMoves(context: LedgerContext, companyId: number): Promise<Array<InventoryMove & { fixedCost: Minor | null }>> {
  const result = await selectMoves(context.db, companyId)
  return result.rows.map((row) => {
    const kind = String(row.kind) as InventoryMove['kind']
    const base = { key: String(row.move_key), sku: String(row.sku), date: String(row.date), quantity: BigInt(Number(row.quantity)) }
    const fixedCost = row.cost_minor === null ? null : minor(Number(row.cost_minor))
    return kind === 'issue' ? { ...base, kind, fixedCost } : { ...base, kind, cost: fixedCost ?? (0n as Minor), fixedCost }
  })
}

export interface LineCosts {
  readonly issueCosts: Map<string, Minor>
  readonly returnCosts: Map<string, { date: string; cost: Minor }>
  /** sold lines of known products that could not be costed (short of stock) */
  readonly uncosted: string[]
}

/**
 * Fixes the cost of every newly sold line of a known SKU (moving average at
 * its sale date) and of every fully refunded line (return at the cost it left
 * with), and returns all line costs for posting.
 */
export async function costLines(context: LedgerContext, companyId: number, orders: ReadonlyArray<Order>, lines: ReadonlyArray<OrderLine>, recognition: Recognition, persist = true): Promise<LineCosts> {
  const skus = new Set(await productSkus(context.db, companyId))
  const empty: LineCosts = { issueCosts: new Map(), returnCosts: new Map(), uncosted: [] }
  if (skus.size === 0) return empty
  const saleDates = new Map<string, string | undefined>(orders.map((order) => [orderKeyOf(order), recognitionDate(order, recognition)]))
  const existing = await loadMoves(context, companyId)
  const fixed = new Map(existing.map((move) => [`${move.kind}|${move.key}`, move]))
  const fresh: InventoryMove[] = []
  for (const line of lines) {
    const date = saleDates.get(`${line.channel}|${line.orderNo}|order`)
    if (date === undefined || !skus.has(line.sku) || line.quantity <= 0) continue
    const key = lineKeyOf(line)
    if (!fixed.has(`issue|${key}`)) fresh.push({ kind: 'issue', key, sku: line.sku, date, quantity: BigInt(line.quantity) })
  }
  const replay = replayMoves([...existing.map((move) => (move.kind === 'issue' && move.fixedCost !== null ? { ...move, kind: 'receipt' as const, cost: (-move.fixedCost) as Minor, quantity: -move.quantity } : move)), ...fresh])
  const at = isoNow(context)
  const newRows: InValue[][] = fresh.map((move) => [companyId, move.sku, 'issue', move.key, move.date, move.quantity, replay.costs.get(move.key) ?? null, move.key, at])
  const issueCosts = new Map<string, Minor>()
  const uncosted: string[] = []
  for (const move of [...existing.filter((m) => m.kind === 'issue'), ...fresh]) {
    const cost = fixed.get(`issue|${move.key}`)?.fixedCost ?? replay.costs.get(move.key) ?? null
    if (cost === null) uncosted.push(move.key)
    else issueCosts.set(move.key, cost)
  }
  const returnRows: InValue[][] = []
  const returnCosts = new Map<string, { date: string; cost: Minor }>()
  for (const line of lines) {
    const key = lineKeyOf(line)
    const issued = issueCosts.get(key)
    if (issued === undefined || line.refunded < line.amount || line.amount === 0n) continue
    const stored = fixed.get(`return|${key}`)
    const date = stored?.date ?? saleDates.get(`${line.channel}|${line.orderNo}|order`) ?? ''
    const cost = stored?.fixedCost ?? returnCost(issued, BigInt(line.quantity), BigInt(line.quantity))
    if (!stored) returnRows.push([companyId, line.sku, 'return', key, date, line.quantity, cost, key, at])
    returnCosts.set(key, { date, cost })
  }
  if (persist && (newRows.length || returnRows.length)) {
    await context.db.write(async (tx) => {
      await insertMoves(tx, [...newRows.filter((row) => row[6] !== null), ...returnRows])
    })
  }
  return { issueCosts, returnCosts, uncosted }
}

/** On-hand quantity and value per SKU after every recorded move. */
export async function stockOnHand(context: LedgerContext, companyId: number): Promise<Array<{ sku: string; quantity: bigint; value: Minor }>> {
  const moves = await loadMoves(context, companyId)
  const replay = replayMoves(moves.map((move) => (move.kind === 'issue' && move.fixedCost !== null ? { ...move, kind: 'receipt' as const, cost: (-move.fixedCost) as Minor, quantity: -move.quantity } : move)))
  return [...replay.states].map(([sku, state]) => ({ sku, quantity: state.quantity, value: state.value })).sort((a, b) => (a.sku < b.sku ? -1 : 1))
}
