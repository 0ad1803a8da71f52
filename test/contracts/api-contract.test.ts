import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { errorResponse } from '../../shared/api/common.ts'
import { closeResponse } from '../../shared/api/companies.ts'
import { importEventSchemas } from '../../shared/api/imports.ts'
import { trialBalanceResponse } from '../../shared/api/ledger.ts'
import { voucherResponse } from '../../shared/api/vouchers.ts'
import type { RouteSpec } from '../../service/routes/kit.ts'
import { type Walk, routeKey, walkApi } from './api-scenario.ts'

/**
 * The HTTP contract (issue #19): every route declares its response schema from
 * shared/api, and every route's answer on a happy path through the demo
 * company parses with it. The schemas are strict (an unknown, renamed or
 * retyped field fails), so a handler and the add-in cannot drift apart
 * without this test (or typecheck, through `call.json`) saying so.
 */

/** Routes whose answer is not JSON at all (files, streams). Every route answers JSON today, so none. */
const NON_JSON_ROUTES: ReadonlyArray<string> = []

let walk: Walk

beforeAll(async () => {
  walk = await walkApi()
}, 120_000)

function specOf(key: string): RouteSpec {
  const spec = walk.routes.find((route) => routeKey(route) === key)
  if (spec === undefined) throw new Error(`no route ${key}`)
  return spec
}

function issuesOf(schema: z.ZodType, value: unknown): string {
  const parsed = schema.safeParse(value)
  return parsed.success ? '' : parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')
}

describe('HTTP contract (shared/api)', () => {
  it('every route declares a response schema (or is a listed non-JSON route)', () => {
    const missing = walk.routes.filter((route) => route.response === undefined && !NON_JSON_ROUTES.includes(routeKey(route))).map(routeKey)
    expect(missing).toEqual([])
    for (const key of NON_JSON_ROUTES) expect(walk.routes.map(routeKey), `${key} is listed as non-JSON but is not a route`).toContain(key)
  })

  it('route handlers answer JSON through call.json, which is typed by the route\'s response schema', () => {
    const dir = join(import.meta.dirname, '../../service/routes')
    const untyped = readdirSync(dir).filter((name) => name.endsWith('.ts') && name !== 'kit.ts').filter((name) => /\bc\.json\(/.test(readFileSync(join(dir, name), 'utf8')))
    expect(untyped).toEqual([])
  })

  it('the walk calls every route at least once', () => {
    const called = new Set(walk.recorded.map((each) => each.key))
    expect(walk.routes.map(routeKey).filter((key) => !called.has(key))).toEqual([])
  })

  it("every JSON answer parses with its route's shared response schema", () => {
    const failures: string[] = []
    let checked = 0
    for (const answer of walk.recorded) {
      const spec = specOf(answer.key)
      if (spec.response === undefined) continue
      expect(answer.contentType, answer.key).toMatch(/^application\/json/)
      const issues = issuesOf(spec.response, answer.body)
      if (issues !== '') failures.push(`${answer.key} (${answer.status}): ${issues}`)
      checked += 1
    }
    expect(failures).toEqual([])
    expect(checked).toBeGreaterThanOrEqual(walk.routes.length)
  })

  it('every event of a streamed import parses with its schema, and a stream ends in done or error', () => {
    const failures = walk.events.flatMap((each) => {
      const schema = (importEventSchemas as Record<string, z.ZodType>)[each.event]
      if (schema === undefined) return [`unknown event ${each.event}`]
      const issues = issuesOf(schema, each.data)
      return issues === '' ? [] : [`${each.event}: ${issues}`]
    })
    expect(failures).toEqual([])
    expect(walk.events.map((each) => each.event).filter((name) => name === 'job' || name === 'done' || name === 'error')).toEqual(['job', 'done', 'job', 'error'])
  })

  it('every refusal is the contract error body, with a fitting status', () => {
    for (const refusal of walk.errors) expect(issuesOf(errorResponse, refusal.body), refusal.what).toBe('')
    expect(walk.errors.map((each) => [each.what, each.status])).toEqual([
      ['no token', 401], ['no such company', 404], ['bad query', 400], ['role may not', 403], ['unbalanced voucher', 422], ['no route', 404], ['write into a closed period', 409],
    ])
  })

  it('would catch a renamed, a retyped, an extra or a missing field', () => {
    const sample = (key: string) => structuredClone(walk.recorded.find((each) => each.key === key)?.body) as Record<string, unknown>
    const tb = sample('GET /companies/:company/reports/trial-balance')
    expect(issuesOf(trialBalanceResponse, tb)).toBe('')
    const row = (tb.rows as Array<Record<string, unknown>>)[0] ?? {}
    row.closing = row.balance
    delete row.balance
    expect(issuesOf(trialBalanceResponse, tb)).toMatch(/balance|closing/)

    const voucher = sample('GET /companies/:company/vouchers/:id')
    const detail = voucher.voucher as Record<string, unknown>
    detail.total = Number(detail.total)
    expect(issuesOf(voucherResponse, voucher)).toMatch(/voucher\.total/)

    const closed = sample('POST /companies/:company/periods/:period/close')
    expect(issuesOf(closeResponse, { ...closed, note: 'extra' })).toMatch(/note|Unrecognized/)
    const { alreadyClosed: _dropped, ...withoutOne } = closed
    expect(issuesOf(closeResponse, withoutOne)).toMatch(/alreadyClosed/)
  })
})
