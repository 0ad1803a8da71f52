import { Button, Field, Input, Select, Subtitle2 } from '@fluentui/react-components'
import { useEffect, useState } from 'react'
import type { LedgerApi, ProfileFields, ProfileInput } from '../api-client.ts'
import { ErrorNotice, useAction, usePaneStyles, useT } from './common.tsx'
import { codeName } from './i18n.ts'
import { STORE_CHANNELS } from './StoresSection.tsx'
import { usePane } from './store.ts'

type RecordKind = ProfileInput['record']
const RECORDS: readonly RecordKind[] = ['settlementTxn', 'bankTxn', 'order']
const NAME = /^[\p{L}\p{N}._ -]{1,64}$/u

/** `网店资金流水.csv` -> `网店资金流水`: a default profile name from the file. */
export function profileNameOf(fileName: string): string {
  const base = fileName.replace(/\.[^.]+$/, '').replace(/[^\p{L}\p{N}._ -]/gu, '-').slice(0, 64)
  return base === '' ? 'custom' : base
}

/**
 * 建立映射 (issue #14 item 8): a file no format recognises comes back with its
 * header columns; the person says what the rows are and which column holds each
 * field (the fields of `cledger profile`, required ones marked), the profile is
 * saved for the company (PUT …/import-profiles/:name) and the file imported again.
 */
export function MappingWizard({ api, company, fileName, columns, onSaved, onCancel }: {
  api: LedgerApi; company: string; fileName: string; columns: readonly string[]; onSaved: (name: string) => void; onCancel: () => void
}) {
  const t = useT()
  const styles = usePaneStyles()
  const language = usePane((state) => state.language)
  const [fields, setFields] = useState<ProfileFields['fields']>({})
  const [record, setRecord] = useState<RecordKind>('settlementTxn')
  const [name, setName] = useState(profileNameOf(fileName))
  const [channel, setChannel] = useState('other')
  const [currency, setCurrency] = useState('CNY')
  const [mapping, setMapping] = useState<Record<string, string>>({})
  const [problem, setProblem] = useState<string | null>(null)
  const loading = useAction()
  const saving = useAction()
  const { run: load } = loading

  useEffect(() => {
    void load(async () => setFields((await api.importProfiles(company)).fields))
  }, [api, company, load])

  const list = fields[record] ?? []
  const fieldName = (field: string) => codeName(language, 'profileField', field)

  async function save() {
    const missing = list.filter((item) => item.required && (mapping[item.field] ?? '') === '').map((item) => fieldName(item.field))
    if (!NAME.test(name.trim())) return setProblem(t('mappingNameInvalid'))
    if (missing.length > 0) return setProblem(t('mappingMissing', { fields: missing.join('、') }))
    const chosen = Object.fromEntries(Object.entries(mapping).filter(([field, column]) => column !== '' && list.some((item) => item.field === field)))
    if (record !== 'order' && chosen.amount === undefined && (chosen.income === undefined || chosen.expense === undefined)) return setProblem(t('mappingAmount'))
    setProblem(null)
    const done = await saving.run(async () => {
      await api.saveImportProfile(company, name.trim(), { record, channel, currency: currency.trim().toUpperCase(), columns: chosen })
      return true
    })
    if (done === true) onSaved(name.trim())
  }

  return (
    <form className={styles.section} aria-label={t('buildMapping')} onSubmit={(event) => { event.preventDefault(); void save() }}>
      <Subtitle2 as="h3">{t('mappingTitle', { file: fileName })}</Subtitle2>
      <span className={styles.muted}>{t('mappingHint')}</span>
      <ErrorNotice error={loading.error} feature="featureMapping" />
      <div className={styles.row}>
        <Field label={t('mappingName')}>
          <Input value={name} onChange={(_, data) => setName(data.value)} />
        </Field>
        <Field label={t('mappingRecord')}>
          <Select value={record} onChange={(_, data) => setRecord(RECORDS.find((item) => item === data.value) ?? 'settlementTxn')}>
            {RECORDS.map((item) => <option key={item} value={item}>{codeName(language, 'profileRecord', item)}</option>)}
          </Select>
        </Field>
      </div>
      <div className={styles.row}>
        <Field label={t('mappingChannel')}>
          <Select value={channel} onChange={(_, data) => setChannel(data.value)}>
            {STORE_CHANNELS.map((item) => <option key={item} value={item}>{codeName(language, 'channel', item)}</option>)}
          </Select>
        </Field>
        <Field label={t('mappingCurrency')}>
          <Input value={currency} onChange={(_, data) => setCurrency(data.value)} maxLength={3} style={{ width: '6em' }} />
        </Field>
      </div>
      {list.map((item) => (
        <Field key={`${record}-${item.field}`} label={item.required ? t('requiredField', { field: fieldName(item.field) }) : fieldName(item.field)}>
          <Select value={mapping[item.field] ?? ''} onChange={(_, data) => setMapping({ ...mapping, [item.field]: data.value })} aria-label={fieldName(item.field)}>
            <option value="">{t('notMapped')}</option>
            {columns.map((column) => <option key={column} value={column}>{column}</option>)}
          </Select>
        </Field>
      ))}
      {problem !== null ? <span role="alert" style={{ color: '#b10e1c' }}>{problem}</span> : null}
      <div className={styles.row}>
        <Button appearance="primary" type="submit" disabled={saving.busy || list.length === 0}>{t('saveMappingAndImport')}</Button>
        <Button onClick={onCancel}>{t('cancel')}</Button>
      </div>
      <ErrorNotice error={saving.error} feature="featureMapping" />
    </form>
  )
}
