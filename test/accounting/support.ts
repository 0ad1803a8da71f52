import type { ChartTemplate, TaxpayerType } from '../../shared/accounts.ts'
import { type VoucherInput } from '../../shared/voucher.ts'
import { SYSTEM, createContext } from '../../service/ledger/context.ts'
import { createCompany } from '../../service/ledger/company.ts'
import { writeVouchers } from '../../service/ledger/vouchers.ts'
import { importRates, parseRatesCsv } from '../../service/posting/rates.ts'
import { tempDatabase } from '../support/db.ts'

export const admin = { userId: 1 }

/** A company on one chart template in a fresh libSQL file. */
export async function companyOn(template: ChartTemplate, taxpayerType: TaxpayerType = 'general') {
  const { db, dir, url } = await tempDatabase()
  const context = createContext(db)
  const company = await createCompany(context, SYSTEM, { code: 'ACCT', name: '核算测试有限公司', chartTemplate: template, taxpayerType })
  /** 损益 code of a role: 5xxx on 小企业会计准则, 6xxx on 企业会计准则 */
  const pl = (code: string) => (template === 'small-enterprise' ? code : `6${code.slice(1)}`)
  return { context, company, db, dir, url, pl }
}

export async function post(context: ReturnType<typeof createContext>, companyId: number, vouchers: VoucherInput[]) {
  return writeVouchers(context, admin, companyId, vouchers.map((input) => ({ input })), { mode: 'post', selfApprove: true })
}

export async function rates(context: ReturnType<typeof createContext>, companyId: number, rows: Array<[date: string, currency: string, rate: string]>) {
  await importRates(context, admin, companyId, parseRatesCsv(`date,currency,rate\n${rows.map((row) => row.join(',')).join('\n')}\n`, 'test'))
}

/** Debit-positive base and original balance of an account (and below) per currency, all periods. */
export async function balanceOf(context: ReturnType<typeof createContext>, companyId: number, account: string, currency?: string, store?: string): Promise<{ base: bigint; original: bigint }> {
  const result = await context.db.client.execute({
    sql: `SELECT COALESCE(SUM(debit_minor - credit_minor), 0) AS base, COALESCE(SUM(debit_original_minor - credit_original_minor), 0) AS original FROM balances
      WHERE company_id = ? AND (account_code = ? OR account_code LIKE ?) ${currency ? 'AND currency = ?' : ''} ${store !== undefined ? 'AND store = ?' : ''}`,
    args: [companyId, account, `${account}.%`, ...(currency ? [currency] : []), ...(store !== undefined ? [store] : [])],
  })
  return { base: BigInt(Number(result.rows[0]?.base ?? 0)), original: BigInt(Number(result.rows[0]?.original ?? 0)) }
}
