import {
  Badge, Button, Checkbox, Field, Input, ProgressBar, Subtitle2, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, makeStyles, tokens,
} from '@fluentui/react-components'
import { type DragEvent, type KeyboardEvent, useRef, useState } from 'react'
import { type ImportProgress, type ImportSummary, type LedgerApi, type Role, isApiError } from '../api-client.ts'
import type { WorkbookWriter } from '../excel/writer.ts'
import { ErrorNotice, Notice, fieldErrorsOf, useAction, usePaneStyles, useT } from './common.tsx'
import type { Translate } from './i18n.ts'
import { guessFormat, readHead } from './formats.ts'
import { rejectsTable } from './tables.ts'
import { MappingWizard } from './MappingWizard.tsx'

const useStyles = makeStyles({
  drop: {
    border: `2px dashed ${tokens.colorNeutralStroke1}`, borderRadius: tokens.borderRadiusMedium, padding: tokens.spacingVerticalL,
    textAlign: 'center', cursor: 'pointer', color: tokens.colorNeutralForeground2,
    ':focus-visible': { outline: `2px solid ${tokens.colorBrandStroke1}` },
  },
  dragging: { backgroundColor: tokens.colorBrandBackground2, border: `2px dashed ${tokens.colorBrandStroke1}` },
  files: { margin: 0, paddingInlineStart: tokens.spacingHorizontalL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  hidden: { display: 'none' },
  // The file cell carries the detected format under the name, so the narrow pane needs one column less.
  fileCell: { width: '40%' },
  fileName: { display: 'block', overflowWrap: 'anywhere' },
  format: {
    display: 'inline-block', maxWidth: '100%', overflowWrap: 'anywhere', fontSize: tokens.fontSizeBase100, lineHeight: tokens.lineHeightBase100,
    color: tokens.colorBrandForeground1, backgroundColor: tokens.colorBrandBackground2, borderRadius: tokens.borderRadiusMedium, paddingInline: tokens.spacingHorizontalXS,
  },
})

interface Picked {
  readonly file: File
  readonly guess: string | null
}

const counted = new Intl.NumberFormat('en-US')

/** The label over the progress bar: what the service is doing, on which file, how far. */
export function progressLabel(progress: ImportProgress, t: Translate): string {
  if (progress.phase === 'upload') return progress.percent === null ? t('uploadingFiles') : t('uploading', { percent: progress.percent })
  const file = progress.files > 1 ? `${progress.file ?? ''} (${progress.fileIndex}/${progress.files})` : progress.file ?? ''
  const values = { file, percent: progress.percent ?? 0, rows: counted.format(progress.rows), rejects: counted.format(progress.rejects) }
  if (progress.phase === 'insert') return t('importSaving', values)
  return progress.percent === null ? t('importingRows', values) : t('importingPercent', values)
}

export function ImportPane({ api, writer, company, role, period, onPeriod }: {
  api: LedgerApi; writer: WorkbookWriter; company: string; role: Role; period?: string; onPeriod?: (period: string) => void
}) {
  const t = useT()
  const styles = { ...usePaneStyles(), ...useStyles() }
  const input = useRef<HTMLInputElement>(null)
  const [picked, setPicked] = useState<Picked[]>([])
  const [dragging, setDragging] = useState(false)
  const [store, setStore] = useState('')
  const [force, setForce] = useState(false)
  const [progress, setProgress] = useState<ImportProgress | null>(null)
  const [summaries, setSummaries] = useState<ImportSummary[]>([])
  const [missing, setMissing] = useState(false)
  const [notice, setNotice] = useState<string | null>(null)
  const [dataPeriods, setDataPeriods] = useState<readonly string[]>([])
  const { busy, error, run } = useAction()
  const [mapping, setMapping] = useState<{ fileName: string; columns: readonly string[] } | null>(null)
  const canImport = role !== 'sales' && role !== 'auditor'
  // A file no format recognises: the service sends its header columns, and the pane offers 建立映射.
  const unknownFile = (() => {
    if (!isApiError(error) || error.code !== 'UNSUPPORTED_FORMAT') return null
    const details = error.details as { columns?: unknown } | undefined
    const columns = Array.isArray(details?.columns) ? details.columns.filter((column): column is string => typeof column === 'string') : []
    if (columns.length === 0) return null
    const file = picked.find((entry) => error.message.startsWith(`${entry.file.name}:`)) ?? picked[0]
    return { fileName: file?.file.name ?? '', columns }
  })()

  async function pick(files: FileList | null) {
    if (files === null) return
    const next = await Promise.all([...files].map(async (file) => ({ file, guess: guessFormat(file.name, await readHead(file)) })))
    setPicked(next)
    setMapping(null)
    setMissing(false)
    setSummaries([])
    setDataPeriods([])
  }

  function onDrop(event: DragEvent) {
    event.preventDefault()
    setDragging(false)
    void pick(event.dataTransfer.files)
  }

  function onKey(event: KeyboardEvent) {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault()
      input.current?.click()
    }
  }

  async function upload() {
    if (picked.length === 0) {
      setMissing(true)
      return
    }
    setNotice(null)
    setSummaries([])
    const result = await run(() => api.uploadImport(company, picked.map((entry) => entry.file), { store: store.trim(), force, onProgress: setProgress }))
    setProgress(null)
    if (result === undefined) return
    setSummaries(result)
    // Which periods the files hold: a hint when it is not the period shown.
    const ids = result.flatMap((summary) => (summary.id === undefined ? [] : [summary.id]))
    setDataPeriods(ids.length === 0 ? [] : await api.importedPeriods(company, ids).catch(() => []))
  }

  async function writeRejects(summary: ImportSummary, index: number) {
    const fileName = summary.fileName ?? picked[index]?.file.name ?? `import-${index + 1}`
    await run(async () => {
      // the answer carries the first 100 rejects; the batch has all of them
      const rejects = summary.rejects.length >= summary.rejected ? summary.rejects : await api.importRejects(company, summary.id)
      const report = await writer.writeTable(rejectsTable(fileName, rejects, t))
      setNotice(t('written', { rows: report.rows, sheet: report.sheetName }))
    })
  }

  const fieldErrors = fieldErrorsOf(error)
  const fileError = missing ? t('noFiles') : fieldErrors.file ?? fieldErrors.files
  return (
    <section className={styles.section} aria-labelledby="import-title">
      <Subtitle2 as="h2" id="import-title">{t('importTitle')}</Subtitle2>
      <Field label={t('chooseFiles')} validationMessage={fileError}>
        <div
          role="button"
          tabIndex={0}
          aria-label={t('dropFiles')}
          className={dragging ? `${styles.drop} ${styles.dragging}` : styles.drop}
          onClick={() => input.current?.click()}
          onKeyDown={onKey}
          onDragOver={(event) => { event.preventDefault(); setDragging(true) }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
        >
          {t('dropFiles')}
        </div>
      </Field>
      <input
        ref={input} className={styles.hidden} type="file" multiple accept=".csv,.txt,.xlsx,.xls,.xml,.zip" data-testid="file-input"
        onChange={(event) => void pick(event.target.files)}
      />
      {picked.length > 0 ? (
        <ul className={styles.files} aria-label={t('detectedFormat')}>
          {picked.map(({ file, guess }) => (
            <li key={file.name}>
              {file.name} — {t('detectedFormat')}: <Badge appearance="tint">{guess ?? t('formatUnknown')}</Badge>
            </li>
          ))}
        </ul>
      ) : null}
      <Field label={t('store')} validationMessage={fieldErrors.store}>
        <Input value={store} onChange={(_, data) => setStore(data.value)} />
      </Field>
      <Checkbox label={t('forceImport')} checked={force} onChange={(_, data) => setForce(data.checked === true)} />
      <div className={styles.row}>
        <Button appearance="primary" onClick={() => void upload()} disabled={busy || !canImport}>{t('upload')}</Button>
      </div>
      {busy && progress !== null ? (
        <Field label={progressLabel(progress, t)}>
          {/* No value while the share is unknown (upload over fetch, an XLSX without dimensions): Fluent shows a moving bar. */}
          <ProgressBar value={progress.percent === null ? undefined : progress.percent / 100} aria-valuetext={progressLabel(progress, t)} />
        </Field>
      ) : null}
      <ErrorNotice error={error} feature="featureImport" fieldsShown={['file', 'files', 'store']} />
      {unknownFile !== null && mapping === null && canImport ? (
        <div className={styles.row}><Button onClick={() => setMapping(unknownFile)}>{t('buildMapping')}</Button></div>
      ) : null}
      {mapping !== null ? (
        <MappingWizard api={api} company={company} fileName={mapping.fileName} columns={mapping.columns} onCancel={() => setMapping(null)}
          onSaved={(name) => {
            setMapping(null)
            void upload().then(() => setNotice(t('mappingSaved', { name })))
          }} />
      ) : null}
      <Notice text={notice} />
      {summaries.length > 0 ? <ImportSummaryTable summaries={summaries} picked={picked} onRejects={writeRejects} busy={busy} /> : null}
      {period !== undefined && dataPeriods.length > 0 && !dataPeriods.includes(period) ? (
        <div className={styles.row} role="status">
          <span>{t('importOtherPeriod', { periods: dataPeriods.join('、'), period })}</span>
          {onPeriod !== undefined ? <Button size="small" onClick={() => onPeriod(dataPeriods.at(-1) ?? period)}>{t('switchPeriod', { period: dataPeriods.at(-1) ?? period })}</Button> : null}
        </div>
      ) : null}
    </section>
  )
}

function ImportSummaryTable({ summaries, picked, onRejects, busy }: {
  summaries: readonly ImportSummary[]
  picked: readonly Picked[]
  onRejects: (summary: ImportSummary, index: number) => Promise<void>
  busy: boolean
}) {
  const t = useT()
  const styles = { ...usePaneStyles(), ...useStyles() }
  return (
    <div className={styles.scroll}>
      <Subtitle2 as="h3">{t('importSummary')}</Subtitle2>
      <Table size="small" aria-label={t('importSummary')}>
        <TableHeader>
          <TableRow>
            {(['file', 'read', 'imported', 'duplicates', 'rejected'] as const).map((key) => <TableHeaderCell key={key} className={key === 'file' ? styles.fileCell : undefined}>{t(key)}</TableHeaderCell>)}
          </TableRow>
        </TableHeader>
        <TableBody>
          {summaries.map((summary, index) => (
            <TableRow key={`${summary.fileName ?? index}`}>
              <TableCell>
                <span className={styles.fileName}>{summary.fileName ?? picked[index]?.file.name ?? ''}</span>
                <span className={styles.format} aria-label={t('format')}>{summary.format}</span>
              </TableCell>
              <TableCell>{summary.read}</TableCell>
              <TableCell>{summary.imported}</TableCell>
              <TableCell>{summary.duplicates}</TableCell>
              <TableCell>
                {summary.rejected}
                {summary.rejected > 0 ? (
                  <Button size="small" appearance="subtle" disabled={busy} onClick={() => void onRejects(summary, index)}>{t('writeRejects')}</Button>
                ) : null}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  )
}
