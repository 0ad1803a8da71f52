import { Button, Field, Input, Select, Subtitle2 } from '@fluentui/react-components'
import { useCallback, useEffect, useState } from 'react'
import type { HeldItem, LedgerApi, NewStore, Role, StoreInfo } from '../api-client.ts'
import { ErrorNotice, Notice, fieldErrorsOf, useAction, usePaneStyles, useT } from './common.tsx'
import { codeName } from './i18n.ts'
import { usePane } from './store.ts'
import { accountNameOf, useAccounts } from './Vouchers.tsx'

/** The service's lists (shared/records.ts CHANNELS, shared/posting/types.ts POSTING_ROLES, shared/posting/vat.ts); the catalogue test holds them equal. */
export const STORE_CHANNELS = ['taobao', 'tmall', 'alipay', 'jd', 'pdd', 'douyin', 'wechat', 'shopify', 'amazon', 'bank', 'other'] as const
export const STORE_ROLES = [
  'receivable', 'revenue', 'outputVat', 'wallet', 'commission', 'paymentFee', 'promotion', 'shipping', 'otherPlatformCharge',
  'bank', 'inventory', 'cost', 'exchangeGainLoss', 'differenceLoss', 'differenceGain',
] as const
export const TAX_CODES = ['GENERAL_13', 'GENERAL_9', 'GENERAL_6', 'ZERO', 'ZERO_RATED', 'EXEMPT', 'SMALL_SCALE', 'SMALL_SCALE_3'] as const

const STORE_CODE = /^[\p{L}\p{N}._-]{1,64}$/u
const ACCOUNT_CODE = /^\d{4}(\.\d{1,4})*$/

interface Draft {
  readonly isNew: boolean
  readonly code: string
  readonly name: string
  readonly channel: string
  readonly taxCode: string
  readonly bankAccount: string
  readonly overrides: ReadonlyArray<readonly [role: string, account: string]>
}

function draftOf(store: StoreInfo | null): Draft {
  if (store === null) return { isNew: true, code: '', name: '', channel: 'taobao', taxCode: '', bankAccount: '', overrides: [] }
  return { isNew: false, code: store.code, name: store.name, channel: store.channel, taxCode: store.taxCode ?? '', bankAccount: store.bankAccount ?? '', overrides: Object.entries(store.overrides) }
}

/**
 * Settings → 店铺 (h-stores' routes): the stores with channel, VAT, bank
 * account and account overrides in words; add and edit (admin, accountant);
 * and what each store has held back from posting in the period, by reason.
 */
export function StoresSection({ api, company, role, period }: { api: LedgerApi; company: string; role: Role; period: string }) {
  const t = useT()
  const styles = usePaneStyles()
  const language = usePane((state) => state.language)
  const accounts = useAccounts(api, company)
  const leaves = accounts.filter((account) => account.isLeaf)
  const [stores, setStores] = useState<StoreInfo[]>([])
  const [draft, setDraft] = useState<Draft | null>(null)
  const [problems, setProblems] = useState<Record<string, string>>({})
  const [notice, setNotice] = useState<string | null>(null)
  const [held, setHeld] = useState<{ period: string; items: readonly HeldItem[] } | null>(null)
  const loading = useAction()
  const saving = useAction()
  const holding = useAction()
  const { run: load } = loading
  const editable = role === 'admin' || role === 'accountant'

  const refresh = useCallback(() => load(async () => setStores(await api.stores(company))), [api, company, load])
  useEffect(() => {
    void refresh()
    setDraft(null)
    setHeld(null)
  }, [refresh])

  const colon = language === 'en' ? ': ' : '：'
  const account = (code: string | null) => code === null || code === '' ? '' : `${code} ${accountNameOf(accounts, code, language)}`.trim()

  async function save() {
    if (draft === null) return
    const found: Record<string, string> = {}
    if (draft.isNew && !STORE_CODE.test(draft.code)) found.code = t('invalidStoreCode')
    if (draft.bankAccount !== '' && !ACCOUNT_CODE.test(draft.bankAccount)) found.bankAccount = t('invalidAccountCode')
    draft.overrides.forEach(([, code], index) => {
      if (!ACCOUNT_CODE.test(code)) found[`overrides.${index}`] = t('invalidAccountCode')
    })
    setProblems(found)
    if (Object.keys(found).length > 0) return
    const overrides = Object.fromEntries(draft.overrides)
    const body = {
      ...(draft.name.trim() === '' ? {} : { name: draft.name.trim() }),
      // the Select offers STORE_CHANNELS only; the service checks the channel again
      channel: draft.channel as NewStore['channel'],
      taxCode: draft.taxCode === '' ? null : draft.taxCode,
      bankAccount: draft.bankAccount === '' ? null : draft.bankAccount,
      overrides,
    }
    const saved = await saving.run(() => draft.isNew ? api.addStore(company, { code: draft.code, ...body }) : api.updateStore(company, draft.code, body))
    if (saved === undefined) return
    // the list first, then the notice: once it says saved, the list shows it
    setDraft(null)
    await refresh()
    setNotice(t('storeSaved', { code: saved.code }))
  }

  async function showHeld() {
    const preview = await holding.run(() => api.previewPosting(company, period))
    if (preview !== undefined) setHeld({ period, items: preview.held ?? [] })
  }

  const heldOf = (store: string) => {
    if (held === null) return null
    const counts = new Map<string, number>()
    for (const item of held.items) if (item.store === store) counts.set(item.reason, (counts.get(item.reason) ?? 0) + 1)
    if (counts.size === 0) return t('storeNothingHeld')
    return [...counts].map(([reason, count]) => `${codeName(language, 'holdReason', reason)} ${count}`).join(language === 'en' ? '; ' : '；')
  }

  const remote = fieldErrorsOf(saving.error)
  const setOverride = (index: number, change: Partial<{ role: string; account: string }>) => {
    if (draft === null) return
    setDraft({ ...draft, overrides: draft.overrides.map((entry, at) => at === index ? [change.role ?? entry[0], change.account ?? entry[1]] as const : entry) })
  }
  const unusedRole = (current: Draft) => STORE_ROLES.find((item) => !current.overrides.some(([used]) => used === item)) ?? 'commission'

  return (
    <section className={styles.section} aria-labelledby="stores-title">
      <Subtitle2 as="h3" id="stores-title">{t('storesTitle')}</Subtitle2>
      <span className={styles.muted}>{t('storesHint')}</span>
      <Notice text={notice} />
      <ErrorNotice error={loading.error ?? holding.error} feature="featureStores" />
      {stores.length === 0 && !loading.busy ? <span>{t('noStores')}</span> : null}
      <ul aria-label={t('storesTitle')} style={{ listStyle: 'none', padding: 0, margin: 0, display: 'flex', flexDirection: 'column', gap: 8 }}>
        {stores.map((store) => (
          <li key={store.code} aria-label={store.code} style={{ borderBottom: '1px solid #e0e0e0', paddingBottom: 6, overflowWrap: 'anywhere' }}>
            <div className={styles.row} style={{ justifyContent: 'space-between' }}>
              <strong>{store.code} · {store.name}</strong>
              {editable ? <Button size="small" onClick={() => { setDraft(draftOf(store)); setProblems({}) }} aria-label={`${t('editStore')} ${store.code}`}>{t('editStore')}</Button> : null}
            </div>
            <div>{t('storeChannel')}{colon}{codeName(language, 'channel', store.channel)} · {t('storeTaxCode')}{colon}{store.taxCode === null ? t('storeTaxDefault') : codeName(language, 'taxCode', store.taxCode)}</div>
            <div>{t('storeBankAccount')}{colon}{store.bankAccount === null ? t('storeBankNone') : account(store.bankAccount)}</div>
            <div>{t('storeOverrides')}{colon}{Object.keys(store.overrides).length === 0 ? t('storeNoOverrides') : Object.entries(store.overrides).map(([item, code]) => `${codeName(language, 'postingRole', item)} → ${account(code)}`).join(language === 'en' ? '; ' : '；')}</div>
            {held !== null ? <div role="note" aria-label={`${t('storeHeld', { period: held.period })} ${store.code}`}>{t('storeHeld', { period: held.period })}{colon}{heldOf(store.code)}</div> : null}
          </li>
        ))}
      </ul>
      <div className={styles.row}>
        {editable ? <Button onClick={() => { setDraft(draftOf(null)); setProblems({}) }}>{t('addStore')}</Button> : null}
        <Button onClick={() => void showHeld()} disabled={holding.busy}>{t('showHeld', { period })}</Button>
      </div>
      {draft !== null ? (
        <form aria-label={draft.isNew ? t('addStore') : `${t('editStore')} ${draft.code}`} onSubmit={(event) => { event.preventDefault(); void save() }} className={styles.section}>
          {draft.isNew ? (
            <Field label={t('storeCode')} validationMessage={problems.code ?? remote.code}>
              <Input value={draft.code} onChange={(_, data) => setDraft({ ...draft, code: data.value.trim() })} />
            </Field>
          ) : null}
          <Field label={t('storeDisplayName')} validationMessage={remote.name}>
            <Input value={draft.name} onChange={(_, data) => setDraft({ ...draft, name: data.value })} />
          </Field>
          <div className={styles.row}>
            <Field label={t('storeChannel')}>
              <Select value={draft.channel} onChange={(_, data) => setDraft({ ...draft, channel: data.value })}>
                {STORE_CHANNELS.map((item) => <option key={item} value={item}>{codeName(language, 'channel', item)}</option>)}
              </Select>
            </Field>
            <Field label={t('storeTaxCode')} validationMessage={remote.taxCode}>
              <Select value={draft.taxCode} onChange={(_, data) => setDraft({ ...draft, taxCode: data.value })}>
                <option value="">{t('storeTaxDefault')}</option>
                {TAX_CODES.map((item) => <option key={item} value={item}>{codeName(language, 'taxCode', item)}</option>)}
              </Select>
            </Field>
          </div>
          <Field label={t('storeBankAccount')} validationMessage={problems.bankAccount ?? remote.bankAccount}>
            <Select value={draft.bankAccount} onChange={(_, data) => setDraft({ ...draft, bankAccount: data.value })}>
              <option value="">{t('storeBankNone')}</option>
              {draft.bankAccount !== '' && !leaves.some((item) => item.code === draft.bankAccount) ? <option value={draft.bankAccount}>{draft.bankAccount}</option> : null}
              {leaves.filter((item) => /^10(01|02|12)/.test(item.code)).map((item) => <option key={item.code} value={item.code}>{account(item.code)}</option>)}
            </Select>
          </Field>
          <fieldset style={{ border: 'none', padding: 0, margin: 0, display: 'flex', flexDirection: 'column', gap: 6 }}>
            <legend>{t('storeOverrides')}</legend>
            {draft.overrides.map(([item, code], index) => (
              <div key={index} className={styles.row} role="group" aria-label={`${t('storeOverrides')} ${index + 1}`}>
                <Field label={t('overrideRole')}>
                  <Select value={item} onChange={(_, data) => setOverride(index, { role: data.value })}>
                    {STORE_ROLES.map((name) => <option key={name} value={name}>{codeName(language, 'postingRole', name)}</option>)}
                  </Select>
                </Field>
                <Field label={t('overrideAccount')} validationMessage={problems[`overrides.${index}`] ?? remote[`overrides.${item}`]}>
                  <Select value={code} onChange={(_, data) => setOverride(index, { account: data.value })}>
                    {code === '' || !leaves.some((leaf) => leaf.code === code) ? <option value={code}>{code}</option> : null}
                    {leaves.map((leaf) => <option key={leaf.code} value={leaf.code}>{account(leaf.code)}</option>)}
                  </Select>
                </Field>
                <Button size="small" onClick={() => setDraft({ ...draft, overrides: draft.overrides.filter((_, at) => at !== index) })}>{t('removeOverride')}</Button>
              </div>
            ))}
            <div className={styles.row}>
              <Button size="small" onClick={() => setDraft({ ...draft, overrides: [...draft.overrides, [unusedRole(draft), leaves[0]?.code ?? '']] })}>{t('addOverride')}</Button>
            </div>
          </fieldset>
          <div className={styles.row}>
            <Button appearance="primary" type="submit" disabled={saving.busy}>{t('saveStore')}</Button>
            <Button onClick={() => setDraft(null)}>{t('cancel')}</Button>
          </div>
          <ErrorNotice error={saving.error} feature="featureStores" fieldsShown={['code', 'name', 'taxCode', 'bankAccount']} />
        </form>
      ) : null}
    </section>
  )
}
