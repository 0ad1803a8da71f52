import { existsSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { describe, it } from 'vitest'
import { CJK_FONT_CANDIDATES } from '../../service/reports/render/fonts.ts'

/**
 * Programs some tests need from outside npm (Debian packages). `.ci/run` and
 * `npm test`'s pretest step (test/support/ensure-tools.mjs) install them when
 * they run as root. Where they are still missing:
 * - in CI (`CI` set) or with `LEDGER_REQUIRE_TOOLS=1` the tests that need them
 *   FAIL with the install command, so CI never passes without them;
 * - elsewhere those tests are skipped, each describe title saying why, and
 *   one line per missing tool is printed.
 */
export type OutsideTool = 'hledger' | 'ledger' | 'chromium' | 'pdffonts' | 'pdftoppm' | 'pdftotext' | 'cjk-fonts'

export const DEBIAN_PACKAGE: Readonly<Record<OutsideTool, string>> = {
  hledger: 'hledger',
  ledger: 'ledger',
  chromium: 'chromium',
  pdffonts: 'poppler-utils',
  pdftoppm: 'poppler-utils',
  pdftotext: 'poppler-utils',
  'cjk-fonts': 'fonts-noto-cjk',
}

function onPath(program: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, program)))
}

export function hasTool(tool: OutsideTool): boolean {
  if (tool === 'cjk-fonts') return CJK_FONT_CANDIDATES.some((font) => existsSync(font.path))
  if (tool === 'chromium') return existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')
  return onPath(tool)
}

export function missingTools(tools: ReadonlyArray<OutsideTool>): OutsideTool[] {
  return tools.filter((tool) => !hasTool(tool))
}

export function toolsRequired(): boolean {
  const ci = process.env.CI
  return (ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0') || process.env.LEDGER_REQUIRE_TOOLS === '1'
}

export function installHint(tools: ReadonlyArray<OutsideTool>): string {
  return `apt-get install -y ${[...new Set(tools.map((tool) => DEBIAN_PACKAGE[tool]))].join(' ')}`
}

const warned = new Set<string>()

/**
 * `describe` for tests that need outside programs. Missing programs: failure in
 * CI, a visible skip elsewhere (the reason is in the title and printed once).
 */
export function describeWithTools(tools: ReadonlyArray<OutsideTool>, title: string, body: () => void): void {
  const missing = missingTools(tools)
  if (missing.length === 0) {
    describe(title, body)
    return
  }
  const reason = `needs ${missing.join(', ')} (${installHint(missing)})`
  if (toolsRequired()) {
    describe(title, () => {
      it(`has its outside tools: ${missing.join(', ')}`, () => {
        throw new Error(`${reason}: CI must have it; .ci/run installs it as root`)
      })
    })
    return
  }
  if (!warned.has(reason)) {
    warned.add(reason)
    process.stderr.write(`skipped: "${title}" ${reason}\n`)
  }
  describe.skip(`${title} [skipped: ${reason}]`, body)
}
