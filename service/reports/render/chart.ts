import { Resvg } from '@resvg/resvg-js'
import { formatAmount } from '../../../shared/money.ts'
import { type ChartSpec, groupThousands } from '../../../shared/reports/report.ts'
import { type CjkFont, findCjkFont } from './fonts.ts'

/**
 * Charts for xlsx and pdf. exceljs cannot write native Excel charts, so the
 * chart is drawn as SVG (grouped bars, zero line, amounts on the bars) and
 * rendered to PNG by resvg with the same CJK font as the PDFs; the numbers
 * behind it sit next to the image as ordinary cells.
 */
const PALETTE = ['#2f6fb0', '#e07b39', '#4b9a5b', '#b8474d', '#7d5ba6', '#8c8c8c']

function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;')
}

/** Pixel offset of `value` on a scale where `max` maps to `pixels` (geometry only, never money). */
function scale(value: bigint, max: bigint, pixels: number): number {
  if (max === 0n) return 0
  return (Number((value * 10_000n) / max) / 10_000) * pixels
}

export function chartSvg(chart: ChartSpec, currency: string, size = { width: 960, height: 540 }): string {
  const { width, height } = size
  const margin = { top: 96, right: 30, bottom: 90, left: 40 }
  const plotWidth = width - margin.left - margin.right
  const plotHeight = height - margin.top - margin.bottom
  const values = chart.series.flatMap((series) => series.values)
  const max = values.reduce((top, value) => (value > top ? value : top), 0n)
  const min = values.reduce((bottom, value) => (value < bottom ? value : bottom), 0n)
  const span = max - min === 0n ? 1n : max - min
  const zeroY = margin.top + scale(max, span, plotHeight)
  const groupWidth = plotWidth / Math.max(1, chart.categories.length)
  const barWidth = Math.min(60, (groupWidth * 0.8) / Math.max(1, chart.series.length))
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="34" font-size="22" text-anchor="middle" fill="#222">${escapeXml(chart.title)}</text>`,
  ]
  chart.series.forEach((series, index) => {
    const x = margin.left + index * 140
    parts.push(`<rect x="${x}" y="46" width="14" height="14" fill="${PALETTE[index % PALETTE.length]}"/><text x="${x + 20}" y="58" font-size="14" fill="#333">${escapeXml(series.name)}</text>`)
  })
  chart.categories.forEach((category, categoryIndex) => {
    const groupX = margin.left + categoryIndex * groupWidth + (groupWidth - barWidth * chart.series.length) / 2
    chart.series.forEach((series, seriesIndex) => {
      const value = series.values[categoryIndex] ?? 0n
      const barHeight = Math.abs(scale(value, span, plotHeight))
      const x = groupX + seriesIndex * barWidth
      const y = value >= 0n ? zeroY - barHeight : zeroY
      parts.push(`<rect x="${px(x)}" y="${px(y)}" width="${px((barWidth - 4))}" height="${px(barHeight)}" fill="${PALETTE[seriesIndex % PALETTE.length]}"/>`)
      const labelY = value >= 0n ? y - 4 : y + barHeight + 14
      parts.push(`<text x="${px((x + barWidth / 2 - 2))}" y="${px(labelY)}" font-size="11" text-anchor="middle" fill="#333">${escapeXml(groupThousands(formatAmount(value, currency)))}</text>`)
    })
    parts.push(`<text x="${px((margin.left + categoryIndex * groupWidth + groupWidth / 2))}" y="${height - margin.bottom + 28}" font-size="15" text-anchor="middle" fill="#222">${escapeXml(category)}</text>`)
  })
  parts.push(`<line x1="${margin.left}" y1="${px(zeroY)}" x2="${width - margin.right}" y2="${px(zeroY)}" stroke="#444" stroke-width="1"/>`)
  parts.push(`<text x="${width - margin.right}" y="${height - 20}" font-size="12" text-anchor="end" fill="#777">单位：${currency === 'CNY' ? '元' : escapeXml(currency)}</text>`)
  parts.push('</svg>')
  return parts.join('')
}

export function renderChartPng(chart: ChartSpec, currency: string, font: CjkFont = findCjkFont()): Uint8Array {
  const resvg = new Resvg(chartSvg(chart, currency), { font: { fontFiles: [font.path], loadSystemFonts: false, defaultFontFamily: font.family, sansSerifFamily: font.family } })
  return resvg.render().asPng()
}

/** SVG coordinate with one decimal (pixels, not money). */
function px(value: number): string {
  return String(Math.round(value * 10) / 10)
}
