import type { Client } from '@libsql/client'
import type { Minor } from '../../shared/money.ts'
import { verifyAuditChain } from './audit.ts'
import type { LedgerContext } from './context.ts'
import { linesHash } from './vouchers.ts'
import { COUNT_BALANCES_SQL, STORED_BALANCES_SQL } from './balances.ts'

/**
 * `cledger verify`: re-checks every invariant of accounting.md from the raw
 * tables, trusting nothing the service wrote on the way (a full recompute next
 * to the materialized balances).
 */
export interface Breach {
  readonly invariant: string
  readonly message: string
}

export interface VerifyReport {
  readonly ok: boolean
  readonly checked: Record<string, number>
  readonly breaches: Breach[]
}

const REQUIRED_TRIGGERS = ['posted_voucher_immutable', 'posted_voucher_undeletable', 'posted_lines_immutable', 'posted_lines_undeletable', 'closed_period_no_vouchers', 'closed_period_no_balance_insert', 'closed_period_no_balance_update', 'audit_log_no_update', 'audit_log_no_delete']

async function rows(client: Client, sql: string): Promise<Array<Record<string, unknown>>> {
  const result = await client.execute(sql)
  return result.rows as unknown as Array<Record<string, unknown>>
}

async function checkBalanced(client: Client, breaches: Breach[]): Promise<void> {
  for (const row of await rows(client, `SELECT v.id, v.total_minor,
      COALESCE(SUM(CASE WHEN l.side = 'debit' THEN l.amount_minor END), 0) AS debit,
      COALESCE(SUM(CASE WHEN l.side = 'credit' THEN l.amount_minor END), 0) AS credit, COUNT(l.line_no) AS lines
      FROM vouchers v LEFT JOIN voucher_lines l ON l.voucher_id = v.id GROUP BY v.id
      HAVING debit != credit OR debit != v.total_minor OR lines < 2 LIMIT 50`)) {
    breaches.push({ invariant: 'balanced', message: `voucher #${row.id}: debit ${row.debit} != credit ${row.credit} (total ${row.total_minor}, ${row.lines} lines)` })
  }
  for (const row of await rows(client, `SELECT l.voucher_id, l.line_no FROM voucher_lines l JOIN vouchers v ON v.id = l.voucher_id
      WHERE l.period != v.period OR l.company_id != v.company_id OR substr(v.date, 1, 7) != v.period OR l.amount_minor = 0 LIMIT 50`)) {
    breaches.push({ invariant: 'balanced', message: `voucher #${row.voucher_id} line ${row.line_no}: period, company or amount inconsistent with its voucher` })
  }
  for (const row of await rows(client, `SELECT l.voucher_id, l.line_no, l.account_code FROM voucher_lines l
      LEFT JOIN accounts a ON a.company_id = l.company_id AND a.code = l.account_code WHERE a.code IS NULL OR a.is_leaf = 0 LIMIT 50`)) {
    breaches.push({ invariant: 'leaf-accounts', message: `voucher #${row.voucher_id} line ${row.line_no}: account ${row.account_code} is unknown or not a leaf` })
  }
}

async function checkNumbering(client: Client, breaches: Breach[]): Promise<void> {
  for (const row of await rows(client, `SELECT company_id, period, word, COUNT(*) AS n, MIN(number) AS low, MAX(number) AS high, COUNT(DISTINCT number) AS distinct_numbers
      FROM vouchers WHERE status = 'posted' GROUP BY company_id, period, word HAVING low != 1 OR high != n OR distinct_numbers != n`)) {
    breaches.push({ invariant: 'contiguous-numbers', message: `company ${row.company_id} ${row.period} ${row.word}: ${row.n} posted vouchers numbered ${row.low}..${row.high} (${row.distinct_numbers} distinct)` })
  }
  for (const row of await rows(client, "SELECT id FROM vouchers WHERE (status = 'posted') != (number IS NOT NULL) LIMIT 50")) {
    breaches.push({ invariant: 'contiguous-numbers', message: `voucher #${row.id}: number and status disagree` })
  }
}

async function checkPeriods(client: Client, breaches: Breach[]): Promise<void> {
  for (const row of await rows(client, `SELECT v.id, v.period FROM vouchers v JOIN periods p ON p.company_id = v.company_id AND p.period = v.period
      WHERE p.status = 'closed' AND v.status != 'posted' LIMIT 50`)) {
    breaches.push({ invariant: 'closed-periods', message: `voucher #${row.id} is unposted inside closed period ${row.period}` })
  }
  for (const row of await rows(client, `SELECT v.id FROM vouchers v LEFT JOIN periods p ON p.company_id = v.company_id AND p.period = v.period WHERE p.period IS NULL LIMIT 50`)) {
    breaches.push({ invariant: 'closed-periods', message: `voucher #${row.id} lies in a period the company does not have` })
  }
}

async function checkSources(client: Client, breaches: Breach[]): Promise<void> {
  for (const row of await rows(client, 'SELECT company_id, idempotency_key, COUNT(*) AS n FROM vouchers WHERE idempotency_key IS NOT NULL GROUP BY company_id, idempotency_key HAVING n > 1 LIMIT 50')) {
    breaches.push({ invariant: 'posted-once', message: `idempotency key ${row.idempotency_key} used by ${row.n} vouchers` })
  }
  for (const row of await rows(client, 'SELECT company_id, source_kind, source_id, COUNT(*) AS n FROM voucher_sources GROUP BY company_id, source_kind, source_id HAVING n > 1 LIMIT 50')) {
    breaches.push({ invariant: 'posted-once', message: `source ${row.source_kind} ${row.source_id} is on ${row.n} vouchers` })
  }
}

async function checkBalances(client: Client, breaches: Breach[]): Promise<void> {
  const recomputed = `SELECT company_id, account_code, period, store, currency,
      SUM(CASE WHEN side = 'debit' THEN amount_minor ELSE 0 END) AS d, SUM(CASE WHEN side = 'credit' THEN amount_minor ELSE 0 END) AS c,
      SUM(CASE WHEN side = 'debit' THEN original_minor ELSE 0 END) AS od, SUM(CASE WHEN side = 'credit' THEN original_minor ELSE 0 END) AS oc
      FROM voucher_lines WHERE voucher_id IN (SELECT id FROM vouchers WHERE status = 'posted') GROUP BY company_id, account_code, period, store, currency HAVING d != 0 OR c != 0 OR od != 0 OR oc != 0`
  const stored = STORED_BALANCES_SQL
  for (const row of await rows(client, `SELECT * FROM (${recomputed} EXCEPT ${stored}) LIMIT 20`)) {
    breaches.push({ invariant: 'balances-equal-lines', message: `balance of ${row.account_code} ${row.period} store "${row.store}" ${row.currency}: lines say debit ${row.d} credit ${row.c}, the materialized balance differs` })
  }
  for (const row of await rows(client, `SELECT * FROM (${stored} EXCEPT ${recomputed}) LIMIT 20`)) {
    breaches.push({ invariant: 'balances-equal-lines', message: `materialized balance of ${row.account_code} ${row.period} store "${row.store}" ${row.currency} (debit ${row.d} credit ${row.c}) has no matching posted lines` })
  }
}

/** Each posted voucher's lines must hash to what its posting audit entry recorded. */
async function checkImmutability(client: Client, breaches: Breach[]): Promise<number> {
  const recorded = new Map<number, string>()
  let lastId = 0
  for (;;) {
    const page = await client.execute({ sql: "SELECT id, action, entity_id, payload_json FROM audit_log WHERE entity = 'voucher' AND action IN ('voucher.post', 'voucher.reverse', 'voucher.post.batch') AND id > ? ORDER BY id LIMIT 2000", args: [lastId] })
    if (!page.rows.length) break
    for (const row of page.rows) {
      lastId = Number(row.id)
      const payload = JSON.parse(String(row.payload_json)) as { linesHash?: string; vouchers?: Array<[number, string, string, number | null, string, string]> }
      if (row.action === 'voucher.post.batch') {
        for (const entry of payload.vouchers ?? []) recorded.set(entry[0], entry[5])
      } else if (payload.linesHash) recorded.set(Number(row.entity_id), payload.linesHash)
    }
  }
  let checked = 0
  let current = -1
  let buffer: Parameters<typeof linesHash>[0][number][] = []
  const flush = () => {
    if (current === -1) return
    checked += 1
    const expected = recorded.get(current)
    if (!expected) breaches.push({ invariant: 'immutable', message: `posted voucher #${current} has no posting entry in the audit log` })
    else if (expected !== linesHash(buffer)) breaches.push({ invariant: 'immutable', message: `posted voucher #${current} was changed after posting (its lines no longer match the audit log)` })
  }
  let lastVoucher = 0
  for (;;) {
    const page = await client.execute({ sql: "SELECT l.voucher_id, l.line_no, l.account_code, l.store, l.currency, l.side, l.amount_minor, l.original_minor, l.rate FROM voucher_lines l JOIN vouchers v ON v.id = l.voucher_id WHERE v.status = 'posted' AND l.voucher_id > ? ORDER BY l.voucher_id, l.line_no LIMIT 50000", args: [lastVoucher] })
    if (!page.rows.length) break
    const lastRow = page.rows[page.rows.length - 1]
    const boundary = Number(lastRow?.voucher_id)
    const complete = page.rows.length < 50000
    for (const row of page.rows) {
      const voucherId = Number(row.voucher_id)
      if (!complete && voucherId === boundary) break
      if (voucherId !== current) {
        flush()
        current = voucherId
        buffer = []
      }
      buffer.push({ lineNo: Number(row.line_no), account: String(row.account_code), store: String(row.store), currency: String(row.currency), side: String(row.side) as 'debit' | 'credit', amount: BigInt(row.amount_minor as number) as Minor, original: BigInt(row.original_minor as number) as Minor, rate: row.rate === null ? null : String(row.rate) })
    }
    lastVoucher = complete ? boundary : boundary - 1
    if (complete) break
  }
  flush()
  const missingLines = await rows(client, "SELECT v.id FROM vouchers v WHERE v.status = 'posted' AND NOT EXISTS (SELECT 1 FROM voucher_lines l WHERE l.voucher_id = v.id) LIMIT 20")
  for (const row of missingLines) breaches.push({ invariant: 'immutable', message: `posted voucher #${row.id} has no lines` })
  return checked
}

async function checkReversals(client: Client, breaches: Breach[]): Promise<void> {
  for (const row of await rows(client, `SELECT r.id, r.reversal_of FROM vouchers r JOIN vouchers o ON o.id = r.reversal_of
      WHERE r.total_minor != -o.total_minor OR (r.status = 'posted' AND o.reversed_by IS NOT r.id) OR (r.status != 'posted' AND o.reversed_by IS r.id) LIMIT 50`)) {
    breaches.push({ invariant: 'reversal', message: `reversal #${row.id} does not mirror voucher #${row.reversal_of}` })
  }
}

async function checkTriggers(client: Client, breaches: Breach[]): Promise<void> {
  const present = new Set((await rows(client, "SELECT name FROM sqlite_master WHERE type = 'trigger'")).map((row) => String(row.name)))
  for (const name of REQUIRED_TRIGGERS) {
    if (!present.has(name)) breaches.push({ invariant: 'database-guards', message: `trigger ${name} is missing: the database no longer refuses edits of posted rows` })
  }
}

export async function verifyLedger(context: LedgerContext): Promise<VerifyReport> {
  const client = context.db.client
  const breaches: Breach[] = []
  await checkBalanced(client, breaches)
  await checkNumbering(client, breaches)
  await checkPeriods(client, breaches)
  await checkSources(client, breaches)
  await checkBalances(client, breaches)
  const immutable = await checkImmutability(client, breaches)
  await checkReversals(client, breaches)
  await checkTriggers(client, breaches)
  const audit = await verifyAuditChain(client)
  for (const entry of audit.breaks) breaches.push({ invariant: 'audit-chain', message: entry.reason })
  const count = async (sql: string) => Number((await client.execute(sql)).rows[0]?.n ?? 0)
  return {
    ok: breaches.length === 0,
    checked: {
      vouchers: await count('SELECT COUNT(*) AS n FROM vouchers'),
      postedVouchers: immutable,
      lines: await count('SELECT COUNT(*) AS n FROM voucher_lines'),
      balances: await count(COUNT_BALANCES_SQL),
      auditEntries: audit.entries,
    },
    breaches,
  }
}
