import { Subtitle2, makeStyles, tokens } from '@fluentui/react-components'
import { toCell } from '../excel/cells.ts'
import type { ChartSpec } from '../excel/writer.ts'
import { groupDigits, usePaneStyles, useT } from './common.tsx'
import { type PreviewSheet, usePane } from './store.ts'

const SHOWN_ROWS = 200

const useStyles = makeStyles({
  sheet: { borderTop: `1px solid ${tokens.colorNeutralStroke1}`, paddingBlock: tokens.spacingVerticalS },
  bar: { height: '10px', backgroundColor: tokens.colorBrandBackground, borderRadius: '2px' },
  negative: { height: '10px', backgroundColor: tokens.colorPaletteRedBackground3, borderRadius: '2px' },
  // In a narrow pane (Excel opens it 320-350 px wide) each row becomes a small card: text first, then
  // "label value" pairs two per line, so no amount column hides behind a horizontal scroll.
  cards: {
    '@media (max-width: 480px)': {
      '& thead': { position: 'absolute', width: '1px', height: '1px', overflow: 'hidden', clipPath: 'inset(50%)' },
      '& tr': { display: 'grid', gridTemplateColumns: 'repeat(2, minmax(0, 1fr))', columnGap: tokens.spacingHorizontalM, paddingBlock: tokens.spacingVerticalXS, borderBottom: `1px solid ${tokens.colorNeutralStroke2}` },
      '& td': { display: 'flex', justifyContent: 'space-between', gap: tokens.spacingHorizontalXS, border: 'none', padding: 0, minWidth: 0 },
      '& td[data-text]': { justifyContent: 'flex-start', fontWeight: tokens.fontWeightSemibold, whiteSpace: 'normal', overflowWrap: 'anywhere' },
      '& td[data-label]::before': { content: 'attr(data-label)', color: tokens.colorNeutralForeground3, overflow: 'hidden', textOverflow: 'ellipsis' },
    },
  },
  chart: { display: 'grid', gridTemplateColumns: 'minmax(80px, 40%) 1fr', gap: '2px 8px', alignItems: 'center', fontSize: tokens.fontSizeBase200, marginBlock: tokens.spacingVerticalS },
})

/** Preview mode: the sheets a workbook would have received, rendered as plain tables. */
export function PreviewSheets() {
  const t = useT()
  const sheets = usePane((state) => state.previewSheets)
  if (sheets.length === 0) return null
  return (
    <section aria-label={t('previewSheets')}>
      <Subtitle2 as="h2">{t('previewSheets')}</Subtitle2>
      {sheets.map((sheet) => <PreviewSheetView key={sheet.sheetName} sheet={sheet} />)}
    </section>
  )
}

function PreviewSheetView({ sheet }: { sheet: PreviewSheet }) {
  const t = useT()
  const styles = { ...usePaneStyles(), ...useStyles() }
  const rest = sheet.rows.length - SHOWN_ROWS
  return (
    <div className={styles.sheet} data-sheet={sheet.sheetName}>
      <Subtitle2 as="h3">{sheet.sheetName}</Subtitle2>
      {sheet.title !== undefined ? <div>{sheet.title}</div> : null}
      {sheet.chart !== undefined ? <PreviewChart chart={sheet.chart} /> : null}
      <div className={styles.scroll}>
        <table className={`${styles.table} ${styles.cards}`} aria-label={sheet.sheetName}>
          <thead>
            <tr>{sheet.columns.map((column) => <th key={column.header} className={styles.cell} scope="col">{column.header}</th>)}</tr>
          </thead>
          <tbody>
            {sheet.rows.slice(0, SHOWN_ROWS).map((row, rowIndex) => (
              <tr key={rowIndex}>
                {sheet.columns.map((column, index) => {
                  const value = row[index]
                  const amount = column.kind === 'amount' || column.kind === 'integer'
                  return (
                    <td key={column.header} className={amount ? styles.number : styles.cell} {...(amount ? { 'data-label': column.header } : { 'data-text': '' })}>
                      {amount && typeof value === 'string' ? groupDigits(value) : String(value ?? '')}
                    </td>
                  )
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rest > 0 ? <div className={styles.muted}>{t('moreRows', { count: rest })}</div> : null}
    </div>
  )
}

/** Bars scaled to the largest magnitude; like a chart in a sheet, the only place amounts become numbers. */
function PreviewChart({ chart }: { chart: ChartSpec }) {
  const styles = useStyles()
  const series = chart.series[0]
  if (series === undefined) return null
  const values = series.values.map((value) => {
    const cell = toCell(value, 'amount')
    return typeof cell === 'number' ? cell : 0
  })
  const largest = Math.max(1, ...values.map(Math.abs))
  return (
    <figure style={{ margin: 0 }} aria-label={chart.title}>
      <figcaption>{chart.title}</figcaption>
      <div className={styles.chart}>
        {chart.categories.map((category, index) => {
          const value = values[index] ?? 0
          return (
            <div key={category} style={{ display: 'contents' }}>
              <span>{category}</span>
              <div className={value < 0 ? styles.negative : styles.bar} style={{ width: `${Math.max(1, (Math.abs(value) / largest) * 100)}%` }} />
            </div>
          )
        })}
      </div>
    </figure>
  )
}
