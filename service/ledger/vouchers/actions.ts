import type { Transaction } from '@libsql/client'
import { LedgerError } from '../../../shared/errors.ts'
import { formatAmount } from '../../../shared/money.ts'
import { periodOfDate } from '../../../shared/period.ts'
import { reversalLines } from '../../../shared/voucher.ts'
import { multiRowInsert } from '../../db/connection.ts'
import { type AuditEntry, appendAudit } from '../audit.ts'
import { type Company, getCompany } from '../company.ts'
import { type Actor, type LedgerContext, isoNow } from '../context.ts'
import { assertPeriodsOpen, nextNumbers } from './checks.ts'
import { applyBalances } from './deltas.ts'
import { hashInput, linesHash } from './hash.ts'
import { readLines } from './read.ts'
import type { VoucherResult } from './types.ts'

async function loadForUpdate(tx: Transaction, companyId: number, voucherId: number): Promise<Record<string, unknown>> {
  const result = await tx.execute({ sql: 'SELECT * FROM vouchers WHERE id = ? AND company_id = ?', args: [voucherId, companyId] })
  const row = result.rows[0]
  if (!row) throw new LedgerError('NOT_FOUND', `no voucher #${voucherId}`)
  return row as Record<string, unknown>
}

/**
 * The original of a posted reversal: marked reversed by it, and its sources kept
 * under '<kind>~reversed:<reversal id>' so the source records are free to be
 * posted again (issue #16.6).
 */
async function markReversed(tx: Transaction, companyId: number, originalId: number, reversalId: number): Promise<void> {
  const original = await tx.execute({ sql: 'SELECT reversed_by, word, number FROM vouchers WHERE id = ? AND company_id = ?', args: [originalId, companyId] })
  const row = original.rows[0]
  if (row && row.reversed_by !== null) throw new LedgerError('ALREADY_REVERSED', `voucher ${String(row.word)}-${String(row.number)} was already reversed by #${String(row.reversed_by)}`)
  await tx.execute({ sql: 'UPDATE vouchers SET reversed_by = ? WHERE id = ?', args: [reversalId, originalId] })
  await tx.execute({ sql: "UPDATE voucher_sources SET source_kind = source_kind || '~reversed:' || ? WHERE voucher_id = ? AND company_id = ?", args: [String(reversalId), originalId, companyId] })
}

/**
 * approved -> posted inside the caller's transaction. `approval`: the audit entry of the approval made in the
 * same transaction (审核即记账), appended with the post's in one write; its period check already ran.
 */
async function postInTransaction(context: LedgerContext, tx: Transaction, actor: Actor, company: Company, row: Record<string, unknown>, at: string, approval?: AuditEntry): Promise<number> {
  const voucherId = Number(row.id)
  const period = String(row.period)
  const word = String(row.word)
  if (!approval) await assertPeriodsOpen(tx, company.id, [period])
  const numbers = await nextNumbers(tx, company.id, [`${period}\u0000${word}`])
  const number = numbers.get(`${period}\u0000${word}`) ?? 1
  await tx.execute({ sql: "UPDATE vouchers SET status = 'posted', number = ?, poster_id = ?, posted_at = ? WHERE id = ?", args: [number, actor.userId, at, voucherId] })
  if (row.reversal_of !== null && row.reversal_of !== undefined) await markReversed(tx, company.id, Number(row.reversal_of), voucherId)
  const lines = await readLines(context, tx, voucherId)
  await applyBalances(tx, company.id, period, lines)
  const posted: AuditEntry = { at, companyId: company.id, actorId: actor.userId, action: 'voucher.post', entity: 'voucher', entityId: String(voucherId), payload: { status: 'posted', period, word, number, total: formatAmount(BigInt(row.total_minor as number), company.baseCurrency), linesHash: linesHash(lines) } }
  await appendAudit(tx, approval ? [approval, posted] : [posted])
  return number
}

/**
 * 审核: draft -> approved (and posted at once unless the company sets
 * postOnApprove false). The maker may not approve their own voucher, except a
 * lone admin with `selfApprove`, which is audited as such.
 */
export async function approveVoucher(context: LedgerContext, actor: Actor, companyOrId: number | Company, voucherId: number, options: { selfApprove?: boolean } = {}): Promise<VoucherResult> {
  // a route gives the company its access check just read (issue #20: no second read per request)
  const company = typeof companyOrId === 'number' ? await getCompany(context, companyOrId) : companyOrId
  const companyId = company.id
  const at = isoNow(context)
  return context.db.write(async (tx) => {
    const row = await loadForUpdate(tx, companyId, voucherId)
    if (row.status !== 'draft') throw new LedgerError('INVALID_STATE', `voucher #${voucherId} is ${String(row.status)}, only drafts can be approved`)
    if (Number(row.maker_id) === actor.userId && !options.selfApprove) throw new LedgerError('MAKER_CANNOT_APPROVE', `the maker of voucher #${voucherId} cannot approve it; another user with the approver role must`)
    await assertPeriodsOpen(tx, companyId, [String(row.period)])
    await tx.execute({ sql: "UPDATE vouchers SET status = 'approved', approver_id = ?, approved_at = ? WHERE id = ?", args: [actor.userId, at, voucherId] })
    const approval: AuditEntry = { at, companyId, actorId: actor.userId, action: 'voucher.approve', entity: 'voucher', entityId: String(voucherId), payload: { selfApproved: options.selfApprove ? true : undefined } }
    if (company.settings.postOnApprove === false) {
      await appendAudit(tx, [approval])
      return { id: voucherId, period: String(row.period), word: String(row.word), number: null, status: 'approved', replayed: false }
    }
    const number = await postInTransaction(context, tx, actor, company, row, at, approval)
    return { id: voucherId, period: String(row.period), word: String(row.word), number, status: 'posted', replayed: false }
  })
}

/** 记账: approved -> posted with the next contiguous number. */
export async function postVoucher(context: LedgerContext, actor: Actor, companyId: number, voucherId: number): Promise<VoucherResult> {
  const company = await getCompany(context, companyId)
  const at = isoNow(context)
  return context.db.write(async (tx) => {
    const row = await loadForUpdate(tx, companyId, voucherId)
    if (row.status !== 'approved') throw new LedgerError('INVALID_STATE', `voucher #${voucherId} is ${String(row.status)}; only approved vouchers can be posted`)
    const number = await postInTransaction(context, tx, actor, company, row, at)
    return { id: voucherId, period: String(row.period), word: String(row.word), number, status: 'posted', replayed: false }
  })
}

/**
 * 反审核: takes an approved, not yet posted voucher back to draft (approver or
 * admin; audited with the reason). A posted voucher is corrected by 红字冲销 instead.
 */
export async function unapproveVoucher(context: LedgerContext, actor: Actor, companyId: number, voucherId: number, reason = ''): Promise<VoucherResult> {
  const at = isoNow(context)
  return context.db.write(async (tx) => {
    const row = await loadForUpdate(tx, companyId, voucherId)
    if (row.status !== 'approved') {
      const how = row.status === 'posted' ? 'posted vouchers are corrected by 红字冲销 (reverse)' : 'only approved vouchers can be un-approved'
      throw new LedgerError('INVALID_STATE', `voucher #${voucherId} is ${String(row.status)}: ${how} / 凭证 #${voucherId} 状态为 ${String(row.status)}，只能对已审核未记账的凭证反审核`)
    }
    await assertPeriodsOpen(tx, companyId, [String(row.period)])
    await tx.execute({ sql: "UPDATE vouchers SET status = 'draft', approver_id = NULL, approved_at = NULL WHERE id = ? AND status = 'approved'", args: [voucherId] })
    await appendAudit(tx, [{ at, companyId, actorId: actor.userId, action: 'voucher.unapprove', entity: 'voucher', entityId: String(voucherId), payload: { approverId: row.approver_id === null || row.approver_id === undefined ? null : Number(row.approver_id), reason } }])
    return { id: voucherId, period: String(row.period), word: String(row.word), number: null, status: 'draft', replayed: false }
  })
}

/** Deletes a draft (never a posted voucher: the database refuses that too). */
export async function deleteDraft(context: LedgerContext, actor: Actor, companyId: number, voucherId: number): Promise<void> {
  await context.db.write(async (tx) => {
    const row = await loadForUpdate(tx, companyId, voucherId)
    if (row.status === 'posted') throw new LedgerError('INVALID_STATE', `voucher #${voucherId} is posted; reverse it instead`)
    await tx.execute({ sql: 'DELETE FROM voucher_sources WHERE voucher_id = ?', args: [voucherId] })
    await tx.execute({ sql: 'DELETE FROM voucher_lines WHERE voucher_id = ?', args: [voucherId] })
    await tx.execute({ sql: 'DELETE FROM vouchers WHERE id = ?', args: [voucherId] })
    await appendAudit(tx, [{ at: isoNow(context), companyId, actorId: actor.userId, action: 'voucher.delete', entity: 'voucher', entityId: String(voucherId), payload: { status: row.status } }])
  })
}

/**
 * 红字冲销: posts a voucher with the same lines and negated amounts, dated
 * `date` (default: the original's date), checked against the reversal's own
 * period. The original is marked reversed; it never changes otherwise.
 */
export async function reverseVoucher(context: LedgerContext, actor: Actor, companyId: number, voucherId: number, options: { date?: string; draft?: boolean } = {}): Promise<VoucherResult> {
  const company = await getCompany(context, companyId)
  const at = isoNow(context)
  // issue #16.6: a reversal can go through approval like any other voucher (option, or company setting reversalApproval)
  const draft = options.draft ?? company.settings.reversalApproval === true
  return context.db.write(async (tx) => {
    const row = await loadForUpdate(tx, companyId, voucherId)
    if (row.status !== 'posted') throw new LedgerError('INVALID_STATE', `voucher #${voucherId} is ${String(row.status)}; only posted vouchers are reversed (delete a draft instead)`)
    if (row.reversed_by !== null) throw new LedgerError('ALREADY_REVERSED', `voucher ${String(row.word)}-${String(row.number)} was already reversed by #${String(row.reversed_by)}`)
    if (row.reversal_of !== null) throw new LedgerError('INVALID_STATE', 'a reversal is not reversed again; post a new voucher instead')
    const pending = await tx.execute({ sql: "SELECT id FROM vouchers WHERE company_id = ? AND reversal_of = ? AND status != 'posted'", args: [companyId, voucherId] })
    if (pending.rows[0]) throw new LedgerError('ALREADY_REVERSED', `voucher ${String(row.word)}-${String(row.number)} has a reversal #${String(pending.rows[0].id)} waiting for approval`)
    const date = options.date ?? String(row.date)
    const period = periodOfDate(date)
    await assertPeriodsOpen(tx, companyId, [period])
    const label = `${String(row.period)} ${String(row.word)}-${String(row.number)}`
    const summary = `冲销 ${label} 凭证`
    const lines = reversalLines(await readLines(context, tx, voucherId), summary)
    if (draft) {
      const top = await tx.execute('SELECT COALESCE(MAX(id), 0) AS top FROM vouchers')
      const id = Number(top.rows[0]?.top ?? 0) + 1
      const total = -BigInt(row.total_minor as number)
      await tx.execute({
        sql: "INSERT INTO vouchers (id, company_id, period, word, number, date, status, summary, total_minor, maker_id, reversal_of, input_hash, source_kind, created_at) VALUES (?,?,?,?,NULL,?,'draft',?,?,?,?,?,'reversal',?)",
        args: [id, companyId, period, String(row.word), date, summary, total, actor.userId ?? 0, voucherId, hashInput({ reversalOf: voucherId, date }), at],
      })
      for (const statement of multiRowInsert('INSERT INTO voucher_lines (voucher_id, line_no, company_id, period, account_code, store, currency, side, amount_minor, original_minor, rate, summary) VALUES', 12, lines.map((line) => [id, line.lineNo, companyId, period, line.account, line.store, line.currency, line.side, line.amount, line.original, line.rate, line.summary]))) await tx.execute(statement)
      await appendAudit(tx, [{ at, companyId, actorId: actor.userId, action: 'voucher.reverse', entity: 'voucher', entityId: String(id), payload: { status: 'draft', reversalOf: voucherId, period, word: String(row.word), total: formatAmount(total, company.baseCurrency), linesHash: linesHash(lines) } }])
      return { id, period, word: String(row.word), number: null, status: 'draft' as const, replayed: false }
    }
    const numbers = await nextNumbers(tx, companyId, [`${period}\u0000${String(row.word)}`])
    const number = numbers.get(`${period}\u0000${String(row.word)}`) ?? 1
    const top = await tx.execute('SELECT COALESCE(MAX(id), 0) AS top FROM vouchers')
    const id = Number(top.rows[0]?.top ?? 0) + 1
    const total = -BigInt(row.total_minor as number)
    await tx.execute({
      sql: "INSERT INTO vouchers (id, company_id, period, word, number, date, status, summary, total_minor, maker_id, approver_id, approved_at, poster_id, posted_at, reversal_of, input_hash, source_kind, created_at) VALUES (?,?,?,?,?,?,'posted',?,?,?,?,?,?,?,?,?,'reversal',?)",
      args: [id, companyId, period, String(row.word), number, date, summary, total, actor.userId ?? 0, actor.userId, at, actor.userId, at, voucherId, hashInput({ reversalOf: voucherId, date }), at],
    })
    for (const statement of multiRowInsert('INSERT INTO voucher_lines (voucher_id, line_no, company_id, period, account_code, store, currency, side, amount_minor, original_minor, rate, summary) VALUES', 12, lines.map((line) => [id, line.lineNo, companyId, period, line.account, line.store, line.currency, line.side, line.amount, line.original, line.rate, line.summary]))) await tx.execute(statement)
    await markReversed(tx, companyId, voucherId, id)
    await applyBalances(tx, companyId, period, lines)
    await appendAudit(tx, [{ at, companyId, actorId: actor.userId, action: 'voucher.reverse', entity: 'voucher', entityId: String(id), payload: { status: 'posted', reversalOf: voucherId, period, word: String(row.word), number, total: formatAmount(total, company.baseCurrency), linesHash: linesHash(lines) } }])
    return { id, period, word: String(row.word), number, status: 'posted' as const, replayed: false }
  })
}
