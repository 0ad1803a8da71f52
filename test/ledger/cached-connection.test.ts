/**
 * The local connections that keep their prepared statements (service/db/cached-connection.ts): they must
 * answer exactly as @libsql/client does, never read an old snapshot, and wait for another process's write
 * lock without blocking the event loop.
 */
import { createClient } from '@libsql/client'
import { describe, expect, it } from 'vitest'
import { CachedConnection } from '../../service/db/cached-connection.ts'
import { tempDatabase } from '../support/db.ts'

/** What a caller can observe of a result set: columns, rows by name (as JSON) and by index, counts (lastInsertRowid is the connection's own, compared apart). */
function observed(result: { columns: string[]; rows: ArrayLike<unknown>[]; rowsAffected: number; lastInsertRowid: bigint | undefined }) {
  return {
    columns: result.columns,
    byName: JSON.stringify(result.rows),
    spread: result.rows.map((row) => ({ ...row })),
    byIndex: result.rows.map((row) => Array.from({ length: row.length }, (_, index) => row[index])),
    keys: result.rows.map((row) => Object.keys(row)),
    rowsAffected: result.rowsAffected,
    lastInsertRowid: typeof result.lastInsertRowid,
  }
}

async function errorOf(work: () => Promise<unknown>): Promise<{ name: string; code: unknown; extendedCode: unknown; rawCode: unknown; message: string }> {
  try {
    await work()
  } catch (error) {
    const failure = error as { name: string; code: unknown; extendedCode: unknown; rawCode: unknown; message: string }
    return { name: failure.name, code: failure.code, extendedCode: failure.extendedCode, rawCode: failure.rawCode, message: failure.message }
  }
  throw new Error('expected a failure')
}

describe('cached local connections (statement cache behind db.client.execute and db.write)', () => {
  it('answer every statement exactly as @libsql/client does: names, indexes, repeated names, integers, blobs, named arguments, counts, errors', async () => {
    const { db, url } = await tempDatabase()
    const plain = createClient({ url, intMode: 'number' })
    try {
      await plain.execute('CREATE TABLE probe (id INTEGER PRIMARY KEY, name TEXT UNIQUE, amount INTEGER, data BLOB, ratio REAL)')
      const statements = [
        { sql: 'INSERT INTO probe (name, amount, data, ratio) VALUES (?, ?, ?, ?)', args: ['一', 12_345, new Uint8Array([1, 2, 3]).buffer, 0.5] },
        { sql: 'INSERT INTO probe (name, amount, ratio) VALUES (:name, :amount, $ratio)', args: { name: '=SUM(A1)', amount: 9_007_199_254_740_991n, $ratio: true } },
        { sql: 'UPDATE probe SET amount = amount + 1 WHERE amount < ?', args: [100_000] },
        { sql: 'SELECT id, name, amount, ratio, hex(data) AS data FROM probe ORDER BY id', args: [] },
        { sql: 'SELECT a.id, b.id, a.name AS "1", 7 AS "0" FROM probe a JOIN probe b ON b.id = a.id ORDER BY a.id', args: [] },
        { sql: 'SELECT COUNT(*) AS n, SUM(amount) AS total FROM probe WHERE name IN (?, ?)', args: ['一', 'none'] },
        { sql: 'SELECT * FROM probe WHERE id = ?', args: [999] },
        { sql: 'DELETE FROM probe WHERE name = ?', args: ['none'] },
      ]
      for (const stmt of statements.slice(0, 3)) await db.client.execute(stmt)
      for (const stmt of statements.slice(0, 3)) await plain.execute({ ...stmt, args: Array.isArray(stmt.args) ? stmt.args.map((arg) => (typeof arg === 'string' ? `${arg}'` : arg)) : { ...stmt.args, name: `${String(stmt.args.name)}'` } })
      for (const stmt of statements.slice(3)) {
        // twice through the cache (the second run reuses the prepared statement)
        for (let run = 0; run < 2; run += 1) expect(observed(await db.client.execute(stmt)), stmt.sql).toEqual(observed(await plain.execute(stmt)))
      }
      const insert = { sql: 'INSERT INTO probe (name) VALUES (?)', args: ['again'] }
      const mine = await db.client.execute(insert)
      const theirs = await plain.execute({ ...insert, args: ['again2'] })
      expect([mine.rowsAffected, typeof mine.lastInsertRowid]).toEqual([theirs.rowsAffected, typeof theirs.lastInsertRowid])
      expect(mine.lastInsertRowid).toBe(BigInt(Number(theirs.lastInsertRowid) - 1))
      // an integer beyond 2^53 is refused, not rounded
      await plain.execute('INSERT INTO probe (name, amount) VALUES (\'big\', 9007199254740993)')
      const big = { sql: "SELECT amount FROM probe WHERE name = 'big'" }
      expect(await errorOf(() => db.client.execute(big))).toEqual(await errorOf(() => plain.execute(big)))
      await plain.execute("DELETE FROM probe WHERE name = 'big'")
      // SQLite errors carry the same codes, so callers (BUSY retry, constraint messages) see no difference
      for (const bad of [{ sql: 'INSERT INTO probe (name) VALUES (?)', args: ['一'] }, { sql: 'SELECT nope FROM probe' }, { sql: 'INSERT INTO probe (name) VALUES (?)', args: [undefined as unknown as string] }]) {
        expect(await errorOf(() => db.client.execute(bad)), bad.sql).toEqual(await errorOf(() => plain.execute(bad)))
      }
      // inside db.write the transaction answers the same way
      const inside = await db.write(async (tx) => observed(await tx.execute(statements[3] as { sql: string; args: [] })))
      expect(inside).toEqual(observed(await plain.execute(statements[3] as { sql: string; args: [] })))
    } finally {
      plain.close()
    }
  })

  it('never reads an old snapshot: commits of db.write and of another process are seen by the next read, also after the writer was refused the lock', async () => {
    const { db, url } = await tempDatabase()
    await db.client.execute('CREATE TABLE seen (n INTEGER)')
    const count = async () => Number((await db.client.execute('SELECT COUNT(*) AS n FROM seen')).rows[0]?.n)
    const other = createClient({ url, intMode: 'number' })
    try {
      for (let round = 1; round <= 3; round += 1) {
        await db.write(async (tx) => { await tx.execute({ sql: 'INSERT INTO seen VALUES (?)', args: [round] }) })
        expect(await count()).toBe(2 * round - 1)
        await other.execute({ sql: 'INSERT INTO seen VALUES (?)', args: [-round] })
        expect(await count()).toBe(2 * round)
      }
      // another process holds the write lock: db.write is refused (SQLITE_BUSY) and waits; reads go on meanwhile
      const held = await other.transaction('write')
      await held.execute('INSERT INTO seen VALUES (100)')
      let ticks = 0
      const ticker = setInterval(() => { ticks += 1 }, 5)
      const waiting = db.write(async (tx) => { await tx.execute('INSERT INTO seen VALUES (200)') })
      await new Promise((done) => setTimeout(done, 150))
      expect(await count()).toBe(6)
      await held.commit()
      await waiting
      clearInterval(ticker)
      // the event loop kept turning while the writer waited for the lock (SQLite's own busy wait would block it)
      expect(ticks).toBeGreaterThanOrEqual(10)
      expect(await count()).toBe(8)
      // the writer's next transaction starts from the newest snapshot too
      await other.execute('INSERT INTO seen VALUES (300)')
      expect(await db.write(async (tx) => Number((await tx.execute('SELECT COUNT(*) AS n FROM seen')).rows[0]?.n))).toBe(9)
    } finally {
      other.close()
    }
  })

  it('keeps at most its cache size of statements, prepares long ones per call, and is closed for good by close()', async () => {
    const { dir } = await tempDatabase()
    const connection = new CachedConnection(`${dir}/cache.db`, { timeout: 1000 })
    connection.run('CREATE TABLE t (a INTEGER)')
    for (let index = 0; index < 1000; index += 1) connection.run({ sql: `SELECT ${index} AS v, a FROM t WHERE a = ?`, args: [index] })
    expect(connection.cachedStatements).toBe(400)
    const long = `SELECT 1 AS v WHERE 1 IN (${Array.from({ length: 600 }, (_, index) => String(index)).join(',')})`
    expect(connection.run(long).rows.map((row) => row.v)).toEqual([1])
    expect(connection.cachedStatements).toBe(400)
    const transaction = connection.begin('write')
    await transaction.execute('INSERT INTO t VALUES (1)')
    await transaction.commit()
    expect(transaction.closed).toBe(true)
    await expect(transaction.execute('SELECT 1')).rejects.toThrow(/closed/)
    // a failed COMMIT leaves no transaction open behind it
    connection.run('CREATE TABLE parent (id INTEGER PRIMARY KEY)')
    connection.run('CREATE TABLE child (parent_id INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)')
    connection.run('PRAGMA foreign_keys = ON')
    const failing = connection.begin('write')
    await failing.execute('INSERT INTO child VALUES (42)')
    await expect(failing.commit()).rejects.toThrow(/FOREIGN KEY/)
    expect(connection.inTransaction).toBe(false)
    expect(connection.run('SELECT COUNT(*) AS n FROM child').rows[0]?.n).toBe(0)
    connection.close()
    expect(() => connection.run('SELECT 1')).toThrow(/closed/)
  })
})
