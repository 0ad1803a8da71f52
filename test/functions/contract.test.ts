import { describe, expect, expectTypeOf, it } from 'vitest'
import type { WireRequest, WireResponse, WireResult } from '../../addin/functions/protocol.ts'
import { type BatchRequest, type BatchResponse, type FunctionResult, batchRequestSchema } from '../../service/functions/contract.ts'

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
})
