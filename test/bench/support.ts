import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabase, type Database } from '../../service/db/connection.ts'

export async function benchDatabase(name: string): Promise<{ db: Database; url: string; dir: string; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), `cledger-bench-${name}-`))
  const url = `file:${join(dir, 'bench.db')}`
  const db = await openDatabase(url)
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
