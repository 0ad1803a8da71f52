/**
 * UI strings in zh-CN and English, terms from the project glossary
 * (账套, 会计期间, 勾对, 记账凭证, 审核, 记账, 试算平衡表 ...).
 */

import * as common from './i18n/common.ts'
import type { Language } from './i18n/common.ts'
import * as imports from './i18n/import.ts'
import * as match from './i18n/match.ts'
import * as post from './i18n/post.ts'
import * as reports from './i18n/reports.ts'
import * as workbook from './i18n/workbook.ts'
import * as settings from './i18n/settings.ts'
import * as close from './i18n/close.ts'
import * as invoices from './i18n/invoices.ts'
import { CODES, type CodeGroup, MONEY_KINDS, ROLE_NAMES } from './i18n/codes.ts'

export type { CodeGroup, Language }

/**
 * The strings live by pane/area in i18n/<area>.ts, each an `en` object and a
 * `zh` of exactly its keys; a key belongs to one area (test/addin/i18n.test.ts).
 */
const en = { ...common.en, ...imports.en, ...match.en, ...post.en, ...reports.en, ...workbook.en, ...settings.en, ...close.en, ...invoices.en } as const

export type MessageKey = keyof typeof en
/** Every UI string's key (tests check both languages against it). */
export const MESSAGE_KEYS = Object.keys(en) as MessageKey[]
type Messages = Record<MessageKey, string>

const zh: Messages = { ...common.zh, ...imports.zh, ...match.zh, ...post.zh, ...reports.zh, ...workbook.zh, ...settings.zh, ...close.zh, ...invoices.zh }

/** The areas' dictionaries (for the tests: one key, one area). */
export const MESSAGE_AREAS: Readonly<Record<string, { readonly en: Readonly<Record<string, string>>; readonly zh: Readonly<Record<string, string>> }>> = { common, import: imports, match, post, reports, workbook, settings, close, invoices }

const DICTIONARIES: Record<Language, Messages> = { 'zh-CN': zh, en }

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string

export function translator(language: Language): Translate {
  const dictionary = DICTIONARIES[language]
  return (key, values) => {
    const template = dictionary[key]
    if (values === undefined) return template
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole))
  }
}

/** Name of a money record's kind (payment, fee, refund …) in the pane's language; unknown kinds as given. */
export function moneyKindName(language: Language, kind: string): string {
  return MONEY_KINDS[language][kind] ?? kind
}

export function roleName(language: Language, role: string): string {
  return ROLE_NAMES[language][role] ?? role
}

/** Office's display language (e.g. `zh-CN`, `zh-TW`, `en-US`) or the browser's, mapped to ours. */
export function languageOf(tag: string | null | undefined): Language {
  return tag !== null && tag !== undefined && tag.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en'
}

/** A service code in words; an unknown code reads as a generic phrase, never as the raw code, in zh-CN. */
export function codeName(language: Language, group: CodeGroup, code: string): string {
  const known = CODES[language][group][code]
  if (known !== undefined) return known
  if (language === 'en') return code
  return group === 'errorCode' ? '操作未完成。' : group === 'holdReason' ? '暂不过账' : group === 'exceptionType' ? '其他异常' : '其他'
}

export function hasCode(language: Language, group: CodeGroup, code: string): boolean {
  return CODES[language][group][code] !== undefined
}

const CODE_TOKEN = /\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g
const LOOKUP_ORDER: readonly CodeGroup[] = ['holdReason', 'exceptionType', 'errorCode']

/**
 * A sentence the service wrote in Chinese that still names codes ("暂缓记账（NOT_MATCHED）",
 * "对账异常（AMOUNT_MISMATCH 1）"): each code becomes its catalogue name. English text is kept.
 */
export function localizeCodes(language: Language, text: string): string {
  if (language === 'en') return text
  return text.replace(CODE_TOKEN, (code) => {
    const group = LOOKUP_ORDER.find((candidate) => hasCode(language, candidate, code))
    return group === undefined ? code : codeName(language, group, code)
  })
}

