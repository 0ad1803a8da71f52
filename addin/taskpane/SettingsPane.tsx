import { Button, Field, Input, Radio, RadioGroup, Subtitle2, Textarea } from '@fluentui/react-components'
import { useEffect, useState } from 'react'
import type { CompanySettings, LedgerApi, Role } from '../api-client.ts'
import { ErrorNotice, Notice, fieldErrorsOf, useAction, usePaneStyles, useT } from './common.tsx'
import type { Language } from './i18n.ts'
import { isServiceUrl } from './SignIn.tsx'
import { usePane, usePaneStore } from './store.ts'
import { TokensSection, UsersSection } from './AccessSection.tsx'
import { StoresSection } from './StoresSection.tsx'

const DECIMAL = /^\d+(\.\d+)?$/

export function parseMappings(text: string): { mappings: Record<string, string>; badLine: number | null } {
  const mappings: Record<string, string> = {}
  const lines = text.split('\n')
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue
    const match = /^\s*([^=]+?)\s*=\s*(\d{4}(?:\.\d{2}){0,3})\s*$/.exec(line)
    if (!match) return { mappings, badLine: index + 1 }
    mappings[match[1] ?? ''] = match[2] ?? ''
  }
  return { mappings, badLine: null }
}

export function SettingsPane({ api, company, role, previewMode }: { api: LedgerApi; company: string; role: Role; previewMode: boolean }) {
  const t = useT()
  const styles = usePaneStyles()
  const store = usePaneStore()
  const serviceUrl = usePane((state) => state.serviceUrl)
  const language = usePane((state) => state.language)
  const period = usePane((state) => state.period)
  const [url, setUrl] = useState(serviceUrl)
  const [tolerance, setTolerance] = useState('')
  const [mappings, setMappings] = useState('')
  const [rules, setRules] = useState('')
  const [local, setLocal] = useState<Record<string, string>>({})
  const [notice, setNotice] = useState<string | null>(null)
  const loading = useAction()
  const saving = useAction()
  const { run: load } = loading
  const editable = role === 'admin' || role === 'accountant'

  useEffect(() => {
    void load(async () => {
      const settings = await api.settings(company)
      setTolerance(settings.tolerance ?? '')
      setMappings(Object.entries(settings.mappings ?? {}).map(([key, code]) => `${key} = ${code}`).join('\n'))
      setRules((settings.rules ?? []).join('\n'))
    })
  }, [api, company, load])

  function saveUrl() {
    if (!isServiceUrl(url)) {
      setLocal({ serviceUrl: t('invalidUrl') })
      return
    }
    setLocal({})
    store.setState({ serviceUrl: url })
    setNotice(t('saved'))
  }

  async function saveSettings() {
    const problems: Record<string, string> = {}
    if (tolerance !== '' && !DECIMAL.test(tolerance.trim())) problems.tolerance = t('invalidAmount')
    const parsed = parseMappings(mappings)
    if (parsed.badLine !== null) problems.mappings = t('invalidMapping', { line: parsed.badLine })
    setLocal(problems)
    if (Object.keys(problems).length > 0) return
    const settings: CompanySettings = {
      tolerance: tolerance.trim() === '' ? undefined : tolerance.trim(),
      mappings: parsed.mappings,
      rules: rules.split('\n').map((line) => line.trim()).filter((line) => line !== ''),
    }
    const saved = await saving.run(() => api.saveSettings(company, settings))
    if (saved !== undefined) setNotice(t('saved'))
  }

  const remote = fieldErrorsOf(saving.error)
  return (
    <section className={styles.section} aria-labelledby="settings-title">
      <Subtitle2 as="h2" id="settings-title">{t('settingsTitle')}</Subtitle2>
      <Notice text={notice} />
      <Field label={t('serviceUrl')} validationMessage={local.serviceUrl}>
        <Input value={url} onChange={(_, data) => setUrl(data.value)} type="url" />
      </Field>
      <div className={styles.row}><Button onClick={saveUrl}>{t('save')}</Button></div>
      {previewMode ? (
        <Field label={t('language')}>
          <RadioGroup layout="horizontal" value={language} onChange={(_, data) => store.setState({ language: data.value === 'en' ? 'en' : 'zh-CN' satisfies Language })}>
            <Radio value="zh-CN" label="中文" />
            <Radio value="en" label="English" />
          </RadioGroup>
        </Field>
      ) : null}
      <ErrorNotice error={loading.error} feature="featureSettings" />
      <Field label={t('tolerance')} hint={t('toleranceHint')} validationMessage={local.tolerance ?? remote.tolerance}>
        <Input value={tolerance} onChange={(_, data) => setTolerance(data.value)} inputMode="decimal" disabled={!editable} />
      </Field>
      <Field label={t('mappings')} validationMessage={local.mappings ?? remote.mappings}>
        <Textarea value={mappings} onChange={(_, data) => setMappings(data.value)} rows={4} disabled={!editable} />
      </Field>
      <Field label={t('rules')} validationMessage={remote.rules}>
        <Textarea value={rules} onChange={(_, data) => setRules(data.value)} rows={3} disabled={!editable} />
      </Field>
      <div className={styles.row}>
        <Button appearance="primary" onClick={() => void saveSettings()} disabled={saving.busy || !editable}>{t('save')}</Button>
      </div>
      <ErrorNotice error={saving.error} feature="featureSettings" fieldsShown={['tolerance', 'mappings', 'rules']} />
      <StoresSection api={api} company={company} role={role} period={period} />
      <TokensSection api={api} />
      <UsersSection api={api} company={company} role={role} />
    </section>
  )
}
