/**
 * The headers every API answer carries: hono's secureHeaders() defaults, `cache-control: no-store` unless the
 * route chose its own, and CORS for the configured origins (preflight by hono's cors middleware).
 *
 * Set on the answer's own Headers after the route ran (`c.res.headers`), never with `c.header()` after the
 * answer exists: hono then copies the answer into a new Response, which turns @hono/node-server's light
 * response (a status, a string and a Headers) into a full web Response with a body stream. For a one-voucher
 * POST that copy was about 9 % of the service's CPU (issue #20).
 */
import type { MiddlewareHandler } from 'hono'
import { cors } from 'hono/cors'

/** hono/secure-headers defaults (hono 4.13), as a list: the same names and values secureHeaders() sets. */
export const API_SECURITY_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['Cross-Origin-Resource-Policy', 'same-origin'],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Origin-Agent-Cluster', '?1'],
  ['Referrer-Policy', 'no-referrer'],
  ['Strict-Transport-Security', 'max-age=15552000; includeSubDomains'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-DNS-Prefetch-Control', 'off'],
  ['X-Download-Options', 'noopen'],
  ['X-Frame-Options', 'SAMEORIGIN'],
  ['X-Permitted-Cross-Domain-Policies', 'none'],
  ['X-XSS-Protection', '0'],
]

export function apiHeaders(origins: ReadonlyArray<string>): MiddlewareHandler {
  const preflight = cors({ origin: (origin) => (origins.includes(origin) ? origin : null), allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Company'], allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] })
  return async (c, next) => {
    if (c.req.method === 'OPTIONS') {
      const answer = await preflight(c, next)
      if (answer) c.res = answer
    } else {
      await next()
    }
    const headers = c.res.headers
    for (const [name, value] of API_SECURITY_HEADERS) headers.set(name, value)
    if (!headers.has('cache-control')) headers.set('cache-control', 'no-store')
    if (c.req.method !== 'OPTIONS') {
      const origin = c.req.header('origin')
      if (origin && origins.includes(origin)) headers.set('access-control-allow-origin', origin)
      headers.append('vary', 'Origin')
    }
  }
}
