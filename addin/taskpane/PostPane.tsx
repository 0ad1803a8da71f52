import { Button, Field, Input, Link, Subtitle2 } from '@fluentui/react-components'
import { useEffect, useState } from 'react'
import type { HeldItem, LedgerApi, Role, Voucher } from '../api-client.ts'
import type { WorkbookWriter } from '../excel/writer.ts'
import { ErrorNotice, Notice, useAction, usePaneStyles, useT } from './common.tsx'
import { type Language, type Translate, codeName, localizeCodes } from './i18n.ts'
import { canApprove } from './MatchPane.tsx'
import { isClosed, usePane } from './store.ts'
import { vouchersTable, voucherLabel } from './tables.ts'
import { VoucherCard, useAccounts, withAccountNames } from './Vouchers.tsx'

const MAX_SHEET_VOUCHERS = 500
/** Vouchers shown with their lines in the pane; the sheet holds them all. */
const SHOWN_VOUCHERS = 20

export function canPost(role: Role): boolean {
  return role === 'admin' || role === 'accountant'
}

/** Fetches each voucher's lines (the list route gives headers only). */
async function withLines(api: LedgerApi, company: string, vouchers: readonly Voucher[]): Promise<Voucher[]> {
  return Promise.all(vouchers.map((voucher) => (voucher.lines.length > 0 || voucher.id === undefined ? voucher : api.voucher(company, voucher.id))))
}

export function PostPane({ api, writer, company, period, role, onPosted }: {
  api: LedgerApi; writer: WorkbookWriter; company: string; period: string; role: Role; onPosted?: () => void
}) {
  const t = useT()
  const styles = usePaneStyles()
  const language = usePane((state) => state.language)
  const closed = usePane((state) => isClosed(state, period))
  const accounts = useAccounts(api, company)
  const [preview, setPreview] = useState<readonly Voucher[] | null>(null)
  const [held, setHeld] = useState<readonly HeldItem[]>([])
  const [drafts, setDrafts] = useState<readonly Voucher[] | null>(null)
  const [posted, setPosted] = useState<readonly Voucher[] | null>(null)
  const [approved, setApproved] = useState<readonly Voucher[]>([])
  const [unapproveReason, setUnapproveReason] = useState('')
  const [notice, setNotice] = useState<string | null>(null)
  const [sheet, setSheet] = useState<string | null>(null)
  const posting = useAction()
  const approving = useAction()
  const { run: runApproving } = approving

  useEffect(() => {
    setPreview(null)
    setHeld([])
    setPosted(null)
    setNotice(null)
    void runApproving(async () => setDrafts(await withLines(api, company, (await api.vouchers(company, { period, status: 'draft' })).slice(0, SHOWN_VOUCHERS))))
    // approved but not posted (a company that keeps 审核 and 记账 apart): 反审核 takes one back to draft
    void api.vouchers(company, { period, status: 'approved' }).then(async (found) => {
      const list = found.filter((voucher) => voucher.status === 'approved')
      setApproved(list.length === 0 ? [] : await withLines(api, company, list.slice(0, SHOWN_VOUCHERS)))
    }, () => setApproved([]))
  }, [api, company, period, runApproving])

  async function unapprove(voucher: Voucher, index: number) {
    const id = voucher.id
    if (id === undefined) return
    const result = await approving.run(() => api.unapproveVoucher(company, id, unapproveReason.trim()))
    if (result === undefined) return
    setNotice(t('unapproved', { voucher: voucherLabel(voucher, index) }))
    setUnapproveReason('')
    setApproved((list) => list.filter((item) => item.id !== id))
    setDrafts(await withLines(api, company, (await api.vouchers(company, { period, status: 'draft' })).slice(0, SHOWN_VOUCHERS)))
  }

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
    setDrafts(await approving.run(async () => withLines(api, company, (await api.vouchers(company, { period, status: 'draft' })).slice(0, SHOWN_VOUCHERS))) ?? null)
  }

  async function approve(voucher: Voucher, index: number) {
    if (voucher.id === undefined) return
    const id = voucher.id
    const result = await approving.run(() => api.approveVoucher(company, id))
    if (result === undefined) return
    setDrafts((current) => (current ?? []).filter((item) => item.id !== id))
    // kept unposted (postOnApprove false): it joins the approved list, where 反审核 can take it back
    if (result.status === 'approved') setApproved((list) => [...list.filter((item) => item.id !== id), { ...voucher, status: 'approved' }])
    setNotice(t('approvedVoucher', { voucher: voucherLabel(voucher, index) }))
    onPosted?.()
  }

  async function showPosted() {
    const result = await approving.run(async () => withLines(api, company, (await api.vouchers(company, { period, status: 'posted' })).slice(-SHOWN_VOUCHERS)))
    if (result !== undefined) setPosted(result)
  }

  async function reverse(voucher: Voucher) {
    if (voucher.id === undefined) return
    const id = voucher.id
    const result = await approving.run(() => api.reverseVoucher(company, id))
    if (result === undefined) return
    setNotice(t('reversed', { voucher: voucherLabel(result, 0) }))
    onPosted?.()
    await showPosted()
  }

  async function writeVouchers() {
    await posting.run(async () => {
      // The list omits lines; fetch each voucher's lines (capped: a sheet for review, not an export).
      const vouchers = preview ?? await withLines(api, company, (await api.vouchers(company, { period })).slice(0, MAX_SHEET_VOUCHERS))
      const named = vouchers.map((voucher) => withAccountNames(voucher, accounts, language))
      const report = await writer.writeTable(vouchersTable(named, period, company, t, language))
      setSheet(report.sheetName)
      setNotice(t('written', { rows: report.rows, sheet: report.sheetName }))
    })
  }

  const mayPost = canPost(role) && !closed
  return (
    <section className={styles.section} aria-labelledby="post-title">
      <Subtitle2 as="h2" id="post-title">{t('postTitle')}</Subtitle2>
      {closed ? <Notice intent="info" text={t('periodClosedReadOnly', { period })} /> : null}
      <div className={styles.row}>
        <Button onClick={() => void loadPreview()} disabled={posting.busy || closed}>{t('previewVouchers')}</Button>
        {preview !== null && preview.length > 0 ? (
          <Button appearance="primary" onClick={() => void post()} disabled={posting.busy || !mayPost}>{t('postVouchers', { count: preview.length })}</Button>
        ) : null}
        <Button onClick={() => void writeVouchers()} disabled={posting.busy}>{t('writeVouchers')}</Button>
      </div>
      {sheet !== null ? <Link onClick={() => void writer.activate(sheet)}>{t('openVoucherSheet')}</Link> : null}
      <ErrorNotice error={posting.error} feature="featurePosting" />
      <Notice text={notice} />
      {preview !== null && preview.length === 0 ? <span className={styles.muted}>{t('noPreview')}</span> : null}
      {preview !== null && preview.length > 0 ? (
        <div role="list" aria-label={t('voucher')} className={styles.section}>
          {preview.slice(0, SHOWN_VOUCHERS).map((voucher, index) => (
            <div role="listitem" key={index}>
              <VoucherCard voucher={voucher} index={index} accounts={accounts} note={voucher.approval === 'auto' ? t('autoApproved') : voucher.approval === 'draft' ? t('needsApprover') : undefined} />
            </div>
          ))}
          {preview.length > SHOWN_VOUCHERS ? <span className={styles.muted}>{t('moreRows', { count: preview.length - SHOWN_VOUCHERS })}</span> : null}
        </div>
      ) : null}
      {preview !== null && held.length > 0 ? <HeldList held={held} /> : null}
      <Subtitle2 as="h3">{t('draftVouchers')}</Subtitle2>
      <ErrorNotice error={approving.error} feature="featurePosting" />
      {drafts !== null && drafts.length === 0 ? <span className={styles.muted}>{t('noDrafts')}</span> : null}
      {(drafts ?? []).map((voucher, index) => (
        <VoucherCard
          key={String(voucher.id ?? index)} voucher={voucher} index={index} accounts={accounts}
          actions={canApprove(role) && !closed ? <Button size="small" appearance="primary" onClick={() => void approve(voucher, index)} disabled={approving.busy}>{t('approve')}</Button> : undefined}
        />
      ))}
      {approved.length > 0 ? (
        <div className={styles.section} role="group" aria-label={t('approvedVouchers')}>
          <Subtitle2 as="h3">{t('approvedVouchers')}</Subtitle2>
          {canApprove(role) && !closed ? (
            <Field label={t('unapproveReason')}>
              <Input value={unapproveReason} onChange={(_, data) => setUnapproveReason(data.value)} />
            </Field>
          ) : null}
          {approved.map((voucher, index) => (
            <VoucherCard
              key={`a-${String(voucher.id ?? index)}`} voucher={voucher} index={index} accounts={accounts}
              actions={canApprove(role) && !closed ? <Button size="small" onClick={() => void unapprove(voucher, index)} disabled={approving.busy}>{t('unapprove')}</Button> : undefined}
            />
          ))}
        </div>
      ) : null}
      {canPost(role) ? <Button onClick={() => void showPosted()} disabled={approving.busy}>{t('showPosted')}</Button> : null}
      {(posted ?? []).map((voucher, index) => (
        <VoucherCard
          key={`p-${String(voucher.id ?? index)}`} voucher={voucher} index={index} accounts={accounts}
          actions={mayPost ? <Button size="small" onClick={() => void reverse(voucher)} disabled={approving.busy}>{t('reverseVoucher')}</Button> : undefined}
        />
      ))}
    </section>
  )
}

const SHOWN_HELD = 5

/** A held item in the pane's language: in English the catalogue's reason and the service's sentence, else the catalogue's reason and the record. */
export function heldText(item: HeldItem, language: Language, t: Translate): string {
  const reason = codeName(language, 'holdReason', item.reason)
  if (language === 'en') return `${reason}: ${item.message}`
  const parts = item.ref.split('|')
  const record = parts.length === 3 ? `${t('tradeNo')} ${parts[1] ?? ''}` : item.ref
  return `${reason}：${record}${item.store !== undefined ? `（${t('storeName')} ${item.store}）` : ''}`
}

/** What the run leaves out and why (an open exception, money without an order …), so nothing waits unseen. */
function HeldList({ held }: { held: readonly HeldItem[] }) {
  const t = useT()
  const styles = usePaneStyles()
  const language = usePane((state) => state.language)
  return (
    <div role="group" aria-label={t('heldItems', { count: held.length })}>
      <span>{t('heldItems', { count: held.length })}</span>
      <ul style={{ margin: 0, paddingInlineStart: '1.2em' }}>
        {held.slice(0, SHOWN_HELD).map((item, index) => (
          <li key={`${item.ref}-${index}`} className={styles.muted} style={{ overflowWrap: 'anywhere' }}>{heldText(item, language, t)}</li>
        ))}
      </ul>
      {held.length > SHOWN_HELD ? <span className={styles.muted}>…</span> : null}
    </div>
  )
}
