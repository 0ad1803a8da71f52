import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { SYSTEM } from '../../service/ledger/context.ts'
import { importFile } from '../../service/imports/load.ts'
import { ledgerWithCompany } from '../support/db.ts'

const here = dirname(fileURLToPath(import.meta.url))
const FIXTURES = join(here, '../fixtures/imports')
const SHARED = join(here, '../../../shared/samples')

interface SampleCase {
  file: string
  parser: string
  read: number
  imported: number
  skipped?: number
  byKind: Partial<Record<'order' | 'orderLine' | 'settlementTxn' | 'bankTxn', number>>
}

async function expectSample(path: string, sample: SampleCase): Promise<void> {
  const { db, company } = await ledgerWithCompany()
  const first = await importFile(db, company.id, { name: sample.file, path }, { actor: SYSTEM })
  expect({ parser: first.parser, read: first.read, imported: first.imported, rejected: first.rejected, skipped: first.skipped }).toEqual({
    parser: sample.parser, read: sample.read, imported: sample.imported, rejected: 0, skipped: sample.skipped ?? 0,
  })
  expect(first.importedByKind).toMatchObject(sample.byKind)
  expect(first.checks.filter((check) => check.level === 'error')).toEqual([])
  const again = await importFile(db, company.id, { name: sample.file, path }, { actor: SYSTEM })
  expect({ imported: again.imported, duplicates: again.duplicates }).toEqual({ imported: 0, duplicates: first.records })
}

// Apache-2.0 / MIT samples, copied into test/fixtures with attribution.
const FIXTURE_CASES: SampleCase[] = [
  { file: 'alipay-personal-2023.csv', parser: 'alipay-personal', read: 10, imported: 8, skipped: 2, byKind: { settlementTxn: 8 } },
  { file: 'alipay-personal-legacy.csv', parser: 'alipay-personal-legacy', read: 7, imported: 7, byKind: { settlementTxn: 7 } },
  { file: 'wechat-personal.csv', parser: 'wechat-personal', read: 27, imported: 30, byKind: { settlementTxn: 30 } },
  { file: 'wechat-personal.xlsx', parser: 'wechat-personal', read: 54, imported: 30, byKind: { settlementTxn: 30 } },
  { file: 'wechat-personal-trim21.csv', parser: 'wechat-personal', read: 7, imported: 7, byKind: { settlementTxn: 7 } },
  { file: 'jd-personal.csv', parser: 'jd-personal', read: 26, imported: 26, byKind: { settlementTxn: 26 } },
  { file: 'taobao-qianniu.xlsx', parser: 'taobao-qianniu', read: 71, imported: 129, byKind: { order: 58, orderLine: 71 } },
]

describe('real export samples copied into test fixtures', () => {
  for (const sample of FIXTURE_CASES) {
    it(`imports ${sample.file} with the right counts, passes its self-checks, and re-imports as all duplicates`, async () => {
      await expectSample(join(FIXTURES, sample.file), sample)
    })
  }

  it('gives the same WeChat records from the XLSX as from the CSV', async () => {
    const { db, company } = await ledgerWithCompany()
    await importFile(db, company.id, { name: 'wechat-personal.csv', path: join(FIXTURES, 'wechat-personal.csv') }, { actor: SYSTEM })
    const fromXlsx = await importFile(db, company.id, { name: 'wechat-personal.xlsx', path: join(FIXTURES, 'wechat-personal.xlsx') }, { actor: SYSTEM })
    expect(fromXlsx.imported).toBe(0)
  })

  it('reads the JD inline partial refund 131.77(已退款89.84) as a gross payment of 221.61', async () => {
    const { db, company } = await ledgerWithCompany()
    await importFile(db, company.id, { name: 'jd-personal.csv', path: join(FIXTURES, 'jd-personal.csv') }, { actor: SYSTEM })
    const result = await db.client.execute({ sql: 'SELECT amount_minor FROM settlement_txns WHERE company_id = ? AND source_row = 26', args: [company.id] })
    expect(result.rows.map((row) => row.amount_minor)).toEqual([-22161])
  })

  it('sums the 千牛 sub-orders of one main order into the order gross and keeps the Alipay trade number', async () => {
    const { db, company } = await ledgerWithCompany()
    await importFile(db, company.id, { name: 'taobao-qianniu.xlsx', path: join(FIXTURES, 'taobao-qianniu.xlsx') }, { actor: SYSTEM })
    const result = await db.client.execute({ sql: "SELECT gross_minor, discount_minor, payment_ref, status FROM orders WHERE order_no = '3821113838621237025'", args: [] })
    expect(result.rows[0]).toMatchObject({ payment_ref: '2024032122001126291443228471', status: 'paid' })
    const lines = await db.client.execute({ sql: "SELECT SUM(amount_minor) AS total FROM order_lines WHERE order_no = '3821113838621237025'", args: [] })
    expect(result.rows[0]?.gross_minor).toBe(lines.rows[0]?.total)
  })
})

// Samples without a stated licence stay in ../shared and are only read from there.
const SHARED_CASES: Array<SampleCase & { folder: string }> = [
  { folder: 'shopify-orders-export', file: 'forezia_orders_export.csv', parser: 'shopify-orders', read: 40, imported: 59, byKind: { order: 19, orderLine: 40 } },
  { folder: 'shopify-payments-transactions', file: 'shopifyAPIv6_payment_transactions_export_1.csv', parser: 'shopify-payments-transactions', read: 1593, imported: 3169, byKind: { settlementTxn: 3169 } },
  { folder: 'amazon-settlement-flat-file', file: 'adwweaver_50011020300.txt', parser: 'amazon-settlement-flat', read: 4, imported: 4, byKind: { settlementTxn: 4 } },
  { folder: 'amazon-settlement-flat-file', file: 'adwweaver_50018020314.txt', parser: 'amazon-settlement-flat', read: 16, imported: 16, skipped: 1, byKind: { settlementTxn: 16 } },
  { folder: 'amazon-settlement-flat-file', file: 'adwweaver_50034020328.txt', parser: 'amazon-settlement-flat', read: 190, imported: 154, skipped: 39, byKind: { settlementTxn: 154 } },
]

const sharedPresent = existsSync(SHARED)
if (!sharedPresent) console.warn(`[imports] ${SHARED} is absent: skipping the Shopify and Amazon sample tests (no reuse licence, not copied)`)

describe.skipIf(!sharedPresent)('real export samples in ../shared (no licence, not copied)', () => {
  for (const sample of SHARED_CASES) {
    it(`imports ${sample.file} with the right counts, passes its self-checks, and re-imports as all duplicates`, async () => {
      await expectSample(join(SHARED, sample.folder, sample.file), sample)
    })
  }

  it('reports the Amazon self-check: all amounts sum to the settlement total', async () => {
    const { db, company } = await ledgerWithCompany()
    const result = await importFile(db, company.id, { name: 'a.txt', path: join(SHARED, 'amazon-settlement-flat-file/adwweaver_50034020328.txt') }, { actor: SYSTEM })
    expect(result.checks).toContainEqual(expect.objectContaining({ code: 'SETTLEMENT_TOTAL_OK' }))
  })

  it('reports the Shopify self-check: Amount - Fee = Net on every row', async () => {
    const { db, company } = await ledgerWithCompany()
    const result = await importFile(db, company.id, { name: 't.csv', path: join(SHARED, 'shopify-payments-transactions/shopifyAPIv6_payment_transactions_export_1.csv') }, { actor: SYSTEM })
    expect(result.checks).toContainEqual({ level: 'info', code: 'AMOUNT_FEE_NET_OK', message: 'Amount - Fee = Net on all 1593 rows' })
  })
})
