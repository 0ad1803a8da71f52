import { readFileSync, readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type ICruiseResult, type IViolation, cruise } from 'dependency-cruiser'
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config'
import { describe, expect, it } from 'vitest'

/**
 * The layer rules of architecture.md and no cycles, as .dependency-cruiser.cjs
 * states them, over the whole repository; and the same config over a fixture
 * tree that breaks each rule once, so a rule that stopped firing fails too.
 * (dependency-cruiser's CLI refuses Node 20; its API runs fine, so the test
 * calls the API.)
 */
const root = fileURLToPath(new URL('../../', import.meta.url))
const config = createRequire(import.meta.url)(join(root, '.dependency-cruiser.cjs')) as { forbidden: unknown[]; options: Record<string, unknown> }

async function cruiseTree(baseDir: string, folders: string[]): Promise<{ modules: number; violations: IViolation[] }> {
  const { tsConfig: _configFile, ...options } = config.options
  const result = await cruise(folders, { ...options, baseDir, validate: true, ruleSet: { forbidden: config.forbidden } } as never, {}, { tsConfig: extractTSConfig(join(root, 'tsconfig.json')) })
  const output = result.output as ICruiseResult
  return { modules: output.summary.totalCruised, violations: output.summary.violations }
}

function describeViolation(violation: IViolation): string {
  const cycle = violation.cycle?.map((step) => (typeof step === 'string' ? step : step.name)).join(' -> ')
  return `${violation.rule.name}: ${violation.from} -> ${violation.to}${cycle ? ` (cycle ${cycle})` : ''}`
}

describe('architecture: dependency rules', () => {
  it('the repository keeps every layer rule and has no import cycle', async () => {
    const { modules, violations } = await cruiseTree(root, ['service', 'shared', 'addin', 'test', 'bin'])
    expect(modules).toBeGreaterThan(300)
    expect(violations.map(describeViolation)).toEqual([])
  }, 120_000)

  it('catches each kind of violation in a tree that breaks the rules (test/fixtures/architecture)', async () => {
    const fixture = join(root, 'test/fixtures/architecture')
    const { violations } = await cruiseTree(fixture, ['shared', 'service', 'addin'])
    const found = violations.map(describeViolation)
    const byRule = (rule: string) => found.filter((line) => line.startsWith(`${rule}:`))
    expect(byRule('shared-is-pure')).toEqual(['shared-is-pure: shared/money.ts -> service/ledger/company.ts'])
    expect(byRule('shared-no-io')).toEqual(['shared-no-io: shared/money.ts -> fs'])
    expect(byRule('addin-not-service')).toEqual(['addin-not-service: addin/pane.ts -> service/ledger/vouchers.ts'])
    expect(byRule('schema-is-the-bottom')).toEqual(['schema-is-the-bottom: service/db/schema/auth.ts -> service/auth/roles.ts'])
    expect(byRule('domain-not-routes')).toEqual(['domain-not-routes: service/ledger/company.ts -> service/routes/vouchers.ts'])
    expect(byRule('routes-hold-no-sql')).toHaveLength(1)
    expect(byRule('routes-hold-no-sql')[0]).toMatch(/^routes-hold-no-sql: service\/routes\/vouchers\.ts -> .*@libsql\/client/)
    expect(byRule('no-circular').length).toBeGreaterThanOrEqual(1)
    expect(byRule('no-circular').join('\n')).toMatch(/service\/ledger\/company\.ts -> service\/ledger\/vouchers\.ts|service\/ledger\/vouchers\.ts -> service\/ledger\/company\.ts/)
  }, 120_000)

  it('route handlers hold no SQL: no file of service/routes runs a statement itself', () => {
    const dir = join(root, 'service/routes')
    const offenders = readdirSync(dir).filter((file) => file.endsWith('.ts')).filter((file) => /\.execute\(|\bsql`|\bdb\.(select|insert|update|delete)\(/.test(readFileSync(join(dir, file), 'utf8')))
    expect(offenders).toEqual([])
  })

  it('balances have one reader: only service/ledger/balances.ts queries the balances table', () => {
    const readers: string[] = []
    const walk = (dir: string) => {
      for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
        const path = `${dir}/${entry.name}`
        if (entry.isDirectory()) {
          if (entry.name !== 'migrations') walk(path)
        } else if (/\.tsx?$/.test(entry.name) && /\b(FROM|JOIN)\s+balances\b/i.test(readFileSync(join(root, path), 'utf8'))) readers.push(path)
      }
    }
    for (const dir of ['service', 'shared', 'addin']) walk(dir)
    expect(readers).toEqual(['service/ledger/balances.ts'])
  })
})
