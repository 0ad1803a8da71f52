import { Button, Input, Subtitle2 } from '@fluentui/react-components'
import { useEffect, useState } from 'react'
import type { FunctionCallInput, FunctionCallResult, LedgerApi } from '../api-client.ts'
import { ErrorNotice, groupDigits, useAction, usePaneStyles, useT } from './common.tsx'
import { usePane } from './store.ts'

/**
 * Preview mode's small "function sheet": a few LEDGER.* formulas evaluated
 * through the real `POST /functions/batch` (one request for all rows, as the
 * worksheet functions batch them), so they can be tried without Excel.
 */

type Argument = string | number | boolean | null

/**
 * `=LEDGER.BALANCE("1122","2026-10")` -> `{fn:'BALANCE', args:['1122','2026-10']}`;
 * strings in double quotes ("" escapes a quote), numbers, TRUE/FALSE, empty = null.
 * Returns null for anything else.
 */
export function parseLedgerFormula(formula: string): { fn: string; args: Argument[] } | null {
  const match = /^\s*=?\s*LEDGER\.([A-Z]+)\s*\((.*)\)\s*$/i.exec(formula)
  if (match === null) return null
  const fn = (match[1] ?? '').toUpperCase()
  const body = match[2] ?? ''
  const args: Argument[] = []
  let index = 0
  const skip = () => {
    while (body[index] === ' ') index += 1
  }
  skip()
  if (index >= body.length) return { fn, args }
  for (;;) {
    skip()
    if (body[index] === '"') {
      let text = ''
      index += 1
      for (;;) {
        if (index >= body.length) return null
        if (body[index] === '"') {
          if (body[index + 1] === '"') {
            text += '"'
            index += 2
            continue
          }
          index += 1
          break
        }
        text += body[index]
        index += 1
      }
      args.push(text)
    } else {
      const end = body.indexOf(',', index)
      const raw = (end === -1 ? body.slice(index) : body.slice(index, end)).trim()
      index = end === -1 ? body.length : end
      if (raw === '') args.push(null)
      else if (/^-?\d+(\.\d+)?$/.test(raw)) args.push(Number(raw))
      else if (/^(TRUE|FALSE)$/i.test(raw)) args.push(raw.toUpperCase() === 'TRUE')
      else return null
    }
    skip()
    if (index >= body.length) return { fn, args }
    if (body[index] !== ',') return null
    index += 1
  }
}

export function defaultFormulas(period: string): string[] {
  return [
    `=LEDGER.BALANCE("1122","${period}")`,
    `=LEDGER.ACTIVITY("5001","${period}")`,
    `=LEDGER.DEBITS("1012*","${period}")`,
    '=LEDGER.ACCOUNTNAME("1012.01")',
  ]
}

/** What the cell would show; an error as Excel shows it (#N/A …), with the service's English reason in English only. */
function shownValue(result: FunctionCallResult | undefined, language: string): string {
  if (result === undefined) return ''
  if ('error' in result) return language === 'en' ? `${result.error} ${result.message}` : result.error
  const value = result.value
  if (typeof value === 'number') return groupDigits(String(value))
  return value === null ? '' : String(value)
}

export function FunctionSheet({ api, company }: { api: LedgerApi; company: string }) {
  const t = useT()
  const styles = usePaneStyles()
  const period = usePane((state) => state.period)
  const language = usePane((state) => state.language)
  const [formulas, setFormulas] = useState<string[]>(() => defaultFormulas(period))
  const [results, setResults] = useState<Record<string, FunctionCallResult>>({})
  const [invalid, setInvalid] = useState<Record<string, boolean>>({})
  const { busy, error, run } = useAction()

  useEffect(() => {
    setFormulas(defaultFormulas(period))
    setResults({})
  }, [period])

  async function evaluate() {
    const calls: FunctionCallInput[] = []
    const bad: Record<string, boolean> = {}
    formulas.forEach((formula, index) => {
      const parsed = parseLedgerFormula(formula)
      if (parsed === null) bad[`A${index + 1}`] = true
      else calls.push({ id: `A${index + 1}`, fn: parsed.fn, args: parsed.args })
    })
    setInvalid(bad)
    if (calls.length === 0) return
    const answered = await run(() => api.evaluateFunctions(company, calls))
    if (answered !== undefined) setResults(Object.fromEntries(answered.map((result) => [result.id, result])))
  }

  return (
    <section className={styles.section} aria-labelledby="function-sheet-title">
      <Subtitle2 as="h2" id="function-sheet-title">{t('functionSheet')}</Subtitle2>
      <span className={styles.muted}>{t('functionSheetHint')}</span>
      <div className={styles.scroll}>
        <table className={styles.table} aria-label={t('functionSheet')}>
          <thead>
            <tr><th className={styles.cell}>#</th><th className={styles.cell}>{t('formula')}</th><th className={styles.number}>{t('value')}</th></tr>
          </thead>
          <tbody>
            {formulas.map((formula, index) => {
              const id = `A${index + 1}`
              return (
                <tr key={id}>
                  <td className={styles.cell}>{id}</td>
                  <td className={styles.cell} style={{ width: '100%' }}>
                    <Input size="small" aria-label={`${t('formula')} ${id}`} value={formula} style={{ width: '100%' }}
                      onChange={(_, data) => setFormulas((current) => current.map((value, at) => (at === index ? data.value : value)))} />
                  </td>
                  <td className={styles.number} aria-label={`${t('value')} ${id}`}>{invalid[id] === true ? t('invalidFormula') : shownValue(results[id], language)}</td>
                </tr>
              )
            })}
          </tbody>
        </table>
      </div>
      <div className={styles.row}>
        <Button onClick={() => void evaluate()} disabled={busy}>{t('evaluate')}</Button>
      </div>
      <ErrorNotice error={error} feature="functionSheet" />
    </section>
  )
}
