import { Badge, Button, Checkbox, Field, Subtitle2, Textarea } from '@fluentui/react-components'
import { useCallback, useEffect, useState } from 'react'
import { type CloseBlocker, type CloseCheck, type LedgerApi, type Period, type Role, isApiError } from '../api-client.ts'
import { ErrorNotice, Notice, useAction, usePaneStyles, useT } from './common.tsx'
import { type Language, type MessageKey, type Translate, localizeCodes, roleName } from './i18n.ts'
import { usePane, usePaneStore } from './store.ts'
import { ReconcilePanel } from './ReconcilePanel.tsx'

/**
 * 结账 in the pane: the period's status, the close checklist (h-close's
 * close-check route; without it the pane says so and closing still refuses
 * drafts), close, force-close with a reason (admin), and 反结账 (admin).
 */

export function canClose(role: Role): boolean {
  return role === 'admin' || role === 'accountant'
}

const BLOCKER_KEYS: Readonly<Record<string, MessageKey>> = {
  drafts: 'blockerDrafts', open_exceptions: 'blockerOpenExceptions', held_items: 'blockerHeldItems', payouts_not_in_bank: 'blockerPayoutsNotInBank', unposted_records: 'blockerUnpostedRecords',
}

/** A blocker in the pane's language: the service's own sentence when it gives both, else the catalogue's. */
export function blockerText(blocker: CloseBlocker, language: Language, t: Translate): string {
  if (blocker.message !== undefined) return language === 'en' ? blocker.message.en : localizeCodes(language, blocker.message.zh)
  const key = BLOCKER_KEYS[blocker.kind]
  return key === undefined ? t('blockerOther', { count: blocker.count, kind: blocker.kind }) : t(key, { count: blocker.count })
}

export function ClosePane({ api, company, period, role }: { api: LedgerApi; company: string; period: string; role: Role }) {
  const t = useT()
  const styles = usePaneStyles()
  const store = usePaneStore()
  const language = usePane((state) => state.language)
  const [info, setInfo] = useState<Period | null>(null)
  const [check, setCheck] = useState<CloseCheck | null>(null)
  const [checkMissing, setCheckMissing] = useState(false)
  const [notice, setNotice] = useState<string | null>(null)
  const [force, setForce] = useState(false)
  const [reason, setReason] = useState('')
  const [reasonError, setReasonError] = useState<string | undefined>(undefined)
  const loading = useAction()
  const acting = useAction()
  const { run: load } = loading

  const refresh = useCallback(async () => {
    await load(async () => {
      const periods = await api.periods(company)
      store.setState({ periodStatus: Object.fromEntries(periods.map((item) => [item.period, item.status])) })
      setInfo(periods.find((item) => item.period === period) ?? { period, status: 'open', closedAt: null, vouchers: 0, drafts: 0 })
      try {
        setCheck(await api.closeCheck(company, period))
        setCheckMissing(false)
      } catch (error) {
        if (isApiError(error) && error.kind === 'notAvailable') {
          setCheck(null)
          setCheckMissing(true)
        } else throw error
      }
    })
  }, [api, company, period, load, store])

  useEffect(() => {
    setNotice(null)
    setForce(false)
    setReason('')
    void refresh()
  }, [refresh])

  const closed = info?.status === 'closed'
  const blockers = check?.blockers.filter((blocker) => blocker.count > 0) ?? []
  const drafts = info?.drafts ?? 0

  async function close() {
    if (force && reason.trim() === '') {
      setReasonError(t('reasonRequired'))
      return
    }
    setReasonError(undefined)
    setNotice(null)
    const result = await acting.run(() => api.closePeriod(company, period, force ? { force: true, reason: reason.trim() } : {}))
    if (result === undefined) return
    setForce(false)
    setReason('')
    if (result.status === 'pending') setNotice(t('closePending', { period, count: result.pending?.length ?? 0, approvers: result.approvers?.length ? result.approvers.join(', ') : '—' }))
    else setNotice(result.closingVoucher !== null && result.closingVoucher !== undefined ? t('closedWithVoucher', { period, voucher: result.closingVoucher }) : t('closedDone', { period }))
    await refresh()
  }

  async function reopen() {
    if (reason.trim() === '') {
      setReasonError(t('reasonRequired'))
      return
    }
    setReasonError(undefined)
    setNotice(null)
    const result = await acting.run(async () => {
      await api.reopenPeriod(company, period, reason.trim())
      return true
    })
    if (result === undefined) return
    setReason('')
    setNotice(t('reopened', { period }))
    await refresh()
  }

  const mayClose = canClose(role)
  const blocked = blockers.length > 0 || (checkMissing && drafts > 0)
  return (
    <section className={styles.section} aria-labelledby="close-title">
      <Subtitle2 as="h2" id="close-title">{t('closeTitle')}</Subtitle2>
      {info !== null ? (
        <div className={styles.row} role="group" aria-label={t('periodStatus', { period })}>
          <span>{t('periodStatus', { period })}</span>
          <Badge color={closed ? 'informative' : 'success'} appearance="filled">{closed ? t('periodClosed') : t('periodOpen')}</Badge>
          {closed && info.closedAt ? <span className={styles.muted}>{t('periodClosedAt', { date: info.closedAt.slice(0, 16).replace('T', ' ') })}</span> : null}
          <span className={styles.muted}>{(info.vouchers ?? 0) > 0 ? t('periodCounts', { vouchers: info.vouchers ?? 0, drafts }) : t('periodNoData', { period })}</span>
        </div>
      ) : null}
      <ErrorNotice error={loading.error} feature="closeTitle" />
      {closed ? <Notice intent="info" text={t('periodClosedReadOnly', { period })} /> : null}
      {!closed ? (
        <>
          <Subtitle2 as="h3">{t('closeChecklist')}</Subtitle2>
          {checkMissing ? <Notice intent="info" text={t('closeCheckUnavailable')} /> : null}
          <ul role="list" aria-label={t('closeChecklist')} style={{ margin: 0, paddingInlineStart: '1.2em' }}>
            {blockers.map((blocker) => <li key={blocker.kind}>{blockerText(blocker, language, t)}</li>)}
            {checkMissing && drafts > 0 ? <li>{t('blockerDrafts', { count: drafts })}</li> : null}
          </ul>
          {check !== null && blockers.length === 0 ? <Notice text={t('closeReady', { period })} /> : null}
          {!mayClose ? <Notice intent="info" text={t('closeNotAllowed', { role: roleName(language, role) })} /> : null}
          {mayClose && blocked && role === 'admin' && !checkMissing ? (
            <Checkbox label={t('forceClose')} checked={force} onChange={(_, data) => setForce(data.checked === true)} />
          ) : null}
          {mayClose && force ? (
            <Field label={t('forceReason')} validationMessage={reasonError} required>
              <Textarea value={reason} onChange={(_, data) => setReason(data.value)} />
            </Field>
          ) : null}
          <div className={styles.row}>
            <Button onClick={() => void refresh()} disabled={loading.busy || acting.busy}>{t('checkRun')}</Button>
            {mayClose ? (
              <Button appearance="primary" onClick={() => void close()} disabled={acting.busy || loading.busy || (blocked && !force)}>
                {acting.busy ? t('closing') : t('closePeriod', { period })}
              </Button>
            ) : null}
          </div>
        </>
      ) : null}
      {closed && role === 'admin' ? (
        <>
          <Field label={t('reopenReason')} validationMessage={reasonError} required>
            <Textarea value={reason} onChange={(_, data) => setReason(data.value)} />
          </Field>
          <div className={styles.row}>
            <Button onClick={() => void reopen()} disabled={acting.busy}>{t('reopenPeriod', { period })}</Button>
          </div>
        </>
      ) : null}
      <ErrorNotice error={acting.error} feature="closeTitle" />
      <Notice text={notice} />
      <ReconcilePanel api={api} company={company} period={period} />
    </section>
  )
}
