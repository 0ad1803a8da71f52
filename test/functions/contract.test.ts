import fc from 'fast-check'
import { describe, expect, expectTypeOf, it } from 'vitest'
import type { WireRequest, WireResponse, WireResult } from '../../addin/functions/protocol.ts'
import { type BatchRequest, type BatchResponse, type FunctionResult, batchRequestSchema, isBatchRequest } from '../../service/functions/contract.ts'

describe('the batch contract, as the add-in and the service see it', () => {
  it('has the same request and response shapes on both sides', () => {
    expectTypeOf<WireRequest>().toExtend<BatchRequest>()
    expectTypeOf<FunctionResult>().toExtend<WireResult>()
    expectTypeOf<BatchResponse>().toExtend<WireResponse>()
  })

  it('accepts what the batcher sends, including omitted arguments as null', () => {
    const request: WireRequest = { calls: [{ id: 'c1', fn: 'BALANCE', args: ['1122', 46326, null, true], company: 'ACME' }] }
    expect(batchRequestSchema.parse(request)).toEqual(request)
  })

  it('the fast check of the hot route says yes only where zod accepts the body unchanged', () => {
    const text = (max: number) => fc.oneof(fc.string({ minLength: 0, maxLength: max + 2 }), fc.constantFrom('', 'ACME', 'x'.repeat(max), 'x'.repeat(max + 1)))
    const argument = fc.oneof(fc.constant(null), fc.double(), fc.integer(), fc.boolean(), text(200), fc.constant({}), fc.constant([1]))
    const call = fc.oneof(
      fc.record({ id: fc.constantFrom('c1', 'c2'), fn: fc.constantFrom('BALANCE', 'TB'), args: fc.array(fc.oneof(fc.constant(null), fc.integer(), fc.double(), fc.constantFrom('1122', '2026-10')), { maxLength: 4 }) }),
      fc.record({ id: text(64), fn: text(32), args: fc.oneof(fc.array(argument, { maxLength: 10 }), fc.constant('x')), company: text(32), extra: fc.constant(1) }, { requiredKeys: [] }),
    )
    const body = fc.oneof(
      fc.record({ calls: fc.array(call, { maxLength: 5 }), company: text(32) }, { requiredKeys: [] }),
      fc.record({ calls: fc.array(call, { maxLength: 5 }), other: fc.constant(1) }),
      fc.constantFrom(null, [], 'calls', 3),
    )
    let accepted = 0
    fc.assert(fc.property(body, (raw) => {
      const parsed = batchRequestSchema.safeParse(raw)
      if (isBatchRequest(raw)) {
        accepted += 1
        expect(parsed.success).toBe(true)
        expect(parsed.data).toEqual(raw)
      } else if (parsed.success) {
        // zod may still accept it after stripping unknown keys; the route then uses zod's output
        expect(JSON.stringify(raw)).toMatch(/"(extra|other)"/)
      }
    }), { numRuns: 3000 })
    expect(accepted).toBeGreaterThan(10)
    const valid: BatchRequest = { calls: Array.from({ length: 10_000 }, (_, index) => ({ id: `c${index}`, fn: 'BALANCE', args: ['1122', '2026-10', null, 45000] })), company: 'BIG' }
    expect(isBatchRequest(valid)).toBe(true)
    expect(isBatchRequest({ calls: [...valid.calls, valid.calls[0]] })).toBe(false)
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const request = { calls: [{ id: 'c1', fn: 'BALANCE', args: ['1122', bad] }] }
      expect([isBatchRequest(request), batchRequestSchema.safeParse(request).success]).toEqual([false, false])
    }
  })
})
