import { Button, Field, Input, Spinner, Subtitle1 } from '@fluentui/react-components'
import { type FormEvent, useState } from 'react'
import { isApiError, type LedgerApi } from '../api-client.ts'
import { ErrorNotice, Notice, fieldErrorsOf, useAction, usePaneStyles, useT } from './common.tsx'
import { signedIn, usePane, usePaneStore } from './store.ts'

export function isServiceUrl(text: string): boolean {
  try {
    const url = new URL(text)
    return url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    return false
  }
}

export function SignIn({ createApi }: { createApi: (serviceUrl: string) => LedgerApi }) {
  const t = useT()
  const styles = usePaneStyles()
  const store = usePaneStore()
  const serviceUrl = usePane((state) => state.serviceUrl)
  const expired = usePane((state) => state.sessionExpired)
  const [url, setUrl] = useState(serviceUrl)
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [local, setLocal] = useState<Record<string, string>>({})
  const { busy, error, run } = useAction()

  async function submit(event: FormEvent) {
    event.preventDefault()
    const problems: Record<string, string> = {}
    if (!isServiceUrl(url)) problems.serviceUrl = t('invalidUrl')
    if (username.trim() === '') problems.username = t('required')
    if (password === '') problems.password = t('required')
    setLocal(problems)
    if (Object.keys(problems).length > 0) return
    store.setState({ serviceUrl: url })
    const session = await run(() => createApi(url).login(username.trim(), password))
    if (session !== undefined) signedIn(store, session)
  }

  const remote = fieldErrorsOf(error)
  const wrongCredentials = isApiError(error) && error.kind === 'unauthorized'
  const messageFor = (field: string) => local[field] ?? remote[field]
  return (
    <form className={styles.section} onSubmit={submit} noValidate aria-label={t('signInTitle')}>
      <Subtitle1 as="h2">{t('signInTitle')}</Subtitle1>
      {expired && error === null ? <Notice intent="warning" text={t('sessionExpired')} /> : null}
      <Field label={t('serviceUrl')} validationMessage={messageFor('serviceUrl')} required>
        <Input value={url} onChange={(_, data) => setUrl(data.value)} type="url" name="serviceUrl" />
      </Field>
      <Field label={t('username')} validationMessage={messageFor('username')} required>
        <Input value={username} onChange={(_, data) => setUsername(data.value)} name="username" autoComplete="username" />
      </Field>
      <Field label={t('password')} validationMessage={wrongCredentials ? t('wrongCredentials') : messageFor('password')} required>
        <Input value={password} onChange={(_, data) => setPassword(data.value)} type="password" name="password" autoComplete="current-password" />
      </Field>
      {wrongCredentials ? null : <ErrorNotice error={error} feature="signInTitle" fieldsShown={['username', 'password', 'serviceUrl']} />}
      <Button appearance="primary" type="submit" disabled={busy} icon={busy ? <Spinner size="tiny" /> : undefined}>
        {busy ? t('signingIn') : t('signIn')}
      </Button>
    </form>
  )
}
