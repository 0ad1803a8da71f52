import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { RECORD_SCHEMAS, type CanonicalRecord } from '../../shared/records.ts'
import { cleanCell, readMoneyText, readTimestamp } from '../../service/imports/clean.ts'
import { checkRecord, validateRecord } from '../../service/imports/validate.ts'
import { GENERATED_FORMATS, type GeneratedFormat, generateFile } from '../../service/generators/index.ts'

/**
 * The import hot path replaces zod-per-record and regex cleaning with
 * hand-written checks. These tests hold them to the slow forms: the fast
 * record check never accepts what zod refuses, and the cleaning fast paths
 * give exactly what the general code gives.
 */

async function generatedRecords(): Promise<CanonicalRecord[]> {
  const all: CanonicalRecord[] = []
  for (const format of Object.keys(GENERATED_FORMATS) as GeneratedFormat[]) {
    all.push(...(await generateFile(format, { seed: 5, rows: 20, store: 's' })).expected)
  }
  return all
}

const BAD_VALUES: ReadonlyArray<unknown> = [
  undefined, null, '', 'x'.repeat(201), 'x'.repeat(2001), 0, 1.5, -1, 10_000_001, Number.NaN, 10n ** 15n + 1n, -(10n ** 15n) - 1n, 5n, '5',
  '2024-07-09 16:47:58', '2024-07-09T16:47:58+08:00', '2024-07-09', 'XXX', 'CNY', 'alipay', 'paid', 'payment', {}, { fileHash: 'a'.repeat(64), rowNumber: 0 },
  { fileHash: 'A'.repeat(64), rowNumber: 1 }, { fileHash: 'a'.repeat(64), rowNumber: 1, sheet: 3 }, { fileHash: 'a'.repeat(64), rowNumber: 2 },
]

describe('import hot-path checks agree with the slow forms', () => {
  it('accepts every record the generators produce, as zod does', async () => {
    const records = await generatedRecords()
    expect(records.length).toBeGreaterThan(300)
    for (const item of records) {
      expect(RECORD_SCHEMAS[item.kind].safeParse(item.record).success).toBe(true)
      expect(checkRecord(item)).toBe(true)
    }
  })

  it('never accepts a record with one field replaced that zod refuses, and then reports zod\'s own message', async () => {
    const records = await generatedRecords()
    let refused = 0
    for (const item of records.slice(0, 400)) {
      for (const field of Object.keys(RECORD_SCHEMAS[item.kind].shape)) {
        for (const value of BAD_VALUES) {
          const mutated = { kind: item.kind, record: { ...item.record, [field]: value } } as CanonicalRecord
          const zod = RECORD_SCHEMAS[item.kind].safeParse(mutated.record)
          if (checkRecord(mutated)) expect(zod.success).toBe(true)
          const verdict = validateRecord(mutated)
          expect(verdict.ok).toBe(zod.success)
          if (!zod.success && !verdict.ok) {
            refused += 1
            const issue = zod.error.issues[0]
            expect(verdict).toEqual({ ok: false, column: issue?.path.join('.') ?? '', reason: `invalid ${item.kind}: ${issue?.message ?? ''}` })
          }
        }
      }
    }
    expect(refused).toBeGreaterThan(1000)
  })

  it('cleans cells exactly as the general trim/formula/null rules do', () => {
    const general = (value: string): string => {
      let text = value.replace(/^[\s\u3000`]+|[\s\u3000]+$/g, '')
      const formula = /^="(.*)"$/s.exec(text)
      if (formula) text = (formula[1] ?? '').replace(/""/g, '"').trim()
      return text === 'null' || text === 'NULL' || text === '/' || text === '-' || text === '--' ? '' : text
    }
    const pieces = fc.constantFrom('a', '1', ' ', '\t', '\u3000', '\u00a0', '\ufeff', '`', '=', '"', '-', '/', 'null', 'NULL', '账', '\u2003', '\n', 'é', '\u1680')
    fc.assert(fc.property(fc.array(pieces, { maxLength: 6 }), (parts) => {
      const cell = parts.join('')
      expect(cleanCell(cell)).toBe(general(cell))
    }), { numRuns: 3000 })
    expect(cleanCell('2088…\t')).toBe('2088…')
    expect(cleanCell('="123"')).toBe('123')
  })

  it('reads plain decimals and plain timestamps exactly as the general patterns do', () => {
    expect(readMoneyText('m', '-0.27')).toEqual({ value: '-0.27' })
    expect(readMoneyText('m', '007.50')).toEqual({ value: '007.50' })
    expect(readMoneyText('m', '1,234.50')).toEqual({ value: '1234.50' })
    expect(readMoneyText('m', '.5')).toEqual({ value: '0.5' })
    expect(() => readMoneyText('m', '12.')).toThrow('"12." is not an amount')
    expect(readTimestamp('t', '2024-02-29 23:59:59')).toBe('2024-02-29T23:59:59+08:00')
    expect(() => readTimestamp('t', '2023-02-29 10:00:00')).toThrow('"2023-02-29 10:00:00" is not a valid date')
    expect(() => readTimestamp('t', '2024-04-31 10:00:00')).toThrow('"2024-04-31 10:00:00" is not a valid date')
    expect(() => readTimestamp('t', '1989-12-31 10:00:00')).toThrow('"1989-12-31 10:00:00" is not a valid date')
    expect(() => readTimestamp('t', '2024-01-01 24:00:00')).toThrow('"2024-01-01 24:00:00" is not a valid date')
    expect(readTimestamp('t', '2024-07-09 16:47:58', '-04:00')).toBe('2024-07-09T16:47:58-04:00')
    const digits = fc.integer({ min: 0, max: 99 }).map((value) => String(value).padStart(2, '0'))
    fc.assert(fc.property(fc.integer({ min: 1985, max: 2105 }), digits, digits, digits, digits, digits, (year, month, day, hour, minute, second) => {
      const cell = `${year}-${month}-${day} ${hour}:${minute}:${second}`
      let fast: string
      try {
        fast = readTimestamp('t', cell)
      } catch (error) {
        fast = `error ${error instanceof Error ? error.message : ''}`
      }
      let general: string
      try {
        // A leading space skips the fast path (length 20): the general patterns read it.
        general = readTimestamp('t', ` ${cell}`)
      } catch (error) {
        general = `error ${error instanceof Error ? error.message.replace(`" ${cell}"`, `"${cell}"`) : ''}`
      }
      expect(fast).toBe(general)
    }), { numRuns: 3000 })
  })
})
