import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { formatAmount, parseAmount } from '../../shared/money.ts'
import { createDemo } from '../../service/demo.ts'
import { createContext } from '../../service/ledger/context.ts'
import { exportJournal } from '../../service/ledger/export.ts'
import { buildReport } from '../../service/reports/index.ts'
import { tempDatabase } from '../support/db.ts'
import { describeWithTools } from '../support/outside-tools.ts'

/** Per-account balances (debit positive, minor units) from `hledger bal`, for accounts matching a regex. */
function hledgerBalances(journal: string, args: string[]): Map<string, bigint> {
  let csv: string
  try {
    csv = execFileSync('hledger', ['-f', journal, 'bal', '--flat', '--no-total', '-O', 'csv', ...args], { encoding: 'utf8' })
  } catch (error) {
    throw new Error(`hledger is needed (apt-get install -y hledger): ${(error as Error).message.split('\n')[0]}`)
  }
  const result = new Map<string, bigint>()
  for (const line of csv.trim().split('\n').slice(1)) {
    const [account, amount] = line.replaceAll('"', '').split(',')
    if (account && amount) result.set(account.replaceAll(':', '.'), parseAmount(amount.replace(/\s*CNY/, ''), 'CNY'))
  }
  return result
}

function sumWhere(balances: Map<string, bigint>, prefixes: string[]): bigint {
  let total = 0n
  for (const [code, value] of balances) if (prefixes.some((prefix) => code === prefix || code.startsWith(prefix.length === 1 ? prefix : `${prefix}.`))) total += value
  return total
}

describeWithTools(['hledger'], 'statements agree with hledger on the same accounts', () => {
  it('货币资金, 营业收入 and 净利润 of the demo month equal hledger totals of their accounts', async () => {
    const { db, dir } = await tempDatabase()
    const context = createContext(db)
    const demo = await createDemo(context)
    const journal = join(dir, 'demo.journal')
    let text = ''
    for await (const chunk of exportJournal(context, demo.company.id)) text += chunk
    writeFileSync(journal, text)
    const balanceSheet = await buildReport(context, demo.company.id, 'balance-sheet', { period: '2026-10' })
    const income = await buildReport(context, demo.company.id, 'income-statement', { period: '2026-10' })
    const cashRow = balanceSheet.rows.find((row) => row.cells.asset === '货币资金')
    const closing = hledgerBalances(journal, ['-e', '2026-11-01'])
    expect(cashRow?.cells.assetClosing).toBe(sumWhere(closing, ['1001', '1002', '1012']))
    const month = hledgerBalances(journal, ['-b', '2026-10-01', '-e', '2026-11-01'])
    const revenueRow = income.rows.find((row) => String(row.cells.item).includes('营业收入'))
    expect(formatAmount(revenueRow?.cells.month as bigint, 'CNY')).toBe(formatAmount(-sumWhere(month, ['5001', '5051']), 'CNY'))
    const profitRow = income.rows.find((row) => String(row.cells.item).includes('净利润'))
    expect(formatAmount(profitRow?.cells.month as bigint, 'CNY')).toBe(formatAmount(-sumWhere(month, ['5']), 'CNY'))
    expect(sumWhere(month, ['5'])).not.toBe(0n)
  })
})
