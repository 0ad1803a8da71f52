import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { KeyIndex, hashKey, normalizeKey } from '../../shared/matching/index.ts'

describe('KeyIndex (the order-level join index)', () => {
  it('normalises exactly as normalizeKey, whatever the text', () => {
    const index = new KeyIndex(4)
    const pieces = fc.constantFrom('T200P', '="', '"', '`', '#', ' ', '\t', '12', '0', 'a', 'Z', '-', ':', '/', '１', '号', '\u3000')
    fc.assert(fc.property(fc.oneof(fc.string(), fc.array(pieces, { maxLength: 8 }).map((parts) => parts.join(''))), (raw) => {
      expect(index.normalize(raw)).toBe(normalizeKey(raw))
    }), { numRuns: 2000 })
    expect(index.normalize(undefined)).toBe('')
  })

  it('finds each key by the slot it was added with, and a key added twice keeps its first slot', () => {
    const index = new KeyIndex(3)
    const keys = Array.from({ length: 5000 }, (_, n) => String(3_000_000_000_000_000_000n + BigInt(n * 7)))
    keys.forEach((key, slot) => { expect(index.add(index.normalize(key), slot)).toBe(-1) })
    expect(index.size).toBe(5000)
    keys.forEach((key, slot) => {
      expect(index.get(key)).toBe(slot)
      expect(index.get(index.normalize(`T200P${key}`))).toBe(slot)
      expect(index.has(`${key}x`)).toBe(false)
    })
    expect(index.add(keys[42] as string, 9000)).toBe(42)
    expect(index.get(keys[42] as string)).toBe(42)
    expect(index.keys[9000]).toBe(keys[42])
    expect(index.get('')).toBe(-1)
  })

  it('uses the hash of the key normalised last only for that key', () => {
    const index = new KeyIndex(4)
    index.add('1001', 0)
    index.normalize('T200P2002')
    expect(index.get('1001')).toBe(0)
    expect(hashKey(index.normalize('T200P1001'))).toBe(hashKey('1001'))
    expect(index.get('1001')).toBe(0)
  })
})
