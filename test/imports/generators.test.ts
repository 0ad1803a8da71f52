import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import iconv from 'iconv-lite'
import { describe, expect, it } from 'vitest'
import { importFile } from '../../service/imports/load.ts'
import { listOrders } from '../../service/imports/query.ts'
import { SYSTEM } from '../../service/ledger/context.ts'
import { GENERATED_FORMATS, type GeneratedFormat, generateFile, writeGeneratedFile } from '../../service/generators/index.ts'
import { ledgerWithCompany } from '../support/db.ts'

/**
 * The file generators themselves: a streamed file (writeGeneratedFile) is the
 * same file generateFile builds in memory, and imports cleanly; plus the parser
 * fixes the generators turned up.
 */
const dir = mkdtempSync(join(tmpdir(), 'cl-generators-'))
// Amazon settlements put the total of all rows on row 2: generateFile only.
const STREAMABLE = (Object.keys(GENERATED_FORMATS) as GeneratedFormat[]).filter((format) => !GENERATED_FORMATS[format].headRow)

describe('writeGeneratedFile', () => {
  for (const format of STREAMABLE) {
    it(`streams ${format} as the same rows generateFile builds, and it imports without rejects`, async () => {
      const path = join(dir, `${format}.${GENERATED_FORMATS[format].container}`)
      const written = await writeGeneratedFile(format, path, { seed: 9, rows: 300, store: 's' })
      const file = await generateFile(format, { seed: 9, rows: 300, store: 's' })
      expect(written.rows).toBe(file.rows)
      // CSV: byte for byte. XLSX (different writers): same import result.
      if (GENERATED_FORMATS[format].container === 'csv') expect(Buffer.from(readFileSync(path)).equals(Buffer.from(file.bytes))).toBe(true)
      const { db, company } = await ledgerWithCompany()
      const result = await importFile(db, company.id, { name: path, path }, { actor: SYSTEM, store: 's' })
      expect([result.parser, result.rejected, result.imported]).toEqual([file.parser, 0, file.expected.length])
      expect(result.checks.filter((check) => check.level === 'error')).toEqual([])
    })
  }
})

describe('parser fixes found by the generators', () => {
  it('jd-orders: reads 等待出库 / 等待确认收货 as paid / shipped, and 订单金额 - 应付金额 as the discount', async () => {
    const header = '订单号,商品ID,商品名称,订购数量,下单时间,京东价,订单金额,应付金额,订单状态,运费金额'
    const rows = ['200000000001,1001,杯子,2,2024-03-01 10:00:00,50.00,106.00,96.00,等待出库,6.00', '200000000002,1002,枕头,1,2024-03-01 11:00:00,80.00,80.00,80.00,等待确认收货,0.00']
    const { db, company } = await ledgerWithCompany()
    const result = await importFile(db, company.id, { name: 'jd.csv', bytes: iconv.encode(`${header}\n${rows.join('\n')}\n`, 'gbk') }, { actor: SYSTEM })
    expect(result.parser).toBe('jd-orders')
    const orders = (await listOrders(db, company.id, { limit: 10 })).sort((a, b) => a.orderNo.localeCompare(b.orderNo))
    expect(orders.map((order) => [order.orderNo, order.status, order.gross, order.discount, order.shipping])).toEqual([
      ['200000000001', 'paid', 9_600n, 1_000n, 600n],
      ['200000000002', 'shipped', 8_000n, 0n, 0n],
    ])
  })

  it('pdd-orders: 售后状态 无售后或售后取消 is no cancellation, and 邮费(元) is the shipping', async () => {
    const header = '商品,订单号,订单状态,商品总价(元),店铺优惠折扣(元),平台优惠折扣(元),邮费(元),用户实付金额(元),商家实收金额(元),商品数量(件),售后状态,支付时间,订单成交时间'
    const rows = ['毛巾,240301-1,待发货,20.00,1.00,0.00,5.00,24.00,24.00,2,无售后或售后取消,2024-03-01 10:00:00,2024-03-01 10:00:00', '毛巾,240301-2,已签收,10.00,0.00,0.00,0.00,10.00,10.00,1,退款成功,2024-03-01 11:00:00,2024-03-01 11:00:00']
    const { db, company } = await ledgerWithCompany()
    const result = await importFile(db, company.id, { name: 'pdd.csv', bytes: iconv.encode(`${header}\n${rows.join('\n')}\n`, 'gbk') }, { actor: SYSTEM })
    expect(result.parser).toBe('pdd-orders')
    const orders = (await listOrders(db, company.id, { limit: 10 })).sort((a, b) => a.orderNo.localeCompare(b.orderNo))
    expect(orders.map((order) => [order.orderNo, order.status, order.statusRaw, order.gross, order.discount, order.shipping])).toEqual([
      ['240301-1', 'paid', '待发货', 2_400n, 100n, 500n],
      ['240301-2', 'refunded', '已签收 退款成功', 1_000n, 0n, 0n],
    ])
  })
})
