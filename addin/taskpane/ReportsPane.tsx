import { Badge, Button, Field, Select, Subtitle2 } from '@fluentui/react-components'
import { useEffect, useState } from 'react'
import { type LedgerApi, REPORTS, type ReportData, type ReportName, type TrialBalance } from '../api-client.ts'
import type { WorkbookWriter } from '../excel/writer.ts'
import { ErrorNotice, Notice, groupDigits, useAction, usePaneStyles, useT } from './common.tsx'
import type { MessageKey } from './i18n.ts'
import { usePane } from './store.ts'
import { reportTable, trialBalanceTable } from './tables.ts'

/** Every statement and management report the service builds, in the pane: shown, checked, written to a sheet. */
export const REPORT_KEYS: Readonly<Record<ReportName | 'trial-balance', MessageKey>> = {
  'trial-balance': 'trialBalance',
  'income-statement': 'reportIncomeStatement',
  'balance-sheet': 'reportBalanceSheet',
  'cash-flow': 'reportCashFlow',
  reconciliation: 'reportReconciliation',
  'ar-aging': 'reportArAging',
  'channel-profit': 'reportChannelProfit',
  'voucher-register': 'reportVoucherRegister',
}

type Choice = ReportName | 'trial-balance'

/** Rows of a report shown in the pane (the sheet holds them all). */
const SHOWN_ROWS = 60

export function ReportsPane({ api, writer, company, period, onRefreshFunctions, host = 'excel' }: {
  api: LedgerApi; writer: WorkbookWriter; company: string; period: string; onRefreshFunctions?: () => Promise<void>; host?: 'excel' | 'preview'
}) {
  const t = useT()
  const styles = usePaneStyles()
  const language = usePane((state) => state.language)
  const [choice, setChoice] = useState<Choice>('trial-balance')
  const [report, setReport] = useState<TrialBalance | null>(null)
  const [data, setData] = useState<ReportData | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const { busy, error, run } = useAction()

  useEffect(() => {
    setReport(null)
    setData(null)
    setNotice(null)
  }, [company, period, choice])

  async function write() {
    setNotice(null)
    await run(async () => {
      let written
      if (choice === 'trial-balance') {
        const result = await api.trialBalance(company, period)
        setReport(result)
        written = await writer.writeTable(trialBalanceTable(result, period, company, language, t))
      } else {
        const result = await api.report(company, choice, period)
        setData(result)
        written = await writer.writeTable(reportTable(result, choice, t(REPORT_KEYS[choice]), company, t))
      }
      setNotice(`${t('written', { rows: written.rows, sheet: written.sheetName })}${writer.target === 'preview' ? ` ${t('shownBelow')}` : ''}`)
    })
  }

  async function show() {
    setNotice(null)
    await run(async () => {
      if (choice === 'trial-balance') setReport(await api.trialBalance(company, period))
      else setData(await api.report(company, choice, period))
    })
  }

  async function refresh() {
    setNotice(null)
    // Preview mode has no workbook: nothing to recalculate (the function sheet below evaluates LEDGER.* instead).
    if (host === 'preview' || onRefreshFunctions === undefined) {
      setNotice(t('noFunctionsToRefresh'))
      return
    }
    await run(async () => {
      await onRefreshFunctions()
      await writer.recalculate()
      setNotice(t('refreshed'))
    })
  }

  return (
    <section className={styles.section} aria-labelledby="reports-title">
      <Subtitle2 as="h2" id="reports-title">{t('reportsTitle')}</Subtitle2>
      <Field label={t('chooseReport')}>
        <Select value={choice} onChange={(_, option) => setChoice(option.value as Choice)}>
          {(['trial-balance', ...REPORTS] as const).map((name) => <option key={name} value={name}>{t(REPORT_KEYS[name])}</option>)}
        </Select>
      </Field>
      <span>{t(REPORT_KEYS[choice])} · {company} · {period}</span>
      <div className={styles.row}>
        <Button appearance="primary" onClick={() => void write()} disabled={busy}>{t('writeToSheet')}</Button>
        <Button onClick={() => void show()} disabled={busy}>{t('loadReport')}</Button>
        <Button onClick={() => void refresh()} disabled={busy}>{t('refreshFunctions')}</Button>
      </div>
      <ErrorNotice error={error} feature={REPORT_KEYS[choice]} />
      <Notice text={notice} />
      {report !== null && choice === 'trial-balance' ? (
        <div className={styles.row} aria-label={t('totals')} role="group">
          <Badge color={report.balanced ? 'success' : 'danger'}>{report.balanced ? t('balanced') : t('unbalanced')}</Badge>
          <span>{t('debit')} {groupDigits(report.totals.debit)}</span>
          <span>{t('credit')} {groupDigits(report.totals.credit)}</span>
        </div>
      ) : null}
      {data !== null && choice !== 'trial-balance' ? <ReportView data={data} title={t(REPORT_KEYS[choice])} /> : null}
    </section>
  )
}

/** A report in the pane: its checks first (the figures are worth as much as they tie out), then its rows. */
function ReportView({ data, title }: { data: ReportData; title: string }) {
  const t = useT()
  const styles = usePaneStyles()
  const shown = data.rows.slice(0, SHOWN_ROWS)
  return (
    <div className={styles.section} role="region" aria-label={`${title} ${data.period}`}>
      {data.checks.length > 0 ? (
        <div role="group" aria-label={t('reportChecks')}>
          <span>{t('reportChecks')}</span>
          <ul style={{ margin: 0, paddingInlineStart: '1.2em' }}>
            {data.checks.map((check) => (
              <li key={check.key}>
                <Badge size="small" color={check.ok ? 'success' : 'danger'}>{check.ok ? t('checkOk') : t('checkFailed')}</Badge>{' '}
                {check.label}{check.ok ? '' : ` · ${t('checkExpected', { expected: check.expected, actual: check.actual })}`}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {shown.length === 0 ? <span className={styles.muted}>{t('noRows')}</span> : (
        <div className={styles.scroll}>
          <table className={styles.table} aria-label={`${title} ${data.period}`}>
            <thead>
              <tr>{data.columns.map((column) => <th key={column.key} className={column.kind === 'text' ? styles.cell : styles.number}>{column.label}</th>)}</tr>
            </thead>
            <tbody>
              {shown.map((row, index) => (
                <tr key={index}>
                  {data.columns.map((column) => {
                    const value = row[column.key]
                    const text = value === null || value === undefined ? '' : column.kind === 'amount' ? groupDigits(String(value)) : String(value)
                    return <td key={column.key} className={column.kind === 'text' ? styles.cell : styles.number} style={column.kind === 'text' ? { whiteSpace: 'pre' } : undefined}>{text}</td>
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data.rows.length > SHOWN_ROWS ? <span className={styles.muted}>{t('moreRows', { count: data.rows.length - SHOWN_ROWS })}</span> : null}
      {data.notes.length > 0 ? <span className={styles.muted}>{t('reportNotes')}: {data.notes.join(' ')}</span> : null}
    </div>
  )
}
