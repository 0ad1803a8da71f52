import { Badge, Button, Field, Input, Select, Subtitle2, makeStyles, tokens } from '@fluentui/react-components'
import { useEffect, useMemo, useRef, useState } from 'react'
import type { ImportSummary, LedgerApi, ReportData, Role } from '../api-client.ts'
import type { WorkbookWriter } from '../excel/writer.ts'
import { type FeeInvoices, type InputStatusRow, type InvoiceException, type InvoiceMatchRun, invoicesApi } from '../api/invoices.ts'
import { ErrorNotice, Notice, groupDigits, useAction, usePaneStyles, useT } from './common.tsx'
import { type Language, type MessageKey, type Translate, codeName } from './i18n.ts'
import { isClosed, usePane } from './store.ts'
import { reportTable } from './tables.ts'

/**
 * 发票 (issue #17) in the pane: import invoice files (list export CSV/XLSX, XML,
 * zip of XML), run invoice matching, decide invoice exceptions, write 开票与收入对账
 * to a sheet, input invoices by 勾选/认证 status and fee invoices not matched to
 * platform fees. Every string from i18n.ts; money as the service's decimal strings.
 */

const useStyles = makeStyles({
  list: { listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS, maxHeight: '50vh', overflowY: 'auto' },
  item: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS, borderTop: `1px solid ${tokens.colorNeutralStroke3}`, paddingTop: tokens.spacingVerticalXS, overflowWrap: 'anywhere' },
  head: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalXS },
  actions: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalXS, alignItems: 'end' },
  counts: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalXS },
  hidden: { display: 'none' },
})

export function canDecideInvoices(role: Role): boolean {
  return role === 'admin' || role === 'accountant' || role === 'approver'
}

const STATUS_KEYS = { open: 'statusOpen', resolved: 'statusResolved', ignored: 'statusIgnored' } as const

const CERTIFICATION_KEYS: Readonly<Record<string, MessageKey>> = {
  unchecked: 'invoiceCertUnchecked', selected: 'invoiceCertSelected', certified: 'invoiceCertCertified', unknown: 'invoiceCertUnknown',
}

/** An invoice exception in words, from its type and figures (the service's `why` is for the CLI). */
export function invoiceExceptionText(item: InvoiceException, t: Translate): string {
  const order = item.orderNo === null ? '' : `${item.channel ?? ''}/${item.orderNo}`
  const values = { invoice: item.invoiceNo ?? '', order, expected: groupDigits(item.expected), invoiced: groupDigits(item.invoiced) }
  if (item.type === 'INVOICE_WITHOUT_ORDER') return t('invoiceWithoutOrderText', values)
  if (item.type === 'ORDER_NOT_INVOICED') return t('orderNotInvoicedText', values)
  return t('invoiceAmountMismatchText', values)
}

export function InvoicesPane({ api, writer, company, period, role }: { api: LedgerApi; writer: WorkbookWriter; company: string; period: string; role: Role }) {
  const t = useT()
  const language = usePane((state) => state.language)
  const styles = { ...usePaneStyles(), ...useStyles() }
  const invoices = useMemo(() => invoicesApi(api), [api])
  const closed = usePane((state) => isClosed(state, period))
  const may = canDecideInvoices(role) && !closed
  const fileInput = useRef<HTMLInputElement>(null)
  const [files, setFiles] = useState<File[]>([])
  const [imported, setImported] = useState<ImportSummary[] | null>(null)
  const [run, setRun] = useState<InvoiceMatchRun | null>(null)
  const [status, setStatus] = useState<'open' | 'resolved' | 'ignored'>('open')
  const [items, setItems] = useState<InvoiceException[] | null>(null)
  const [reasons, setReasons] = useState<Record<number, string>>({})
  const [reasonError, setReasonError] = useState<number | null>(null)
  const [report, setReport] = useState<ReportData | null>(null)
  const [inputStatus, setInputStatus] = useState<{ inputVatOn: string; rows: InputStatusRow[] } | null>(null)
  const [fees, setFees] = useState<FeeInvoices | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const { busy, error, run: act } = useAction()

  useEffect(() => {
    setReport(null)
    setInputStatus(null)
    setFees(null)
    setNotice(null)
  }, [company, period])

  useEffect(() => {
    let cancelled = false
    void act(async () => {
      const list = await invoices.exceptions(company, status)
      if (!cancelled) setItems(list)
    })
    return () => {
      cancelled = true
    }
  }, [act, invoices, company, status])

  async function upload() {
    setNotice(null)
    if (files.length === 0) {
      setNotice(t('invoiceChooseFiles'))
      return
    }
    await act(async () => {
      const result = await api.uploadImport(company, files, {})
      setImported(result)
      setFiles([])
      if (fileInput.current !== null) fileInput.current.value = ''
    })
  }

  async function match() {
    setNotice(null)
    await act(async () => {
      const result = await invoices.match(company)
      setRun(result)
      setItems(await invoices.exceptions(company, status))
    })
  }

  async function decide(item: InvoiceException, action: 'resolve' | 'ignore') {
    const reason = (reasons[item.id] ?? '').trim()
    if (reason === '') {
      setReasonError(item.id)
      return
    }
    setReasonError(null)
    await act(async () => {
      await invoices.decide(company, item.id, action, reason)
      setNotice(t(action === 'resolve' ? 'invoiceExceptionResolved' : 'invoiceExceptionIgnored', { id: item.id }))
      setItems(await invoices.exceptions(company, status))
    })
  }

  async function writeReconciliation() {
    setNotice(null)
    await act(async () => {
      const data = await invoices.reconciliation(company, period)
      setReport(data)
      const written = await writer.writeTable(reportTable(data, 'invoice-reconciliation', t('invoiceReconciliation'), company, t))
      setNotice(`${t('written', { rows: written.rows, sheet: written.sheetName })}${writer.target === 'preview' ? ` ${t('shownBelow')}` : ''}`)
    })
  }

  async function loadInputs() {
    setNotice(null)
    await act(async () => {
      const [statusRows, feeInvoices] = await Promise.all([invoices.inputStatus(company, period), invoices.fees(company, period)])
      setInputStatus(statusRows)
      setFees(feeInvoices)
    })
  }

  return (
    <section className={styles.section} aria-labelledby="invoices-title">
      <Subtitle2 as="h2" id="invoices-title">{t('invoicesTitle')}</Subtitle2>

      <Field label={t('invoiceFiles')} hint={t('invoiceFilesHint')}>
        <div className={styles.actions}>
          <Button onClick={() => fileInput.current?.click()}>{t('chooseFiles')}</Button>
          <span className={styles.muted}>{files.map((file) => file.name).join('、')}</span>
        </div>
      </Field>
      <input ref={fileInput} className={styles.hidden} data-testid="invoice-file-input" type="file" multiple accept=".csv,.xlsx,.xml,.zip"
        onChange={(event) => setFiles(Array.from(event.target.files ?? []))} />
      <div className={styles.row}>
        <Button appearance="primary" onClick={() => void upload()} disabled={busy || files.length === 0}>{t('invoiceUpload')}</Button>
        <Button onClick={() => void match()} disabled={busy || !may}>{t('invoiceMatch')}</Button>
      </div>
      {imported !== null ? (
        <div className={styles.scroll}>
          <table className={styles.table} aria-label={t('invoiceImported')}>
            <thead><tr>
              <th className={styles.cell}>{t('invoiceFile')}</th><th className={styles.number}>{t('invoiceImportedCount')}</th>
              <th className={styles.number}>{t('invoiceDuplicates')}</th><th className={styles.number}>{t('invoiceRejected')}</th>
            </tr></thead>
            <tbody>{imported.map((each, index) => (
              <tr key={`${each.fileName ?? ''}-${index}`}>
                <td className={styles.cell}>{each.fileName ?? ''}</td><td className={styles.number}>{each.imported}</td>
                <td className={styles.number}>{each.duplicates}</td><td className={styles.number}>{each.rejected}</td>
              </tr>
            ))}</tbody>
          </table>
        </div>
      ) : null}
      {run !== null ? (
        <div role="status" aria-label={t('invoiceMatchResult')} className={styles.counts}>
          <span>{t('invoiceMatchCounts', { invoices: run.invoices, links: Object.values(run.links).reduce((sum, n) => sum + n, 0) })}</span>
          {Object.entries(run.exceptions).map(([type, count]) => <Badge key={type} appearance="outline">{codeName(language, 'exceptionType', type)} {count}</Badge>)}
          {run.taxIdInferred ? <span className={styles.muted}>{t('invoiceTaxIdInferred', { taxId: run.taxId ?? '' })}</span> : null}
        </div>
      ) : null}
      <Notice text={notice} />
      <ErrorNotice error={error} feature="invoicesTitle" />

      <Subtitle2 as="h3">{t('invoiceExceptions')}</Subtitle2>
      <Field label={t('status')}>
        <Select value={status} onChange={(_, data) => setStatus(data.value as 'open' | 'resolved' | 'ignored')}>
          {(['open', 'resolved', 'ignored'] as const).map((value) => <option key={value} value={value}>{t(STATUS_KEYS[value])}</option>)}
        </Select>
      </Field>
      {items !== null && items.length === 0 ? <span className={styles.muted}>{t('invoiceNoExceptions')}</span> : null}
      <ul className={styles.list} aria-label={t('invoiceExceptions')}>
        {(items ?? []).map((item) => (
          <li key={item.id} className={styles.item}>
            <span className={styles.head}>
              <Badge appearance="tint" color={item.type === 'INVOICE_AMOUNT_MISMATCH' ? 'danger' : 'warning'}>{codeName(language, 'exceptionType', item.type)}</Badge>
              <span className={styles.muted}>{item.period}</span>
            </span>
            <span>{invoiceExceptionText(item, t)}</span>
            {status === 'open' && may ? (
              <div className={styles.actions}>
                <Field label={t('reason')} validationMessage={reasonError === item.id ? t('reasonRequired') : undefined} size="small">
                  <Input size="small" value={reasons[item.id] ?? ''} aria-label={`${t('reason')} #${item.id}`}
                    onChange={(_, data) => setReasons((before) => ({ ...before, [item.id]: data.value }))} />
                </Field>
                <Button size="small" onClick={() => void decide(item, 'resolve')} disabled={busy}>{t('resolve')}</Button>
                <Button size="small" appearance="subtle" onClick={() => void decide(item, 'ignore')} disabled={busy}>{t('ignore')}</Button>
              </div>
            ) : null}
          </li>
        ))}
      </ul>

      <Subtitle2 as="h3">{t('invoiceReconciliation')}</Subtitle2>
      <span className={styles.muted}>{t('invoiceReconciliationHint', { period })}</span>
      <div className={styles.row}>
        <Button appearance="primary" onClick={() => void writeReconciliation()} disabled={busy}>{t('writeToSheet')}</Button>
      </div>
      {report !== null ? <ReconciliationTotals report={report} /> : null}

      <Subtitle2 as="h3">{t('invoiceInputs')}</Subtitle2>
      <div className={styles.row}>
        <Button onClick={() => void loadInputs()} disabled={busy}>{t('invoiceLoadInputs', { period })}</Button>
      </div>
      {inputStatus !== null ? <InputStatusTable data={inputStatus} language={language} /> : null}
      {fees !== null ? (
        <>
          <span>{t('invoiceFeesMatched', { count: fees.matched.length })}</span>
          {fees.unmatched.length > 0 ? (
            <ul className={styles.list} aria-label={t('invoiceFeesUnmatched')}>
              {fees.unmatched.map((each) => (
                <li key={each.invoiceNo} className={styles.item}>
                  <span className={styles.head}><strong>{each.invoiceNo}</strong><span>{groupDigits(each.total)}</span></span>
                  <span className={styles.muted}>{each.sellerName} · {each.issuedAt}</span>
                  <span>{language === 'en' ? each.why.en : each.why.zh}</span>
                </li>
              ))}
            </ul>
          ) : null}
        </>
      ) : null}
    </section>
  )
}

/** The reconciliation's rows in the pane (the sheet holds the same). */
function ReconciliationTotals({ report }: { report: ReportData }) {
  const styles = usePaneStyles()
  const t = useT()
  return (
    <div className={styles.scroll}>
      <table className={styles.table} aria-label={t('invoiceReconciliation')}>
        <thead><tr>{report.columns.map((column) => <th key={column.key} className={column.kind === 'text' ? styles.cell : styles.number}>{column.label}</th>)}</tr></thead>
        <tbody>{report.rows.slice(0, 40).map((row, index) => (
          <tr key={index}>{report.columns.map((column) => {
            const value = row[column.key]
            return <td key={column.key} className={column.kind === 'text' ? styles.cell : styles.number}>{column.kind === 'text' ? String(value ?? '') : groupDigits(value === null || value === undefined ? '' : String(value))}</td>
          })}</tr>
        ))}</tbody>
      </table>
    </div>
  )
}

function InputStatusTable({ data, language }: { data: { inputVatOn: string; rows: InputStatusRow[] }; language: Language }) {
  const styles = usePaneStyles()
  const t = useT()
  void language
  return (
    <div className={styles.scroll}>
      <span className={styles.muted}>{t(data.inputVatOn === 'receipt' ? 'invoiceVatOnReceipt' : 'invoiceVatOnCertification')}</span>
      <table className={styles.table} aria-label={t('invoiceInputs')}>
        <thead><tr>
          <th className={styles.cell}>{t('invoiceCertification')}</th><th className={styles.number}>{t('invoiceCount')}</th>
          <th className={styles.number}>{t('amount')}</th><th className={styles.number}>{t('invoiceTax')}</th><th className={styles.number}>{t('invoiceDeductible')}</th>
        </tr></thead>
        <tbody>{data.rows.map((row) => (
          <tr key={row.certification}>
            <td className={styles.cell}>{t(CERTIFICATION_KEYS[row.certification] ?? 'invoiceCertUnknown')}</td><td className={styles.number}>{row.count}</td>
            <td className={styles.number}>{groupDigits(row.amount)}</td><td className={styles.number}>{groupDigits(row.tax)}</td><td className={styles.number}>{groupDigits(row.deductibleTax)}</td>
          </tr>
        ))}</tbody>
      </table>
    </div>
  )
}
