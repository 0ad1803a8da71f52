import { formatAmount, type Minor } from '../../../shared/money.ts'
import { moneyOrNull } from '../clean.ts'
import type { Check } from '../types.ts'

/**
 * Self-checks of a bank statement (网银 交易明细): the running balance row by
 * row, and the figures the file states about itself (期初/期末余额, 借方/贷方
 * 笔数 and 发生额合计) against its rows. Streaming: memory holds the first and
 * the previous row, never the file.
 *
 * Row order is found, not assumed: some exports list the newest line first.
 * Both orders are checked side by side and the one with fewer breaks is taken
 * (ties: oldest first).
 *
 * A break or a stated figure that the rows contradict is an `error` check with
 * `blocking: true`: the import then writes nothing unless forced (see load.ts).
 */

export interface StatedFacts {
  opening?: Minor
  closing?: Minor
  debitCount?: number
  debitTotal?: Minor
  creditCount?: number
  creditTotal?: Minor
}

interface Line {
  rowNumber: number
  amount: bigint
  balance: bigint
}

const MAX_LISTED = 10

const NUMBER = '[:：,]*[¥￥]?(-?[\\d,]*\\d(?:\\.\\d+)?)'
const FACT_PATTERNS: Array<{ fact: keyof StatedFacts; pattern: RegExp; count?: true }> = [
  { fact: 'opening', pattern: new RegExp(`(?:期初余额|上期余额|起始余额)${NUMBER}`) },
  { fact: 'closing', pattern: new RegExp(`(?:期末余额|本期余额|截止余额)${NUMBER}`) },
  { fact: 'debitCount', pattern: /(?:借方|支出|付款)(?:总)?笔数[:：,]*(\d+)/, count: true },
  { fact: 'creditCount', pattern: /(?:贷方|收入|收款)(?:总)?笔数[:：,]*(\d+)/, count: true },
  { fact: 'debitTotal', pattern: new RegExp(`(?:借方发生额合计|借方金额合计|借方发生总额|借方合计金额|借方合计|支出金额合计|支出合计|支出总额|付款金额合计)${NUMBER}`) },
  { fact: 'creditTotal', pattern: new RegExp(`(?:贷方发生额合计|贷方金额合计|贷方发生总额|贷方合计金额|贷方合计|收入金额合计|收入合计|收入总额|收款金额合计)${NUMBER}`) },
]

/** Reads the stated figures of one preamble/trailer line into `facts` (first statement of each wins). */
export function readStatedFacts(line: string, currency: string, facts: StatedFacts): void {
  const text = line.replace(/[\s\u3000"]/g, '')
  for (const { fact, pattern, count } of FACT_PATTERNS) {
    if (facts[fact] !== undefined) continue
    const match = pattern.exec(text)
    if (!match?.[1]) continue
    if (count) {
      ;(facts as Record<string, unknown>)[fact] = Number(match[1])
      continue
    }
    try {
      const value = moneyOrNull(fact, match[1], currency)
      if (value !== null) (facts as Record<string, unknown>)[fact] = value
    } catch {
      // An unreadable figure is no statement; the rows are still checked against each other.
    }
  }
}

function rowList(rows: ReadonlyArray<number>, total: number): string {
  return `${rows.join(', ')}${total > rows.length ? ` … (${total} in all)` : ''}`
}

export class StatementChecker {
  private first: Line | null = null
  private previous: Line | null = null
  private rows = 0
  private withoutBalance = 0
  private readonly breaks = { asc: [] as number[], desc: [] as number[], ascCount: 0, descCount: 0 }
  private debitCount = 0
  private creditCount = 0
  private debitTotal = 0n
  private creditTotal = 0n
  readonly facts: StatedFacts = {}

  constructor(private readonly label: string) {}

  private segment: string | null = null
  private segments = 0

  /**
   * One imported line: signed amount (+ = money in) and the balance after it, if
   * the file gives one. `segment` names the account the line belongs to (its
   * sheet, its own 本方账号): a new segment starts a new balance chain, so a
   * workbook with one sheet per account is not one long broken chain.
   */
  add(rowNumber: number, amount: bigint, balance: bigint | null, segment = ''): void {
    if (segment !== this.segment) {
      this.segment = segment
      this.segments += 1
      this.previous = null
    }
    this.rows += 1
    if (amount < 0n) {
      this.debitCount += 1
      this.debitTotal -= amount
    } else if (amount > 0n) {
      this.creditCount += 1
      this.creditTotal += amount
    }
    if (balance === null) {
      this.withoutBalance += 1
      return
    }
    const line = { rowNumber, amount, balance }
    const previous = this.previous
    if (previous) {
      // Oldest first: previous balance + this amount = this balance.
      if (previous.balance + amount !== balance) {
        this.breaks.ascCount += 1
        if (this.breaks.asc.length < MAX_LISTED) this.breaks.asc.push(rowNumber)
      }
      // Newest first: this balance + previous amount = previous balance.
      if (balance + previous.amount !== previous.balance) {
        this.breaks.descCount += 1
        if (this.breaks.desc.length < MAX_LISTED) this.breaks.desc.push(previous.rowNumber)
      }
    } else if (this.first === null) {
      this.first = line
    }
    this.previous = line
  }

  finish(currency: string): Check[] {
    const checks: Check[] = []
    const money = (value: bigint) => formatAmount(value as Minor, currency)
    const label = this.label
    const first = this.first
    const last = this.previous
    let opening: bigint | null = null
    let closing: bigint | null = null
    if (first && last) {
      const newestFirst = this.breaks.descCount < this.breaks.ascCount
      const count = newestFirst ? this.breaks.descCount : this.breaks.ascCount
      const listed = newestFirst ? this.breaks.desc : this.breaks.asc
      const order = newestFirst ? 'newest first' : 'oldest first'
      if (this.withoutBalance > 0) {
        checks.push({ level: 'warning', code: 'BALANCE_MISSING', message: `${label}: ${this.withoutBalance} row(s) have no 余额 (balance); the running balance is checked over the others` })
      }
      if (count > 0) {
        checks.push({ level: 'error', blocking: true, code: 'BALANCE_CHAIN_BROKEN', message: `${label}: 余额不连续 / the running balance breaks at row(s) ${rowList(listed, count)} (${order}): previous balance + amount ≠ balance — a row is missing, repeated or altered` })
      } else if (this.rows - this.withoutBalance > 1) {
        checks.push({ level: 'info', code: 'BALANCE_CHAIN_OK', message: `${label}: running balance agrees on all ${this.rows - this.withoutBalance} rows (${order}${this.segments > 1 ? `, ${this.segments} accounts/sheets` : ''})` })
      }
      // One account: its opening and closing balances; several (one sheet each) have no single pair.
      if (this.segments === 1) {
        opening = newestFirst ? last.balance - last.amount : first.balance - first.amount
        closing = newestFirst ? first.balance : last.balance
      }
    } else if (this.rows > 0 && this.withoutBalance === this.rows) {
      checks.push({ level: 'warning', code: 'BALANCE_MISSING', message: `${label}: no row has a 余额 (balance); the running balance cannot be checked` })
    }
    const facts = this.facts
    const mismatches: string[] = []
    const agreed: string[] = []
    const compare = (name: string, stated: bigint | number | undefined, actual: bigint | number | null, show: (value: bigint | number) => string) => {
      if (stated === undefined || actual === null) return
      if (stated === actual) agreed.push(`${name} ${show(stated)}`)
      else mismatches.push(`${name}: the file states ${show(stated)}, the rows give ${show(actual)}`)
    }
    const amount = (value: bigint | number) => money(BigInt(value))
    const plain = (value: bigint | number) => String(value)
    compare('期初余额 opening balance', facts.opening, opening, amount)
    compare('期末余额 closing balance', facts.closing, closing, amount)
    compare('借方笔数 debit count', facts.debitCount, this.debitCount, plain)
    compare('借方合计 debit total', facts.debitTotal, this.debitTotal, amount)
    compare('贷方笔数 credit count', facts.creditCount, this.creditCount, plain)
    compare('贷方合计 credit total', facts.creditTotal, this.creditTotal, amount)
    // Opening + credits - debits = closing, when the file states both ends but gives no balance per row.
    if (facts.opening !== undefined && facts.closing !== undefined && first === null && this.rows > 0) {
      compare('期末余额 closing balance (opening + rows)', facts.closing, facts.opening + this.creditTotal - this.debitTotal, amount)
    }
    if (mismatches.length > 0) {
      checks.push({ level: 'error', blocking: true, code: 'STATED_TOTALS_MISMATCH', message: `${label}: 与文件所列合计不符 / the rows do not add up to the file's own figures — ${mismatches.join('; ')}` })
    } else if (agreed.length > 0) {
      checks.push({ level: 'info', code: 'STATED_TOTALS_OK', message: `${label}: the rows agree with the file's own figures: ${agreed.join(', ')}` })
    }
    return checks
  }
}
