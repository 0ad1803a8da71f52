/**
 * Coalesced voucher writes (issue #20): many clients that each post one
 * voucher over HTTP (a POS, payment callbacks, an ERP) share one
 * `writeInTransaction` call instead of running the whole write path
 * (replay lookup, period check, source check, store registry, id, inserts,
 * audit) once per voucher.
 *
 * How: requests are validated alone, outside any transaction (a bad one fails
 * alone, before it is queued). A valid one joins the pending list of its
 * company, actor and options; the first of them queues one write on the
 * database's write queue. When that write's turn comes, it takes every
 * request pending by then (up to COALESCE_MAX) and writes them together, in
 * arrival order, inside its own savepoint: ids, numbers and the audit chain
 * follow arrival order as if each had been written alone, and each voucher
 * keeps its own result, idempotency key and audit entry. If the joint write
 * fails (a duplicated source, an idempotency key sent twice, a closed
 * period), it is undone and each request is written alone in its own
 * savepoint, so one bad voucher fails alone. Every request is answered only
 * after the transaction that holds it has committed. writeVouchers stays the
 * one write path: this module calls the same writeInTransaction.
 *
 * With group commit off (LEDGER_GROUP_COMMIT=0) nothing is coalesced: each
 * request is its own writeVouchers call, the baseline of `npm run bench --
 * concurrent`.
 */
import type { Transaction } from '@libsql/client'
import { type Company, getCompany } from './company.ts'
import type { Actor, LedgerContext } from './context.ts'
import { type Prepared, type VoucherRequest, type VoucherResult, type WriteOptions, prepareVouchers, writeInTransaction, writeVouchers } from './vouchers.ts'

/**
 * At most this many requests are written by one joint call: below the bulk
 * threshold of writeInTransaction (200), so a coalesced write checks sources
 * exactly as a single one does.
 */
export const COALESCE_MAX = 128

interface Waiting {
  readonly company: Company
  readonly prepared: ReadonlyArray<Prepared>
  readonly resolve: (results: VoucherResult[]) => void
  readonly reject: (error: unknown) => void
}

interface Lane {
  readonly context: LedgerContext
  readonly actor: Actor
  readonly options: WriteOptions
  waiting: Waiting[]
  /** a write is queued that has not yet taken the waiting requests */
  queued: boolean
}

type Outcome = { readonly ok: true; readonly results: VoucherResult[] } | { readonly ok: false; readonly error: unknown }

const lanes = new WeakMap<LedgerContext, Map<string, Lane>>()
let savepoints = 0

/** Joint-write statistics of this process (for the bench and tests). */
export const coalesceStats = { requests: 0, jointWrites: 0, fallbacks: 0 }

/**
 * writeVouchers for a few vouchers of one request, coalesced with the
 * concurrent requests of the same company, actor and options. Same results
 * and errors as writeVouchers. Give the company itself when the caller has
 * just read it.
 */
export async function writeVouchersCoalesced(context: LedgerContext, actor: Actor, companyOrId: number | Company, requests: ReadonlyArray<VoucherRequest>, options: WriteOptions): Promise<VoucherResult[]> {
  const companyId = typeof companyOrId === 'number' ? companyOrId : companyOrId.id
  if (!context.db.grouped || requests.length === 0 || requests.length >= COALESCE_MAX) return writeVouchers(context, actor, companyId, requests, options)
  // a route has read the company already (its access check): it is not read again
  const company = typeof companyOrId === 'number' ? await getCompany(context, companyOrId) : companyOrId
  const prepared = await prepareVouchers(context, company, requests)
  const key = `${company.id}\u0000${actor.userId ?? ''}\u0000${options.mode}\u0000${options.sourceKind ?? ''}\u0000${options.selfApprove === true}`
  let byKey = lanes.get(context)
  if (!byKey) lanes.set(context, (byKey = new Map()))
  let lane = byKey.get(key)
  if (!lane) byKey.set(key, (lane = { context, actor, options, waiting: [], queued: false }))
  coalesceStats.requests += 1
  // Answered as soon as its transaction has committed. No settleNativeStatements() here (writeVouchers has it for
  // bulk writes): that waits for the next check phase, after the next group's requests have all been read, which
  // held every answer back by one whole turn of the event loop (issue #20: the service's own p50 5.4 -> 2.8 ms).
  // The write queue gives the event loop a turn between groups, where finalizers run.
  return new Promise<VoucherResult[]>((resolve, reject) => {
    const current = lane as Lane
    current.waiting.push({ company, prepared, resolve, reject })
    if (!current.queued) queueWrite(current)
  })
}

function queueWrite(lane: Lane): void {
  lane.queued = true
  // Taken at the write's first run and kept: if the group commit runs this
  // write again alone (its group failed as a whole), it writes the same requests.
  let taken: Waiting[] | undefined
  lane.context.db.write(async (tx) => {
    if (!taken) {
      taken = lane.waiting.splice(0, COALESCE_MAX)
      lane.queued = false
      if (lane.waiting.length > 0) queueWrite(lane)
    }
    return writeTaken(tx, lane, taken)
  }).then((outcomes) => {
    (taken ?? []).forEach((waiting, index) => {
      const outcome = outcomes[index] as Outcome
      if (outcome.ok) waiting.resolve(outcome.results)
      else waiting.reject(outcome.error)
    })
  }, (error: unknown) => {
    for (const waiting of taken ?? []) waiting.reject(error)
  })
}

async function inSavepoint<T>(tx: Transaction, work: () => Promise<T>): Promise<T> {
  const name = `coalesce_${(savepoints += 1)}`
  await tx.execute(`SAVEPOINT ${name}`)
  try {
    const value = await work()
    await tx.execute(`RELEASE ${name}`)
    return value
  } catch (error) {
    await tx.execute(`ROLLBACK TO ${name}`)
    await tx.execute(`RELEASE ${name}`)
    throw error
  }
}

async function writeTaken(tx: Transaction, lane: Lane, taken: ReadonlyArray<Waiting>): Promise<Outcome[]> {
  const { context, actor, options } = lane
  const first = taken[0]
  if (first && taken.length > 1) {
    try {
      const all = await inSavepoint(tx, () => writeInTransaction(context, tx, actor, first.company, taken.flatMap((waiting) => waiting.prepared), { ...options, auditEach: true }))
      coalesceStats.jointWrites += 1
      const outcomes: Outcome[] = []
      let next = 0
      for (const waiting of taken) {
        outcomes.push({ ok: true, results: all.slice(next, next + waiting.prepared.length) })
        next += waiting.prepared.length
      }
      return outcomes
    } catch (error) {
      if (/SQLITE_BUSY|database is locked/i.test(String((error as Error)?.message ?? ''))) throw error
      coalesceStats.fallbacks += 1
    }
  }
  const outcomes: Outcome[] = []
  for (const waiting of taken) {
    try {
      outcomes.push({ ok: true, results: await inSavepoint(tx, () => writeInTransaction(context, tx, actor, waiting.company, waiting.prepared, options)) })
    } catch (error) {
      if (/SQLITE_BUSY|database is locked/i.test(String((error as Error)?.message ?? ''))) throw error
      outcomes.push({ ok: false, error })
    }
  }
  return outcomes
}
