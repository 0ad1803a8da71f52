/**
 * Finds what a zh-CN screen must not show: a raw code (a run of capital letters
 * and underscores, e.g. AMOUNT_MISMATCH, NOT_MATCHED, PERIOD_CLOSED) or an English
 * sentence (a stretch without Chinese holding three or more English words,
 * numbers and punctuation between them allowed: "money 146.01 CNY vs expected").
 * Data the user typed or imported (company codes, store codes, file names) is
 * allowed by the caller; LEDGER (the worksheet functions' prefix) and ISO
 * currency codes are always allowed.
 */
const CODE = /[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|\b[A-Z]{2,}\b/g
const WORD = /[A-Za-z][A-Za-z']+/g
const CJK = /[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]+|\n+/
const ALWAYS = new Set(['LEDGER', 'CNY', 'USD', 'EUR', 'HKD', 'JPY', 'GBP', 'CSV', 'XLSX'])

export function untranslated(text: string, allowed: readonly string[] = []): string[] {
  let rest = text
  for (const data of allowed) rest = rest.split(data).join(' ')
  const codes = [...rest.matchAll(CODE)].map((match) => match[0]).filter((code) => !ALWAYS.has(code))
  const sentences = rest.split(CJK)
    .filter((segment) => [...segment.matchAll(WORD)].filter((word) => !ALWAYS.has(word[0])).length >= 3)
    .map((segment) => segment.trim())
  return [...codes, ...sentences]
}
