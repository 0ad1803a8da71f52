import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

/**
 * No source file under service/, shared/ or addin/ over 500 lines (issue #19:
 * grab-bag files get split by channel/pane/area). The allowlist is for files
 * another change is splitting; it is printed on every run so it stays short,
 * and an entry that no longer needs to be there is printed as stale.
 */
const MAX_LINES = 500
const ALLOWED: Readonly<Record<string, string>> = {}

const root = fileURLToPath(new URL('../../', import.meta.url))
const SOURCE = /\.(?:ts|tsx|mts|cts|js|mjs|cjs)$/

function sourceFiles(folder: string): string[] {
  return readdirSync(join(root, folder), { withFileTypes: true }).flatMap((entry) => {
    const path = `${folder}/${entry.name}`
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'dist' ? [] : sourceFiles(path)
    return SOURCE.test(entry.name) ? [path] : []
  })
}

function lineCount(path: string): number {
  const text = readFileSync(join(root, path), 'utf8')
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0)
}

describe('architecture: file size', () => {
  it(`keeps every file under service/, shared/ and addin/ at ${MAX_LINES} lines or fewer (allowlist printed)`, () => {
    const sizes = new Map(['service', 'shared', 'addin'].flatMap(sourceFiles).map((path) => [path, lineCount(path)] as const))
    const allowed = Object.entries(ALLOWED).map(([path, why]) => `  ${path} (${sizes.get(path) ?? 'gone'} lines): ${why}`)
    console.info(`files allowed over ${MAX_LINES} lines:\n${allowed.join('\n')}`)
    const stale = Object.keys(ALLOWED).filter((path) => (sizes.get(path) ?? 0) <= MAX_LINES)
    expect(stale, 'stale allowlist entries: remove them').toEqual([])
    const over = [...sizes].filter(([path, lines]) => lines > MAX_LINES && ALLOWED[path] === undefined).map(([path, lines]) => `${path}: ${lines} lines`)
    expect(over).toEqual([])
    expect(Object.keys(ALLOWED).length).toBeLessThanOrEqual(3)
    expect(sizes.size).toBeGreaterThan(200)
  })
})
