import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import iconv from 'iconv-lite'
import { describe, expect, it } from 'vitest'
import { main } from '../../service/cli.ts'
import { tempDatabase } from '../support/db.ts'

async function cledger(url: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const code = await main(['node', 'cledger', '--db', url, ...args], { stdout: (text) => { out += text }, stderr: (text) => { err += text } })
  return { code, out, err }
}

const US = '91330106MA2H7K5X3Q,杭州某某电子商务有限公司'
const HEADER = '数电票号码,销方识别号,销方名称,购方识别号,购买方名称,开票日期,金额,税率,税额,价税合计,发票状态,是否红字,对应蓝字发票号码,备注,勾选状态'

describe('cledger invoice', () => {
  it('imports, matches, lists exceptions, attaches a PDF, shows an invoice and sums input invoices by status; bad input exits non-zero with one line', async () => {
    const { url, dir } = await tempDatabase()
    expect((await cledger(url, 'init', '--company', 'ACME', '--name', '某某电商')).code).toBe(0)
    const orders = join(dir, 'jd.csv')
    writeFileSync(orders, iconv.encode('订单号,商品ID,商品名称,订购数量,下单时间,京东价,订单金额,应付金额,订单状态,运费金额\n200000000001,1,杯子,1,2024-03-01 10:00:00,113.00,113.00,113.00,完成,0.00\n', 'gbk'))
    const invoices = join(dir, '发票.csv')
    writeFileSync(invoices, `${HEADER}
24330000000000000001,${US},,个人,2024-03-10,100.00,13%,13.00,113.00,正常,否,,订单号：200000000001,
24330000000000000002,${US},,个人,2024-03-11,50.00,13%,6.50,56.50,正常,否,,,
24330000000000000003,91110000MA00000000,北京某某网络技术有限公司,${US},2024-03-12,200.00,6%,12.00,212.00,正常,否,,推广服务费,已认证
24330000000000000004,91110000MA00000000,北京某某网络技术有限公司,${US},2024-03-13,100.00,6%,6.00,106.00,正常,否,,佣金,未勾选
`)
    expect((await cledger(url, 'import', orders, '--store', 'jd-main')).code).toBe(0)
    // invoices belong to the company, not a store: no --store needed
    const imported = await cledger(url, '--json', 'import', invoices)
    expect([imported.code, imported.err]).toEqual([0, ''])
    expect((await cledger(url, 'invoice', 'settings', '--tax-id', '91330106MA2H7K5X3Q')).code).toBe(0)
    const matched = await cledger(url, '--json', 'invoice', 'match')
    expect(matched.code).toBe(0)
    expect(JSON.parse(matched.out)).toMatchObject({ invoices: 2, links: { remark: 1 }, exceptions: { INVOICE_WITHOUT_ORDER: 1 } })
    const listed = await cledger(url, 'invoice', 'exceptions', '--type', 'INVOICE_WITHOUT_ORDER')
    expect(listed.out).toContain('24330000000000000002')
    const pdf = join(dir, 'dzfp.pdf')
    writeFileSync(pdf, '%PDF-1.7\n% invoice\n')
    const attached = await cledger(url, 'invoice', 'attach', '24330000000000000001', pdf)
    expect([attached.code, attached.out.trim()]).toEqual([0, '已附加 attached: #1 dzfp.pdf (application/pdf)'])
    const shown = await cledger(url, 'invoice', 'show', '24330000000000000001')
    expect(shown.out).toContain('订单 order jd/200000000001 113.00 [remark]')
    expect(shown.out).toContain('附件 attachment #1 dzfp.pdf')
    const input = await cledger(url, '--json', 'invoice', 'input-status', '--period', '2024-03')
    expect(JSON.parse(input.out)).toMatchObject({ inputVatOn: 'certification', rows: [{ certification: 'certified', count: 1, tax: '12.00', deductibleTax: '12.00' }, { certification: 'unchecked', count: 1, tax: '6.00', deductibleTax: '0.00' }] })
    const bad = await cledger(url, 'invoice', 'attach', '24330000000000000001', invoices)
    expect(bad.code).not.toBe(0)
    expect(bad.err.trim().split('\n')).toHaveLength(1)
    expect(bad.err).toContain('not a PDF, OFD or XML')
    expect(bad.err).toContain('不是 PDF、OFD 或 XML 发票文件')
    const unknown = await cledger(url, 'invoice', 'show', '999')
    expect([unknown.code === 0, unknown.err]).toEqual([false, 'cledger: 找不到发票 999 / no invoice 999\n'])
  })
})
