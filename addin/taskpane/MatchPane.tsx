import {
  Badge, Button, Checkbox, Field, FieldContextProvider, Input, Select, Subtitle2, Textarea, makeStyles, tokens,
} from '@fluentui/react-components'
import { useEffect, useState } from 'react'
import type { Account, ExceptionAction, ExceptionDetail, ExceptionsFilter, LedgerApi, MatchException, MatchSummary, MoneyLine, Role } from '../api-client.ts'
import type { WorkbookWriter } from '../excel/writer.ts'
import { ErrorNotice, Notice, fieldErrorsOf, groupDigits, useAction, usePaneStyles, useT } from './common.tsx'
import { type MessageKey, type Translate, codeName, moneyKindName, roleName } from './i18n.ts'
import { isClosed, usePane } from './store.ts'
import { exceptionWhy, exceptionsTable } from './tables.ts'
import { useAccounts } from './Vouchers.tsx'

const useStyles = makeStyles({
  // Tall enough for a screenful of exceptions (a 200-row list no longer scrolls in a six-row box).
  list: { listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: '2px', maxHeight: '60vh', overflowY: 'auto' },
  entry: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalXS },
  item: { flexGrow: 1, minWidth: 0, justifyContent: 'space-between', textAlign: 'left' },
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

/** The statuses the service filters by (an approved exception is resolved). */
const STATUSES = ['open', 'resolved', 'ignored'] as const satisfies ReadonlyArray<ExceptionsFilter['status']>
const STATUS_KEYS = { open: 'statusOpen', resolved: 'statusResolved', ignored: 'statusIgnored' } as const

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
  const [status, setStatus] = useState<(typeof STATUSES)[number] | 'all'>('open')
  const [type, setType] = useState<string>('')
  const [items, setItems] = useState<MatchException[] | null>(null)
  const [detail, setDetail] = useState<ExceptionDetail | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const [selected, setSelected] = useState<readonly (string | number)[]>([])
  const [search, setSearch] = useState('')
  const [bulkReason, setBulkReason] = useState('')
  const [bulkError, setBulkError] = useState<string | undefined>(undefined)
  const closed = usePane((state) => isClosed(state, period))
  const accounts = useAccounts(api, company)
  const list = useAction()
  const action = useAction()
  const { run } = list

  // A new period, company or filter: the old detail and selection go.
  useEffect(() => {
    setDetail(null)
    setSelected([])
    setNotice(null)
  }, [company, period, status, type])

  useEffect(() => {
    void run(async () => setItems(await api.exceptions(company, { status: status === 'all' ? undefined : status, type: type === '' ? undefined : (type as ExceptionsFilter['type']), period })))
  }, [api, company, period, status, type, run])

  useEffect(() => {
    let live = true
    setSummary(null)
    // Counts without running matching; where the route is missing they come with the next run.
    api.matchSummary(company, period).then((counts) => {
      if (live) setSummary(counts)
    }, () => undefined)
    return () => {
      live = false
    }
  }, [api, company, period])

  async function refreshCounts() {
    try {
      setSummary(await api.matchSummary(company, period))
    } catch {
      // keep the counts shown
    }
  }

  async function bulk(decision: 'resolve' | 'ignore') {
    if (selected.length === 0) {
      setBulkError(t('selectExceptions'))
      return
    }
    if (bulkReason.trim() === '') {
      setBulkError(t('reasonRequired'))
      return
    }
    setBulkError(undefined)
    setNotice(null)
    const ids = [...selected]
    let done = 0
    await action.run(async () => {
      for (const id of ids) {
        await api.actOnException(company, id, decision, bulkReason.trim())
        done += 1
        setItems((current) => (current ?? []).map((item) => (item.id === id ? { ...item, status: decision === 'resolve' ? 'resolved' : 'ignored' } : item)).filter((item) => status === 'all' || item.status === status))
      }
    })
    setSelected([])
    setBulkReason('')
    if (done > 0) setNotice(t('bulkDone', { count: done }))
    await refreshCounts()
  }

  async function runMatch() {
    setNotice(null)
    const result = await action.run(() => api.runMatch(company, period))
    if (result === undefined) return
    setSummary(result)
    setItems(await list.run(() => api.exceptions(company, { status: status === 'all' ? undefined : status, type: type === '' ? undefined : (type as ExceptionsFilter['type']), period })) ?? null)
  }

  async function open(item: MatchException) {
    setNotice(null)
    const result = await action.run(() => api.exceptionDetail(company, item.id))
    if (result !== undefined) setDetail(result)
  }

  function settled(id: string | number, newStatus: string) {
    setItems((current) => (current ?? []).map((item) => (item.id === id ? { ...item, status: newStatus } : item)).filter((item) => status === 'all' || item.status === status))
    setSelected((current) => current.filter((value) => value !== id))
    setDetail(null)
    setNotice(t('done'))
    void refreshCounts()
  }

  async function writeSheet() {
    await action.run(async () => {
      const report = await writer.writeTable(exceptionsTable(items ?? [], period, company, t, language))
      setNotice(t('written', { rows: report.rows, sheet: report.sheetName }))
    })
  }

  const bulkable = canChangeMatches(role) && !closed
  const shownItems = (items ?? []).filter((item) => matchesSearch(item, search))
  const openItems = shownItems.filter((item) => item.status === 'open')
  const types = Object.keys(summary?.exceptions ?? {}).concat((items ?? []).map((item) => item.type)).filter((value, index, all) => all.indexOf(value) === index)
  return (
    <section className={styles.section} aria-labelledby="match-title">
      <Subtitle2 as="h2" id="match-title">{t('matchTitle')}</Subtitle2>
      {canChangeMatches(role) ? null : <Notice intent="info" text={t('readOnlyRole', { role: roleName(language, role) })} />}
      {closed ? <Notice intent="info" text={t('periodClosedReadOnly', { period })} /> : null}
      <div className={styles.row}>
        <Button appearance="primary" onClick={() => void runMatch()} disabled={action.busy || !canChangeMatches(role) || closed}>
          {action.busy ? t('running') : t('runMatch')}
        </Button>
        <Button onClick={() => void writeSheet()} disabled={action.busy || items === null || items.length === 0}>{t('writeExceptions')}</Button>
      </div>
      {summary !== null ? (
        <div aria-label={t('countsByStatus')} role="group" className={styles.counts}>
          {Object.entries(summary.counts).map(([name, count]) => <Badge key={name} appearance="tint">{codeName(language, 'matchStatus', name)}: {count}</Badge>)}
          {Object.entries(summary.exceptions ?? {}).map(([name, count]) => <Badge key={`x-${name}`} appearance="outline" color="warning">{codeName(language, 'exceptionType', name)}: {count}</Badge>)}
        </div>
      ) : null}
      <ErrorNotice error={action.error} feature="featureMatch" fieldsShown={['reason']} />
      <Notice text={notice} />
      <div className={styles.row}>
        <Field label={t('status')}>
          <Select value={status} onChange={(_, data) => setStatus(data.value as (typeof STATUSES)[number] | 'all')}>
            <option value="all">{t('all')}</option>
            {STATUSES.map((value) => <option key={value} value={value}>{t(STATUS_KEYS[value])}</option>)}
          </Select>
        </Field>
        <Field label={t('type')}>
          <Select value={type} onChange={(_, data) => setType(data.value)}>
            <option value="">{t('all')}</option>
            {types.map((value) => <option key={value} value={value}>{codeName(language, 'exceptionType', value)}</option>)}
          </Select>
        </Field>
        <Field label={t('searchExceptions')}>
          <Input type="search" value={search} placeholder={t('searchHint')} onChange={(_, data) => setSearch(data.value)} />
        </Field>
      </div>
      <ErrorNotice error={list.error} feature="featureMatch" />
      <Subtitle2 as="h3">{t('exceptions')}</Subtitle2>
      {items !== null && items.length === 0 ? <span className={styles.muted}>{t('noExceptions')}</span> : null}
      {bulkable && shownItems.length > 1 ? (
        <Checkbox
          label={t('selectAll')}
          checked={selected.length === 0 ? false : selected.length === openItems.length ? true : 'mixed'}
          onChange={(_, data) => setSelected(data.checked === true ? openItems.map((item) => item.id) : [])}
        />
      ) : null}
      <ul className={styles.list} aria-label={t('exceptions')}>
        {shownItems.map((item) => (
          <li key={String(item.id)} className={styles.entry}>
            {bulkable && item.status === 'open' ? (
              <Checkbox
                aria-label={`${codeName(language, 'exceptionType', item.type)} ${item.orderNo ?? item.store ?? ''}`}
                checked={selected.includes(item.id)}
                onChange={(_, data) => setSelected((current) => (data.checked === true ? [...current, item.id] : current.filter((value) => value !== item.id)))}
              />
            ) : null}
            <Button className={styles.item} appearance={detail?.exception.id === item.id ? 'secondary' : 'subtle'} onClick={() => void open(item)}>
              <span>{codeName(language, 'exceptionType', item.type)} · {item.orderNo ?? item.store ?? '—'}</span>
              <span>{groupDigits(item.difference ?? item.amount)}</span>
            </Button>
          </li>
        ))}
      </ul>
      {bulkable && selected.length > 0 ? (
        <div className={styles.section} role="group" aria-label={t('bulkReason')}>
          <Field label={t('bulkReason')} validationMessage={bulkError} required>
            <Textarea value={bulkReason} onChange={(_, data) => setBulkReason(data.value)} />
          </Field>
          <div className={styles.row}>
            <Button onClick={() => void bulk('resolve')} disabled={action.busy}>{t('bulkResolve', { count: selected.length })}</Button>
            <Button onClick={() => void bulk('ignore')} disabled={action.busy}>{t('bulkIgnore', { count: selected.length })}</Button>
          </div>
        </div>
      ) : bulkError !== undefined ? <Notice intent="warning" text={bulkError} /> : null}
      {detail !== null ? <ExceptionDetailView key={String(detail.exception.id)} api={api} company={company} detail={detail} role={closed ? 'auditor' : role} accounts={accounts} onSettled={settled} /> : null}
    </section>
  )
}

function ExceptionDetailView({ api, company, detail, role, accounts, onSettled }: {
  api: LedgerApi; company: string; detail: ExceptionDetail; role: Role; accounts: readonly Account[]; onSettled: (id: string | number, status: string) => void
}) {
  const t = useT()
  const language = usePane((state) => state.language)
  const styles = { ...usePaneStyles(), ...useStyles() }
  const [reason, setReason] = useState('')
  const treatment = detail.treatment
  const [account, setAccount] = useState(treatment?.account ?? '')
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
    const chosenAccount = action === 'resolve' && treatment !== undefined && account !== treatment.account ? account : undefined
    const result = await run(() => (chosenAccount === undefined
      ? api.actOnException(company, detail.exception.id, action, reason.trim())
      : api.actOnException(company, detail.exception.id, action, reason.trim(), { account: chosenAccount })))
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
    <div className={styles.section} role="region" aria-label={`${codeName(language, 'exceptionType', detail.exception.type)} ${detail.exception.orderNo ?? detail.exception.store ?? ''}`}>
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
      <span><span className={styles.muted}>{t('why')}: </span>{exceptionWhy(detail.exception, language, t)}</span>
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
          {treatment !== undefined ? (
            <Field label={t('treatmentAccount')} hint={`${t('treatmentDefault', { account: `${treatment.account} ${treatmentName(treatment, accounts, language)}` })} · ${t('treatmentHint')}`} validationMessage={remote.account}>
              <Select value={account} onChange={(_, data) => setAccount(data.value)}>
                {leafOptions(accounts, treatment.account).map((item) => <option key={item.code} value={item.code}>{item.code} {language === 'en' && item.nameEn !== '' ? item.nameEn : item.name}</option>)}
              </Select>
            </Field>
          ) : null}
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

/** Leaf accounts to book a difference to: the default first, then the P&L and other leaves by code. */
function leafOptions(accounts: readonly Account[], fallback: string): Array<Pick<Account, 'code' | 'name' | 'nameEn'>> {
  const leaves: Array<Pick<Account, 'code' | 'name' | 'nameEn'>> = accounts.filter((item) => item.isLeaf)
  if (!leaves.some((item) => item.code === fallback)) leaves.unshift({ code: fallback, name: '', nameEn: '' })
  return leaves
}

function treatmentName(treatment: { account: string; name?: string; nameEn?: string }, accounts: readonly Account[], language: string): string {
  const account = accounts.find((item) => item.code === treatment.account)
  if (account !== undefined) return language === 'en' && account.nameEn !== '' ? account.nameEn : account.name
  return (language === 'en' ? treatment.nameEn : treatment.name) ?? ''
}

/**
 * The exception list narrowed by what the person types: an order number, store or
 * amount (digits match with or without thousands separators, "12" finds -12.00).
 */
export function matchesSearch(item: MatchException, search: string): boolean {
  const needle = search.trim().replace(/,/g, '').toLowerCase()
  if (needle === '') return true
  return [item.orderNo, item.store, item.amount, item.difference]
    .some((value) => value !== null && value !== undefined && value.toLowerCase().replace(/^-/, '').includes(needle.replace(/^-/, '')))
}
