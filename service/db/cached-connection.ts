/**
 * A local libSQL connection that keeps its prepared statements (issue #20).
 *
 * @libsql/client prepares every statement anew on each execute and reads its
 * column list twice: for the short statements a request runs (the access read,
 * the voucher write path's lookups and inserts, BEGIN/COMMIT/SAVEPOINT) that
 * is most of their cost (9 µs prepare + run vs 3 µs for a kept statement,
 * measured on this machine). This connection speaks the same ResultSet and
 * Transaction shapes as @libsql/client's local client (rows readable by
 * column name and by index, integers as numbers with the same range check,
 * the same LibsqlError codes), so the area modules do not know which one
 * runs their SQL.
 *
 * Two of them serve a local database (service/db/connection.ts): the reader
 * behind `db.client.execute` (statements outside a transaction) and the
 * writer behind `db.write`. The writer opens its transactions with
 * `BEGIN IMMEDIATE` and no busy timeout: when another process holds the write
 * lock it is told at once and the write queue waits asynchronously (the event
 * loop keeps reading requests, which join the next group) instead of
 * sleeping inside SQLite with the event loop blocked.
 *
 * Statements longer than CACHEABLE_SQL (multi-row inserts whose text depends
 * on the row count) are prepared per call as before. The cache keeps the
 * CACHE_SIZE most recently used statements.
 */
import Database from 'libsql'
import { type InArgs, type InStatement, type InValue, LibsqlError, type ResultSet, type Row, type Transaction, type TransactionMode } from '@libsql/client'

type Connection = Database.Database
type Statement = Database.Statement

const CACHE_SIZE = 400
const CACHEABLE_SQL = 2_000
const MIN_SAFE = -9007199254740991n
const MAX_SAFE = 9007199254740991n
const MIN_INTEGER = -9223372036854775808n
const MAX_INTEGER = 9223372036854775807n

interface Kept {
  readonly statement: Statement
  readonly reader: boolean
  /** the row prototype of a reader: index getters and `length` over the values (as @libsql/client's rows) */
  readonly columns: string[]
  readonly types: string[]
  readonly proto: object | null
  readonly plain: boolean
}

/** Where a row of columns with repeated names keeps its values (the index getters read them; not enumerable). */
const VALUES = Symbol('values')

/** A column name that reads as one of the row's indexes ("0", "1", …): @libsql/client gives it the index's value. */
function isIndexName(name: string, count: number): boolean {
  return /^(0|[1-9]\d*)$/.test(name) && Number(name) < count
}

/**
 * The prototype of a statement's rows: index getters and `length`, not enumerable, so a row spreads and
 * serializes as its named columns only (as @libsql/client's rows). With plain names (unique, none reading as an
 * index) the getters read the named properties; otherwise (`SELECT a.x, b.x`, `SELECT 7 AS "0"`) each reads its
 * own value from the row's values, and only the first of a repeated name becomes a property.
 */
function rowPrototype(columns: ReadonlyArray<string>): { readonly proto: object; readonly plain: boolean } {
  const plain = new Set(columns).size === columns.length && !columns.some((name) => isIndexName(name, columns.length))
  const proto: Record<PropertyKey, unknown> = {}
  for (let index = 0; index < columns.length; index += 1) {
    const name = columns[index] as string
    Object.defineProperty(proto, index, plain
      ? { get(this: Record<string, unknown>) { return this[name] }, enumerable: false }
      : { get(this: { [VALUES]: unknown[] }) { return this[VALUES][index] }, enumerable: false })
  }
  Object.defineProperty(proto, 'length', { value: columns.length, enumerable: false })
  return { proto, plain }
}

export interface ConnectionOptions {
  readonly encryptionKey?: string
  /** busy timeout handed to SQLite (ms); 0: fail at once with SQLITE_BUSY */
  readonly timeout: number
}

export class CachedConnection {
  readonly #path: string
  readonly #options: ConnectionOptions
  #db: Connection | null = null
  readonly #kept = new Map<string, Kept>()
  #closed = false

  constructor(path: string, options: ConnectionOptions) {
    this.#path = path
    this.#options = options
  }

  /** How many prepared statements are kept (at most CACHE_SIZE). */
  get cachedStatements(): number {
    return this.#kept.size
  }

  get inTransaction(): boolean {
    return this.#db !== null && this.#db.open && this.#db.inTransaction
  }

  #database(): Connection {
    if (this.#closed) throw new LibsqlError('The client is closed', 'CLIENT_CLOSED')
    if (this.#db === null) this.#db = new Database(this.#path, { ...(this.#options.encryptionKey ? { encryptionKey: this.#options.encryptionKey } : {}), timeout: this.#options.timeout })
    return this.#db
  }

  #prepare(sql: string): Kept {
    const found = this.#kept.get(sql)
    if (found) {
      // most recently used last: the first entry is the one to drop
      this.#kept.delete(sql)
      this.#kept.set(sql, found)
      return found
    }
    const statement = this.#database().prepare(sql)
    statement.safeIntegers(true)
    const reader = statement.reader
    let columns: string[] = []
    let types: string[] = []
    if (reader) {
      statement.raw(true)
      const definitions = statement.columns()
      columns = definitions.map((column) => column.name)
      types = definitions.map((column) => column.type ?? '')
    }
    const shape = reader ? rowPrototype(columns) : null
    const kept: Kept = { statement, reader, columns, types, proto: shape?.proto ?? null, plain: shape?.plain ?? true }
    if (sql.length <= CACHEABLE_SQL) {
      this.#kept.set(sql, kept)
      if (this.#kept.size > CACHE_SIZE) this.#kept.delete(this.#kept.keys().next().value as string)
    }
    return kept
  }

  /** Runs one statement (synchronously: a local file). */
  run(stmt: InStatement | string, args?: InArgs): ResultSet {
    const sql = typeof stmt === 'string' ? stmt : stmt.sql
    const given = typeof stmt === 'string' ? args : stmt.args
    try {
      const kept = this.#prepare(sql)
      const bound = bindArguments(given)
      if (kept.reader) {
        const raw = kept.statement.all(bound) as unknown[][]
        const rows = new Array<Row>(raw.length)
        const { columns, proto, plain } = kept
        for (let index = 0; index < raw.length; index += 1) rows[index] = makeRow(raw[index] as unknown[], columns, proto as object, plain)
        return resultSet(columns, kept.types, rows, 0, undefined)
      }
      const info = kept.statement.run(bound)
      return resultSet([], [], [], info.changes, BigInt(info.lastInsertRowid))
    } catch (error) {
      const mapped = mapError(error)
      // A statement that failed with SQLITE_BUSY may hold a read snapshot until it runs again (a failed
      // BEGIN IMMEDIATE does): drop the connection so later reads never see an old snapshot.
      if (mapped instanceof LibsqlError && (mapped.code === 'SQLITE_BUSY' || mapped.code === 'SQLITE_LOCKED') && !this.#keepsOnBusy(sql)) this.#reopen()
      throw mapped
    }
  }

  /** BEGIN IMMEDIATE is run again by its retry (which resets it), so the writer keeps its connection. */
  #keepsOnBusy(sql: string): boolean {
    return sql === 'BEGIN IMMEDIATE'
  }

  #reopen(): void {
    const db = this.#db
    this.#db = null
    this.#kept.clear()
    try {
      if (db?.open && db.inTransaction) db.exec('ROLLBACK')
    } catch { /* the connection is dropped either way */ }
    try {
      db?.close()
    } catch { /* already closed */ }
  }

  /** Runs a script of statements separated by semicolons. */
  exec(sql: string): void {
    try {
      this.#database().exec(sql)
    } catch (error) {
      throw mapError(error)
    }
  }

  /** Opens a transaction on this connection; the caller runs one at a time (the write queue does). */
  begin(mode: TransactionMode = 'write'): CachedTransaction {
    // never inherit a transaction an earlier holder left open
    if (this.inTransaction) this.run('ROLLBACK')
    this.run(mode === 'write' ? 'BEGIN IMMEDIATE' : mode === 'read' ? 'BEGIN TRANSACTION READONLY' : 'BEGIN DEFERRED')
    return new CachedTransaction(this)
  }

  close(): void {
    this.#closed = true
    this.#reopen()
  }
}

function makeRow(values: unknown[], columns: ReadonlyArray<string>, proto: object, plain: boolean): Row {
  const row = Object.create(proto) as Record<PropertyKey, unknown>
  if (!plain) Object.defineProperty(row, VALUES, { value: values, enumerable: false })
  for (let index = 0; index < values.length; index += 1) {
    let value = values[index]
    if (typeof value === 'bigint') {
      if (value < MIN_SAFE || value > MAX_SAFE) throw new RangeError('Received integer which cannot be safely represented as a JavaScript number')
      value = Number(value)
      values[index] = value
    } else if (value instanceof Buffer) {
      value = value.buffer
      values[index] = value
    }
    const column = columns[index] as string
    if (plain) row[column] = value
    else if (!isIndexName(column, values.length) && !Object.hasOwn(row, column)) Object.defineProperty(row, column, { value, enumerable: true, configurable: true, writable: true })
  }
  return row as unknown as Row
}

function resultSet(columns: string[], columnTypes: string[], rows: Row[], rowsAffected: number, lastInsertRowid: bigint | undefined): ResultSet {
  return {
    columns, columnTypes, rows, rowsAffected, lastInsertRowid,
    toJSON() {
      return { columns, columnTypes, rows: rows.map((row) => Array.prototype.slice.call(row)), rowsAffected, lastInsertRowid: lastInsertRowid === undefined ? null : String(lastInsertRowid) }
    },
  }
}

function toSql(value: InValue | undefined): unknown {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError('Only finite numbers (not Infinity or NaN) can be passed as arguments')
    return value
  }
  if (typeof value === 'bigint') {
    if (value < MIN_INTEGER || value > MAX_INTEGER) throw new RangeError('bigint is too large to be represented as a 64-bit integer and passed as argument')
    return value
  }
  if (typeof value === 'boolean') return value ? 1 : 0
  if (value instanceof ArrayBuffer) return Buffer.from(value)
  if (value instanceof Date) return value.valueOf()
  if (value === undefined) throw new TypeError('undefined cannot be passed as argument to the database')
  return value
}

function bindArguments(args: InArgs | undefined): unknown[] | Record<string, unknown> {
  if (args === undefined) return []
  if (Array.isArray(args)) {
    const bound = new Array<unknown>(args.length)
    for (let index = 0; index < args.length; index += 1) bound[index] = toSql(args[index] as InValue)
    return bound
  }
  const named: Record<string, unknown> = {}
  for (const name in args) {
    const first = name[0]
    named[first === '@' || first === '$' || first === ':' ? name.substring(1) : name] = toSql((args as Record<string, InValue>)[name])
  }
  return named
}

const BASE_CODES: Record<number, string> = {
  1: 'SQLITE_ERROR', 2: 'SQLITE_INTERNAL', 3: 'SQLITE_PERM', 4: 'SQLITE_ABORT', 5: 'SQLITE_BUSY', 6: 'SQLITE_LOCKED', 7: 'SQLITE_NOMEM', 8: 'SQLITE_READONLY',
  9: 'SQLITE_INTERRUPT', 10: 'SQLITE_IOERR', 11: 'SQLITE_CORRUPT', 12: 'SQLITE_NOTFOUND', 13: 'SQLITE_FULL', 14: 'SQLITE_CANTOPEN', 15: 'SQLITE_PROTOCOL',
  16: 'SQLITE_EMPTY', 17: 'SQLITE_SCHEMA', 18: 'SQLITE_TOOBIG', 19: 'SQLITE_CONSTRAINT', 20: 'SQLITE_MISMATCH', 21: 'SQLITE_MISUSE', 22: 'SQLITE_NOLFS',
  23: 'SQLITE_AUTH', 24: 'SQLITE_FORMAT', 25: 'SQLITE_RANGE', 26: 'SQLITE_NOTADB', 27: 'SQLITE_NOTICE', 28: 'SQLITE_WARNING',
}

/** The same LibsqlError @libsql/client throws for a SQLite error. */
function mapError(error: unknown): unknown {
  if (error instanceof Database.SqliteError) {
    const rawCode = (error as { rawCode?: number }).rawCode
    const code = rawCode === undefined ? 'SQLITE_UNKNOWN' : (BASE_CODES[rawCode & 0xff] ?? `SQLITE_UNKNOWN_${rawCode & 0xff}`)
    return new LibsqlError(error.message, code, (error as { code?: string }).code, rawCode, error)
  }
  return error
}

/** A transaction on a CachedConnection, with @libsql/client's Transaction interface. */
export class CachedTransaction implements Transaction {
  readonly #connection: CachedConnection
  #settled = false

  constructor(connection: CachedConnection) {
    this.#connection = connection
  }

  get closed(): boolean {
    return this.#settled || !this.#connection.inTransaction
  }

  #check(): void {
    if (this.closed) throw new LibsqlError('The transaction is closed', 'TRANSACTION_CLOSED')
  }

  async execute(stmt: InStatement | string, args?: InArgs): Promise<ResultSet> {
    this.#check()
    return this.#connection.run(stmt, args)
  }

  async batch(stmts: Array<InStatement | [string, InArgs?]>): Promise<ResultSet[]> {
    const results: ResultSet[] = []
    for (const stmt of stmts) {
      this.#check()
      results.push(this.#connection.run(Array.isArray(stmt) ? { sql: stmt[0], args: stmt[1] ?? [] } : stmt))
    }
    return results
  }

  async executeMultiple(sql: string): Promise<void> {
    this.#check()
    this.#connection.exec(sql)
  }

  async commit(): Promise<void> {
    this.#check()
    try {
      this.#connection.run('COMMIT')
    } catch (error) {
      // a failed COMMIT may leave the transaction open: it is rolled back, as @libsql/client's pool does on release
      if (this.#connection.inTransaction) {
        try {
          this.#connection.run('ROLLBACK')
        } catch { /* the COMMIT's error is the one to report */ }
      }
      throw error
    } finally {
      this.#settled = true
    }
  }

  async rollback(): Promise<void> {
    if (this.#settled) return
    this.#settled = true
    if (this.#connection.inTransaction) this.#connection.run('ROLLBACK')
  }

  close(): void {
    if (this.#settled) return
    this.#settled = true
    if (this.#connection.inTransaction) this.#connection.run('ROLLBACK')
  }
}
