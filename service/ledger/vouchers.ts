import type { InValue, Transaction } from '@libsql/client'
import { LedgerError } from '../../shared/errors.ts'
import { formatAmount } from '../../shared/money.ts'
import { type VoucherContext, type VoucherLine, type VoucherStatus, validateVoucher } from '../../shared/voucher.ts'
import { appendAudit } from './audit.ts'
import { type Company, chartStampOf, getCompany, loadChart } from './company.ts'
import { type Actor, type LedgerContext, isoNow } from './context.ts'
import { bulkMemo, validateBulk } from './vouchers/bulk-validate.ts'
import { assertPeriodsOpen, assertSourcesUnposted, findReplays, nextNumbers, registerStores, storesOf } from './vouchers/checks.ts'
import { BalanceDeltas } from './vouchers/deltas.ts'
import { voucherHash, linesHash } from './vouchers/hash.ts'
import { type VoucherAudit, type VoucherWrite, type WriteGroup, GROUP_LINES, GROUP_VOUCHERS, auditEntries, insertGroup, newGroup } from './vouchers/insert.ts'
import type { Prepared, VoucherRequest, VoucherResult, WriteOptions } from './vouchers/types.ts'

export type { SourceRef, VoucherRequest, WriteMode, WriteOptions, VoucherResult, Prepared } from './vouchers/types.ts'
export { hashInput, voucherHash, linesHash } from './vouchers/hash.ts'
export { type BulkMemo, bulkMemo, tryValidateBulk, validateBulk } from './vouchers/bulk-validate.ts'
export { assertPeriodsOpen } from './vouchers/checks.ts'
export { applyBalances } from './vouchers/deltas.ts'
export { type StoredVoucher, type StoredLine, type VoucherQuery, voucherLabel, findVoucherId, getVoucher, listVouchers } from './vouchers/read.ts'
export { approveVoucher, postVoucher, unapproveVoucher, deleteDraft, reverseVoucher } from './vouchers/actions.ts'

/**
 * The one place that writes vouchers, lines and materialized balances. Every
 * ledger invariant of accounting.md is enforced here (and re-checked by verify):
 * balanced, leaf accounts, open periods, contiguous numbers assigned at posting,
 * idempotency keys, source items posted once, immutable once posted, audited.
 * The pieces live in ./vouchers/ (hashing, bulk validator, checks, balance
 * deltas, grouped inserts, reads, approve/post/reverse); this file keeps the
 * write path and re-exports the rest.
 */

/** a write of at least this many vouchers is a bulk write (posting runs, imports of journals) */
const BULK_VOUCHERS = 200
/** ... or of this many sources (a day summary links every order of a store-day) */
const BULK_SOURCES = 400
/**
 * Page cache of the connection during a bulk write, KiB. The default 2 MB
 * thrashes once the idempotency and source indexes outgrow it (random keys);
 * 128 MB kept a 1M-order posting run ~25% faster.
 */
const BULK_CACHE_KIB = 131_072

async function prepare(context: LedgerContext, company: Company, requests: ReadonlyArray<VoucherRequest>): Promise<Prepared[]> {
  const chart = await loadChart(context, company.id, chartStampOf(company))
  const voucherContext: VoucherContext = { baseCurrency: company.baseCurrency, account: (code) => chart.get(code) }
  // Bulk writes (posting runs, journal imports) take the hand-written validator;
  // small writes keep zod, which also names the problem for any invalid input.
  const memo = requests.length >= BULK_VOUCHERS ? bulkMemo() : null
  const prepared: Prepared[] = new Array(requests.length)
  for (let index = 0; index < requests.length; index += 1) {
    const request = requests[index] as VoucherRequest
    try {
      const voucher = memo ? validateBulk(request.input, voucherContext, memo) : validateVoucher(request.input, voucherContext)
      const sources = request.sources ?? []
      prepared[index] = { voucher, inputHash: voucherHash(voucher, sources), sources }
    } catch (error) {
      if (error instanceof LedgerError && requests.length > 1) {
        throw new LedgerError(error.code, `voucher ${index + 1}: ${error.message}`, { voucher: index + 1, details: error.details })
      }
      throw error
    }
  }
  return prepared
}

/**
 * Writes vouchers in one transaction: drafts, approved, or posted (numbered,
 * balances updated). Replays of idempotency keys return the stored result.
 * Errors: VALIDATION, UNBALANCED, UNKNOWN_ACCOUNT, NON_LEAF_ACCOUNT,
 * TOO_MANY_DECIMALS, PERIOD_CLOSED, IDEMPOTENCY_CONFLICT, DUPLICATE (source).
 */
export async function writeVouchers(context: LedgerContext, actor: Actor, companyId: number, requests: ReadonlyArray<VoucherRequest>, options: WriteOptions): Promise<VoucherResult[]> {
  const company = await getCompany(context, companyId)
  const prepared = await prepare(context, company, requests)
  const results = await context.db.write((tx) => writeInTransaction(context, tx, actor, company, prepared, options))
  await settleNativeStatements()
  return results
}

/**
 * libsql frees a prepared statement (and the copies of its bound arguments)
 * in a finalizer that Node defers to the event loop. A long posting run that
 * only awaits already-settled promises never reaches the event loop, so every
 * statement it ever ran stayed in native memory (12.8 GB RSS at 1M orders,
 * invisible to the JS heap). One macrotask after each bulk write lets the
 * finalizers run; it costs microseconds.
 */
export function settleNativeStatements(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

/** Validates requests against the company's chart (outside any transaction). */
export async function prepareVouchers(context: LedgerContext, company: Company, requests: ReadonlyArray<VoucherRequest>): Promise<Prepared[]> {
  return prepare(context, company, requests)
}

/** The write itself, inside a caller's transaction (used by period close). */
export async function writeInTransaction(context: LedgerContext, tx: Transaction, actor: Actor, company: Company, prepared: ReadonlyArray<Prepared>, options: WriteOptions): Promise<VoucherResult[]> {
  const companyId = company.id
  const at = isoNow(context)
  {
    const replays = await findReplays(tx, companyId, prepared)
    const fresh = prepared.filter((item) => item.voucher.idempotencyKey === null || !replays.has(item.voucher.idempotencyKey))
    await assertPeriodsOpen(tx, companyId, fresh.map((item) => item.voucher.period))
    // Bulk writes rely on the unique index of voucher_sources (the invariant's
    // real guard) instead of a lookup per 400 sources, and name the duplicate
    // only when the insert refuses; small writes check first as before.
    let sourceCount = 0
    for (const item of fresh) sourceCount += item.sources.length
    const bulk = fresh.length >= BULK_VOUCHERS || sourceCount >= BULK_SOURCES
    if (bulk) await tx.execute(`PRAGMA cache_size = -${BULK_CACHE_KIB}`)
    else await assertSourcesUnposted(tx, companyId, fresh)
    await registerStores(tx, companyId, storesOf(fresh))
    const status: VoucherStatus = options.mode === 'post' ? 'posted' : options.mode === 'approve' ? 'approved' : 'draft'
    const numbers = status === 'posted' ? await nextNumbers(tx, companyId, fresh.map((item) => `${item.voucher.period}\u0000${item.voucher.word}`)) : new Map<string, number>()
    const top = await tx.execute('SELECT COALESCE(MAX(id), 0) AS top FROM vouchers')
    let nextId = Number(top.rows[0]?.top ?? 0) + 1
    const created: VoucherResult[] = new Array(fresh.length)
    const audits: VoucherAudit[] = new Array(fresh.length)
    const sourceCounts: number[] = new Array(fresh.length)
    const deltas = new BalanceDeltas()
    const write: VoucherWrite = {
      companyId, status, at, maker: actor.userId ?? 0, approver: status === 'draft' ? null : actor.userId, poster: status === 'posted' ? actor.userId : null, sourceKind: options.sourceKind ?? 'manual', baseCurrency: company.baseCurrency,
    }
    let group: WriteGroup = newGroup(nextId, '', '', null)
    const flush = async () => {
      if (group.vouchers.length === 0) return
      try {
        await insertGroup(tx, write, group)
      } catch (error) {
        // The unique index of voucher_sources also refuses a source named twice in
        // this request; assertSourcesUnposted checks that first, then the ledger.
        if (bulk && /UNIQUE constraint failed: voucher_sources/.test(String((error as Error).message))) await assertSourcesUnposted(tx, companyId, fresh)
        throw error
      }
    }
    for (let index = 0; index < fresh.length; index += 1) {
      const item = fresh[index] as Prepared
      const { voucher } = item
      const numberKey = `${voucher.period}\u0000${voucher.word}`
      const number = status === 'posted' ? (numbers.get(numberKey) ?? 1) : null
      if (number !== null) numbers.set(numberKey, number + 1)
      if (voucher.period !== group.period || voucher.word !== group.word || group.vouchers.length >= GROUP_VOUCHERS || group.lines >= GROUP_LINES) {
        await flush()
        group = newGroup(nextId, voucher.period, voucher.word, number)
      }
      const id = nextId++
      // ids and numbers are written as the group's first plus the position
      if (id !== group.firstId + group.vouchers.length || (number !== null && number !== (group.firstNumber ?? 0) + group.vouchers.length)) throw new Error('invariant violated: ids and numbers of a group are consecutive')
      let total = 0n
      const lines: InValue[][] = new Array(voucher.lines.length)
      for (let lineIndex = 0; lineIndex < voucher.lines.length; lineIndex += 1) {
        const line = voucher.lines[lineIndex] as VoucherLine
        // line_no is written as the line's position (json_each key + 1)
        if (line.lineNo !== lineIndex + 1) throw new Error(`invariant violated: line ${lineIndex + 1} is numbered ${line.lineNo}`)
        if (line.side === 'debit') total += line.amount
        if (status === 'posted') deltas.add(voucher.period, line)
        const amount = line.amount.toString()
        const row: InValue[] = [line.account, line.store, line.side, amount, line.original === line.amount ? amount : line.original.toString(), line.summary]
        if (line.currency !== company.baseCurrency || line.rate !== null) {
          row.push(line.currency, line.rate)
          group.foreign = true
        }
        lines[lineIndex] = row
      }
      group.lines += lines.length
      group.lineRows.push(lines)
      group.vouchers.push(voucher.attachments ? [voucher.date, voucher.summary, total.toString(), voucher.idempotencyKey, item.inputHash, voucher.attachments] : [voucher.date, voucher.summary, total.toString(), voucher.idempotencyKey, item.inputHash])
      const byKind: Record<string, string[]> = Object.create(null)
      for (const source of item.sources) (byKind[source.kind] ??= []).push(source.id)
      group.sources.push(byKind)
      group.sourceCount += item.sources.length
      created[index] = { id, period: voucher.period, word: voucher.word, number, status, replayed: false }
      audits[index] = [id, voucher.period, voucher.word, number, formatAmount(total, company.baseCurrency), linesHash(voucher.lines)]
      sourceCounts[index] = item.sources.length
    }
    await flush()
    if (status === 'posted') await deltas.write(tx, companyId)
    await appendAudit(tx, auditEntries(audits, sourceCounts, { at, companyId, actorId: actor.userId, status, selfApproved: options.selfApprove === true && status !== 'draft', sourceKind: options.sourceKind ?? 'manual', each: options.auditEach === true }))
    let next = 0
    return prepared.map((item) => {
      const replay = item.voucher.idempotencyKey === null ? undefined : replays.get(item.voucher.idempotencyKey)
      // fresh keeps the order of prepared, so the created results follow in turn
      const result = replay ?? created[next++]
      if (!result) throw new Error('invariant violated: every voucher has a result')
      return result
    })
  }
}

