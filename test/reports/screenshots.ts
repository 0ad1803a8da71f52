/**
 * Regenerates docs/screenshots/reports-*.png: renders the demo month's reports
 * to PDF and turns the pages into PNG with pdftoppm (poppler-utils).
 * Run: node --import tsx test/reports/screenshots.ts
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabase } from '../../service/db/connection.ts'
import { createCompany } from '../../service/ledger/company.ts'
import { SYSTEM, createContext } from '../../service/ledger/context.ts'
import { writeVouchers } from '../../service/ledger/vouchers.ts'
import { buildReport } from '../../service/reports/index.ts'
import { renderPdf } from '../../service/reports/render/pdf.ts'
import { aVoucher } from '../support/builders.ts'
import { demoMonth } from './fixtures.ts'

const dir = mkdtempSync(join(tmpdir(), 'cledger-shots-'))
const db = await openDatabase(`file:${join(dir, 'ledger.db')}`)
const context = createContext(db)
const company = await createCompany(context, SYSTEM, { code: 'DEMO', name: '示例电商有限公司' })
const older = [
  aVoucher('2026-07-15').debit('1122', '1000.00', { store: 'jd' }).credit('5001', '1000.00', { store: 'jd' }).build(),
  aVoucher('2026-08-20').debit('1122', '500.00', { store: 'pdd' }).credit('5001', '500.00', { store: 'pdd' }).build(),
]
await writeVouchers(context, { userId: 1 }, company.id, [...older, ...demoMonth()].map((input) => ({ input })), { mode: 'post' })
const shots = [['balance-sheet', 1], ['income-statement', 1], ['cash-flow', 1], ['channel-profit', 2], ['ar-aging', 2]] as const
for (const [name, pages] of shots) {
  const pdf = join(dir, `${name}.pdf`)
  writeFileSync(pdf, await renderPdf(await buildReport(context, company.id, name, { period: '2026-10' }), { now: new Date('2026-11-01T00:00:00Z') }))
  execFileSync('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', String(pages), pdf, join('docs/screenshots', `reports-${name}`)])
}
db.close()
rmSync(dir, { recursive: true, force: true })
