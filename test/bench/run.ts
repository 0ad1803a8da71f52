/**
 * `npm run bench`: runs every test/bench/*.bench.ts (each exports `run()`), or
 * only those named: `npm run bench -- ledger import`. Benchmarks are not tests:
 * each prints its figures as a ratio against a baseline measured in the same run.
 */
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const wanted = process.argv.slice(2)
const files = readdirSync(here).filter((file) => file.endsWith('.bench.ts')).filter((file) => wanted.length === 0 || wanted.some((name) => file.startsWith(name))).sort()
for (const file of files) {
  console.log(`\n=== ${file}`)
  const module = (await import(join(here, file))) as { run?: () => Promise<void> }
  if (typeof module.run !== 'function') {
    console.log(`(skipped: ${file} exports no run())`)
    continue
  }
  await module.run()
}
