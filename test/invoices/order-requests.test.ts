import iconv from 'iconv-lite'
import { describe, expect, it } from 'vitest'
import { generateFile } from '../../service/generators/index.ts'
import { jdInvoiceChoice } from '../../service/generators/jd.ts'
import { importFile } from '../../service/imports/load.ts'
import { listOrders } from '../../service/imports/query.ts'
import { addInvoiceRequest, listInvoiceExceptions, runInvoiceMatching } from '../../service/invoices/match.ts'
import { updateInvoiceSettings } from '../../service/invoices/settings.ts'
import { SYSTEM } from '../../service/ledger/context.ts'
import { ledgerWithCompany } from '../support/db.ts'

const US = '91330106MA2H7K5X3Q'

async function requests(db: Awaited<ReturnType<typeof ledgerWithCompany>>['db'], companyId: number): Promise<Array<[string, string, string, string | null]>> {
  const result = await db.client.execute({ sql: 'SELECT channel, order_no, title, buyer_tax_id FROM invoice_requests WHERE company_id = ? ORDER BY channel, order_no', args: [companyId] })
  return result.rows.map((row) => [String(row.channel), String(row.order_no), String(row.title), row.buyer_tax_id === null ? null : String(row.buyer_tax_id)])
}

describe('order exports carry the invoice request (发票抬头 / 是否开票, 发票类型 / 增值税发票)', () => {
  it('generated JD and Taobao classic exports set invoice_requests at import, and matching raises ORDER_NOT_INVOICED for exactly those orders', async () => {
    const { context, company, db } = await ledgerWithCompany()
    await updateInvoiceSettings(context, SYSTEM, company.id, { taxId: US })
    const jd = await generateFile('jd-orders', { seed: 7, rows: 40, store: 'jd-main' })
    const taobao = await generateFile('taobao-classic', { seed: 7, rows: 30, store: 'tmall-main' })
    await importFile(db, company.id, { name: jd.fileName, bytes: jd.bytes }, { actor: SYSTEM, store: 'jd-main' })
    await importFile(db, company.id, { name: taobao.fileName, bytes: taobao.bytes }, { actor: SYSTEM, store: 'tmall-main' })
    const expected = (jd.expected as Array<{ kind: string; record: { channel?: string; orderNo?: string; invoiceRequest?: { title: string } } }>)
      .concat(taobao.expected as never)
      .filter((item) => item.kind === 'order' && item.record.invoiceRequest)
      .map((item): [string, string, string, null] => [item.record.channel ?? '', item.record.orderNo ?? '', item.record.invoiceRequest?.title ?? '', null])
      .sort((a, b) => `${a[0]}/${a[1]}`.localeCompare(`${b[0]}/${b[1]}`))
    const stored = await requests(db, company.id)
    expect(stored).toEqual(expected)
    expect(stored.filter((each) => each[0] === 'jd').length).toBeGreaterThan(3)
    expect(stored.filter((each) => each[0] === 'taobao').map((each) => each[2])).toEqual(expect.arrayContaining(['杭州某某科技有限公司', '个人']))
    expect(new Set(stored.filter((each) => each[0] === 'jd').map((each) => each[2]))).toEqual(new Set(['个人', '上海某某贸易有限公司']))
    expect(jdInvoiceChoice(0)).toBeUndefined()

    const run = await runInvoiceMatching(context, SYSTEM, company.id)
    const open = await listInvoiceExceptions(context, company.id, { type: 'ORDER_NOT_INVOICED' })
    const orders = new Map((await listOrders(db, company.id, { limit: 1000 })).map((order) => [`${order.channel}/${order.orderNo}`, order]))
    // every request on an order still due raises the exception; cancelled / fully refunded orders owe no invoice
    const due = stored.filter((each) => { const order = orders.get(`${each[0]}/${each[1]}`); return order !== undefined && order.gross - order.refunded > 0n && !['cancelled', 'closed', 'refunded', 'pending'].includes(order.status) })
    expect(open.map((each) => `${each.channel}/${each.orderNo}`).sort()).toEqual(due.map((each) => `${each[0]}/${each[1]}`).sort())
    expect(run.exceptions.ORDER_NOT_INVOICED).toBe(due.length)
    // the why says it in zh-CN and en, money in yuan
    expect(open[0]?.why).toMatch(/^买家已申请开票（抬头：.+），应开 \d+\.\d{2}，尚未开具 \/ the buyer asked for an invoice \(.+\); none issued for \d+\.\d{2}$/)
    // listOrders gives the request back with the order
    expect(orders.get(`${stored[0]?.[0]}/${stored[0]?.[1]}`)?.invoiceRequest).toEqual({ title: stored[0]?.[2] })

    // a re-import adds nothing and keeps a request keyed by hand
    await addInvoiceRequest(context, SYSTEM, company.id, { channel: 'jd', orderNo: stored.find((each) => each[0] === 'jd')?.[1] ?? '', title: '手工抬头', buyerTaxId: '91310115MA1K4B2C8D' })
    await importFile(db, company.id, { name: jd.fileName, bytes: jd.bytes }, { actor: SYSTEM, store: 'jd-main' })
    const after = await requests(db, company.id)
    expect(after.length).toBe(stored.length)
    expect(after.filter((each) => each[2] === '手工抬头')).toHaveLength(1)
  })

  it('reads 是否开票 before the title, a 发票税号 makes a 企业 buyer, JD 不开发票 asks for nothing', async () => {
    const { company, db } = await ledgerWithCompany()
    const taobaoHeader = '订单编号,买家会员名,买家应付货款,买家应付邮费,买家实际支付金额,订单状态,订单创建时间,订单付款时间,宝贝标题,宝贝总数量,发票抬头,是否开票,发票税号'
    const taobao = [taobaoHeader,
      '100000000000000001,tb_1,100.00,0.00,100.00,交易成功,2024-03-01 10:00:00,2024-03-01 10:01:00,杯子,1,杭州某某科技有限公司,是,91330100MA2AAAAA1X',
      '100000000000000002,tb_2,100.00,0.00,100.00,交易成功,2024-03-01 11:00:00,2024-03-01 11:01:00,杯子,1,个人,否,',
      '100000000000000003,tb_3,100.00,0.00,100.00,交易成功,2024-03-01 12:00:00,2024-03-01 12:01:00,杯子,1,,是,',
      '100000000000000004,tb_4,100.00,0.00,100.00,交易成功,2024-03-01 13:00:00,2024-03-01 13:01:00,杯子,1,,,',
    ].join('\n')
    const result = await importFile(db, company.id, { name: 'ExportOrderList.csv', bytes: new Uint8Array(iconv.encode(`${taobao}\n`, 'gbk')) }, { actor: SYSTEM, store: 'tmall-main' })
    expect([result.parser, result.rejected]).toEqual(['taobao-classic', 0])
    const jdHeader = '订单号,商品ID,商品名称,订购数量,下单时间,京东价,订单金额,应付金额,订单状态,运费金额,发票类型,发票抬头,增值税发票'
    const jd = [jdHeader,
      '200000000101,1,杯子,1,2024-03-01 10:00:00,113.00,113.00,113.00,完成,0.00,不开发票,,否',
      '200000000102,1,杯子,1,2024-03-01 10:00:00,113.00,113.00,113.00,完成,0.00,增值税专用发票,上海某某贸易有限公司,是',
      '200000000103,1,杯子,1,2024-03-01 10:00:00,113.00,113.00,113.00,完成,0.00,,,',
    ].join('\n')
    expect((await importFile(db, company.id, { name: 'jd.csv', bytes: new Uint8Array(iconv.encode(`${jd}\n`, 'gbk')) }, { actor: SYSTEM, store: 'jd-main' })).rejected).toBe(0)
    expect(await requests(db, company.id)).toEqual([
      ['jd', '200000000102', '上海某某贸易有限公司', null],
      ['taobao', '100000000000000001', '杭州某某科技有限公司', '91330100MA2AAAAA1X'],
      ['taobao', '100000000000000003', '', null],
    ])
  })
})
