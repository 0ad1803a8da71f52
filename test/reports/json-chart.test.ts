import { describe, expect, it } from 'vitest'
import { reportToJson } from '../../service/reports/render/json.ts'
import type { Report } from '../../shared/reports/report.ts'

const REPORT: Report = {
  name: 'channel-profit', title: '渠道利润表', titleEn: 'Channel profitability', company: { code: 'DEMO', name: '演示' }, period: '2026-10', dateLabel: '2026年10月', currency: 'CNY',
  columns: [{ key: 'store', label: '店铺', kind: 'text' }, { key: 'netRevenue', label: '净收入', kind: 'amount' }],
  rows: [{ cells: { store: 'tmall-main', netRevenue: 1234550n } }],
  checks: [{ key: 'total', label: '合计', ok: true, expected: '12345.50', actual: '12345.50' }],
  notes: [], meta: {},
  chart: { title: '渠道净收入与毛利', categories: ['tmall-main'], series: [{ name: '净收入', values: [1234550n] }, { name: '毛利', values: [-5n] }] },
}

describe('report JSON', () => {
  it('carries the English title and the chart, amounts as decimal strings (never JSON numbers)', () => {
    const json = reportToJson(REPORT)
    expect(json.titleEn).toBe('Channel profitability')
    expect(json.chart).toEqual({ title: '渠道净收入与毛利', categories: ['tmall-main'], series: [{ name: '净收入', values: ['12345.50'] }, { name: '毛利', values: ['-0.05'] }] })
    expect(json.rows).toEqual([{ store: 'tmall-main', netRevenue: '12345.50' }])
  })

  it('has no chart key when the report has none', () => {
    const { chart: _chart, ...plain } = REPORT
    expect('chart' in reportToJson(plain)).toBe(false)
  })
})
