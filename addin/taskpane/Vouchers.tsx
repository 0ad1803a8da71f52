import { Badge, makeStyles, tokens } from '@fluentui/react-components'
import { type ReactNode, useEffect, useState } from 'react'
import type { Account, LedgerApi, Voucher } from '../api-client.ts'
import { groupDigits, usePaneStyles, useT } from './common.tsx'
import { type Language, codeName } from './i18n.ts'
import { usePane } from './store.ts'
import { voucherLabel } from './tables.ts'

/**
 * 记账凭证 with its lines, as preview, approval, the voucher sheet and 红字冲销
 * show it: 科目编码 + 科目名称, 借/贷, 辅助核算 (store) and 摘要 per line. Built
 * for the 420 px pane: account and summary stacked in one column, amounts right.
 */

const useStyles = makeStyles({
  card: { border: `1px solid ${tokens.colorNeutralStroke2}`, borderRadius: tokens.borderRadiusMedium, padding: tokens.spacingHorizontalS, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  head: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS, alignItems: 'center', fontSize: tokens.fontSizeBase200 },
  account: { display: 'flex', flexDirection: 'column', minWidth: 0, overflowWrap: 'anywhere' },
  small: { fontSize: tokens.fontSizeBase100, color: tokens.colorNeutralForeground3 },
})

const cache = new WeakMap<LedgerApi, Map<string, Promise<Account[]>>>()

/** The company's chart of accounts, fetched once per client and company. */
export function useAccounts(api: LedgerApi, company: string): readonly Account[] {
  const [accounts, setAccounts] = useState<readonly Account[]>([])
  useEffect(() => {
    let perApi = cache.get(api)
    if (perApi === undefined) {
      perApi = new Map()
      cache.set(api, perApi)
    }
    let pending = perApi.get(company)
    if (pending === undefined) {
      pending = api.accounts(company).catch(() => [])
      perApi.set(company, pending)
    }
    let live = true
    void pending.then((list) => {
      if (live) setAccounts(list)
    })
    return () => {
      live = false
    }
  }, [api, company])
  return accounts
}

export function accountNameOf(accounts: readonly Account[], code: string, language: Language): string {
  const account = accounts.find((item) => item.code === code)
  if (account === undefined) return ''
  return language === 'en' && account.nameEn !== '' ? account.nameEn : account.name
}

/** Fills each line's 科目名称 from the chart (the voucher routes give codes only). */
export function withAccountNames(voucher: Voucher, accounts: readonly Account[], language: Language): Voucher {
  if (accounts.length === 0) return voucher
  return { ...voucher, lines: voucher.lines.map((line) => ({ ...line, accountName: line.accountName ?? accountNameOf(accounts, line.accountCode, language) })) }
}

export function VoucherCard({ voucher, index, accounts, actions, note }: {
  voucher: Voucher; index: number; accounts: readonly Account[]; actions?: ReactNode; note?: string
}) {
  const t = useT()
  const styles = { ...usePaneStyles(), ...useStyles() }
  const language = usePane((state) => state.language)
  const label = voucherLabel(voucher, index)
  const named = withAccountNames(voucher, accounts, language)
  return (
    <article className={styles.card} aria-label={`${label} ${voucher.date}`}>
      <div className={styles.head}>
        <strong>{label}</strong>
        <span>{voucher.date}</span>
        {voucher.status !== undefined ? <Badge appearance="tint" size="small">{codeName(language, 'voucherStatus', voucher.status)}</Badge> : null}
        {note !== undefined ? <Badge appearance="outline" size="small">{note}</Badge> : null}
        {voucher.total !== undefined ? <span className={styles.muted}>{t('amount')} {groupDigits(voucher.total)}</span> : null}
      </div>
      {voucher.summary !== undefined && voucher.summary !== '' ? <span className={styles.small}>{t('summary')}: {voucher.summary}</span> : null}
      {named.lines.length > 0 ? (
        <div className={styles.scroll}>
          <table className={styles.table} aria-label={t('voucherLines', { voucher: label })}>
            <thead>
              <tr>
                <th className={styles.cell}>{t('account')}</th>
                <th className={styles.number}>{t('debit')}</th>
                <th className={styles.number}>{t('credit')}</th>
              </tr>
            </thead>
            <tbody>
              {named.lines.map((line, lineIndex) => (
                <tr key={lineIndex}>
                  <td className={styles.cell} style={{ whiteSpace: 'normal' }}>
                    <span className={styles.account}>
                      <span>{line.accountCode} {line.accountName ?? ''}</span>
                      {line.store !== undefined ? <span className={styles.small}>{t('lineStore')}: {line.store}</span> : null}
                      {line.summary !== undefined && line.summary !== '' ? <span className={styles.small}>{line.summary}</span> : null}
                    </span>
                  </td>
                  <td className={styles.number}>{groupDigits(line.debit)}</td>
                  <td className={styles.number}>{groupDigits(line.credit)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {actions !== undefined ? <div className={styles.row}>{actions}</div> : null}
    </article>
  )
}
