import { describe, expect, it } from 'vitest'
import { MESSAGE_AREAS, MESSAGE_KEYS, translator } from '../../addin/taskpane/i18n.ts'

/**
 * The UI strings live by pane in addin/taskpane/i18n/<area>.ts and are merged by
 * spreading: a key defined in two areas would silently shadow the other, and a
 * language missing a key would show `undefined`. Types catch most of it; this
 * checks the merged dictionaries at run time.
 */
describe('UI strings by area', () => {
  const areas = Object.entries(MESSAGE_AREAS)

  it('gives zh-CN and en the same keys in every area', () => {
    for (const [area, { en, zh }] of areas) expect({ area, keys: Object.keys(zh).sort() }).toEqual({ area, keys: Object.keys(en).sort() })
  })

  it('defines each key in one area only, and the areas make up all the keys', () => {
    const owners = new Map<string, string[]>()
    for (const [area, { en }] of areas) for (const key of Object.keys(en)) owners.set(key, [...(owners.get(key) ?? []), area])
    expect([...owners].filter(([, where]) => where.length > 1)).toEqual([])
    expect([...owners.keys()].sort()).toEqual([...MESSAGE_KEYS].sort())
  })

  // zh-CN may leave a placeholder out (blockerOther drops the raw {kind} code), but never invents one.
  it('translates every key to a non-empty string; zh-CN uses only placeholders the English has', () => {
    const zh = translator('zh-CN')
    const en = translator('en')
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort()
    for (const key of MESSAGE_KEYS) {
      expect(zh(key), key).not.toBe('')
      expect(en(key), key).not.toBe('')
      const english = new Set(placeholders(en(key)))
      expect({ key, unknown: placeholders(zh(key)).filter((name) => !english.has(name)) }).toEqual({ key, unknown: [] })
    }
  })
})
