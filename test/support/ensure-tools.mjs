#!/usr/bin/env node
// `npm test`'s pretest step: the outside programs some tests use (hledger,
// ledger-cli, Chromium, poppler-utils, CJK fonts) come from Debian, not npm.
// As root with apt-get (a fresh CI box, a container), install what is missing,
// as .ci/run does. Otherwise print one line naming what is missing; those tests
// are then skipped with the reason in their title (test/support/outside-tools.ts),
// except in CI, where they fail. LEDGER_NO_APT=1 never installs.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { delimiter, join } from 'node:path'

const onPath = (program) => (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, program)))
const fonts = [
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc',
  '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc',
  '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc',
]
const checks = [
  ['hledger', 'hledger', () => onPath('hledger')],
  ['ledger', 'ledger', () => onPath('ledger')],
  ['chromium', 'chromium', () => existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')],
  ['pdffonts/pdftoppm', 'poppler-utils', () => onPath('pdffonts') && onPath('pdftoppm') && onPath('pdftotext')],
  ['CJK fonts', 'fonts-noto-cjk', () => fonts.some((font) => existsSync(font))],
]
const missing = () => checks.filter(([, , found]) => !found())

let absent = missing()
if (absent.length === 0) process.exit(0)

const root = typeof process.getuid === 'function' && process.getuid() === 0
if (root && onPath('apt-get') && process.env.LEDGER_NO_APT !== '1') {
  const packages = [...new Set(absent.map(([, pkg]) => pkg))]
  process.stdout.write(`npm test: installing Debian packages for the outside-tool tests: ${packages.join(' ')} (LEDGER_NO_APT=1 to skip)\n`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env, timeout: 300_000 })
  const install = update.status === 0
    ? spawnSync('apt-get', ['install', '-y', '-qq', ...packages], { stdio: 'ignore', env, timeout: 900_000 })
    : update
  if (install.status !== 0) process.stdout.write(`npm test: apt-get could not install ${packages.join(' ')} (exit ${install.status ?? install.signal})\n`)
  try { execFileSync('fc-cache', ['-f'], { stdio: 'ignore' }) } catch { /* fontconfig may be absent */ }
  absent = missing()
  if (absent.length === 0) process.exit(0)
}

const names = absent.map(([name]) => name).join(', ')
const hint = `apt-get install -y ${[...new Set(absent.map(([, pkg]) => pkg))].join(' ')}`
const ci = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false' && process.env.CI !== '0'
process.stdout.write(ci
  ? `npm test: missing ${names}: the tests that need them will FAIL in CI; install: ${hint}\n`
  : `npm test: missing ${names}: the tests that need them are skipped (reason in their titles); to run them: sudo ${hint}\n`)
