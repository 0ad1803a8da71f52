import { Badge, Button, Subtitle2 } from '@fluentui/react-components'
import { useState } from 'react'
import type { LedgerApi, TrialBalance } from '../api-client.ts'
import type { WorkbookWriter } from '../excel/writer.ts'
import { ErrorNotice, Notice, groupDigits, useAction, usePaneStyles, useT } from './common.tsx'
import { usePane } from './store.ts'
import { trialBalanceTable } from './tables.ts'

export function ReportsPane({ api, writer, company, period, onRefreshFunctions }: {
  api: LedgerApi; writer: WorkbookWriter; company: string; period: string; onRefreshFunctions?: () => Promise<void>
}) {
  const t = useT()
  const styles = usePaneStyles()
  const language = usePane((state) => state.language)
  const [report, setReport] = useState<TrialBalance | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const { busy, error, run } = useAction()

  async function writeTrialBalance() {
    setNotice(null)
    await run(async () => {
      const result = await api.trialBalance(company, period)
      setReport(result)
      const written = await writer.writeTable(trialBalanceTable(result, period, company, language, t))
      setNotice(`${t('written', { rows: written.rows, sheet: written.sheetName })}${writer.target === 'preview' ? ` ${t('shownBelow')}` : ''}`)
    })
  }

  async function refresh() {
    setNotice(null)
    await run(async () => {
      await onRefreshFunctions?.()
      await writer.recalculate()
      setNotice(t('refreshed'))
    })
  }

  return (
    <section className={styles.section} aria-labelledby="reports-title">
      <Subtitle2 as="h2" id="reports-title">{t('reportsTitle')}</Subtitle2>
      <span>{t('trialBalance')} · {company} · {period}</span>
      <div className={styles.row}>
        <Button appearance="primary" onClick={() => void writeTrialBalance()} disabled={busy}>{t('writeToSheet')}</Button>
        <Button onClick={() => void refresh()} disabled={busy}>{t('refreshFunctions')}</Button>
      </div>
      <ErrorNotice error={error} feature="trialBalance" />
      <Notice text={notice} />
      {report !== null ? (
        <div className={styles.row} aria-label={t('totals')} role="group">
          <Badge color={report.balanced ? 'success' : 'danger'}>{report.balanced ? t('balanced') : t('unbalanced')}</Badge>
          <span>{t('debit')} {groupDigits(report.totals.debit)}</span>
          <span>{t('credit')} {groupDigits(report.totals.credit)}</span>
        </div>
      ) : null}
    </section>
  )
}
