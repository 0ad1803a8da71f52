import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import iconv from 'iconv-lite'
import { describe, expect, it } from 'vitest'
import { LedgerError } from '../../shared/errors.ts'
import { SYSTEM } from '../../service/ledger/context.ts'
import { cleanCell, normalizeHeader } from '../../service/imports/clean.ts'
import { CsvTokenizer } from '../../service/imports/csv.ts'
import { importFile } from '../../service/imports/load.ts'
import { startParse } from '../../service/imports/parse.ts'
import { parserById } from '../../service/imports/registry.ts'
import { shapeRow } from '../../service/imports/shape.ts'
import { type GeneratedFormat, GENERATED_FORMATS, generateFile } from '../../service/generators/index.ts'
import { ledgerWithCompany } from '../support/db.ts'

/** Issue #15 part A (real personal bills: parser defects) and issue #21 part 2 (fuzz counterexample). */

const here = dirname(fileURLToPath(import.meta.url))
const FIXTURES = join(here, '../fixtures/imports/issue15')
const utf8 = (value: string) => new TextEncoder().encode(value)

interface Parsed {
  records: Array<{ rowNumber: number; record: Record<string, unknown> }>
  rejects: Array<{ rowNumber: number; column: string; reason: string }>
  checks: Array<{ level: string; code: string; message: string }>
  skipped: number
}

async function parse(bytes: Uint8Array, name: string): Promise<Parsed> {
  const session = await startParse({ name, bytes })
  const out: Parsed = { records: [], rejects: [], checks: [], skipped: 0 }
  for await (const item of session.items()) {
    if (item.type === 'record') out.records.push({ rowNumber: item.rowNumber, record: item.item.record as unknown as Record<string, unknown> })
    else out.rejects.push({ rowNumber: item.reject.rowNumber, column: item.reject.column, reason: item.reject.reason })
  }
  out.checks = session.checks
  out.skipped = session.stats.skipped
  return out
}

const fixture = (name: string) => new Uint8Array(readFileSync(join(FIXTURES, name)))
const summary = (parsed: Parsed) => parsed.records.map(({ rowNumber, record }) => [rowNumber, record.kind, record.amount, record.counterAccount ?? null])
const codes = (parsed: Parsed) => parsed.checks.map((check) => check.code)

describe('defect 1: an unquoted thousands separator never stores a wrong amount', () => {
  it('WeChat ¥1,500.00 and a 中性交易 ¥2,000.00 are re-joined and flagged, and the bill adds up to its stated totals', async () => {
    const parsed = await parse(fixture('wechat-thousands.csv'), 'wechat-thousands.csv')
    expect(summary(parsed)).toEqual([
      [18, 'payment', -150000n, null],
      [19, 'payment', 8800n, null],
      [20, 'transfer', -200000n, 'wallet:零钱通'],
    ])
    expect(parsed.rejects).toEqual([])
    expect(parsed.checks).toContainEqual({ level: 'warning', code: 'ROW_REPAIRED', message: '金额含未加引号的千分位，已合并 / 2 row(s) had one field too many because an amount was written with an unquoted thousands separator; re-joined: row 18 金额(元) "¥1,500.00"; row 20 金额(元) "¥2,000.00"' })
    expect(codes(parsed)).toContain('STATED_TOTALS_OK')
  })

  it('Alipay 2023 222,228.50 is +222,228.50 (was +222.00)', async () => {
    const parsed = await parse(fixture('alipay-2023-thousands.csv'), 'alipay.csv')
    expect(parsed.records.find((item) => item.rowNumber === 26)?.record.amount).toBe(22222850n)
    expect(parsed.checks.find((check) => check.code === 'ROW_REPAIRED')?.message).toContain('row 26 金额 "222,228.50"')
  })

  it('JD 1,131.77(已退款89.84) is a payment of -1,131.77 with its sign kept (was +1.00), and the 89.84 refund row nets it to -1,041.93', async () => {
    const parsed = await parse(fixture('jd-thousands.csv'), 'jd.csv')
    const order = parsed.records.filter((item) => item.record.externalId === '300000000001')
    expect(order.map((item) => [item.rowNumber, item.record.kind, item.record.amount])).toEqual([[23, 'refund', 8984n], [24, 'payment', -113177n]])
    expect(order.reduce((sum, item) => sum + (item.record.amount as bigint), 0n)).toBe(-104193n)
    expect(parsed.checks.find((check) => check.code === 'ROW_REPAIRED')?.message).toContain('row 24 金额 "1,131.77(已退款89.84)"')
  })

  it('rejects, with row, column and reason, a wider row that no single thousands separator explains', async () => {
    const head = readFileSync(join(FIXTURES, 'wechat-thousands.csv'), 'utf8').split('\r\n').slice(0, 17).join('\r\n')
    const rows = [
      // an unquoted comma in 商品: the columns shift, but no amount is split
      '2024-03-08 10:00:00,商户消费,某商户,沙发,大号,支出,¥15.00,零钱,支付成功,4200000009,M9,/',
      // a thousands separator in 金额 and a comma in 商品: one field too many remains
      '2024-03-09 10:00:00,商户消费,某商户,沙发,大号,支出,¥1,500.00,零钱,支付成功,4200000010,M10,/',
    ]
    const parsed = await parse(utf8(`${head}\r\n${rows.join('\r\n')}\r\n`), 'w.csv')
    expect(parsed.records).toEqual([])
    expect(parsed.rejects).toEqual([
      { rowNumber: 18, column: '', reason: '列数多于表头，不按位置读取 / the row has 12 fields but the header has 11: an unquoted delimiter shifted the columns and no single thousands separator in an amount explains it; not read by position' },
      { rowNumber: 19, column: '', reason: '列数多于表头，不按位置读取 / the row has 13 fields but the header has 11: an unquoted delimiter shifted the columns and no single thousands separator in an amount explains it; not read by position' },
    ])
  })

  it('rejects a row where a separator could be in either of two amount columns (ambiguous)', async () => {
    // Alipay legacy: 金额 "1,000.00" and 服务费 "2,500.00": after the first split the second one sits
    // under 成功退款, so two amount columns look split and neither can be chosen.
    const header = '交易号,商家订单号,交易创建时间,付款时间,最近修改时间,交易来源地,类型,交易对方,商品名称,金额（元）,收/支,交易状态,服务费（元）,成功退款（元）,备注,资金状态'
    const row = '2024001,S1,2024-03-01 10:00:00,2024-03-01 10:00:01,2024-03-01 10:00:02,其他,即时到账交易,某店,商品,1,000.00,支出,交易成功,2,500.00,0.00,,已支出'
    const text = `支付宝交易记录明细查询\n---------------------------------交易记录明细列表------------------------------------\n${header}\n${row}\n`
    const parsed = await parse(new Uint8Array(iconv.encode(text, 'gbk')), 'legacy.csv')
    expect(parsed.rejects).toEqual([{ rowNumber: 4, column: '金额(元), 成功退款(元)', reason: '列数多于表头，不按位置读取 / the row has 18 fields but the header has 16, and an unquoted thousands separator could be in 金额(元) or 成功退款(元): ambiguous, not read by position' }])
  })
})

describe('shapeRow (the repair rule)', () => {
  const header = ['交易时间', '商户名称', '交易说明', '金额', '收/付款方式', '交易状态', '收/支', '交易分类', '交易订单号', '商家订单号', '备注']
  const amounts = [{ position: 3, name: '金额' }]
  it('keeps a JD row with its usual trailing delimiter as it is', () => {
    expect(shapeRow(['t', 'm', 'x', '10.20', '钱包余额', '交易成功', '支出', '快递', 'id', 'o', ' ', ''], header, amounts)).toEqual({ type: 'ok' })
  })
  it('re-joins one separator even with the trailing delimiter', () => {
    expect(shapeRow(['t', 'm', 'x', '1', '131.77(已退款89.84)', '卡', '交易成功', '支出', '网购', 'id', 'o', ' ', ''], header, amounts)).toMatchObject({ type: 'repaired', column: '金额', text: '1,131.77(已退款89.84)' })
  })
  // Found by the random-seed run of the property below (whole = 1000000): two separators and the
  // trailing delimiter were re-joined as 1,000 with 000.00 shifted into the next column.
  it('rejects an amount with two separators instead of re-joining only the first', () => {
    expect(shapeRow(['t', 'm', 'x', '1', '000', '000.00', '卡', '交易成功', '支出', '网购', 'id', 'o', ' ', ''], header, amounts)).toEqual({ type: 'reject', column: '金额', reason: '列数多于表头，不按位置读取 / the row has 14 fields but the header has 11: 金额 looks written with more than one unquoted thousands separator; not read by position' })
  })
})

describe('defect 2: neutral rows are transfers between the owner\'s accounts, never gains', () => {
  it('WeChat 零钱通 in/out, 理财通, 信用卡还款, 零钱充值 carry their direction and counter-account; nothing is an adjustment', async () => {
    const parsed = await parse(new Uint8Array(readFileSync(join(here, '../fixtures/imports/wechat-personal.csv'))), 'wechat.csv')
    const transfers = parsed.records.filter((item) => item.record.kind === 'transfer')
    expect(transfers.map(({ rowNumber, record }) => [rowNumber, record.amount, record.counterAccount])).toEqual([
      [23, 200000n, 'bank:工商银行(9876)'], [23, -200000n, 'wallet:零钱通'], // 转入零钱通-来自工商银行: bank -> 零钱通 through the wallet
      [27, -54858n, 'card:建设银行信用卡还款'], // 信用卡还款 from 零钱
      [28, 1000000n, 'bank:工商银行'], [28, -1000000n, 'investment:理财通'], // 购买理财通 paid by card
      [29, 300000n, 'bank:工商银行'], [29, -300000n, 'investment:理财通'],
      [30, 263478n, 'wallet:零钱通'], // 零钱通转出-到零钱
      [31, -123n, 'wallet:零钱通'], // 转入零钱通-来自零钱
      [32, 550500n, 'wallet:零钱通'], [32, -550500n, 'bank:工商银行(9876)'], // 零钱通转出-到工商银行
      [33, 130000n, 'bank:工商银行(9876)'], // 零钱充值
    ])
    expect(parsed.records.filter((item) => item.record.kind === 'adjustment')).toEqual([])
  })

  it('Alipay 不计收支 卖出至余额宝 moves a fund sale into 余额宝; an unplaceable neutral row is skipped with its reason', async () => {
    const parsed = await parse(fixture('alipay-2023-thousands.csv'), 'alipay.csv')
    expect(summary(parsed).filter((row) => row[1] === 'transfer')).toEqual([[31, 'transfer', 9934n, 'investment:基金'], [31, 'transfer', -9934n, 'wallet:余额宝']])
    const head = iconv.decode(readFileSync(join(FIXTURES, 'alipay-2023-thousands.csv')), 'gbk').split('\n').slice(0, 25).join('\n')
    const odd = '2024-03-03 10:00:00 ,其他 ,某人 ,/ ,亲情卡额度调整 ,不计收支 ,5.00 ,余额 ,交易成功 ,20240303200040011100000009\t,\t, ,'
    const other = await parse(new Uint8Array(iconv.encode(`${head}\n${odd}\n`, 'gbk')), 'a.csv')
    expect(other.records).toEqual([])
    expect(other.checks).toContainEqual({ level: 'info', code: 'SKIPPED', message: '1 row(s) skipped: 不计收支 其他 亲情卡额度调整: not a movement this parser can place between the owner\'s accounts; not booked (no income or expense)' })
  })
})

describe('defect 3: a closed Alipay payment is paired with its refund, the same way in both personal parsers', () => {
  it('2023 layout: 交易关闭 with its 退款成功 keeps both (nets 0); a lone 交易关闭 is skipped with its reason', async () => {
    const parsed = await parse(fixture('alipay-2023-thousands.csv'), 'alipay.csv')
    const pair = parsed.records.filter((item) => String(item.record.tradeNo) === '20240312200040011100000003')
    expect(pair.map((item) => [item.rowNumber, item.record.kind, item.record.amount])).toEqual([[28, 'refund', 5000n], [29, 'payment', -5000n]])
    expect(parsed.records.some((item) => item.rowNumber === 30)).toBe(false)
    expect(parsed.checks).toContainEqual({ level: 'info', code: 'SKIPPED', message: '1 row(s) skipped: 交易关闭 without a refund (no money moved)' })
    expect(codes(parsed)).toContain('CLOSED_REFUND_PAIRED')
  })

  it('2023 layout, oldest first: the closed payment comes before its refund and is still kept with it', async () => {
    const lines = iconv.decode(readFileSync(join(FIXTURES, 'alipay-2023-thousands.csv')), 'gbk').split('\n')
    const swapped = [...lines.slice(0, 27), lines[28], lines[27], ...lines.slice(29)].join('\n')
    const parsed = await parse(new Uint8Array(iconv.encode(swapped, 'gbk')), 'a.csv')
    const pair = parsed.records.filter((item) => String(item.record.tradeNo) === '20240312200040011100000003')
    expect(pair.map((item) => [item.record.kind, item.record.amount]).sort()).toEqual([['payment', -5000n], ['refund', 5000n]])
  })

  it('legacy layout: a closed trade whose 资金状态 shows no money moved is kept with its refund, not left as money from nowhere', async () => {
    const header = '交易号,商家订单号,交易创建时间,付款时间,最近修改时间,交易来源地,类型,交易对方,商品名称,金额（元）,收/支,交易状态,服务费（元）,成功退款（元）,备注,资金状态,'
    const rows = [
      '202011_133899\t,T200P133899\t,2020-11-01 20:33:07 ,,2020-11-01 20:33:07 ,淘宝,支付宝担保交易,某旗舰店,退款-兑换券,83.00,,退款成功,0.00,0.00,,已收入,',
      '202011\t,T200P133899\t,2020-11-01 19:04:41 ,,2020-11-01 20:33:06 ,淘宝,支付宝担保交易,某旗舰店,兑换券,83.00,支出,交易关闭,0.00,83.00,,,',
      '202012\t,T200P133900\t,2020-12-01 19:04:41 ,,2020-12-01 20:33:06 ,淘宝,支付宝担保交易,某旗舰店,兑换券,10.00,支出,交易关闭,0.00,0.00,,,',
    ]
    const text = `支付宝交易记录明细查询\n---------------------------------交易记录明细列表------------------------------------\n${header}\n${rows.join('\n')}\n`
    const parsed = await parse(new Uint8Array(iconv.encode(text, 'gbk')), 'legacy.csv')
    expect(summary(parsed)).toEqual([[4, 'refund', 8300n, null], [5, 'payment', -8300n, null]])
    expect(parsed.checks).toContainEqual({ level: 'info', code: 'SKIPPED', message: '1 row(s) skipped: 交易关闭 without a refund (no money moved)' })
  })
})

describe('defect 4: JD X(已退款Y), X(已全额退款), 先享后付 and 0.00 rows', () => {
  it('a full refund nets 0 (was +936.64), 先享后付 is skipped with its reason, and the bill matches its stated 支出', async () => {
    const parsed = await parse(fixture('jd-thousands.csv'), 'jd.csv')
    const full = parsed.records.filter((item) => item.record.externalId === '300000000003')
    expect(full.map((item) => [item.record.kind, item.record.amount])).toEqual([['refund', 7048n], ['refund', 39784n], ['payment', -46832n]])
    expect(full.reduce((sum, item) => sum + (item.record.amount as bigint), 0n)).toBe(0n)
    expect(parsed.checks).toContainEqual({ level: 'info', code: 'SKIPPED', message: '1 row(s) skipped: 先享后付 (pay later): no money left an account now; the repayment is a row of its own' })
    expect(parsed.checks).toContainEqual({ level: 'info', code: 'STATED_TOTALS_OK', message: 'the rows add up to the totals the file states (收入 0 / 0.00, 支出 2 / 1061.29, 不计收支 5)' })
    expect(parsed.records.some((item) => item.record.kind === 'adjustment')).toBe(false)
  })

  it('a 0.00 row that is not 先享后付 is skipped as no money moved', async () => {
    const lines = readFileSync(join(FIXTURES, 'jd-thousands.csv'), 'utf8').split('\r\n')
    const zero = '2024-12-20 10:00:00\t,京东平台商户,赠品,0.00,中国银行信用卡(1875),交易成功,支出,网购,300000000009\t,1000345234230009\t, ,'
    const parsed = await parse(utf8([...lines.slice(0, 22), zero, ''].join('\r\n')), 'jd.csv')
    expect(parsed.records).toEqual([])
    expect(parsed.checks).toContainEqual({ level: 'info', code: 'SKIPPED', message: '1 row(s) skipped: 0.00 amount: no money moved' })
  })
})

describe('defect 6 and self-checks: nothing is skipped without a word; a bill that does not add up imports nothing unless forced', () => {
  it('reports junk after the data block with its row, and rejects junk inside it with row and reason', async () => {
    const legacy = iconv.decode(readFileSync(join(here, '../fixtures/imports/alipay-personal-legacy.csv')), 'gbk')
    const parsed = await parse(new Uint8Array(iconv.encode(`${legacy}\n合计,,,,,￥99999.00\n`, 'gbk')), 'legacy.csv')
    expect(parsed.checks).toContainEqual({ level: 'warning', code: 'LINES_SKIPPED', message: '未作为数据读取的行 / 1 line(s) after the data block were not read as data: row 21 "合计,,,,,￥99999.00"' })
    const wechat = readFileSync(join(FIXTURES, 'wechat-thousands.csv'), 'utf8')
    const inside = await parse(utf8(`${wechat}\r\n合计,,,,,¥99999.00\r\n`), 'w.csv')
    expect(inside.rejects).toEqual([{ rowNumber: 22, column: '交易时间', reason: '"合计" is not a date' }])
  })

  it('imports nothing from a bill whose rows do not add up to its stated totals, and everything when forced', async () => {
    const text = readFileSync(join(FIXTURES, 'wechat-thousands.csv'), 'utf8').replace('支出：1笔 1500.00元', '支出：1笔 1400.00元')
    const { db, company } = await ledgerWithCompany()
    const refused = await importFile(db, company.id, { name: 'w.csv', bytes: utf8(text) }, { actor: SYSTEM }).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(LedgerError)
    expect((refused as LedgerError).message).toBe('w.csv: 文件自检不通过，未导入任何行（确认无误可强制导入）/ the file contradicts its own figures, nothing was imported (force the import if you accept it): 明细与账单自述的统计不符 / the WeChat 账单明细 rows do not add up to the totals the file states: 支出: the bill states 1 rows / 1400.00, its rows give 1 / 1500.00')
    const counts = async () => (await db.client.execute('SELECT (SELECT COUNT(*) FROM import_batches) AS batches, (SELECT COUNT(*) FROM settlement_txns) AS txns')).rows[0]
    expect(await counts()).toMatchObject({ batches: 0, txns: 0 })
    const forced = await importFile(db, company.id, { name: 'w.csv', bytes: utf8(text) }, { actor: SYSTEM, force: true })
    expect([forced.imported, forced.checks.filter((check) => check.level === 'error').map((check) => check.code)]).toEqual([3, ['STATED_TOTALS_MISMATCH']])
    expect(forced.checks.find((check) => check.code === 'STATED_TOTALS_MISMATCH')?.blocking).toBe(true)
    expect(await counts()).toMatchObject({ batches: 1, txns: 3 })
  })

  it('stores the transfer counter-account with the txn', async () => {
    const { db, company } = await ledgerWithCompany()
    await importFile(db, company.id, { name: 'w.csv', bytes: fixture('wechat-thousands.csv') }, { actor: SYSTEM })
    const rows = await db.client.execute('SELECT kind, amount_minor, counter_account FROM settlement_txns ORDER BY source_row')
    expect(rows.rows.map((row) => [row.kind, row.amount_minor, row.counter_account])).toEqual([['payment', -150000, null], ['payment', 8800, null], ['transfer', -200000, 'wallet:零钱通']])
  })
})

describe('running balances the file states are checked and reported', () => {
  for (const format of ['wechat-merchant-fund', 'alipay-seller-fund', 'douyin-account'] as const) {
    it(`${format}: agrees on a whole file; a missing row is reported with its place`, async () => {
      const whole = await generateFile(format, { seed: 3, rows: 30 })
      const fine = await parse(whole.bytes, whole.fileName)
      expect(fine.checks.filter((check) => check.code.startsWith('BALANCE_')).map((check) => check.code)).toEqual(['BALANCE_OK'])
      const gap = await generateFile(format, { seed: 3, rows: 30, missingRows: 1 })
      const broken = await parse(gap.bytes, gap.fileName)
      const mismatch = broken.checks.find((check) => check.code === 'BALANCE_MISMATCH')
      expect(mismatch?.level).toBe('warning')
      expect(mismatch?.message).toMatch(/^the running balance the file states does not follow from its amounts on 1 of \d+ row\(s\): row \d+: /)
    })
  }
})

describe('issue #21: a malformed summary line is a file-level check failure, not a crash', () => {
  // fast-check counterexample of test/imports/robustness.test.ts (seed -448169594, path 82:4:5:6:9:32:9:10:11:10:11:11:11):
  // a comma and a TAB inserted at byte 0 of a generated WeChat merchant 交易账单, and a 0x0E byte in its summary count.
  it('replays the counterexample: the parser reports SUMMARY_UNREADABLE instead of throwing RowError', async () => {
    const file = await generateFile('wechat-merchant-trade', { seed: 11, rows: 12 })
    let bytes = new Uint8Array(file.bytes)
    bytes = new Uint8Array([9, 44, ...bytes])
    bytes[746250820 % bytes.length] = 14
    const parsed = await parse(bytes, file.fileName)
    const failed = parsed.checks.filter((check) => check.code === 'SUMMARY_UNREADABLE')
    expect(failed).toHaveLength(1)
    expect(failed[0]?.level).toBe('error')
    expect(failed[0]?.message).toMatch(/^总交易单数: the summary line says ".*", which is not a count; the row count cannot be checked$/)
    const { db, company } = await ledgerWithCompany()
    await expect(importFile(db, company.id, { name: file.fileName, bytes }, { actor: SYSTEM })).rejects.toThrow(/nothing was imported .*the row count cannot be checked/)
  })

  it('an unreadable stated total in any personal bill or merchant trailer is an error check, never an exception', async () => {
    const wechat = readFileSync(join(FIXTURES, 'wechat-thousands.csv'), 'utf8').replace('收入：1笔 88.00元', '收入：1笔 8.8.0元')
    expect((await parse(utf8(wechat), 'w.csv')).checks.filter((check) => check.level === 'error').map((check) => check.code)).toEqual(['SUMMARY_UNREADABLE'])
    const merchant = await generateFile('alipay-merchant-account', { seed: 3, rows: 5 })
    const broken = iconv.decode(Buffer.from(merchant.bytes), 'gbk').replace(/#收入合计：(\d+)笔，共[\d.]+元/, '#收入合计：$1笔，共1.2.3元')
    expect((await parse(new Uint8Array(iconv.encode(broken, 'gbk')), 'm.csv')).checks.map((check) => check.code)).toContain('SUMMARY_UNREADABLE')
  })
})

// ---------------------------------------------------------------------------
// Property: an unquoted thousands separator in any amount cell of any CSV parser
// ---------------------------------------------------------------------------

interface Target {
  format: GeneratedFormat
  text: string
  encoding: 'utf8' | 'gbk'
  bom: boolean
  lines: string[]
  rows: Array<{ line: number; rowNumber: number; cells: string[] }>
  amountPositions: Array<{ position: number; name: string }>
}

async function targetOf(format: GeneratedFormat): Promise<Target | null> {
  const spec = GENERATED_FORMATS[format]
  const parser = parserById(spec.parser)
  if (spec.container !== 'csv' || (spec as { delimiter?: string }).delimiter !== undefined || !parser?.amountColumns) return null
  const file = await generateFile(format, { seed: 5, rows: 8 })
  const encoding = spec.encoding === 'gbk' ? 'gbk' : 'utf8'
  let text = encoding === 'gbk' ? iconv.decode(Buffer.from(file.bytes), 'gbk') : new TextDecoder().decode(file.bytes)
  const bom = text.startsWith('\uFEFF')
  if (bom) text = text.slice(1)
  const records = new CsvTokenizer(',').push(text)
  const headerAt = records.findIndex((record) => parser.required.every((name) => record.cells.some((cell) => normalizeHeader(cell) === name)))
  const header = records[headerAt]
  if (!header) return null
  const positions = new Map<string, number>()
  header.cells.forEach((cell, position) => {
    const name = normalizeHeader(cell)
    if (name && !positions.has(name)) positions.set(name, position)
  })
  const amountPositions = parser.amountColumns.flatMap((name) => (positions.has(name) ? [{ position: positions.get(name) ?? 0, name }] : []))
  const lines = text.split('\n')
  const produced = new Set(file.expected.map((item) => item.record.source.rowNumber))
  const rows = records.slice(headerAt + 1).filter((record) => produced.has(record.rowNumber) && record.cells.length >= header.cells.length && !record.cells.some((cell) => cell.includes('\n')))
    .map((record) => ({ line: record.rowNumber - 1, rowNumber: record.rowNumber, cells: record.cells }))
  return { format, text, encoding, bom, lines, rows, amountPositions }
}

/** The row's line with one cell replaced by `value`, written unquoted; the other cells quoted only when they must be. */
function lineWith(target: Target, row: Target['rows'][number], position: number, value: string): string {
  const carriage = (target.lines[row.line] ?? '').endsWith('\r') ? '\r' : ''
  const cells = row.cells.map((cell, index) => (index === position ? value : /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell))
  return `${cells.join(',')}${carriage}`
}

function fileWith(target: Target, line: number, text: string): Uint8Array {
  const lines = [...target.lines]
  lines[line] = text
  const body = `${target.bom ? '\uFEFF' : ''}${lines.join('\n')}`
  return target.encoding === 'gbk' ? new Uint8Array(iconv.encode(body, 'gbk')) : utf8(body)
}

const grouped = (whole: bigint) => whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')

describe('property: inserting an unquoted thousands separator into any amount cell never stores a wrong amount', async () => {
  const formats = (Object.keys(GENERATED_FORMATS) as GeneratedFormat[])
  const targets = (await Promise.all(formats.map(targetOf))).filter((target): target is Target => target !== null && target.rows.length > 0 && target.amountPositions.length > 0)

  it('covers every comma-separated CSV format the generators write', () => {
    expect(targets.map((target) => target.format).sort()).toEqual(formats.filter((format) => {
      const spec = GENERATED_FORMATS[format]
      return spec.container === 'csv' && (spec as { delimiter?: string }).delimiter === undefined
    }).sort())
  })

  for (const [index, seed] of [[0, 20260501], [1, undefined]] as const) {
    it(`each parser: the row is repaired and flagged with the same records as the plain amount, or rejected (${index === 0 ? 'fixed seed' : 'random seed, printed on failure'})`, async () => {
      for (const target of targets) {
        const cases = fc.record({ row: fc.nat({ max: target.rows.length - 1 }), column: fc.nat({ max: target.amountPositions.length - 1 }), whole: fc.bigInt({ min: 1000n, max: 9_999_999_999n }), cents: fc.nat({ max: 99 }) })
        await fc.assert(fc.asyncProperty(cases, async ({ row: rowIndex, column, whole, cents }) => {
          const row = target.rows[rowIndex]
          const amount = target.amountPositions[column]
          if (!row || !amount) return true
          const original = row.cells[amount.position] ?? ''
          if (cleanCell(original) === '' || !/\d/.test(original)) return true
          const prefix = /^[^\d]*/.exec(original)?.[0] ?? ''
          const suffix = /[\s\t]*$/.exec(original)?.[0] ?? ''
          const fraction = `.${String(cents).padStart(2, '0')}`
          const plain = await parse(fileWith(target, row.line, lineWith(target, row, amount.position, `${prefix}${whole}${fraction}${suffix}`)), `${target.format}.csv`)
          const split = await parse(fileWith(target, row.line, lineWith(target, row, amount.position, `${prefix}${grouped(whole)}${fraction}${suffix}`)), `${target.format}.csv`)
          const at = (parsed: Parsed) => JSON.stringify(parsed.records.filter((item) => item.rowNumber === row.rowNumber).map((item) => ({ ...item.record, source: undefined })), (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value))
          if (plain.rejects.some((reject) => reject.rowNumber === row.rowNumber)) return true
          if (split.rejects.some((reject) => reject.rowNumber === row.rowNumber)) return !split.records.some((item) => item.rowNumber === row.rowNumber)
          const flagged = split.checks.some((check) => check.code === 'ROW_REPAIRED' && check.message.includes(`row ${row.rowNumber} ${amount.name}`))
          return flagged && at(split) === at(plain)
        }), { numRuns: 15, ...(seed === undefined ? {} : { seed }) })
      }
    }, 120_000)
  }
})
