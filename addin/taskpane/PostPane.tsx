import { Button, Link, Subtitle2, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow } from '@fluentui/react-components'
import { useEffect, useState } from 'react'
import type { HeldItem, LedgerApi, Role, Voucher } from '../api-client.ts'
import type { WorkbookWriter } from '../excel/writer.ts'
import { ErrorNotice, Notice, groupDigits, useAction, usePaneStyles, useT } from './common.tsx'
import { canApprove } from './MatchPane.tsx'
import { vouchersTable, voucherLabel } from './tables.ts'

const MAX_SHEET_VOUCHERS = 500

export function canPost(role: Role): boolean {
  return role === 'admin' || role === 'accountant'
}

export function PostPane({ api, writer, company, period, role, onPosted }: {
  api: LedgerApi; writer: WorkbookWriter; company: string; period: string; role: Role; onPosted?: () => void
}) {
  const t = useT()
  const styles = usePaneStyles()
  const [preview, setPreview] = useState<readonly Voucher[] | null>(null)
  const [held, setHeld] = useState<readonly HeldItem[]>([])
  const [drafts, setDrafts] = useState<readonly Voucher[] | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const [sheet, setSheet] = useState<string | null>(null)
  const posting = useAction()
  const approving = useAction()
  const { run: runApproving } = approving

  useEffect(() => {
    void runApproving(async () => setDrafts(await api.vouchers(company, { period, status: 'draft' })))
  }, [api, company, period, runApproving])

  async function loadPreview() {
    setNotice(null)
    const result = await posting.run(() => api.previewPosting(company, period))
    if (result === undefined) return
    setPreview(result.vouchers)
    setHeld(result.held ?? [])
  }

  async function post() {
    const result = await posting.run(() => api.runPosting(company, period))
    if (result === undefined) return
    setNotice(t('posted', { vouchers: result.vouchers, lines: result.lines }))
    setPreview(null)
    setHeld([])
    onPosted?.()
    setDrafts(await approving.run(() => api.vouchers(company, { period, status: 'draft' })) ?? null)
  }

  async function approve(voucher: Voucher) {
    if (voucher.id === undefined) return
    const id = voucher.id
    const result = await approving.run(() => api.approveVoucher(company, id))
    if (result !== undefined) setDrafts((current) => (current ?? []).filter((item) => item.id !== id))
  }

  async function writeVouchers() {
    await posting.run(async () => {
      // The list omits lines; fetch each voucher's lines (capped: a sheet for review, not an export).
      const vouchers = preview ?? await Promise.all((await api.vouchers(company, { period })).slice(0, MAX_SHEET_VOUCHERS)
        .map((voucher) => (voucher.lines.length > 0 || voucher.id === undefined ? voucher : api.voucher(company, voucher.id))))
      const report = await writer.writeTable(vouchersTable(vouchers, period, company, t))
      setSheet(report.sheetName)
      setNotice(t('written', { rows: report.rows, sheet: report.sheetName }))
    })
  }

  return (
    <section className={styles.section} aria-labelledby="post-title">
      <Subtitle2 as="h2" id="post-title">{t('postTitle')}</Subtitle2>
      <div className={styles.row}>
        <Button onClick={() => void loadPreview()} disabled={posting.busy}>{t('previewVouchers')}</Button>
        {preview !== null && preview.length > 0 ? (
          <Button appearance="primary" onClick={() => void post()} disabled={posting.busy || !canPost(role)}>{t('postVouchers', { count: preview.length })}</Button>
        ) : null}
        <Button onClick={() => void writeVouchers()} disabled={posting.busy}>{t('writeVouchers')}</Button>
      </div>
      {sheet !== null ? <Link onClick={() => void writer.activate(sheet)}>{t('openVoucherSheet')}</Link> : null}
      <ErrorNotice error={posting.error} feature="featurePosting" />
      <Notice text={notice} />
      {preview !== null && preview.length === 0 ? <span className={styles.muted}>{t('noPreview')}</span> : null}
      {preview !== null && preview.length > 0 ? <VoucherTable vouchers={preview} /> : null}
      {preview !== null && held.length > 0 ? <HeldList held={held} /> : null}
      <Subtitle2 as="h3">{t('draftVouchers')}</Subtitle2>
      <ErrorNotice error={approving.error} feature="featurePosting" />
      {drafts !== null && drafts.length === 0 ? <span className={styles.muted}>{t('noDrafts')}</span> : null}
      {(drafts ?? []).map((voucher, index) => (
        <div key={String(voucher.id ?? index)} className={styles.row}>
          <span>{voucherLabel(voucher, index)} · {voucher.date} · {voucher.summary ?? ''}</span>
          {canApprove(role) ? <Button size="small" onClick={() => void approve(voucher)} disabled={approving.busy}>{t('approve')}</Button> : null}
        </div>
      ))}
    </section>
  )
}

function VoucherTable({ vouchers }: { vouchers: readonly Voucher[] }) {
  const t = useT()
  const styles = usePaneStyles()
  const shown = vouchers.slice(0, 50)
  // A posting preview gives each voucher's total and line count, not its lines: three columns fit the narrow pane.
  if (shown.every((voucher) => voucher.lines.length === 0)) {
    return (
      <div className={styles.scroll}>
        <Table size="extra-small" aria-label={t('voucher')}>
          <TableHeader>
            <TableRow>
              <TableHeaderCell>{t('voucher')}</TableHeaderCell>
              <TableHeaderCell>{t('summary')}</TableHeaderCell>
              <TableHeaderCell className={styles.number}>{t('amount')}</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {shown.map((voucher, index) => (
              <TableRow key={`${index}`}>
                <TableCell>{`${voucherLabel(voucher, index)} ${voucher.date}`}</TableCell>
                <TableCell>{voucher.summary ?? ''}{voucher.store !== undefined ? ` · ${voucher.store}` : ''}{voucher.lineCount !== undefined ? ` (${voucher.lineCount})` : ''}</TableCell>
                <TableCell className={styles.number}>{groupDigits(voucher.total)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
    )
  }
  return (
    <div className={styles.scroll}>
      <Table size="extra-small" aria-label={t('voucher')}>
        <TableHeader>
          <TableRow>
            <TableHeaderCell>{t('voucher')}</TableHeaderCell>
            <TableHeaderCell>{t('summary')}</TableHeaderCell>
            <TableHeaderCell>{t('account')}</TableHeaderCell>
            <TableHeaderCell>{t('debit')}</TableHeaderCell>
            <TableHeaderCell>{t('credit')}</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {shown.flatMap((voucher, index) => voucher.lines.map((line, lineIndex) => (
            <TableRow key={`${index}-${lineIndex}`}>
              <TableCell>{lineIndex === 0 ? `${voucherLabel(voucher, index)} ${voucher.date}` : ''}</TableCell>
              <TableCell>{line.summary ?? voucher.summary ?? ''}</TableCell>
              <TableCell>{line.accountCode} {line.accountName ?? ''}</TableCell>
              <TableCell className={styles.number}>{groupDigits(line.debit)}</TableCell>
              <TableCell className={styles.number}>{groupDigits(line.credit)}</TableCell>
            </TableRow>
          )))}
        </TableBody>
      </Table>
    </div>
  )
}

const SHOWN_HELD = 5

/** What the run leaves out and why (an open exception, money without an order …), so nothing waits unseen. */
function HeldList({ held }: { held: readonly HeldItem[] }) {
  const t = useT()
  const styles = usePaneStyles()
  return (
    <div role="group" aria-label={t('heldItems', { count: held.length })}>
      <span>{t('heldItems', { count: held.length })}</span>
      <ul style={{ margin: 0, paddingInlineStart: '1.2em' }}>
        {held.slice(0, SHOWN_HELD).map((item, index) => (
          <li key={`${item.ref}-${index}`} className={styles.muted} style={{ overflowWrap: 'anywhere' }}>{item.reason}: {item.message}</li>
        ))}
      </ul>
      {held.length > SHOWN_HELD ? <span className={styles.muted}>…</span> : null}
    </div>
  )
}
