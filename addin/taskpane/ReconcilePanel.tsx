import { Button, Link, Subtitle2 } from '@fluentui/react-components'
import { useEffect, useState } from 'react'
import { type LedgerApi, type ReconcileRow, isApiError } from '../api-client.ts'
import { ErrorNotice, groupDigits, useAction, usePaneStyles, useT } from './common.tsx'
import { type Language, type MessageKey, codeName, moneyKindName } from './i18n.ts'
import { usePane } from './store.ts'

/** The figures of a row, in order, each with its label and whether the service names rows behind it. */
const FIGURES: ReadonlyArray<readonly [key: keyof ReconcileRow & string, label: MessageKey]> = [
  ['orders', 'recOrders'], ['expected', 'recExpected'], ['received', 'recReceived'], ['fees', 'recFees'], ['refunds', 'recRefunds'],
  ['payouts', 'recPayouts'], ['foundInBank', 'recFoundInBank'], ['difference', 'recDifference'], ['walletMovement', 'recWallet'],
]

/** A figure without rows behind it, padded like the small buttons beside it so the column lines up. */
const PLAIN = { paddingInline: 8 } as const

/** Only list routes can be drilled into (not the trial balance, the summary or a posting preview). */
export function drillPathOf(row: ReconcileRow, figure: string): string | null {
  const paths = (row.drill[figure] ?? []).filter((path) => /^\/companies\/[^/]+\/(orders|txns|match\/matches|exceptions)\?/.test(path))
  return paths[0] ?? null
}

interface Column {
  readonly label: MessageKey
  readonly keys: readonly string[]
  readonly show: (value: unknown, language: Language) => string
  readonly number?: boolean
}

const text = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : '')
const COLUMNS: readonly Column[] = [
  { label: 'colOrderNo', keys: ['orderNo', 'orderRef', 'orderKey', 'key'], show: (value) => text(value).replace(/^order:/, '') },
  { label: 'colDate', keys: ['occurredAt', 'createdAt', 'date', 'period'], show: (value) => text(value).slice(0, 10) },
  { label: 'colType', keys: ['type'], show: (value, language) => codeName(language, 'exceptionType', text(value)) },
  { label: 'colKind', keys: ['kind'], show: (value, language) => moneyKindName(language, text(value)) },
  { label: 'colStatus', keys: ['statusRaw', 'status'], show: (value, language) => {
    const status = text(value)
    if (/[\u4e00-\u9fff]/.test(status) || language === 'en') return status
    return codeName(language, 'matchStatus', status) !== '其他' ? codeName(language, 'matchStatus', status) : codeName(language, 'exceptionStatus', status)
  } },
  { label: 'colAmount', keys: ['gross', 'amount'], show: (value) => groupDigits(text(value)), number: true },
  { label: 'colDifference', keys: ['difference'], show: (value) => groupDigits(text(value)), number: true },
  { label: 'colText', keys: ['description'], show: text },
]

/** The rows behind one figure as a small table: the columns the rows have, in words. */
function DrillTable({ rows, caption }: { rows: readonly Record<string, unknown>[]; caption: string }) {
  const t = useT()
  const styles = usePaneStyles()
  const language = usePane((state) => state.language)
  const first = rows[0]
  if (first === undefined) return <span>{t('drillNoRows')}</span>
  const columns = COLUMNS.flatMap((column) => {
    const key = column.keys.find((candidate) => candidate in first && first[candidate] !== null && first[candidate] !== undefined)
    return key === undefined ? [] : [{ ...column, key }]
  })
  return (
    <div className={styles.scroll}>
      <table className={styles.table} aria-label={caption}>
        <thead><tr>{columns.map((column) => <th key={column.label} className={column.number === true ? styles.number : styles.cell}>{t(column.label)}</th>)}</tr></thead>
        <tbody>
          {rows.map((row, index) => (
            <tr key={index}>{columns.map((column) => <td key={column.label} className={column.number === true ? styles.number : styles.cell}>{column.show(row[column.key], language)}</td>)}</tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

/**
 * 对账汇总 on the 结账 tab (h-close's GET …/reconcile): per store and currency,
 * the figures in words, open exceptions by type, held items; a figure the
 * service names list rows for opens them below the store (drill to the lines).
 */
export function ReconcilePanel({ api, company, period }: { api: LedgerApi; company: string; period: string }) {
  const t = useT()
  const styles = usePaneStyles()
  const language = usePane((state) => state.language)
  const [rows, setRows] = useState<ReconcileRow[] | null>(null)
  const [drill, setDrill] = useState<{ store: string; currency: string; figure: MessageKey; rows: Record<string, unknown>[] } | null>(null)
  const loading = useAction()
  const drilling = useAction()
  const { run: load } = loading
  const limit = 200

  useEffect(() => {
    setDrill(null)
    void load(async () => setRows(await api.reconcile(company, period)))
  }, [api, company, period, load])

  async function open(row: ReconcileRow, figure: string, label: MessageKey) {
    const path = drillPathOf(row, figure)
    if (path === null) return
    const found = await drilling.run(() => api.drillRows(path, limit))
    if (found !== undefined) setDrill({ store: row.store, currency: row.currency, figure: label, rows: found })
  }

  // A service without h-close's reconcile route: the checklist above is all there is.
  if (isApiError(loading.error) && loading.error.kind === 'notAvailable') return null
  return (
    <section className={styles.section} aria-labelledby="reconcile-title">
      <Subtitle2 as="h3" id="reconcile-title">{t('reconcileTitle', { period })}</Subtitle2>
      <span className={styles.muted}>{t('reconcileHint')}</span>
      <ErrorNotice error={loading.error ?? drilling.error} feature="featureReconcile" />
      {rows !== null && rows.length === 0 ? <span>{t('reconcileNone', { period })}</span> : null}
      {(rows ?? []).map((row) => {
        const exceptions = Object.entries(row.openExceptions)
        const caption = drill !== null && drill.store === row.store && drill.currency === row.currency ? t('drillRowsOf', { figure: t(drill.figure), store: row.store, count: drill.rows.length }) : ''
        return (
          <div key={`${row.store}|${row.currency}`} role="group" aria-label={`${row.store} ${row.currency}`} style={{ borderBottom: '1px solid #e0e0e0', paddingBottom: 8 }}>
            <strong>{row.store} · {codeName(language, 'channel', row.channel)} · {row.currency}</strong>
            <dl style={{ display: 'grid', gridTemplateColumns: 'minmax(0, 1fr) auto', columnGap: 12, rowGap: 2, margin: '4px 0', fontSize: 12, alignItems: 'center', maxWidth: 520 }}>
              {FIGURES.map(([key, label]) => {
                const value = row[key]
                const shown = typeof value === 'number' ? String(value) : typeof value === 'string' ? groupDigits(value) : '—'
                const path = drillPathOf(row, key)
                return [
                  <dt key={`${key}-t`}>{t(label)}</dt>,
                  <dd key={`${key}-d`} style={{ margin: 0, textAlign: 'right', fontVariantNumeric: 'tabular-nums' }}>
                    {path === null ? <span style={PLAIN}>{shown}</span> : <Button size="small" appearance="transparent" onClick={() => void open(row, key, label)} aria-label={`${t(label)} ${row.store} ${shown}`}>{shown}</Button>}
                  </dd>,
                ]
              })}
              <dt>{t('recHeld')}</dt>
              <dd style={{ margin: 0, textAlign: 'right' }}><span style={PLAIN}>{row.held}</span></dd>
            </dl>
            <div style={{ fontSize: 12 }}>
              {t('recOpenExceptions')}{language === 'en' ? ': ' : '：'}
              {exceptions.length === 0 ? t('recNoExceptions') : (
                <Link onClick={() => void open(row, 'openExceptions', 'recOpenExceptions')} aria-label={`${t('recOpenExceptions')} ${row.store}`}>
                  {exceptions.map(([type, count]) => `${codeName(language, 'exceptionType', type)} ${count}`).join(language === 'en' ? '; ' : '；')}
                </Link>
              )}
            </div>
            {caption !== '' && drill !== null ? (
              <div className={styles.section} role="region" aria-label={caption}>
                <div className={styles.row} style={{ justifyContent: 'space-between' }}>
                  <span>{caption}{drill.rows.length >= limit ? ` (${t('drillMore', { count: limit })})` : ''}</span>
                  <Button size="small" onClick={() => setDrill(null)}>{t('drillClose')}</Button>
                </div>
                <DrillTable rows={drill.rows} caption={caption} />
              </div>
            ) : null}
          </div>
        )
      })}
    </section>
  )
}
