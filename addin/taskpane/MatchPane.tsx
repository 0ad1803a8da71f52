import {
  Badge, Button, Checkbox, Field, FieldContextProvider, Select, Subtitle2, Textarea, makeStyles, tokens,
} from '@fluentui/react-components'
import { useEffect, useState } from 'react'
import type { ExceptionAction, ExceptionDetail, LedgerApi, MatchException, MatchSummary, MoneyLine, Role } from '../api-client.ts'
import type { WorkbookWriter } from '../excel/writer.ts'
import { ErrorNotice, Notice, fieldErrorsOf, groupDigits, useAction, usePaneStyles, useT } from './common.tsx'
import { type MessageKey, type Translate, moneyKindName, roleName } from './i18n.ts'
import { usePane } from './store.ts'
import { exceptionsTable } from './tables.ts'

const useStyles = makeStyles({
  list: { listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: '2px', maxHeight: '220px', overflowY: 'auto' },
  item: { width: '100%', justifyContent: 'space-between', textAlign: 'left' },
  sides: { display: 'grid', gridTemplateColumns: '1fr 1fr', gap: tokens.spacingHorizontalM },
  side: { border: `1px solid ${tokens.colorNeutralStroke2}`, borderRadius: tokens.borderRadiusMedium, padding: tokens.spacingHorizontalS, minWidth: 0, overflowWrap: 'anywhere' },
  // One column: label over value, so a 19-digit order number fits the half-width side unbroken.
  dl: { margin: 0, display: 'grid', gridTemplateColumns: 'minmax(0, 1fr)', fontSize: tokens.fontSizeBase200 },
  counts: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalXS },
  lines: { listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS, fontSize: tokens.fontSizeBase200 },
  line: { display: 'flex', flexDirection: 'column', borderTop: `1px solid ${tokens.colorNeutralStroke3}`, paddingTop: tokens.spacingVerticalXXS },
  amount: { margin: 0, marginBlockEnd: tokens.spacingVerticalXXS, fontVariantNumeric: 'tabular-nums', fontWeight: tokens.fontWeightSemibold },
  fact: { margin: 0, marginBlockEnd: tokens.spacingVerticalXXS, overflowWrap: 'anywhere' },
  label: { fontSize: tokens.fontSizeBase100, color: tokens.colorNeutralForeground3 },
})

/** Facts whose value is an amount (right digits grouped). */
const AMOUNT_FACTS = new Set(['amount', 'difference', 'total'])

const FACT_LABELS: Readonly<Record<string, MessageKey>> = {
  orderKey: 'orderNo', orderNo: 'orderNo', channel: 'channel', store: 'storeName', date: 'date', amount: 'amount', difference: 'difference', total: 'amount',
}

function factLabel(name: string, t: Translate): string {
  const key = FACT_LABELS[name]
  return key === undefined ? name : t(key)
}

/** One record of either side: what it is and where from, its number, and its amount. */
function MoneyLineItem({ line }: { line: MoneyLine }) {
  const language = usePane((state) => state.language)
  const styles = { ...usePaneStyles(), ...useStyles() }
  return (
    <li className={styles.line}>
      <span className={styles.muted}>{moneyKindName(language, line.kind ?? '')}{line.source !== undefined && line.source !== null ? ` · ${line.source}` : ''}{line.date !== undefined && line.date !== null ? ` · ${line.date}` : ''}</span>
      <span>{line.tradeNo ?? ''}</span>
      <strong className={styles.amount}>{groupDigits(line.amount)}</strong>
    </li>
  )
}

const STATUSES = ['open', 'resolved', 'ignored', 'approved'] as const
const STATUS_KEYS = { open: 'statusOpen', resolved: 'statusResolved', ignored: 'statusIgnored', approved: 'statusApproved' } as const

export function canChangeMatches(role: Role): boolean {
  return role === 'admin' || role === 'accountant' || role === 'approver'
}

export function canApprove(role: Role): boolean {
  return role === 'admin' || role === 'approver'
}

export function MatchPane({ api, writer, company, period, role }: { api: LedgerApi; writer: WorkbookWriter; company: string; period: string; role: Role }) {
  const t = useT()
  const language = usePane((state) => state.language)
  const styles = { ...usePaneStyles(), ...useStyles() }
  const [summary, setSummary] = useState<MatchSummary | null>(null)
  const [status, setStatus] = useState<string>('open')
  const [type, setType] = useState<string>('')
  const [items, setItems] = useState<MatchException[] | null>(null)
  const [detail, setDetail] = useState<ExceptionDetail | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const list = useAction()
  const action = useAction()
  const { run } = list

  useEffect(() => {
    void run(async () => setItems(await api.exceptions(company, { status: status === 'all' ? undefined : status, type: type === '' ? undefined : type, period })))
  }, [api, company, period, status, type, run])

  async function runMatch() {
    setNotice(null)
    const result = await action.run(() => api.runMatch(company, period))
    if (result === undefined) return
    setSummary(result)
    setItems(await list.run(() => api.exceptions(company, { status: status === 'all' ? undefined : status, type: type === '' ? undefined : type, period })) ?? null)
  }

  async function open(item: MatchException) {
    setNotice(null)
    const result = await action.run(() => api.exceptionDetail(company, item.id))
    if (result !== undefined) setDetail(result)
  }

  function settled(id: string | number, newStatus: string) {
    setItems((current) => (current ?? []).map((item) => (item.id === id ? { ...item, status: newStatus } : item)).filter((item) => status === 'all' || item.status === status))
    setDetail(null)
    setNotice(t('done'))
  }

  async function writeSheet() {
    await action.run(async () => {
      const report = await writer.writeTable(exceptionsTable(items ?? [], period, company, t))
      setNotice(t('written', { rows: report.rows, sheet: report.sheetName }))
    })
  }

  const types = Object.keys(summary?.exceptions ?? {}).concat((items ?? []).map((item) => item.type)).filter((value, index, all) => all.indexOf(value) === index)
  return (
    <section className={styles.section} aria-labelledby="match-title">
      <Subtitle2 as="h2" id="match-title">{t('matchTitle')}</Subtitle2>
      {canChangeMatches(role) ? null : <Notice intent="info" text={t('readOnlyRole', { role: roleName(language, role) })} />}
      <div className={styles.row}>
        <Button appearance="primary" onClick={() => void runMatch()} disabled={action.busy || !canChangeMatches(role)}>
          {action.busy ? t('running') : t('runMatch')}
        </Button>
        <Button onClick={() => void writeSheet()} disabled={action.busy || items === null || items.length === 0}>{t('writeExceptions')}</Button>
      </div>
      {summary !== null ? (
        <div aria-label={t('countsByStatus')} role="group" className={styles.counts}>
          {Object.entries(summary.counts).map(([name, count]) => <Badge key={name} appearance="tint">{name}: {count}</Badge>)}
          {Object.entries(summary.exceptions ?? {}).map(([name, count]) => <Badge key={`x-${name}`} appearance="outline" color="warning">{name}: {count}</Badge>)}
        </div>
      ) : null}
      <ErrorNotice error={action.error} feature="featureMatch" fieldsShown={['reason']} />
      <Notice text={notice} />
      <div className={styles.row}>
        <Field label={t('status')}>
          <Select value={status} onChange={(_, data) => setStatus(data.value)}>
            <option value="all">{t('all')}</option>
            {STATUSES.map((value) => <option key={value} value={value}>{t(STATUS_KEYS[value])}</option>)}
          </Select>
        </Field>
        <Field label={t('type')}>
          <Select value={type} onChange={(_, data) => setType(data.value)}>
            <option value="">{t('all')}</option>
            {types.map((value) => <option key={value} value={value}>{value}</option>)}
          </Select>
        </Field>
      </div>
      <ErrorNotice error={list.error} feature="featureMatch" />
      <Subtitle2 as="h3">{t('exceptions')}</Subtitle2>
      {items !== null && items.length === 0 ? <span className={styles.muted}>{t('noExceptions')}</span> : null}
      <ul className={styles.list} aria-label={t('exceptions')}>
        {(items ?? []).map((item) => (
          <li key={String(item.id)}>
            <Button className={styles.item} appearance={detail?.exception.id === item.id ? 'secondary' : 'subtle'} onClick={() => void open(item)}>
              <span>{item.type} · {item.orderNo ?? item.id}</span>
              <span>{groupDigits(item.difference ?? item.amount)}</span>
            </Button>
          </li>
        ))}
      </ul>
      {detail !== null ? <ExceptionDetailView key={String(detail.exception.id)} api={api} company={company} detail={detail} role={role} onSettled={settled} /> : null}
    </section>
  )
}

function ExceptionDetailView({ api, company, detail, role, onSettled }: {
  api: LedgerApi; company: string; detail: ExceptionDetail; role: Role; onSettled: (id: string | number, status: string) => void
}) {
  const t = useT()
  const styles = { ...usePaneStyles(), ...useStyles() }
  const [reason, setReason] = useState('')
  const [chosen, setChosen] = useState<(string | number)[]>([])
  const [local, setLocal] = useState<Record<string, string>>({})
  const { busy, error, run } = useAction()
  const candidates = detail.candidates ?? []
  const orders = detail.orders ?? []

  async function act(action: ExceptionAction) {
    if (reason.trim() === '') {
      setLocal({ reason: t('reasonRequired') })
      return
    }
    setLocal({})
    const result = await run(() => api.actOnException(company, detail.exception.id, action, reason.trim()))
    if (result !== undefined) onSettled(detail.exception.id, result.status)
  }

  async function match() {
    const problems: Record<string, string> = {}
    if (chosen.length === 0) problems.candidates = t('selectCandidate')
    if (reason.trim() === '') problems.reason = t('reasonRequired')
    setLocal(problems)
    if (Object.keys(problems).length > 0) return
    // Money without an order: the chosen candidate is an order, the money is the exception's own.
    const orderCandidates = candidates.filter((line) => line.orderNo !== undefined && chosen.includes(line.id ?? ''))
    if (orderCandidates.length > 1) {
      setLocal({ candidates: t('selectOneOrder') })
      return
    }
    const chosenOrder = orderCandidates[0]
    const orderKey = chosenOrder?.orderNo ?? detail.exception.orderNo ?? ''
    const moneyRefs = chosenOrder === undefined ? chosen : detail.money.flatMap((line) => (line.id === undefined ? [] : [line.id]))
    const result = await run(() => api.manualMatch(company, orderKey, moneyRefs, reason.trim()))
    if (result !== undefined) onSettled(detail.exception.id, result.status === '' ? 'resolved' : result.status)
  }

  const remote = fieldErrorsOf(error)
  const editable = canChangeMatches(role) && detail.exception.status === 'open'
  return (
    <div className={styles.section} role="region" aria-label={`${detail.exception.type} ${detail.exception.orderNo ?? ''}`}>
      <div className={styles.sides}>
        <div className={styles.side} role="group" aria-label={t('orderSide')}>
          <Subtitle2 as="h3">{t('orderSide')}</Subtitle2>
          <dl className={styles.dl}>
            {Object.entries(detail.order ?? {}).map(([name, value]) => (
              <div key={name} style={{ display: 'contents' }}>
                <dt className={styles.label}>{factLabel(name, t)}</dt>
                <dd className={AMOUNT_FACTS.has(name) ? styles.amount : styles.fact}>{AMOUNT_FACTS.has(name) ? groupDigits(String(value ?? '')) : String(value ?? '')}</dd>
              </div>
            ))}
          </dl>
          {orders.length > 0 ? (
            <ul className={styles.lines}>
              {orders.map((line, index) => <MoneyLineItem key={String(line.id ?? index)} line={line} />)}
            </ul>
          ) : detail.orders !== undefined ? <span className={styles.muted}>{t('noOrder')}</span> : null}
        </div>
        <div className={styles.side} role="group" aria-label={t('moneySide')}>
          <Subtitle2 as="h3">{t('moneySide')}</Subtitle2>
          {detail.money.length === 0 ? <span className={styles.muted}>{t('noMoney')}</span> : null}
          <ul className={styles.lines}>
            {detail.money.map((line, index) => <MoneyLineItem key={String(line.id ?? index)} line={line} />)}
          </ul>
        </div>
      </div>
      {detail.exception.message !== undefined && detail.exception.message !== null ? <span><span className={styles.muted}>{t('why')}: </span>{detail.exception.message}</span> : null}
      {editable && candidates.length > 0 ? (
        // One Field, several checkboxes: they must not take the Field's control id (all
        // alike, so every label would toggle the first box), hence no field context inside.
        <Field label={t('candidates')} validationMessage={local.candidates}>
          <div role="group" aria-label={t('candidates')}>
          <FieldContextProvider value={undefined}>
          {candidates.map((line, index) => {
            const id = line.id ?? index
            return (
              <Checkbox
                key={String(id)}
                label={`${line.tradeNo ?? id} ${line.date ?? ''} ${groupDigits(line.amount)}`}
                checked={chosen.includes(id)}
                onChange={(_, data) => setChosen((current) => (data.checked === true ? [...current, id] : current.filter((value) => value !== id)))}
              />
            )
          })}
          </FieldContextProvider>
          </div>
        </Field>
      ) : null}
      {editable ? (
        <>
          <Field label={t('reason')} validationMessage={local.reason ?? remote.reason} required>
            <Textarea value={reason} onChange={(_, data) => setReason(data.value)} resize="vertical" />
          </Field>
          <div className={styles.row}>
            {candidates.length > 0 ? <Button onClick={() => void match()} disabled={busy}>{t('manualMatch')}</Button> : null}
            <Button appearance="primary" onClick={() => void act('resolve')} disabled={busy}>{t('resolve')}</Button>
            <Button onClick={() => void act('ignore')} disabled={busy}>{t('ignore')}</Button>
            {canApprove(role) ? <Button onClick={() => void act('approve')} disabled={busy}>{t('approve')}</Button> : null}
          </div>
        </>
      ) : null}
      <ErrorNotice error={error} feature="featureMatch" fieldsShown={['reason']} />
    </div>
  )
}
