import { afterEach, describe, expect, it } from 'vitest'
import { hasTool, installHint, missingTools, toolsRequired } from '../support/outside-tools.ts'

describe('outside tools for the tests (fresh-machine npm test)', () => {
  const saved = { CI: process.env.CI, REQUIRE: process.env.LEDGER_REQUIRE_TOOLS, CHROMIUM: process.env.CHROMIUM_PATH }
  afterEach(() => {
    for (const [key, value] of [['CI', saved.CI], ['LEDGER_REQUIRE_TOOLS', saved.REQUIRE], ['CHROMIUM_PATH', saved.CHROMIUM]] as const) {
      if (value === undefined) delete process.env[key]
      else process.env[key] = value
    }
  })

  it('requires the tools in CI and with LEDGER_REQUIRE_TOOLS=1, not elsewhere', () => {
    delete process.env.LEDGER_REQUIRE_TOOLS
    process.env.CI = 'true'
    expect(toolsRequired()).toBe(true)
    process.env.CI = 'false'
    expect(toolsRequired()).toBe(false)
    delete process.env.CI
    expect(toolsRequired()).toBe(false)
    process.env.LEDGER_REQUIRE_TOOLS = '1'
    expect(toolsRequired()).toBe(true)
  })

  it('names the Debian packages to install, once each', () => {
    expect(installHint(['pdffonts', 'pdftoppm', 'hledger', 'cjk-fonts'])).toBe('apt-get install -y poppler-utils hledger fonts-noto-cjk')
  })

  it('finds Chromium where CHROMIUM_PATH points and reports it missing elsewhere', () => {
    process.env.CHROMIUM_PATH = '/nonexistent/chromium'
    expect(hasTool('chromium')).toBe(false)
    expect(missingTools(['chromium'])).toEqual(['chromium'])
    process.env.CHROMIUM_PATH = process.execPath
    expect(hasTool('chromium')).toBe(true)
  })
})
