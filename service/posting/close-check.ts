import { isLedgerError } from '../../shared/errors.ts'
import { formatAmount, isCurrency } from '../../shared/money.ts'
import type { Held } from '../../shared/posting/index.ts'
import type { Company } from '../ledger/company.ts'
import type { LedgerContext } from '../ledger/context.ts'
import { BLOCKER_ITEM_LIMIT, type CloseBlocker, registerCloseCheck } from '../ledger/periods.ts'
import { planPosting } from './run.ts'
import type { CloseBlockerItem } from '../../shared/api/companies.ts'
import { hasImportedRecords, openExceptionRows } from './queries.ts'

/**
 * 结账检查 of matching and posting, plugged into closeCheck/closePeriod (service/ledger/periods.ts):
 *
 * - open_exceptions: live open exceptions whose group falls in the period (an order's creation
 *   date, else the money's date) — the rows `GET /exceptions?period=P&status=open` lists;
 * - held_items: what a posting run for the period would hold back (NEEDS_APPROVAL, AMOUNT_MISMATCH,
 *   NOT_MATCHED, IGNORED, NO_RATE, NO_COST, UNKNOWN_STORE), as `POST /posting/preview {period}` lists;
 * - payouts_not_in_bank: payouts of the period held NOT_IN_BANK (no bank receipt matched yet);
 * - unposted_records: imported records a posting run for the period would post now (orders,
 *   settlement and bank txns, order lines, refunds) — posting has not been run since they came.
 *
 * Sales not recognised yet (NOT_RECOGNISED: shipped, not 确认收货) are not blockers: they
 * belong to the period their sale is recognised in.
 */
const MONEY_REASONS = new Set<Held['reason']>(['NOT_IN_BANK'])

function exceptionItem(row: Record<string, unknown>): CloseBlockerItem {
  const currency = String(row.currency)
  const amount = (value: unknown) => (isCurrency(currency) ? formatAmount(BigInt(Number(value)), currency) : String(value))
  return {
    id: Number(row.id), type: String(row.type), store: String(row.store), date: String(row.date), orderKey: row.order_key === null ? null : String(row.order_key),
    currency, amount: amount(row.amount_minor), difference: amount(row.difference_minor),
  }
}

async function openExceptions(context: LedgerContext, company: Company, period: string): Promise<CloseBlocker | null> {
  const [count, rows] = await openExceptionRows(context.db, company.id, period, BLOCKER_ITEM_LIMIT)
  const byType = count.rows.map((row) => [String(row.type), Number(row.n)] as const)
  const total = byType.reduce((sum, [, n]) => sum + n, 0)
  if (total === 0) return null
  const list = byType.map(([type, n]) => `${type} ${n}`).join(', ')
  return {
    kind: 'open_exceptions', count: total,
    message: { zh: `本期有 ${total} 个未处理的对账异常（${list}），请处理、忽略或审批`, en: `${total} open reconciliation exception(s) in the period (${list}); resolve, ignore or approve them` },
    items: rows.rows.map((row) => exceptionItem(row as Record<string, unknown>)),
  }
}

function heldItem(item: Held): CloseBlockerItem {
  return { kind: item.source.kind, ref: item.source.id, store: item.store, reason: item.reason, message: item.message }
}

/** The posting blockers, from one dry run of posting for the period. */
async function postingBlockers(context: LedgerContext, company: Company, period: string): Promise<CloseBlocker[]> {
  // a company that keys in its vouchers and imports nothing has nothing for posting to wait on
  if (!(await hasImportedRecords(context.db, company.id))) return []
  let plan: Awaited<ReturnType<typeof planPosting>>
  try {
    plan = await planPosting(context, company, { period, dryRun: true })
  } catch (error) {
    if (!isLedgerError(error) || (error.code !== 'UNKNOWN_ACCOUNT' && error.code !== 'NON_LEAF_ACCOUNT')) throw error
    // the posting mapping is broken: nothing imported can be posted until it is fixed
    return [{
      kind: 'held_items', count: 1,
      message: { zh: `记账科目映射有误，已导入记录无法生成凭证：${error.message}`, en: `the posting mapping is broken, so imported records cannot be posted: ${error.message}` },
      items: [{ kind: 'mapping', ref: error.code, message: error.message }],
    }]
  }
  const blockers: CloseBlocker[] = []
  const held = plan.held.filter((item) => !MONEY_REASONS.has(item.reason))
  const unbanked = plan.held.filter((item) => MONEY_REASONS.has(item.reason))
  if (held.length > 0) {
    const reasons = [...new Set(held.map((item) => item.reason))].join(', ')
    blockers.push({
      kind: 'held_items', count: held.length,
      message: { zh: `本期有 ${held.length} 笔记录暂缓记账（${reasons}）`, en: `${held.length} record(s) of the period wait and are not posted (${reasons})` },
      items: held.slice(0, BLOCKER_ITEM_LIMIT).map(heldItem),
    })
  }
  if (unbanked.length > 0) {
    blockers.push({
      kind: 'payouts_not_in_bank', count: unbanked.length,
      message: { zh: `本期有 ${unbanked.length} 笔提现尚未在银行流水中找到`, en: `${unbanked.length} payout(s) of the period not found in the bank yet` },
      items: unbanked.slice(0, BLOCKER_ITEM_LIMIT).map(heldItem),
    })
  }
  const records: CloseBlockerItem[] = []
  for (const draft of plan.drafts) {
    for (const source of draft.sources) {
      if (source.kind === 'match') continue
      records.push({ kind: source.kind, ref: source.id, store: draft.store, date: draft.input.date, voucher: draft.input.summary ?? '' })
    }
  }
  if (records.length > 0) {
    blockers.push({
      kind: 'unposted_records', count: records.length,
      message: { zh: `本期有 ${records.length} 条已导入记录尚未生成凭证（${plan.drafts.length} 张），请先运行记账`, en: `${records.length} imported record(s) of the period not posted yet (${plan.drafts.length} voucher(s)); run posting first` },
      items: records.slice(0, BLOCKER_ITEM_LIMIT),
    })
  }
  return blockers
}

/** Registers the matching and posting close checks (idempotent; the CLI and routes call it next to registerRevaluation). */
export function registerCloseChecks(): void {
  registerCloseCheck('matching.open-exceptions', async (context, company, period) => {
    const blocker = await openExceptions(context, company, period)
    return blocker ? [blocker] : []
  })
  registerCloseCheck('posting.plan', postingBlockers)
}
