/**
 * concurrent-server.ts with the service's own view of a request (printed to stderr on SIGTERM): event-loop delay,
 * GC pauses, and the latency histogram measured inside the service (from hono's fetch to its answer), to tell a
 * tail made in the service from one made by the clients or the machine.
 * BENCH_SERVER_SCRIPT=test/bench/tools/loop-server.mts BENCH_ONLY=1on BENCH_SECONDS=10 npm run bench -- concurrent
 */
import { PerformanceObserver, monitorEventLoopDelay } from 'node:perf_hooks'
import { serve } from '@hono/node-server'
import { openDatabase } from '../../../service/db/connection.ts'
import { createContext } from '../../../service/ledger/context.ts'
import { createApp } from '../../../service/app.ts'

const db = await openDatabase(process.argv[2])
const { app } = createApp({ context: createContext(db) })
const inside: number[] = []
let on = false
const server = serve({ fetch: async (request, env) => {
  const at = performance.now()
  const answer = await app.fetch(request, env)
  if (on) inside.push(performance.now() - at)
  return answer
}, port: 0, hostname: '127.0.0.1' }, (info) => process.stdout.write(`url http://127.0.0.1:${info.port}\n`))
const delay = monitorEventLoopDelay({ resolution: 1 })
const gcs: number[] = []
new PerformanceObserver((list) => { for (const entry of list.getEntries()) gcs.push(entry.duration) }).observe({ entryTypes: ['gc'] })
process.stdin.on('data', () => { delay.enable(); gcs.length = 0; on = true })
process.on('SIGTERM', () => {
  const ms = (ns: number) => (ns / 1e6).toFixed(1)
  process.stderr.write(`event-loop delay p50 ${ms(delay.percentile(50))} p99 ${ms(delay.percentile(99))} max ${ms(delay.max)} ms\n`)
  gcs.sort((a, b) => b - a)
  process.stderr.write(`gc ${gcs.length} pauses, ${gcs.reduce((a, b) => a + b, 0).toFixed(0)} ms in all, longest ${gcs.slice(0, 8).map((x) => x.toFixed(1)).join(', ')} ms\n`)
  inside.sort((a, b) => a - b)
  const at = (p: number) => (inside[Math.min(inside.length - 1, Math.floor(inside.length * p))] ?? 0).toFixed(1)
  process.stderr.write(`inside the service: p50 ${at(0.5)} p90 ${at(0.9)} p99 ${at(0.99)} max ${at(1)} ms\n`)
  process.stdout.write('stats 0 1 0\n')
  server.close(() => process.exit(0))
  if ('closeAllConnections' in server) (server as { closeAllConnections(): void }).closeAllConnections()
})
