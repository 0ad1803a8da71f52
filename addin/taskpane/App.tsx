import {
  Badge, Button, Field, FluentProvider, Input, Select, Tab, TabList, Title3, makeStyles, tokens, webLightTheme,
} from '@fluentui/react-components'
import { type ReactNode, useEffect, useMemo, useState } from 'react'
import type { LedgerApi } from '../api-client.ts'
import type { WorkbookPort } from '../excel/workbook-sharing.ts'
import type { WorkbookWriter } from '../excel/writer.ts'
import { Notice, useT } from './common.tsx'
import { type MessageKey, roleName } from './i18n.ts'
import { ClosePane } from './ClosePane.tsx'
import { ImportPane } from './ImportPane.tsx'
import { InvoicesPane } from './InvoicesPane.tsx'
import { MatchPane } from './MatchPane.tsx'
import { PostPane } from './PostPane.tsx'
import { PreviewSheets } from './PreviewSheets.tsx'
import { ReportsPane } from './ReportsPane.tsx'
import { SettingsPane } from './SettingsPane.tsx'
import { SignIn } from './SignIn.tsx'
import { WorkbookCard, useWorkbookBinding } from './WorkbookCard.tsx'
import { type PaneStore, StoreProvider, type Tab as PaneTab, functionsCompany, isClosed, periodChosen, selectedCompany, signedOut, usePane, usePaneStore } from './store.ts'
import { FunctionSheet } from './FunctionSheet.tsx'

/** What the pane tells the worksheet functions (addin/functions) in the shared runtime. */
export interface FunctionsBridge {
  sessionChanged(session: { serviceUrl: string; token: string | null; company: string | null }): void
  refresh(): Promise<void>
}

export interface AppProps {
  readonly store: PaneStore
  readonly createApi: (serviceUrl: string) => LedgerApi
  readonly writer: WorkbookWriter
  readonly host: 'excel' | 'preview'
  readonly functions?: FunctionsBridge
  /** the workbook's binding and conversions (document settings); absent: no workbook card */
  readonly workbook?: WorkbookPort
}

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, padding: tokens.spacingHorizontalM, minHeight: '100vh', boxSizing: 'border-box', maxWidth: '100vw', minWidth: 0 },
  header: { display: 'flex', alignItems: 'center', justifyContent: 'space-between', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  context: { display: 'grid', gridTemplateColumns: 'minmax(0, 3fr) minmax(0, 2fr)', gap: tokens.spacingHorizontalS, '& > *': { minWidth: 0 } },
  fill: { minWidth: 0, width: '100%', maxWidth: '100%', boxSizing: 'border-box' },
  who: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, fontSize: tokens.fontSizeBase200 },
})

export function App(props: AppProps) {
  return (
    <StoreProvider store={props.store}>
      <Themed>
        <Shell {...props} />
      </Themed>
    </StoreProvider>
  )
}

function Themed({ children }: { children: ReactNode }) {
  const language = usePane((state) => state.language)
  return <FluentProvider theme={webLightTheme} lang={language}>{children}</FluentProvider>
}

function Shell({ createApi, writer, host, functions, workbook }: AppProps) {
  const t = useT()
  const styles = useStyles()
  const store = usePaneStore()
  const serviceUrl = usePane((state) => state.serviceUrl)
  const session = usePane((state) => state.session)
  const language = usePane((state) => state.language)
  const api = useMemo(() => createApi(serviceUrl), [createApi, serviceUrl])

  useEffect(() => {
    document.documentElement.lang = language
  }, [language])

  const companyCode = usePane(functionsCompany)
  useEffect(() => {
    functions?.sessionChanged({ serviceUrl, token: session?.token ?? null, company: companyCode })
  }, [functions, serviceUrl, session, companyCode])

  return (
    <main className={styles.root} lang={language}>
      <header className={styles.header}>
        <Title3 as="h1">{t('appTitle')}</Title3>
        {host === 'preview' ? <Badge appearance="outline">{t('previewBadge')}</Badge> : null}
        {host === 'preview' && session === null ? (
          <Button size="small" appearance="subtle" onClick={() => store.setState({ language: language === 'en' ? 'zh-CN' : 'en' })}>
            {language === 'en' ? '中文' : 'English'}
          </Button>
        ) : null}
      </header>
      {session === null ? <SignIn createApi={createApi} /> : <Workspace api={api} writer={writer} host={host} functions={functions} workbook={workbook} />}
      {host === 'preview' && session !== null && companyCode !== null ? <FunctionSheet api={api} company={companyCode} /> : null}
      {host === 'preview' ? <PreviewSheets /> : null}
    </main>
  )
}

function Workspace({ api, writer, host, functions, workbook }: { api: LedgerApi; writer: WorkbookWriter; host: 'excel' | 'preview'; functions?: FunctionsBridge; workbook?: WorkbookPort }) {
  const t = useT()
  const styles = useStyles()
  const store = usePaneStore()
  const session = usePane((state) => state.session)
  const language = usePane((state) => state.language)
  const company = usePane(selectedCompany)
  const period = usePane((state) => state.period)
  const tab = usePane((state) => state.tab)
  const noAccess = useWorkbookBinding(workbook, company?.code ?? null)
  const periodNotice = usePeriodDefault(api, company?.code ?? null, workbook)
  const closed = usePane((state) => isClosed(state))
  const statuses = usePane((state) => state.periodStatus)
  const knownPeriods = Object.keys(statuses).sort().reverse()
  const [periodText, setPeriodText] = useState(period)
  useEffect(() => setPeriodText(period), [period])
  if (session === null) return null

  const choosePeriod = (value: string) => {
    periodChosen(store, value)
    if (company !== null) void workbook?.rememberPeriod?.(company.code, value)
  }
  const tabs: readonly (readonly [PaneTab, MessageKey])[] = [
    ['import', 'tabImport'], ['match', 'tabMatch'], ['post', 'tabPost'], ['reports', 'tabReports'], ['close', 'tabClose'], ['invoices', 'tabInvoices'], ['settings', 'tabSettings'],
  ]
  return (
    <>
      <div className={styles.who}>
        <span>{t('signedInAs', { name: session.user.displayName || session.user.username, role: company === null ? '' : roleName(language, company.role) })}</span>
        <Button size="small" appearance="subtle" onClick={() => signedOut(store, false)}>{t('signOut')}</Button>
      </div>
      <Notice intent="warning" text={noAccess} />
      {company === null ? <Notice intent="warning" text={t('noCompanies')} /> : (
        <>
          <div className={styles.context}>
            <Field label={t('company')}>
              <Select className={styles.fill} value={company.code} onChange={(_, data) => store.setState({ companyCode: data.value })}>
                {session.companies.map((item) => <option key={item.code} value={item.code}>{item.code} · {item.name}</option>)}
              </Select>
            </Field>
            <Field label={t('period')}>
              {/* Text, not type="month": the browser draws a month picker in its own UI language ("March 2024" on a zh-CN page). */}
              <Input className={styles.fill} value={periodText} placeholder="YYYY-MM" inputMode="numeric" list="cledger-periods" aria-invalid={!/^\d{4}-(0[1-9]|1[0-2])$/.test(periodText)}
                onChange={(_, data) => {
                  setPeriodText(data.value)
                  if (/^\d{4}-(0[1-9]|1[0-2])$/.test(data.value)) choosePeriod(data.value)
                }} />
              <datalist id="cledger-periods">{knownPeriods.map((value) => <option key={value} value={value} />)}</datalist>
            </Field>
          </div>
          {closed ? <Badge color="informative" appearance="filled" role="status" aria-label={t('periodClosed')} style={{ alignSelf: 'flex-start' }}>{t('periodClosed')}</Badge> : null}
          <Notice intent="info" text={periodNotice !== null && periodNotice.period === period ? periodNotice.text : null} />
          <TabList selectedValue={tab} onTabSelect={(_, data) => {
            const chosen = tabs.find(([value]) => value === data.value)
            if (chosen !== undefined) store.setState({ tab: chosen[0] })
          }} size="small">
            {tabs.map(([value, key]) => <Tab key={value} value={value}>{t(key)}</Tab>)}
          </TabList>
          <div role="tabpanel" aria-label={t(tabs.find(([value]) => value === tab)?.[1] ?? 'tabReports')}>
            {tab === 'import' ? <ImportPane api={api} writer={writer} company={company.code} role={company.role} period={period} onPeriod={choosePeriod} /> : null}
            {tab === 'match' ? <MatchPane api={api} writer={writer} company={company.code} period={period} role={company.role} /> : null}
            {tab === 'post' ? <PostPane api={api} writer={writer} company={company.code} period={period} role={company.role} onPosted={() => void functions?.refresh()} /> : null}
            {tab === 'reports' ? <ReportsPane api={api} writer={writer} company={company.code} period={period} onRefreshFunctions={host === 'excel' ? functions?.refresh : undefined} host={host} /> : null}
            {tab === 'close' ? <ClosePane api={api} company={company.code} period={period} role={company.role} /> : null}
            {tab === 'reports' && workbook !== undefined ? <WorkbookCard workbook={workbook} company={company.code} /> : null}
            {tab === 'invoices' ? <InvoicesPane api={api} writer={writer} company={company.code} period={period} role={company.role} /> : null}
            {tab === 'settings' ? <SettingsPane api={api} company={company.code} role={company.role} previewMode={host === 'preview'} /> : null}
          </div>
        </>
      )}
    </>
  )
}

/**
 * The period the pane opens on: the one this workbook last showed for the
 * company, else the latest period with vouchers, else the latest with imported
 * records; chosen once per company, then the user's. Also loads the periods'
 * open/closed status.
 */
function usePeriodDefault(api: LedgerApi, company: string | null, workbook?: WorkbookPort): { period: string; text: string } | null {
  const t = useT()
  const store = usePaneStore()
  const [notice, setNotice] = useState<{ period: string; text: string } | null>(null)
  useEffect(() => {
    if (company === null) return
    let cancelled = false
    void (async () => {
      const periods = await api.periods(company).catch(() => [])
      if (cancelled) return
      store.setState({ periodStatus: Object.fromEntries(periods.map((item) => [item.period, item.status])) })
      if (store.getState().periodChosen) return
      const remembered = workbook?.period?.(company) ?? null
      if (remembered !== null) {
        periodChosen(store, remembered)
        return
      }
      const withVouchers = periods.filter((item) => (item.vouchers ?? 0) > 0).map((item) => item.period).sort()
      const latest = withVouchers.at(-1) ?? (await api.importedPeriods(company).catch(() => [])).sort().at(-1)
      if (cancelled || latest === undefined || store.getState().periodChosen) return
      if (latest !== store.getState().period) setNotice({ period: latest, text: t('periodFromData', { period: latest }) })
      periodChosen(store, latest)
    })()
    return () => {
      cancelled = true
    }
  }, [api, company, workbook, store, t])
  return notice
}
