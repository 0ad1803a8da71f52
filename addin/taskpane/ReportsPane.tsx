import { Badge, Button, Field, Input, Link, Select, Subtitle2 } from '@fluentui/react-components'
import { useEffect, useRef, useState } from 'react'
import { type LedgerApi, REPORTS, type ReportData, type ReportName, type TrialBalance } from '../api-client.ts'
import type { WorkbookWriter } from '../excel/writer.ts'
import { ErrorNotice, Notice, groupDigits, useAction, usePaneStyles, useT } from './common.tsx'
import type { MessageKey } from './i18n.ts'
import { usePane } from './store.ts'
import { reportTable, trialBalanceTable } from './tables.ts'
import { useAccounts } from './Vouchers.tsx'
import { SearchPanel, VoucherDrill } from './VoucherDrill.tsx'

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
  'account-detail': 'reportAccountDetail',
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
  const [account, setAccount] = useState('')
  const [accountError, setAccountError] = useState<string | undefined>(undefined)
  const accounts = useAccounts(api, company)
  const [report, setReport] = useState<TrialBalance | null>(null)
  const [data, setData] = useState<ReportData | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const { busy, error, run } = useAction()
  const [openVoucher, setOpenVoucher] = useState<number | null>(null)

  // A drill switches the report itself; its result must survive the reset below.
  const drilling = useRef(false)
  useEffect(() => {
    if (drilling.current) {
      drilling.current = false
      return
    }
    setReport(null)
    setData(null)
    setNotice(null)
    setOpenVoucher(null)
  }, [company, period, choice])

  /** From a 明细账 line to its voucher (by 字-号 in the period), then on to its sources. */
  async function voucherOf(label: string) {
    setNotice(null)
    await run(async () => {
      const found = (await api.vouchers(company, { period })).find((voucher) => voucher.number !== null && voucher.number !== undefined && `${voucher.word ?? '记'}-${voucher.number}` === label)
      if (found === undefined) setNotice(t('voucherNotFound', { voucher: label, period }))
      else setOpenVoucher(Number(found.id))
    })
  }

  /** 明细账 needs an account: from the field, or the figure drilled from. */
  function detailAccount(): string | null {
    if (choice !== 'account-detail') return null
    if (account.trim() === '') {
      setAccountError(t('accountRequired'))
      return ''
    }
    setAccountError(undefined)
    return account.trim()
  }

  /** From a trial-balance row to the lines behind its figure (明细账 of the account: voucher, date, 摘要, amount). */
  async function drill(code: string) {
    drilling.current = choice !== 'account-detail'
    setChoice('account-detail')
    setAccount(code)
    await run(async () => setData(await api.report(company, 'account-detail', period, { account: code })))
  }

  async function write() {
    setNotice(null)
    await run(async () => {
      let written
      if (choice === 'trial-balance') {
        const result = await api.trialBalance(company, period)
        setReport(result)
        written = await writer.writeTable(trialBalanceTable(result, period, company, language, t))
      } else {
        const code = detailAccount()
        if (code === '') return
        const result = await api.report(company, choice, period, code === null ? {} : { account: code })
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
      else {
        const code = detailAccount()
        if (code === '') return
        setData(await api.report(company, choice, period, code === null ? {} : { account: code }))
      }
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
      {choice === 'account-detail' ? (
        <Field label={t('account')} validationMessage={accountError} required>
          <Input value={account} list="cledger-accounts" placeholder="1122" onChange={(_, field) => setAccount(field.value)} />
          <datalist id="cledger-accounts">{accounts.map((item) => <option key={item.code} value={item.code}>{item.code} {language === 'en' && item.nameEn !== '' ? item.nameEn : item.name}</option>)}</datalist>
        </Field>
      ) : null}
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
      {report !== null && choice === 'trial-balance' ? <Drill rows={report.rows} onDrill={(code) => void drill(code)} /> : null}
      {openVoucher !== null ? <VoucherDrill api={api} company={company} voucherId={openVoucher} onClose={() => setOpenVoucher(null)} /> : null}
      {data !== null && choice !== 'trial-balance' ? <ReportView data={data} title={t(REPORT_KEYS[choice])} onVoucher={choice === 'account-detail' ? (label) => void voucherOf(label) : undefined} /> : null}
      <SearchPanel api={api} company={company} />
    </section>
  )
}

/** The trial balance's accounts with activity, each a link to the lines behind its figures. */
function Drill({ rows, onDrill }: { rows: TrialBalance['rows']; onDrill: (code: string) => void }) {
  const t = useT()
  const styles = usePaneStyles()
  const language = usePane((state) => state.language)
  const active = rows.filter((row) => row.isLeaf && (/[1-9]/.test(row.debit) || /[1-9]/.test(row.credit)))
  if (active.length === 0) return null
  return (
    <div className={styles.scroll}>
      <table className={styles.table} aria-label={t('drillTitle')}>
        <thead><tr><th className={styles.cell}>{t('account')}</th><th className={styles.number}>{t('debit')}</th><th className={styles.number}>{t('credit')}</th></tr></thead>
        <tbody>
          {active.map((row) => (
            <tr key={row.code}>
              <td className={styles.cell}><Link onClick={() => onDrill(row.code)}>{row.code} {language === 'en' && row.nameEn !== '' ? row.nameEn : row.name}</Link></td>
              <td className={styles.number}>{groupDigits(row.debit)}</td>
              <td className={styles.number}>{groupDigits(row.credit)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

/** A report in the pane: its checks first (the figures are worth as much as they tie out), then its rows. */
function ReportView({ data, title, onVoucher }: { data: ReportData; title: string; onVoucher?: (label: string) => void }) {
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
                    if (column.key === 'voucher' && onVoucher !== undefined && text !== '') {
                      return <td key={column.key} className={styles.cell}><Link onClick={() => onVoucher(text)} aria-label={t('openVoucher', { voucher: text })}>{text}</Link></td>
                    }
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
