import { Button, Field, Input, Link, Subtitle2 } from '@fluentui/react-components'
import { useEffect, useRef, useState } from 'react'
import type { LedgerApi, SearchResult, SourceRecord, Voucher, VoucherSource } from '../api-client.ts'
import { ErrorNotice, groupDigits, useAction, usePaneStyles, useT } from './common.tsx'
import { type MessageKey, type Translate, moneyKindName } from './i18n.ts'
import { usePane } from './store.ts'
import { VoucherCard, useAccounts } from './Vouchers.tsx'

const KIND_KEYS: Readonly<Record<string, MessageKey>> = { order: 'sourceOrder', settlementTxn: 'sourceSettlementTxn', bankTxn: 'sourceBankTxn', voucher: 'sourceVoucher' }

function kindName(kind: string, t: Translate): string {
  const key = KIND_KEYS[kind]
  return key === undefined ? t('sourceOther') : t(key)
}

/** Records as a table: kind, number, date, store, amount, text (a bill line's kind in words). */
function RecordsTable({ records, caption, onVoucher }: { records: readonly SourceRecord[]; caption: string; onVoucher?: (id: number, label: string) => void }) {
  const t = useT()
  const styles = usePaneStyles()
  const language = usePane((state) => state.language)
  const textOf = (record: SourceRecord) => {
    if (record.kind !== 'settlementTxn') return record.text
    const [kind = '', ...rest] = record.text.split(' ')
    return [moneyKindName(language, kind), ...rest].join(' ')
  }
  return (
    <div className={styles.scroll}>
      <table className={styles.table} aria-label={caption}>
        <tbody>
          {records.map((record) => (
            <tr key={`${record.kind}-${record.id}`}>
              <td className={styles.cell}>{kindName(record.kind, t)}</td>
              <td className={styles.cell}>
                {record.kind === 'voucher' && onVoucher !== undefined
                  ? <Link onClick={() => onVoucher(record.id, record.voucher ?? record.number)}>{record.voucher ?? record.number}</Link>
                  : record.number}
              </td>
              <td className={styles.cell}>{record.date.slice(0, 10)}</td>
              <td className={styles.cell}>{record.store}</td>
              <td className={styles.number}>{groupDigits(record.amount)}</td>
              <td className={styles.cell} style={{ whiteSpace: 'normal', minWidth: '8em' }}>{textOf(record)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

/**
 * One voucher with its lines and what it was made from (GET …/vouchers/:id and
 * …/sources): the orders, bill lines and bank lines behind it, or the voucher a
 * reversal reverses (which opens in turn).
 */
export function VoucherDrill({ api, company, voucherId, onClose }: { api: LedgerApi; company: string; voucherId: number; onClose: () => void }) {
  const t = useT()
  const styles = usePaneStyles()
  const accounts = useAccounts(api, company)
  const [shown, setShown] = useState(voucherId)
  const [voucher, setVoucher] = useState<Voucher | null>(null)
  const [sources, setSources] = useState<VoucherSource[]>([])
  const { error, run } = useAction()
  const region = useRef<HTMLDivElement>(null)
  useEffect(() => setShown(voucherId), [voucherId])
  useEffect(() => {
    // jsdom has no scrollIntoView
    if (voucher !== null && typeof region.current?.scrollIntoView === 'function') region.current.scrollIntoView({ block: 'nearest' })
  }, [voucher])
  useEffect(() => {
    void run(async () => {
      const [found, from] = await Promise.all([api.voucher(company, shown), api.voucherSources(company, shown)])
      setVoucher(found)
      setSources(from)
    })
  }, [api, company, shown, run])

  // an order line names its order: each record once
  const records = sources.flatMap((source) => source.records).filter((record, index, all) => all.findIndex((other) => other.kind === record.kind && other.id === record.id) === index)
  const bare = sources.filter((source) => source.records.length === 0)
  return (
    <div ref={region} className={styles.section} role="region" aria-label={t('voucherSourcesTitle')}>
      <ErrorNotice error={error} feature="voucher" />
      {voucher !== null ? <VoucherCard voucher={voucher} index={0} accounts={accounts} /> : null}
      <Subtitle2 as="h4">{t('voucherSourcesTitle')}</Subtitle2>
      {voucher !== null && sources.length === 0 ? <span>{t('voucherNoSources')}</span> : null}
      {records.length > 0 ? <RecordsTable records={records} caption={t('voucherSourcesTitle')} onVoucher={(id) => setShown(id)} /> : null}
      {bare.length > 0 ? <span className={styles.muted}>{bare.map((source) => (source.kind === 'match' ? t('sourceMatch', { id: source.id }) : t('sourceOther'))).join('；')}</span> : null}
      <div className={styles.row}><Button size="small" onClick={onClose}>{t('drillClose')}</Button></div>
    </div>
  )
}

/** 查找: an order number, trade number or amount → orders, bill lines, bank lines, vouchers (a voucher opens with its sources). */
export function SearchPanel({ api, company }: { api: LedgerApi; company: string }) {
  const t = useT()
  const styles = usePaneStyles()
  const [q, setQ] = useState('')
  const [asked, setAsked] = useState('')
  const [result, setResult] = useState<SearchResult | null>(null)
  const [open, setOpen] = useState<number | null>(null)
  const { busy, error, run } = useAction()

  async function find() {
    const text = q.trim()
    if (text === '') return
    setOpen(null)
    const found = await run(() => api.search(company, text))
    if (found !== undefined) {
      setResult(found)
      setAsked(text)
    }
  }

  const groups: ReadonlyArray<readonly [MessageKey, readonly SourceRecord[]]> = result === null ? [] : [
    ['searchOrders', result.orders], ['searchTxns', result.settlementTxns], ['searchBank', result.bankTxns], ['searchVouchers', result.vouchers],
  ]
  const total = groups.reduce((sum, [, records]) => sum + records.length, 0)
  return (
    <section className={styles.section} aria-labelledby="search-title">
      <Subtitle2 as="h3" id="search-title">{t('searchTitle')}</Subtitle2>
      <form className={styles.row} role="search" onSubmit={(event) => { event.preventDefault(); void find() }}>
        <Field label={t('searchLabel')} style={{ flex: 1, minWidth: 0 }}>
          <Input value={q} onChange={(_, data) => setQ(data.value)} maxLength={100} />
        </Field>
        <Button type="submit" disabled={busy || q.trim() === ''}>{t('searchButton')}</Button>
      </form>
      <ErrorNotice error={error} feature="featureSearch" />
      {result !== null && total === 0 ? <span>{t('searchNothing', { q: asked })}</span> : null}
      {groups.filter(([, records]) => records.length > 0).map(([key, records]) => (
        <div key={key}>
          <span>{t(key, { count: records.length })}</span>
          <RecordsTable records={records} caption={t(key, { count: records.length })} onVoucher={(id) => setOpen(id)} />
        </div>
      ))}
      {open !== null ? <VoucherDrill api={api} company={company} voucherId={open} onClose={() => setOpen(null)} /> : null}
    </section>
  )
}
