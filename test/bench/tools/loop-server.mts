import { monitorEventLoopDelay } from 'node:perf_hooks'
import { openDatabase } from '/work/main/service/db/connection.ts'
import { createContext } from '/work/main/service/ledger/context.ts'
import { startServer } from '/work/main/service/server.ts'
const db = await openDatabase(process.argv[2])
const server = await startServer({ context: createContext(db) }, { port: 0, host: '127.0.0.1' })
process.stdout.write(`url ${server.url}\n`)
const h = monitorEventLoopDelay({ resolution: 1 })
const gcs: number[] = []
const { PerformanceObserver } = await import('node:perf_hooks')
new PerformanceObserver((list) => { for (const e of list.getEntries()) gcs.push(e.duration) }).observe({ entryTypes: ['gc'] })
process.stdin.on('data', () => { h.enable(); gcs.length = 0 })
process.on('SIGTERM', () => {
  process.stderr.write(`loop delay p50 ${(h.percentile(50)/1e6).toFixed(1)} p99 ${(h.percentile(99)/1e6).toFixed(1)} max ${(h.max/1e6).toFixed(1)} ms\n`)
  gcs.sort((a,b)=>b-a); process.stderr.write(`gc n=${gcs.length} total=${gcs.reduce((a,b)=>a+b,0).toFixed(0)}ms top=${gcs.slice(0,10).map(x=>x.toFixed(1)).join(',')}\n`)
  process.stdout.write(`stats 0 1 0\n`)
  void server.close().finally(() => process.exit(0))
})
