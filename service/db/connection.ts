import { closeSync, mkdirSync, openSync, readSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Client, type InArgs, type InStatement, type InValue, type Transaction, createClient } from '@libsql/client'
import { drizzle } from 'drizzle-orm/libsql'
import { migrate } from 'drizzle-orm/libsql/migrator'
import { LedgerError } from '../../shared/errors.ts'
import { readEnv } from '../env.ts'
import { CachedConnection } from './cached-connection.ts'
import * as schema from './schema/index.ts'

export const DEFAULT_DB_URL = 'file:./data/ledger.db'
const MIGRATIONS_FOLDER = resolve(dirname(fileURLToPath(import.meta.url)), 'migrations')

export type Drizzle = ReturnType<typeof drizzle<typeof schema>>

/**
 * One open database: the raw libSQL client (batched multi-row SQL on hot paths),
 * drizzle over the same client (schema, migrations, simple queries), and a
 * write queue that serializes write transactions of this process and retries
 * SQLITE_BUSY from other processes.
 */
export interface Database {
  readonly url: string
  readonly client: Client
  readonly orm: Drizzle
  readonly isLocalFile: boolean
  write<T>(work: (tx: Transaction) => Promise<T>): Promise<T>
  /** Writes answered and transactions committed by this process (group commit shares one transaction among many writes). */
  readonly writeStats: WriteStats
  /** Group commit is on: concurrent writes share transactions, and writers may coalesce their own work (service/ledger/voucher-coalesce.ts). */
  readonly grouped: boolean
  close(): void
}

export interface WriteStats {
  writes: number
  transactions: number
}

function localPath(url: string): string | null {
  if (!url.startsWith('file:')) return null
  return url.slice('file:'.length).replace(/^\/\/(?=\/)/, '')
}

export interface OpenOptions {
  readonly authToken?: string
  /**
   * Encryption key of a local file (libSQL encryption at rest: every page of
   * the file, its WAL and VACUUM INTO copies is encrypted; no key, no data).
   * Defaults to LEDGER_DB_KEY; `null` opens without a key whatever the env.
   */
  readonly encryptionKey?: string | null
  /** Group commit of queued writes (default on; LEDGER_GROUP_COMMIT=0 turns it off). */
  readonly groupCommit?: boolean
  /**
   * A local file's statements on connections that keep them prepared (cached-connection.ts; default on;
   * LEDGER_STATEMENT_CACHE=0 turns it off: every statement through @libsql/client, as before issue #20).
   */
  readonly statementCache?: boolean
}

/** Whether a local file is encrypted (or not SQLite at all): a plain SQLite file starts with this header. */
export function isPlainSqlite(path: string): boolean {
  try {
    const handle = openSync(path, 'r')
    try {
      const head = Buffer.alloc(16)
      readSync(handle, head, 0, 16, 0)
      return head.toString('latin1') === 'SQLite format 3\u0000'
    } finally {
      closeSync(handle)
    }
  } catch {
    return false
  }
}

/**
 * Encrypts a local database file with `newKey` (a plain one, `oldKey`
 * undefined) or changes its key, in place, on one connection of its own: libSQL
 * cannot rekey in WAL mode, so the WAL is checkpointed into the file, the
 * rekey runs with a rollback journal, then WAL mode is restored. Nothing else
 * may have the file open (stop the service first), not even an earlier
 * connection of this process: libSQL keeps a closed connection with cached
 * statements alive until they are collected, so callers rekey before opening
 * the database any other way.
 */
export async function rekeyDatabase(path: string, oldKey: string | undefined, newKey: string): Promise<void> {
  let client: Client
  try {
    client = createClient({ url: `file:${path}`, intMode: 'number', ...(oldKey ? { encryptionKey: oldKey } : {}) })
    await client.execute('SELECT count(*) FROM sqlite_master')
  } catch (error) {
    if (!/NOTADB|not a database/i.test(String((error as Error)?.message))) throw error
    throw new LedgerError('VALIDATION', isPlainSqlite(path) ? `${path} is not encrypted, but a key was given (LEDGER_DB_KEY): unset it to encrypt the file` : oldKey ? `${path}: wrong key (LEDGER_DB_KEY)` : `${path} is encrypted: set LEDGER_DB_KEY to its current key`)
  }
  try {
    await client.execute('PRAGMA wal_checkpoint(TRUNCATE)')
    const mode = await client.execute('PRAGMA journal_mode = DELETE')
    if (String(mode.rows[0]?.journal_mode ?? '').toLowerCase() !== 'delete') throw new LedgerError('INVALID_STATE', `${path} is in use (could not leave WAL mode): stop the service and try again`)
    await client.execute(`PRAGMA rekey = '${newKey.replace(/'/g, "''")}'`)
    await client.execute('PRAGMA journal_mode = WAL')
  } catch (error) {
    if (/SQLITE_BUSY|locked/i.test(String((error as Error)?.message))) throw new LedgerError('INVALID_STATE', `${path} is in use: stop the service and try again`)
    throw error
  } finally {
    client.close()
  }
}

/** Opens (creating if needed) and migrates a database. No import-time singletons. */
export async function openDatabase(url: string = DEFAULT_DB_URL, options: OpenOptions = {}): Promise<Database> {
  const path = localPath(url)
  if (path && path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true })
  const key = options.encryptionKey === undefined ? readEnv().LEDGER_DB_KEY : (options.encryptionKey ?? undefined)
  const encryptionKey = path && path !== ':memory:' && key ? key : undefined
  const client = createClient({ url, authToken: options.authToken, intMode: 'number', timeout: BUSY_TIMEOUT_MS, ...(encryptionKey ? { encryptionKey } : {}) })
  if (path) {
    try {
      await client.execute('PRAGMA journal_mode = WAL')
    } catch (error) {
      client.close()
      if (!/NOTADB|not a database/i.test(String((error as Error)?.message))) throw error
      const plain = path !== ':memory:' && isPlainSqlite(path)
      throw new LedgerError('VALIDATION', plain
        ? `${path} is not encrypted, but a key was given (LEDGER_DB_KEY): unset it, or encrypt the file with \`cledger rekey\``
        : encryptionKey
          ? `${path}: wrong key (LEDGER_DB_KEY), or not a database`
          : `${path} is encrypted (or not a database): set LEDGER_DB_KEY to its key`)
    }
  }
  await migrate(drizzle(client, { schema }), { migrationsFolder: MIGRATIONS_FOLDER })
  const writeStats: WriteStats = { writes: 0, transactions: 0 }
  const grouped = options.groupCommit ?? process.env.LEDGER_GROUP_COMMIT !== '0'
  // A local file's statements run on two connections that keep their prepared statements (cached-connection.ts):
  // the reader behind client.execute, the writer behind db.write. `statementCache: false` keeps @libsql/client's own.
  const cached = path !== null && path !== ':memory:' && (options.statementCache ?? process.env.LEDGER_STATEMENT_CACHE !== '0')
  if (!cached) {
    const write = groupCommitQueue(() => client.transaction('write'), grouped, writeStats)
    return { url, client, orm: drizzle(client, { schema }), isLocalFile: path !== null, write, writeStats, grouped, close: () => client.close() }
  }
  const reader = new CachedConnection(path, { encryptionKey, timeout: BUSY_TIMEOUT_MS })
  const writer = new CachedConnection(path, { encryptionKey, timeout: 0 })
  const readingClient = withReader(client, reader)
  const write = groupCommitQueue(async () => writer.begin('write'), grouped, writeStats)
  const close = () => {
    writer.close()
    reader.close()
    client.close()
  }
  return { url, client: readingClient, orm: drizzle(readingClient, { schema }), isLocalFile: true, write, writeStats, grouped, close }
}

/** How long a statement outside db.write waits for a lock (SQLite's busy timeout), and how long db.write retries. */
const BUSY_TIMEOUT_MS = 10_000

/**
 * The client with `execute` on the reader (statements outside a transaction, prepared once); batches,
 * transactions, scripts and migrations stay on @libsql/client's own connections.
 */
function withReader(client: Client, reader: CachedConnection): Client {
  const execute = async (stmt: InStatement | string, args?: InArgs) => reader.run(stmt, args)
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'execute') return execute
      const value: unknown = Reflect.get(target, property, receiver)
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
    },
  })
}

/** At most this many queued writes share one transaction. */
export const GROUP_COMMIT_MAX = 64

interface QueuedWrite {
  readonly work: (tx: Transaction) => Promise<unknown>
  readonly resolve: (value: unknown) => void
  readonly reject: (error: unknown) => void
}

type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown }

/**
 * The one write queue of a process, with group commit. A write that arrives
 * while none is running starts at once in its own transaction (no added
 * latency when idle). Writes that arrive while one runs wait, and the next
 * transaction takes up to GROUP_COMMIT_MAX of them: each runs inside its own
 * SAVEPOINT, so a write that fails is rolled back alone and rejected while its
 * neighbours commit; all are answered only after the COMMIT, so nothing is
 * acknowledged that a crash could lose. Within the transaction they run in
 * arrival order, so voucher numbers, ids and the audit chain follow commit
 * order exactly as if each had committed alone. One commit (and one WAL sync)
 * serves the whole group, which is where the throughput comes from when many
 * clients post one voucher each. Each group starts one event-loop turn after
 * the first write of it arrived (no timer: nothing waits when the service is
 * idle beyond that turn). If the group itself fails in a way no single
 * write explains (a failed ROLLBACK TO, a failed COMMIT), each write is run
 * again alone, so one bad write never fails its neighbours.
 * `groupCommit: false` (or LEDGER_GROUP_COMMIT=0) runs one write per transaction.
 */
function groupCommitQueue(begin: () => Promise<Transaction>, grouped: boolean, stats: WriteStats): <T>(work: (tx: Transaction) => Promise<T>) => Promise<T> {
  const pending: QueuedWrite[] = []
  let running = false
  const drain = async () => {
    running = true
    try {
      // libSQL runs a local file's statements synchronously on this thread, so
      // no request can queue while a transaction runs: give the event loop one
      // turn first, and every request already received reaches its write.
      if (grouped) await nextTurn()
      while (pending.length > 0) {
        const group = pending.splice(0, grouped ? GROUP_COMMIT_MAX : 1)
        stats.writes += group.length
        stats.transactions += 1
        if (group.length === 1) {
          const [only] = group as [QueuedWrite]
          await withBusyRetry(begin, only.work).then(only.resolve, only.reject)
          continue
        }
        let outcomes: Outcome[] | undefined
        try {
          outcomes = await withBusyRetry(begin, (tx) => runGroup(tx, group))
        } catch {
          outcomes = undefined
        }
        if (outcomes) {
          group.forEach((item, index) => {
            const outcome = outcomes[index] as Outcome
            if (outcome.ok) item.resolve(outcome.value)
            else item.reject(outcome.error)
          })
        } else {
          stats.transactions += group.length
          for (const item of group) await withBusyRetry(begin, item.work).then(item.resolve, item.reject)
        }
        if (grouped) await nextTurn()
      }
    } finally {
      running = false
    }
  }
  return <T>(work: (tx: Transaction) => Promise<T>): Promise<T> => new Promise<T>((resolve, reject) => {
    pending.push({ work, resolve: resolve as (value: unknown) => void, reject })
    if (!running) void drain()
  })
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

async function runGroup(tx: Transaction, group: ReadonlyArray<QueuedWrite>): Promise<Outcome[]> {
  const outcomes: Outcome[] = []
  for (let index = 0; index < group.length; index += 1) {
    const item = group[index] as QueuedWrite
    await tx.execute(`SAVEPOINT group_write_${index}`)
    try {
      const value = await item.work(tx)
      await tx.execute(`RELEASE group_write_${index}`)
      outcomes.push({ ok: true, value })
    } catch (error) {
      if (isBusy(error)) throw error
      // the write is undone alone; its neighbours stay in the transaction
      await tx.execute(`ROLLBACK TO group_write_${index}`)
      await tx.execute(`RELEASE group_write_${index}`)
      outcomes.push({ ok: false, error })
    }
  }
  return outcomes
}

function isBusy(error: unknown): boolean {
  const text = String((error as { code?: string; message?: string })?.code ?? '') + String((error as Error)?.message ?? '')
  return /SQLITE_BUSY|database is locked/i.test(text)
}

/**
 * Runs one write transaction, again while another process holds the write lock (SQLITE_BUSY), for up to
 * BUSY_TIMEOUT_MS. The local writer has no busy timeout of its own, so the wait is here, asynchronous: the
 * event loop keeps serving requests (which join the next group) instead of blocking inside SQLite. See busyDelay.
 */
async function withBusyRetry<T>(begin: () => Promise<Transaction>, work: (tx: Transaction) => Promise<T>): Promise<T> {
  const started = performance.now()
  for (let attempt = 0; ; attempt += 1) {
    let tx: Transaction | undefined
    try {
      tx = await begin()
      const result = await work(tx)
      await tx.commit()
      return result
    } catch (error) {
      if (tx && !tx.closed) await tx.rollback().catch(() => undefined)
      if (!isBusy(error) || performance.now() - started > BUSY_TIMEOUT_MS) throw error
      await new Promise((done) => setTimeout(done, busyDelay(attempt)))
    } finally {
      tx?.close()
    }
  }
}

/**
 * How long a refused writer waits before it asks for the lock again (ms, with jitter). SQLite's lock has no
 * queue: the holder may take it again right after its COMMIT, so a writer that backs off far loses the race
 * repeatedly. With two service instances on one file a group holds the lock about 1.6 ms (its inserts and the
 * WAL fsync); asking again after 0.5-1.5 ms gave a p99 latency of 17 ms where waits growing to 20 ms gave 31 ms
 * and waits growing to 4.5 ms gave 25 ms (`npm run bench -- concurrent`, 50 clients). A failed BEGIN IMMEDIATE
 * costs about 10 µs, so after 50 refusals (a long import in another process) the waits grow to 10 ms.
 */
export function busyDelay(attempt: number): number {
  return (attempt < 50 ? 1 : Math.min(10, attempt - 49)) * (0.5 + Math.random())
}

/**
 * Builds multi-row INSERT statements of at most `rowsPerStatement` rows.
 * @example multiRowInsert('INSERT INTO t (a,b) VALUES', 2, rows, ' ON CONFLICT DO NOTHING')
 */
export function multiRowInsert(prefix: string, columns: number, rows: ReadonlyArray<ReadonlyArray<InValue>>, suffix = '', rowsPerStatement = Math.floor(30_000 / columns)): InStatement[] {
  const statements: InStatement[] = []
  const placeholder = `(${new Array(columns).fill('?').join(',')})`
  for (let start = 0; start < rows.length; start += rowsPerStatement) {
    const chunk = rows.slice(start, start + rowsPerStatement)
    const args: InValue[] = []
    for (const row of chunk) for (const value of row) args.push(value)
    statements.push({ sql: `${prefix} ${new Array(chunk.length).fill(placeholder).join(',')}${suffix}`, args })
  }
  return statements
}

/**
 * A JSON parameter for bulk inserts (`INSERT … SELECT … FROM json_each(?)`):
 * SQLite parses one small statement instead of one with thousands of
 * placeholders (~25% faster than multi-row VALUES on voucher lines). Hot paths
 * pass bigints as decimal strings and CAST them back in SQL, so the plain
 * JSON.stringify applies (several times faster than one with a replacer, which
 * V8 calls for every value); a bigint anywhere falls back to the replacer.
 */
export function jsonArgument(rows: unknown): string {
  try {
    return JSON.stringify(rows)
  } catch (error) {
    if (!(error instanceof TypeError)) throw error
    return JSON.stringify(rows, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value))
  }
}

/** A consistent online copy of the database into a new file (`VACUUM INTO`; written with the database's own key). */
export async function vacuumInto(db: Database, target: string): Promise<void> {
  await db.client.execute({ sql: 'VACUUM INTO ?', args: [target] })
}

/** A round trip to the database (the health check). */
export async function pingDatabase(db: Database): Promise<void> {
  await db.client.execute('SELECT 1')
}
