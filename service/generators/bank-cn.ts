import { createHash } from 'node:crypto'
import { minor } from '../../shared/money.ts'
import type { BankTxn } from '../../shared/records.ts'
import { BOC_HEADER } from '../imports/parsers/bank-cn.ts'
import { type BankLineSpec, type FormatSpec, type GeneratedRow, PENDING_SOURCE, type RowContext, type Summary, clock, money, running } from './core.ts'

export type { BankLineSpec }

/**
 * Corporate 网银 交易明细 of six banks. The layouts are ASSUMED (no real export
 * is in the samples): column names from the banks' documented export columns,
 * preambles/trailers as described in the generators README ("Bank statements").
 * Every file carries a running balance (余额) that adds up row by row, and the
 * files that state figures (期初/期末余额, 笔数, 合计) state the right ones.
 *
 * Rows are random lines (platform payouts in, suppliers/tax/salary/fees out),
 * or, with `options.bankLines`, exactly the lines given (linked files for
 * payout ↔ bank matching).
 */

/** Our company, the account holder of every generated statement. */
export const HOLDER = '杭州示例电子商务有限公司'

/** Platform payers as they appear in 对方户名 (see shared/matching/platforms.ts). */
export const PLATFORM_PAYERS = {
  alipay: '支付宝（中国）网络技术有限公司',
  wechat: '财付通支付科技有限公司',
  jd: '网银在线（北京）科技有限公司',
  pdd: '上海寻梦信息技术有限公司',
  douyin: '北京抖音信息服务有限公司',
} as const

const SUPPLIERS = ['杭州恒达包装材料有限公司', '义乌市鑫源日用品厂', '国家金库杭州市中心支库', '浙江顺丰速运有限公司']

/** Opening balance of every generated statement: 1,000,000.00. */
export const OPENING = 100_000_000n

function randomLine(context: RowContext): BankLineSpec {
  const { rng, index } = context
  const minutes = index * 97 + rng.int(0, 40)
  if (rng.chance(0.55)) {
    const platform = rng.pick(Object.values(PLATFORM_PAYERS))
    return { minutes, amount: rng.minor(50_000, 3_000_000), counterparty: platform, counterpartyAccount: rng.digits(16), memo: '提现', purpose: `${platform.slice(0, 2)}提现 ${rng.digits(10)}` }
  }
  if (rng.chance(0.15)) return { minutes, amount: -rng.minor(100, 2_000), counterparty: '', memo: '手续费', purpose: '' }
  const supplier = rng.pick(SUPPLIERS)
  return { minutes, amount: -rng.minor(10_000, 1_500_000), counterparty: supplier, counterpartyAccount: rng.digits(19), memo: supplier.startsWith('国家金库') ? '税款' : '货款', purpose: `合同${rng.digits(6)}` }
}

function lineOf(context: RowContext): BankLineSpec {
  const given = context.options.bankLines
  if (given) {
    const line = given[context.index]
    if (!line) throw new Error(`bankLines has no line ${context.index}`)
    return line
  }
  return randomLine(context)
}

/** Distinct non-blank parts joined as the parsers join 摘要 / 用途. */
function memoOf(...parts: string[]): string {
  return parts.filter((part, index) => part !== '' && parts.indexOf(part) === index).join(' / ')
}

function hashId(occurredAt: string, amount: bigint, balance: bigint, memo: string, counterparty: string): string {
  return createHash('sha1').update(`${occurredAt}|${amount}|${balance}|${memo}|${counterparty}`).digest('hex').slice(0, 20)
}

interface Built {
  line: BankLineSpec
  balance: bigint
  /** `yyyy-MM-dd HH:mm:ss` */
  time: string
  iso: string
  /** `yyyyMMdd` */
  day: string
  /** `HH:mm:ss` */
  clockText: string
  magnitude: string
  out: boolean
}

function build(context: RowContext): Built {
  const line = lineOf(context)
  const balance = running(context, 'balance', line.amount, OPENING)
  const [time, iso] = clock(line.minutes)
  return { line, balance, time, iso, day: time.slice(0, 10).replace(/-/g, ''), clockText: time.slice(11), magnitude: money(line.amount < 0n ? -line.amount : line.amount), out: line.amount < 0n }
}

function record(context: RowContext, account: string, built: Built, fields: { externalId?: string; memo: string; reference?: string; valueDate?: string }): GeneratedRow['records'] {
  const { line, balance, iso } = built
  const bank: BankTxn = {
    account: context.store || account,
    externalId: fields.externalId ?? hashId(iso, line.amount, balance, fields.memo, line.counterparty),
    occurredAt: iso, valueDate: fields.valueDate ?? iso.slice(0, 10), amount: minor(line.amount), currency: 'CNY', balanceAfter: minor(balance), memo: fields.memo, source: PENDING_SOURCE,
  }
  if (line.counterparty !== '') bank.counterparty = line.counterparty
  if (line.counterpartyAccount) bank.counterpartyAccount = line.counterpartyAccount
  if (fields.reference) bank.reference = fields.reference
  return [{ kind: 'bankTxn', record: bank }]
}

const closing = (summary: Summary): bigint => OPENING + summary.incoming.total + summary.outgoing.total

// ---------------------------------------------------------------------------
// ICBC 工商银行: GBK CSV, 交易时间 with seconds, 借方/贷方发生额, no serial (hash ids),
// trailer: a 合计 row under the amount columns and the 借方/贷方笔数.
// ---------------------------------------------------------------------------

const ICBC_ACCOUNT = '1202020209900012345'

export const bankIcbc: FormatSpec = {
  parser: 'bank-icbc',
  container: 'csv',
  encoding: 'gbk',
  preamble: () => ['中国工商银行企业网上银行 账户明细', `账号：${ICBC_ACCOUNT}  户名：${HOLDER}  币种：人民币`, '查询区间：2024-03-01 至 2024-03-31', ''],
  header: ['凭证号', '本方账号', '对方账号', '交易时间', '借/贷', '借方发生额', '贷方发生额', '对方行号', '摘要', '用途', '对方单位名称', '余额', '个性化信息'],
  row(context) {
    const built = build(context)
    const { line } = built
    const purpose = line.purpose ?? ''
    return {
      cells: ['', ICBC_ACCOUNT, line.counterpartyAccount ?? '', built.time, built.out ? '借' : '贷', built.out ? built.magnitude : '', built.out ? '' : built.magnitude, line.counterpartyAccount ? `102${context.rng.digits(9)}` : '', line.memo, purpose, line.counterparty, money(built.balance), ''],
      records: record(context, ICBC_ACCOUNT, built, { memo: memoOf(line.memo, purpose), reference: purpose }),
    }
  },
  trailer: (summary) => [
    ['合计', '', '', '', '', money(-summary.outgoing.total), money(summary.incoming.total)],
    [`借方笔数：${summary.outgoing.count}  贷方笔数：${summary.incoming.count}`],
  ],
}

// ---------------------------------------------------------------------------
// CCB 建设银行: legacy .xls (BIFF8), preamble rows, compact `20240301 10:15:22`
// times, 借方发生额（支取）/贷方发生额（收入）, 账户明细编号-交易流水号; balance only.
// ---------------------------------------------------------------------------

const CCB_ACCOUNT = '33050161627300000123'

export const bankCcb: FormatSpec = {
  parser: 'bank-ccb',
  container: 'xls',
  encoding: 'utf8',
  preamble: () => [`账号：${CCB_ACCOUNT}`, `账户名称：${HOLDER}`, '开户行：中国建设银行股份有限公司杭州高新支行', '币种：人民币', '起始日期：20240301  终止日期：20240331'],
  header: ['交易时间', '借方发生额（支取）', '贷方发生额（收入）', '余额', '币种', '对方户名', '对方账号', '对方开户机构', '记账日期', '摘要', '备注', '账户明细编号-交易流水号', '企业流水号', '凭证种类', '凭证号'],
  row(context) {
    const built = build(context)
    const { line } = built
    const serial = `${CCB_ACCOUNT.slice(-6)}-${String(context.index + 1).padStart(6, '0')}${context.rng.digits(6)}`
    const remark = line.purpose ?? ''
    return {
      cells: [`${built.day} ${built.clockText}`, built.out ? built.magnitude : '', built.out ? '' : built.magnitude, money(built.balance), '人民币', line.counterparty, line.counterpartyAccount ?? '', line.counterparty ? '中国建设银行杭州分行' : '', built.day, line.memo, remark, serial, '', '', ''],
      records: record(context, CCB_ACCOUNT, built, { externalId: serial, memo: memoOf(line.memo, remark) }),
    }
  },
}

// ---------------------------------------------------------------------------
// ABC 农业银行: an HTML table saved as .xls (GBK, meta charset=gb2312), 收入/支出金额,
// 本次余额; 期初余额 in the preamble, 收入/支出 笔数 and 合计 and 期末余额 in the trailer.
// ---------------------------------------------------------------------------

const ABC_ACCOUNT = '19015101040012345'

export const bankAbc: FormatSpec = {
  parser: 'bank-abc',
  container: 'html',
  encoding: 'gbk',
  preamble: () => ['中国农业银行 账户明细', `账号：${ABC_ACCOUNT}  户名：${HOLDER}`, '币种：人民币', `期初余额：${money(OPENING)}`],
  header: ['交易时间', '收入金额', '支出金额', '本次余额', '手续费总额', '交易方式', '交易行名', '对方账号', '对方户名', '对方开户行', '交易用途', '摘要', '交易流水号'],
  row(context) {
    const built = build(context)
    const { line } = built
    const serial = `ABC${built.day}${context.rng.digits(8)}`
    const purpose = line.purpose ?? ''
    return {
      cells: [built.time, built.out ? '' : built.magnitude, built.out ? built.magnitude : '', money(built.balance), '0.00', '网银', '中国农业银行杭州分行', line.counterpartyAccount ?? '', line.counterparty, line.counterparty ? '对方开户行' : '', purpose, line.memo, serial],
      records: record(context, ABC_ACCOUNT, built, { externalId: serial, memo: memoOf(line.memo, purpose), reference: purpose }),
    }
  },
  trailer: (summary) => [
    [`收入笔数：${summary.incoming.count}  收入合计：${money(summary.incoming.total)}`],
    [`支出笔数：${summary.outgoing.count}  支出合计：${money(-summary.outgoing.total)}`],
    [`期末余额：${money(closing(summary))}`],
  ],
}

// ---------------------------------------------------------------------------
// BOC 中国银行: XLSX, bilingual header, 来账/往账 with a signed 交易金额, payer and
// payee columns (the counterparty is the other side), 交易后余额; no preamble.
// ---------------------------------------------------------------------------

const BOC_ACCOUNT = '356258340012'

export const bankBoc: FormatSpec = {
  parser: 'bank-boc',
  container: 'xlsx',
  encoding: 'utf8',
  header: [...BOC_HEADER],
  row(context) {
    const built = build(context)
    const { line } = built
    const serial = `${built.day}${context.rng.digits(10)}`
    const us = ['104331000019', '中国银行杭州分行', BOC_ACCOUNT, HOLDER]
    const them = [line.counterparty ? '102100099996' : '', line.counterparty ? '对方开户行' : '', line.counterpartyAccount ?? '', line.counterparty]
    const [payer, payee] = built.out ? [us, them] : [them, us]
    const purpose = line.purpose ?? ''
    const amount = built.out ? `-${built.magnitude}` : built.magnitude
    return {
      cells: [built.out ? '往账' : '来账', '转账', ...payer, ...payee, built.day, built.clockText, 'CNY', amount, money(built.balance), built.day, '', serial, '', '', '', '', '', line.memo, purpose, '', ''],
      records: record(context, BOC_ACCOUNT, built, { externalId: serial, memo: memoOf(line.memo, purpose) }),
    }
  },
}

// ---------------------------------------------------------------------------
// BOCOM 交通银行: GBK CSV listed NEWEST FIRST, 借贷标志 + unsigned 发生额, 余额,
// trailer with 借方/贷方 笔数 and 金额合计.
// ---------------------------------------------------------------------------

const BOCOM_ACCOUNT = '331066110018170012345'

export const bankBocom: FormatSpec = {
  parser: 'bank-bocom',
  container: 'csv',
  encoding: 'gbk',
  newestFirst: true,
  preamble: () => ['交通银行 账户交易明细', `账号：${BOCOM_ACCOUNT}`, `户名：${HOLDER}`, '币种：人民币', '查询时间段：20240301-20240331'],
  header: ['交易日期', '交易时间', '业务类型', '凭证种类', '凭证号码', '借贷标志', '发生额', '余额', '对方账号', '对方户名', '对方行名', '摘要', '附言', '交易流水号'],
  row(context) {
    const built = build(context)
    const { line } = built
    const serial = `Z${built.day}${context.rng.digits(9)}`
    const purpose = line.purpose ?? ''
    return {
      cells: [built.time.slice(0, 10), built.clockText, '网银转账', '', '', built.out ? '借' : '贷', built.magnitude, money(built.balance), line.counterpartyAccount ?? '', line.counterparty, line.counterparty ? '对方行' : '', line.memo, purpose, serial],
      records: record(context, BOCOM_ACCOUNT, built, { externalId: serial, memo: memoOf(line.memo, purpose), reference: purpose }),
    }
  },
  trailer: (summary) => [[`借方笔数：${summary.outgoing.count}  借方金额合计：${money(-summary.outgoing.total)}  贷方笔数：${summary.incoming.count}  贷方金额合计：${money(summary.incoming.total)}`]],
}

// ---------------------------------------------------------------------------
// CMB 招商银行: XLSX (U-BANK 交易明细), compact 交易日 + 交易时间, 起息日, 借方/贷方金额,
// 收/付方名称/帐号 (帐), 流水号; 期初余额 in the preamble, 笔数/合计/期末余额 in the trailer.
// ---------------------------------------------------------------------------

const CMB_ACCOUNT = '571908801032801'

export const bankCmb: FormatSpec = {
  parser: 'bank-cmb',
  container: 'xlsx',
  encoding: 'utf8',
  preamble: () => ['招商银行 交易明细', `账号：${CMB_ACCOUNT}`, `账户名称：${HOLDER}`, '币种：人民币', `期初余额：${money(OPENING)}`, ''],
  header: ['交易日', '交易时间', '起息日', '交易类型', '借方金额', '贷方金额', '余额', '摘要', '流水号', '流程实例号', '业务名称', '用途', '业务参考号', '业务摘要', '其它摘要', '收/付方分行名', '收/付方名称', '收/付方帐号', '收/付方开户行行号', '收/付方开户行名', '收/付方开户行地址', '母/子公司帐号分行名', '母/子公司帐号', '母/子公司名称', '信息标志', '有否附件信息', '冲帐标志', '扩展摘要', '交易分析码', '票据号', '商务支付订单号', '内部编号'],
  row(context) {
    const built = build(context)
    const { line } = built
    const serial = `K${context.rng.digits(4)}${built.day.slice(2)}${context.rng.digits(6)}`
    const purpose = line.purpose ?? ''
    const reference = `R${context.rng.digits(12)}`
    return {
      cells: [built.day, built.clockText, built.day, built.out ? '转账汇款' : '汇入汇款', built.out ? built.magnitude : '', built.out ? '' : built.magnitude, money(built.balance), line.memo, serial, '', '', purpose, reference, '', '', line.counterparty ? '杭州分行' : '', line.counterparty, line.counterpartyAccount ?? '', '', '', '', '', '', '', '', 'N', '', '', '', '', '', ''],
      records: record(context, CMB_ACCOUNT, built, { externalId: serial, memo: memoOf(line.memo, purpose), reference }),
    }
  },
  trailer: (summary) => [
    ['借方笔数', String(summary.outgoing.count), '借方金额合计', money(-summary.outgoing.total)],
    ['贷方笔数', String(summary.incoming.count), '贷方金额合计', money(summary.incoming.total)],
    ['期末余额', money(closing(summary))],
  ],
}

/** The six corporate layouts by bank, for tests that go over all of them. */
export const BANK_FORMATS = {
  'bank-icbc': bankIcbc,
  'bank-ccb': bankCcb,
  'bank-abc': bankAbc,
  'bank-boc': bankBoc,
  'bank-bocom': bankBocom,
  'bank-cmb': bankCmb,
} as const
