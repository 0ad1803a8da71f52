/**
 * One service instance for the concurrent-writes bench, in its own process.
 * Usage: node --import tsx test/bench/concurrent-server.ts <db-url>
 * (LEDGER_GROUP_COMMIT=0 turns group commit off). Prints `url <base>` when listening.
 */
import { openDatabase } from '../../service/db/connection.ts'
import { createContext } from '../../service/ledger/context.ts'
import { startServer } from '../../service/server.ts'

const db = await openDatabase(process.argv[2])
const server = await startServer({ context: createContext(db) }, { port: 0, host: '127.0.0.1' })
process.stdout.write(`url ${server.url}\n`)
let started = process.cpuUsage()
// the bench's warm-up ends with `reset` on stdin: CPU is counted from then
process.stdin.on('data', () => { started = process.cpuUsage() })
process.on('SIGTERM', () => {
  const { transactions, writes } = db.writeStats
  // CPU time of this instance (user + system, ms): per voucher it does not depend on what else the machine runs
  const cpu = process.cpuUsage(started)
  process.stdout.write(`stats ${writes} ${transactions} ${Math.round((cpu.user + cpu.system) / 1000)}\n`)
  void server.close().finally(() => process.exit(0))
})
