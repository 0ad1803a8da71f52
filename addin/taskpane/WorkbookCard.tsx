import { Button, Caption1, Subtitle2 } from '@fluentui/react-components'
import { useEffect, useState } from 'react'
import type { Session } from '../api-client.ts'
import type { WorkbookPort } from '../excel/workbook-sharing.ts'
import { ErrorNotice, Notice, useAction, usePaneStyles, useT } from './common.tsx'
import { usePane, usePaneStore } from './store.ts'

/**
 * The shared workbook (issue 8 §5) in the pane: which company and service the
 * workbook's LEDGER.* formulas read, binding it (document settings, no token),
 * and "Convert to values" / "Restore formulas" for people without the add-in.
 */
export function WorkbookCard({ workbook, company }: { workbook: WorkbookPort; company: string }) {
  const t = useT()
  const styles = usePaneStyles()
  const store = usePaneStore()
  const binding = usePane((state) => state.binding)
  const serviceUrl = usePane((state) => state.serviceUrl)
  const session = usePane((state) => state.session)
  const [notice, setNotice] = useState<string | null>(null)
  const { busy, error, run } = useAction()
  const username = session?.user.username

  async function bind(code: string) {
    await run(async () => {
      const next = { company: code, serviceUrl, ...(username === undefined ? {} : { boundBy: username }) }
      await workbook.bind(next)
      store.setState({ binding: next })
      setNotice(t('workbookBoundNow', { company: code }))
    })
  }

  async function convert() {
    setNotice(null)
    await run(async () => {
      const count = await workbook.convertToValues()
      setNotice(count === 0 ? t('noLedgerFormulas') : t('converted', { count }))
    })
  }

  async function restore() {
    setNotice(null)
    await run(async () => {
      const count = await workbook.restoreFormulas()
      setNotice(count === 0 ? t('noLedgerFormulas') : t('restored', { count }))
    })
  }

  return (
    <section className={styles.section} aria-labelledby="workbook-title">
      <Subtitle2 as="h2" id="workbook-title">{t('workbookTitle')}</Subtitle2>
      {binding === null ? <span>{t('workbookUnbound')}</span> : (
        <span>
          {t('workbookBound', { company: binding.company, url: binding.serviceUrl })}
          {binding.boundBy === undefined ? '' : ` ${t('workbookBoundBy', { name: binding.boundBy })}`}
        </span>
      )}
      {binding !== null && binding.serviceUrl !== serviceUrl ? <Notice intent="warning" text={t('workbookOtherService', { url: binding.serviceUrl })} /> : null}
      <div className={styles.row} role="group" aria-label={t('workbookAction')}>
        {binding?.company !== company ? <Button onClick={() => void bind(company)} disabled={busy}>{t('bindWorkbook', { company })}</Button> : null}
        {workbook.convertible ? (
          <>
            <Button onClick={() => void convert()} disabled={busy}>{t('convertToValues')}</Button>
            <Button appearance="subtle" onClick={() => void restore()} disabled={busy}>{t('restoreFormulas')}</Button>
          </>
        ) : null}
      </div>
      {workbook.convertible ? <Caption1>{t('convertHint')}</Caption1> : null}
      <ErrorNotice error={error} feature="workbookAction" />
      <Notice text={notice} />
    </section>
  )
}

/**
 * An unbound workbook is bound to the chosen company as soon as someone signs
 * in, so a report built in it keeps reading that company for whoever opens it.
 * Returns the warning to show when the workbook reads a company the signed-in
 * user may not see (its cells then show "no access", never another company).
 */
export function useWorkbookBinding(workbook: WorkbookPort | undefined, company: string | null): string | null {
  const t = useT()
  const store = usePaneStore()
  const binding = usePane((state) => state.binding)
  const session = usePane((state) => state.session)
  const serviceUrl = usePane((state) => state.serviceUrl)
  useEffect(() => {
    if (workbook === undefined || binding !== null || company === null || session === null) return
    const next = { company, serviceUrl, boundBy: session.user.username }
    workbook.bind(next).then(() => store.setState({ binding: next }), (error: unknown) => console.error('workbook binding not saved', error))
  }, [workbook, binding, company, session, serviceUrl, store])
  if (binding === null || session === null) return null
  return hasCompany(session, binding.company) ? null : t('workbookNoAccess', { company: binding.company })
}

function hasCompany(session: Session, code: string): boolean {
  return session.companies.some((item) => item.code === code)
}
