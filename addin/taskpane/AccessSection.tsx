import { Button, Field, Input, Subtitle2 } from '@fluentui/react-components'
import { useCallback, useEffect, useState } from 'react'
import { type CompanyUser, type LedgerApi, type MintedToken, type Role, type TokenInfo, isApiError } from '../api-client.ts'
import { ErrorNotice, Notice, useAction, usePaneStyles, useT } from './common.tsx'
import { codeName, roleName } from './i18n.ts'
import { signedOut, usePane, usePaneStore } from './store.ts'

/** `2026-12-05T10:00:30.000Z` -> `2026-12-05 10:00` in the browser's time zone (the pane runs on the person's machine). */
export function shortTime(iso: string | null): string {
  if (iso === null || iso === '') return ''
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  const pad = (value: number) => String(value).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`
}

/**
 * Settings → 令牌 (issue #18 item 5): the signed-in user's sessions and API
 * tokens (name, created, expires, last used), revoke with a confirmation, and
 * minting a token with the password entered again (the service requires it);
 * the secret is shown once. Revoking the pane's own session signs it out.
 */
export function TokensSection({ api }: { api: LedgerApi }) {
  const t = useT()
  const styles = usePaneStyles()
  const store = usePaneStore()
  const language = usePane((state) => state.language)
  const [tokens, setTokens] = useState<TokenInfo[]>([])
  const [maxDays, setMaxDays] = useState(90)
  const [confirming, setConfirming] = useState<number | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const [name, setName] = useState('')
  const [days, setDays] = useState('')
  const [password, setPassword] = useState('')
  const [daysProblem, setDaysProblem] = useState<string | undefined>(undefined)
  const [minted, setMinted] = useState<MintedToken | null>(null)
  const loading = useAction()
  const acting = useAction()
  const minting = useAction()
  const { run: load } = loading

  const refresh = useCallback(() => load(async () => {
    const answer = await api.tokens()
    setTokens(answer.tokens)
    setMaxDays(answer.maxDays)
  }), [api, load])
  useEffect(() => {
    void refresh()
  }, [refresh])

  const label = (token: TokenInfo) => token.name !== '' ? token.name : token.kind === 'api' ? `${t('tokenKindApi')} #${token.id}` : `${t('tokenKindSession')} #${token.id}`

  async function revoke(token: TokenInfo) {
    const done = await acting.run(async () => {
      await api.revokeToken(token.id)
      return true
    })
    setConfirming(null)
    if (done !== true) return
    if (token.current) {
      signedOut(store, false)
      return
    }
    await refresh()
    setNotice(t('tokenRevoked'))
  }

  async function mint() {
    const trimmed = days.trim()
    const value = trimmed === '' ? undefined : Number(trimmed)
    if (value !== undefined && (!Number.isInteger(value) || value < 1 || value > maxDays)) {
      setDaysProblem(t('invalidDays', { days: maxDays }))
      return
    }
    setDaysProblem(undefined)
    setMinted(null)
    const answer = await minting.run(() => api.createToken({ name: name.trim(), days: value, password }))
    setPassword('')
    if (answer === undefined) return
    setMinted(answer)
    setName('')
    await refresh()
  }

  return (
    <section className={styles.section} aria-labelledby="tokens-title">
      <Subtitle2 as="h3" id="tokens-title">{t('tokensTitle')}</Subtitle2>
      <span className={styles.muted}>{t('tokensHint')}</span>
      <Notice text={notice} />
      <ErrorNotice error={loading.error ?? acting.error} feature="featureTokens" />
      {tokens.length === 0 && !loading.busy ? <span>{t('noTokens')}</span> : null}
      {tokens.length > 0 ? (
        <ul aria-label={t('tokensTitle')} style={{ listStyle: 'none', padding: 0, margin: 0, display: 'flex', flexDirection: 'column', gap: 6 }}>
          {tokens.map((token) => (
            <li key={token.id} aria-label={label(token)} style={{ display: 'flex', gap: 8, alignItems: 'center', justifyContent: 'space-between', borderBottom: '1px solid #e0e0e0', paddingBottom: 4 }}>
              <div style={{ minWidth: 0, overflowWrap: 'anywhere' }}>
                <strong>{label(token)}</strong>{token.current ? ` ${t('tokenCurrent')}` : ''}
                <div className={styles.muted}>
                  {t('tokenCreated')} {shortTime(token.createdAt)} · {t('tokenExpires')} {shortTime(token.expiresAt)} · {t('tokenLastUsed')} {token.lastUsedAt === null ? t('tokenNeverUsed') : shortTime(token.lastUsedAt)}
                </div>
              </div>
              <Button size="small" onClick={() => setConfirming(token.id)} disabled={acting.busy} aria-label={`${t('revokeToken')} ${label(token)}`}>{t('revokeToken')}</Button>
            </li>
          ))}
        </ul>
      ) : null}
      {confirming !== null ? (() => {
        const token = tokens.find((item) => item.id === confirming)
        if (token === undefined) return null
        return (
          <div role="alertdialog" aria-label={t('revokeToken')} className={styles.row}>
            <span>{t('revokeConfirm', { name: label(token) })}</span>
            <Button appearance="primary" onClick={() => void revoke(token)} disabled={acting.busy}>{t('revokeYes')}</Button>
            <Button onClick={() => setConfirming(null)}>{t('cancel')}</Button>
          </div>
        )
      })() : null}

      <Subtitle2 as="h3">{t('mintTitle')}</Subtitle2>
      <div className={styles.row}>
        <Field label={t('tokenName')}>
          <Input value={name} onChange={(_, data) => setName(data.value)} maxLength={100} />
        </Field>
        <Field label={t('mintDays')} hint={t('mintDaysHint', { days: maxDays })} validationMessage={daysProblem}>
          <Input value={days} onChange={(_, data) => setDays(data.value)} inputMode="numeric" placeholder={String(Math.min(30, maxDays))} />
        </Field>
      </div>
      <Field label={t('mintPassword')} hint={t('mintPasswordHint')} validationMessage={isApiError(minting.error) && minting.error.code === 'WRONG_PASSWORD' ? codeName(language, 'errorCode', 'WRONG_PASSWORD') : undefined}>
        <Input type="password" value={password} onChange={(_, data) => setPassword(data.value)} autoComplete="current-password" />
      </Field>
      <div className={styles.row}>
        <Button appearance="primary" onClick={() => void mint()} disabled={minting.busy || password === ''}>{t('mintToken')}</Button>
      </div>
      <ErrorNotice error={minting.error} feature="featureTokens" fieldsShown={['password']} />
      {minted !== null ? (
        <Field label={t('mintedToken')} hint={t('mintedOnce')}>
          <Input readOnly value={minted.token} onFocus={(event) => event.currentTarget.select()} />
        </Field>
      ) : null}
    </section>
  )
}

function stateOf(user: CompanyUser): 'userDisabled' | 'userLocked' | 'userActive' {
  return user.disabled ? 'userDisabled' : user.locked ? 'userLocked' : 'userActive'
}

/** Settings → 用户 (admin): who has a role here, disable / enable, unlock after a lockout. */
export function UsersSection({ api, company, role }: { api: LedgerApi; company: string; role: Role }) {
  const t = useT()
  const styles = usePaneStyles()
  const language = usePane((state) => state.language)
  const me = usePane((state) => state.session?.user.username ?? '')
  const [users, setUsers] = useState<CompanyUser[]>([])
  const [notice, setNotice] = useState<string | null>(null)
  const loading = useAction()
  const acting = useAction()
  const { run: load } = loading
  const refresh = useCallback(() => load(async () => setUsers(await api.users(company))), [api, company, load])
  useEffect(() => {
    if (role === 'admin') void refresh()
  }, [refresh, role])
  if (role !== 'admin') return null

  async function change(user: CompanyUser, action: 'disable' | 'enable' | 'unlock') {
    const done = await acting.run(async () => {
      if (action === 'unlock') await api.unlockUser(company, user.username)
      else await api.setUserDisabled(company, user.username, action === 'disable')
      return true
    })
    if (done !== true) return
    const state = action === 'disable' ? 'userDisabled' : 'userActive'
    await refresh()
    setNotice(t('userChanged', { name: user.username, state: t(state) }))
  }

  return (
    <section className={styles.section} aria-labelledby="users-title">
      <Subtitle2 as="h3" id="users-title">{t('usersTitle')}</Subtitle2>
      <Notice text={notice} />
      <ErrorNotice error={loading.error ?? acting.error} feature="featureUsers" />
      {users.length > 0 ? (
        <div className={styles.scroll}>
          <table className={styles.table} aria-label={t('usersTitle')}>
            <thead>
              <tr>
                <th className={styles.cell}>{t('userName')}</th>
                <th className={styles.cell}>{t('userRole')}</th>
                <th className={styles.cell}>{t('userState')}</th>
                <th className={styles.cell} />
              </tr>
            </thead>
            <tbody>
              {users.map((user) => (
                <tr key={user.id}>
                  <td className={styles.cell}>{user.displayName !== '' && user.displayName !== user.username ? `${user.username} · ${user.displayName}` : user.username}</td>
                  <td className={styles.cell}>{roleName(language, user.role)}</td>
                  <td className={styles.cell}>{t(stateOf(user))}</td>
                  <td className={styles.cell}>
                    <div className={styles.row}>
                      {user.username === me ? null : user.disabled
                        ? <Button size="small" onClick={() => void change(user, 'enable')} disabled={acting.busy} aria-label={`${t('enableUser')} ${user.username}`}>{t('enableUser')}</Button>
                        : <Button size="small" onClick={() => void change(user, 'disable')} disabled={acting.busy} aria-label={`${t('disableUser')} ${user.username}`}>{t('disableUser')}</Button>}
                      {user.locked ? <Button size="small" onClick={() => void change(user, 'unlock')} disabled={acting.busy} aria-label={`${t('unlockUser')} ${user.username}`}>{t('unlockUser')}</Button> : null}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  )
}
