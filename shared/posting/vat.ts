import { LedgerError } from '../errors.ts'

/**
 * Dated VAT rates (增值税). The VAT Law from 2026-01-01 keeps 13/9/6/0%; small-scale
 * taxpayers levy 3%, reduced to 1% until 2027-12-31 (财政部 税务总局公告2023年第19号).
 * Rates are data: the service seeds DEFAULT_TAX_RATES into `tax_rates` and
 * stores refer to a code, never to a constant.
 */
export interface TaxRateRow {
  readonly code: string
  readonly rate: string
  readonly taxpayerType: 'general' | 'smallScale'
  readonly validFrom: string
  readonly validTo: string | null
  readonly note: string
}

export const DEFAULT_TAX_RATES: ReadonlyArray<TaxRateRow> = [
  { code: 'GENERAL_13', rate: '0.13', taxpayerType: 'general', validFrom: '2019-04-01', validTo: null, note: '货物销售 13%' },
  { code: 'GENERAL_9', rate: '0.09', taxpayerType: 'general', validFrom: '2019-04-01', validTo: null, note: '交通运输、农产品等 9%' },
  { code: 'GENERAL_6', rate: '0.06', taxpayerType: 'general', validFrom: '2016-05-01', validTo: null, note: '现代服务 6%' },
  { code: 'ZERO', rate: '0', taxpayerType: 'general', validFrom: '2000-01-01', validTo: null, note: '零税率 / 免税' },
  // issue #16.5: 零税率 (exports: input VAT stays deductible) and 免税 (input VAT on exempt sales is transferred out at month end) are different codes
  { code: 'ZERO_RATED', rate: '0', taxpayerType: 'general', validFrom: '2000-01-01', validTo: null, note: '零税率 (出口等，进项可抵扣)' },
  { code: 'EXEMPT', rate: '0', taxpayerType: 'general', validFrom: '2000-01-01', validTo: null, note: '免税 (对应进项税额转出)' },
  { code: 'SMALL_SCALE', rate: '0.03', taxpayerType: 'smallScale', validFrom: '2009-01-01', validTo: '2022-12-31', note: '小规模纳税人征收率 3%' },
  { code: 'SMALL_SCALE', rate: '0.01', taxpayerType: 'smallScale', validFrom: '2023-01-01', validTo: '2027-12-31', note: '小规模纳税人 3% 减按 1% (2023年第19号公告)' },
  { code: 'SMALL_SCALE', rate: '0.03', taxpayerType: 'smallScale', validFrom: '2028-01-01', validTo: null, note: '小规模纳税人征收率 3% (增值税法)' },
  { code: 'SMALL_SCALE_3', rate: '0.03', taxpayerType: 'smallScale', validFrom: '2009-01-01', validTo: null, note: '小规模纳税人 3% (放弃减免)' },
]

/** The default tax code of a company by taxpayer type. */
export function defaultTaxCode(taxpayer: 'general' | 'smallScale'): string {
  return taxpayer === 'general' ? 'GENERAL_13' : 'SMALL_SCALE'
}

/**
 * The rate of `code` valid on `date` (YYYY-MM-DD).
 * @example taxRateOn(DEFAULT_TAX_RATES, 'SMALL_SCALE', '2027-12-31') === '0.01'
 */
export function taxRateOn(rows: ReadonlyArray<TaxRateRow>, code: string, date: string): string {
  const day = date.slice(0, 10)
  const row = rows.find((candidate) => candidate.code === code && candidate.validFrom <= day && (candidate.validTo === null || day <= candidate.validTo))
  if (!row) throw new LedgerError('VALIDATION', `no VAT rate for tax code ${code} on ${day}`)
  return row.rate
}
