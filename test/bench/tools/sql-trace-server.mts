/**
 * concurrent-server.ts with every SQL statement counted and timed (printed to stderr on SIGTERM): which reads and writes a request costs.
 * BENCH_SERVER_SCRIPT=test/bench/tools/sql-trace-server.mts BENCH_ONLY=1on BENCH_SECONDS=6 npm run bench -- concurrent
 */
import { openDatabase } from '../../../service/db/connection.ts'
import { createContext } from '../../../service/ledger/context.ts'
import { startServer } from '../../../service/server.ts'
const db = await openDatabase(process.argv[2])
const stats = new Map<string, { n: number; ms: number; rows: number }>()
let on = false
function wrap(target: any) {
  const orig = target.execute.bind(target)
  target.execute = async (stmt: any, args?: any) => {
    const sql = (typeof stmt === 'string' ? stmt : stmt.sql).replace(/\s+/g, ' ').slice(0, 110)
    const t = performance.now()
    const r = await orig(stmt, args)
    if (on) { const s = stats.get(sql) ?? { n: 0, ms: 0, rows: 0 }; s.n++; s.ms += performance.now() - t; s.rows += r.rows?.length ?? 0; stats.set(sql, s) }
    return r
  }
}
wrap(db.client)
const origTx = db.client.transaction.bind(db.client)
;(db.client as any).transaction = async (...a: any[]) => { const tx = await origTx(...a); wrap(tx); return tx }
const server = await startServer({ context: createContext(db) }, { port: 0, host: '127.0.0.1' })
process.stdout.write(`url ${server.url}\n`)
process.stdin.on('data', () => { on = true })
process.on('SIGTERM', () => {
  const list = [...stats.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 30)
  for (const [sql, s] of list) process.stderr.write(`${s.n}\t${s.ms.toFixed(0)}ms\t${s.rows}rows\t${sql}\n`)
  process.stdout.write(`stats 0 1 0\n`)
  void server.close().finally(() => process.exit(0))
})
