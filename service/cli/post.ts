import { statSync } from 'node:fs'
import { basename } from 'node:path'
import type { Command } from 'commander'
import { LedgerError } from '../../shared/errors.ts'
import { formatAmount } from '../../shared/money.ts'
import { GRANULARITIES, type Granularity } from '../../shared/posting/index.ts'
import { normalizePeriod } from '../../shared/period.ts'
import type { CliRuntime } from './runtime.ts'
import { importReceipts, readReceiptsFile, stockOnHand } from '../posting/inventory.ts'
import { importRates, listRates, readRatesFile } from '../posting/rates.ts'
import { runPosting } from '../posting/run.ts'
import { storeReconciliation, reconciliationJson } from '../posting/reconcile.ts'
import { type Align, formatTable, toCsv } from './table.ts'

const RECONCILE_COLUMNS: ReadonlyArray<readonly [string, string, Align]> = [
  ['store', '店铺 store', 'left'], ['channel', '渠道 channel', 'left'], ['currency', '币种', 'left'], ['orders', '订单 orders', 'right'], ['expected', '应收 expected', 'right'],
  ['received', '收款 received', 'right'], ['fees', '费用 fees', 'right'], ['refunds', '退款 refunds', 'right'], ['payouts', '提现 payouts', 'right'],
  ['foundInBank', '银行到账 in bank', 'right'], ['difference', '差异 difference', 'right'], ['walletMovement', '钱包发生额 wallet', 'right'],
  ['walletDifference', '未记账 unposted', 'right'], ['openExceptions', '未决异常 open exceptions', 'left'], ['held', '暂缓 held', 'right'],
]

/** A file for the import pipeline's reader (encoding, CSV/XLSX, row numbers): imports/table.ts. */
function fileInput(path: string): { name: string; path: string } {
  try {
    if (!statSync(path).isFile()) throw new Error('not a file')
  } catch (error) {
    throw new LedgerError('BAD_REQUEST', `cannot read ${path}: ${(error as Error).message}`)
  }
  return { name: basename(path), path }
}

function granularityOf(text: string | undefined): Granularity | undefined {
  if (text === undefined) return undefined
  if (!(GRANULARITIES as ReadonlyArray<string>).includes(text)) throw new LedgerError('VALIDATION', `--granularity must be one of ${GRANULARITIES.join(', ')}`)
  return text as Granularity
}

/** zh-CN when LANG (or LC_ALL / LC_MESSAGES) starts with zh, else en. */
export function cliLanguage(env: NodeJS.ProcessEnv = process.env): 'zh' | 'en' {
  return /^zh/i.test(env.LC_ALL || env.LC_MESSAGES || env.LANG || '') ? 'zh' : 'en'
}

/** Per hold reason: count, the fix (in the terminal's language) and the first items' own messages. */
function holdLines(reasons: ReadonlyArray<{ reason: string; count: number; zh: string; en: string }>, held: ReadonlyArray<{ reason: string; message: string }>): string {
  const language = cliLanguage()
  return reasons.map((reason) => {
    const examples = held.filter((item) => item.reason === reason.reason).slice(0, 3).map((item) => `    - ${item.message}`)
    const more = reason.count > 3 ? [`    - … ${reason.count - 3} more (--json lists them all)`] : []
    return [`  ${reason.reason} ${reason.count}: ${reason[language]}`, ...examples, ...more].join('\n')
  }).join('\n')
}

/** `cledger post`, `cledger rates`, `cledger inventory`. */
export function registerPostingCommands(program: Command, runtime: CliRuntime): void {
  program.command('post')
    .description('generate vouchers from imported and matched records (drafts unless the company auto-approves them)')
    .option('--period <YYYY-MM>', 'only events dated in this period')
    .option('--store <store>', 'only this store')
    .option('--granularity <g>', `one of ${GRANULARITIES.join(', ')} (default: company setting)`)
    .option('--dry-run', 'preview: show the vouchers without writing them')
    .action(async (flags: { period?: string; store?: string; granularity?: string; dryRun?: boolean }) => {
      const { context, company, actor } = await runtime.open(flags.dryRun ? 'posting.preview' : 'posting.run')
      const result = await runPosting(context, actor, company.id, { period: flags.period ? normalizePeriod(flags.period) : undefined, store: flags.store, granularity: granularityOf(flags.granularity), dryRun: flags.dryRun })
      runtime.print(result, () => {
        const rows = result.vouchers.slice(0, 50).map((v) => [v.date, v.number ? `记-${v.number}` : v.id ? `#${v.id}` : '', v.status ?? v.approval, v.total, String(v.sources), v.summary])
        const more = result.vouchers.length > 50 ? `\n... and ${result.vouchers.length - 50} more` : ''
        const held = result.held.length ? `\n${result.held.length} item(s) wait:\n${holdLines(result.holdReasons, result.held)}` : ''
        const head = result.dryRun ? `preview (${result.granularity}): ${result.vouchers.length} voucher(s) would be written` : `posted (${result.granularity}): ${result.written.vouchers} voucher(s), ${result.written.lines} line(s); ${result.written.posted} auto-approved and posted, ${result.written.drafts} draft(s) for an approver`
        return `${head}\n${rows.length ? formatTable(['date', 'no', 'status', 'total', 'sources', 'summary'], rows, ['left', 'left', 'left', 'right', 'right']) : ''}${more}${held}`
      })
    })
  program.command('reconcile')
    .description('对账汇总 per store: orders, expected, received, fees, refunds, payouts, found in the bank, difference, wallet movement in the ledger, open exceptions, held items')
    .requiredOption('--period <YYYY-MM>', 'the period')
    .option('--store <store>', 'only this store')
    .option('--format <f>', 'table | csv | json', 'table')
    .action(async (flags: { period: string; store?: string; format: string }) => {
      if (!['table', 'csv', 'json'].includes(flags.format)) throw new LedgerError('VALIDATION', '--format must be table, csv or json')
      const { context, company } = await runtime.open('match.read')
      const result = await storeReconciliation(context, company.id, { period: normalizePeriod(flags.period), ...(flags.store === undefined ? {} : { store: flags.store }) })
      const rows = result.stores.map(reconciliationJson)
      if (flags.format === 'json' || runtime.options().json) {
        runtime.stdout(`${JSON.stringify({ period: result.period, stores: rows }, null, 2)}\n`)
        return
      }
      const cell = (value: unknown) => (value === null || value === undefined ? '' : typeof value === 'object' ? Object.entries(value as Record<string, number>).map(([type, n]) => `${type} ${n}`).join('; ') : String(value))
      const table = rows.map((row) => RECONCILE_COLUMNS.map(([key]) => cell((row as Readonly<Record<string, unknown>>)[key])))
      if (flags.format === 'csv') runtime.stdout(toCsv(RECONCILE_COLUMNS.map(([key]) => key), table))
      else runtime.stdout(`对账汇总 ${result.period}\n${formatTable(RECONCILE_COLUMNS.map(([, label]) => label), table, RECONCILE_COLUMNS.map(([, , align]) => align))}\n`)
    })
  const rates = program.command('rates').description('exchange rates (汇率) to the base currency')
  rates.command('import <file>').description('CSV: date,currency,rate[,source]').option('--source <text>', 'source when the file has none', 'csv').action(async (file: string, flags: { source: string }) => {
    const { context, company, actor } = await runtime.open('vouchers.create')
    const result = await importRates(context, actor, company.id, await readRatesFile(fileInput(file), flags.source))
    runtime.print(result, () => `imported ${result.imported} rate(s)`)
  })
  rates.command('list').action(async () => {
    const { context, company } = await runtime.open('vouchers.read')
    const list = await listRates(context, company.id)
    runtime.print({ rates: list }, () => formatTable(['date', 'currency', `rate to ${company.baseCurrency}`, 'source'], list.map((r) => [r.date, r.currency, r.rate, r.source])))
  })
  const inventory = program.command('inventory').description('products and moving-average stock')
  inventory.command('receipts <file>').description('purchase receipts CSV: date,sku,quantity,total_cost[,name,reference]').action(async (file: string) => {
    const { context, company, actor } = await runtime.open('vouchers.create')
    const result = await importReceipts(context, actor, company.id, await readReceiptsFile(fileInput(file), company.baseCurrency))
    runtime.print(result, () => `imported ${result.imported} receipt(s)`)
  })
  inventory.command('stock').action(async () => {
    const { context, company } = await runtime.open('vouchers.read')
    const stock = await stockOnHand(context, company.id)
    runtime.print({ stock: stock.map((s) => ({ sku: s.sku, quantity: s.quantity.toString(), value: formatAmount(s.value, company.baseCurrency) })) }, () => formatTable(['sku', 'quantity', 'value'], stock.map((s) => [s.sku, s.quantity.toString(), formatAmount(s.value, company.baseCurrency)]), ['left', 'right', 'right']))
  })
}
