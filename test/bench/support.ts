import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabase, type Database, type OpenOptions } from '../../service/db/connection.ts'

export async function benchDatabase(name: string, options: OpenOptions = {}): Promise<{ db: Database; url: string; dir: string; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), `cledger-bench-${name}-`))
  const url = `file:${join(dir, 'bench.db')}`
  const db = await openDatabase(url, options)
  return { db, url, dir, cleanup: () => { db.close(); rmSync(dir, { recursive: true, force: true }) } }
}

export async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = performance.now()
  const result = await work()
  return { ms: performance.now() - start, result }
}

export function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024)
}

export function report(name: string, figures: Record<string, string | number>): void {
  console.log(`${name}: ${Object.entries(figures).map(([key, value]) => `${key}=${value}`).join('  ')}`)
}

/** CPU seconds (user + system, all threads) spent by this process since `since`. */
export function cpuSeconds(since?: NodeJS.CpuUsage): number {
  const usage = process.cpuUsage(since)
  return (usage.user + usage.system) / 1e6
}

/**
 * Peak RSS while `work` runs, sampled every 50 ms (maxRSS is the process's
 * lifetime peak, so it cannot tell one phase of a bench from an earlier one).
 */
export async function sampledPeakRssMb<T>(work: () => Promise<T>): Promise<{ result: T; peakMb: number }> {
  let peak = process.memoryUsage().rss
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss)
  }, 50)
  try {
    const result = await work()
    peak = Math.max(peak, process.memoryUsage().rss)
    return { result, peakMb: Math.round(peak / 1024 / 1024) }
  } finally {
    clearInterval(timer)
  }
}
