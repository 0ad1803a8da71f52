import { MessageBar, MessageBarBody, makeStyles, tokens } from '@fluentui/react-components'
import { useCallback, useMemo, useState } from 'react'
import { type ApiError, isApiError } from '../api-client.ts'
import { type Language, type MessageKey, type Translate, codeName, roleName, translator } from './i18n.ts'
import { selectedCompany, signedOut, usePane, usePaneStore } from './store.ts'

export function useT(): Translate {
  const language = usePane((state) => state.language)
  return useMemo(() => translator(language), [language])
}

/** Runs one service call for a pane: busy flag, error kept for display, 401 ends the session. */
export function useAction() {
  const store = usePaneStore()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const run = useCallback(async <T,>(work: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true)
    setError(null)
    try {
      return await work()
    } catch (caught) {
      if (isApiError(caught) && caught.kind === 'unauthorized' && store.getState().session !== null) signedOut(store, true)
      setError(caught)
      return undefined
    } finally {
      setBusy(false)
    }
  }, [store])
  return { busy, error, run, setError }
}

export function fieldErrorsOf(error: unknown): Record<string, string> {
  return isApiError(error) && error.kind === 'validation' ? error.fieldErrors() : {}
}

/** A sentence for the person, not a stack trace. */
export function describeError(error: unknown, t: Translate, context: { serviceUrl: string; role: string; feature: MessageKey; language?: Language }): string {
  const language = context.language ?? 'en'
  if (!isApiError(error)) return language === 'en' ? t('genericError', { message: error instanceof Error ? error.message : String(error) }) : codeName(language, 'errorCode', 'INTERNAL')
  const apiError: ApiError = error
  switch (apiError.kind) {
    case 'network': return t('serviceDown', { url: context.serviceUrl })
    case 'unauthorized': return t('sessionExpired')
    case 'forbidden': return language === 'en' ? `${t('forbidden', { role: context.role })} ${apiError.message}` : t('forbidden', { role: context.role })
    case 'notAvailable': return t('notAvailable', { feature: t(context.feature) })
    default:
      // zh-CN: the catalogue's sentence for the code (the service's messages are English); en: the service's own message.
      if (language !== 'en') return codeName(language, 'errorCode', apiError.code)
      return apiError.message === '' ? t('genericError', { message: codeName(language, 'errorCode', apiError.code) }) : apiError.message
  }
}

/** Shows a pane's last error; field-level validation errors are shown next to their fields instead. */
export function ErrorNotice({ error, feature, fieldsShown = [] }: { error: unknown; feature: MessageKey; fieldsShown?: readonly string[] }) {
  const t = useT()
  const serviceUrl = usePane((state) => state.serviceUrl)
  const language = usePane((state) => state.language)
  const role = usePane((state) => selectedCompany(state)?.role ?? '')
  if (error === null || error === undefined) return null
  if (isApiError(error) && error.kind === 'validation') {
    const fields = Object.keys(error.fieldErrors())
    if (fields.length > 0 && fields.every((field) => fieldsShown.includes(field))) return null
  }
  const intent = isApiError(error) && error.kind === 'notAvailable' ? 'warning' : 'error'
  return (
    <MessageBar intent={intent} role="alert">
      <MessageBarBody>{describeError(error, t, { serviceUrl, role: roleName(language, role), feature, language })}</MessageBarBody>
    </MessageBar>
  )
}

export function Notice({ text, intent = 'success' }: { text: string | null; intent?: 'success' | 'info' | 'warning' }) {
  if (text === null) return null
  return (
    <MessageBar intent={intent} role="status">
      <MessageBarBody>{text}</MessageBarBody>
    </MessageBar>
  )
}

/** `1234567.5` -> `1,234,567.5` on the decimal string itself: money never becomes a float in the pane. */
export function groupDigits(amount: string | null | undefined): string {
  if (amount === null || amount === undefined) return ''
  const match = /^(-?)(\d+)(\.\d+)?$/.exec(amount)
  if (!match) return amount
  return `${match[1] ?? ''}${(match[2] ?? '').replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${match[3] ?? ''}`
}

export const usePaneStyles = makeStyles({
  section: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, paddingBlock: tokens.spacingVerticalM },
  row: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS, alignItems: 'end' },
  table: { width: '100%', borderCollapse: 'collapse', fontSize: tokens.fontSizeBase200 },
  cell: { borderBottom: `1px solid ${tokens.colorNeutralStroke2}`, paddingBlock: '2px', paddingInline: '4px', textAlign: 'left', whiteSpace: 'nowrap' },
  number: { borderBottom: `1px solid ${tokens.colorNeutralStroke2}`, paddingBlock: '2px', paddingInline: '4px', textAlign: 'right', whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' },
  scroll: { overflowX: 'auto', maxWidth: '100%' },
  muted: { color: tokens.colorNeutralForeground3 },
})
