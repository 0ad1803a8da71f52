/**
 * The core of the add-in's client of the companion service (`/api/v1`): the
 * fetch wrapper with the bearer token, and the errors. Shapes come from the
 * HTTP contract in shared/api (imported as types only, so zod stays out of the
 * pane bundle; the service's contract test checks every route against them).
 *
 * Amounts stay decimal strings (`"1234.50"`) all the way to the Excel adapter.
 * Every failure becomes an {@link ApiError} with a `kind` the UI can act on:
 * `network` (service down), `unauthorized` (401), `forbidden` (403),
 * `validation` (400/413/415/422 with field details), `notAvailable` (the route
 * does not exist on this service: a 404 that is not a JSON error body, or the
 * service's own "no route"), `notFound`, `conflict`, `server`.
 */

export type ApiErrorKind =
  | 'network' | 'unauthorized' | 'forbidden' | 'validation' | 'notAvailable' | 'notFound' | 'conflict' | 'server'

export class ApiError extends Error {
  readonly kind: ApiErrorKind
  readonly status: number
  readonly code: string
  readonly details: unknown

  constructor(kind: ApiErrorKind, status: number, code: string, message: string, details?: unknown) {
    super(message)
    this.name = 'ApiError'
    this.kind = kind
    this.status = status
    this.code = code
    this.details = details
  }

  /**
   * Field-level messages from a validation error, keyed by field name. The
   * service sends `details.fields: [{path, message}]` (a request that fails its
   * schema) or `details: [{path, message}]` (zod issues); `details.fields:
   * {name: msg}` is what the client itself raises.
   */
  fieldErrors(): Record<string, string> {
    const result: Record<string, string> = {}
    const details = this.details
    if (!isRecord(details) && !Array.isArray(details)) return result
    const fields = isRecord(details) ? details.fields : undefined
    if (isRecord(fields)) {
      for (const [name, message] of Object.entries(fields)) {
        if (typeof message === 'string') result[name] = message
      }
    }
    const issues = Array.isArray(details) ? details : Array.isArray(fields) ? fields : undefined
    if (Array.isArray(issues)) {
      for (const issue of issues) {
        if (!isRecord(issue) || typeof issue.message !== 'string') continue
        const path = Array.isArray(issue.path) ? issue.path.map(String).join('.') : typeof issue.path === 'string' ? issue.path : ''
        if (path !== '' && result[path] === undefined) result[path] = issue.message
      }
    }
    return result
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function kindOfStatus(status: number): ApiErrorKind {
  if (status === 401) return 'unauthorized'
  if (status === 403) return 'forbidden'
  if (status === 404) return 'notFound'
  if (status === 409) return 'conflict'
  if (status === 400 || status === 413 || status === 415 || status === 422) return 'validation'
  return 'server'
}

/** The error of a failed response: the contract's `{"error":{code,message,details}}`, or what a proxy or an older service said. */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '')
  let body: unknown = undefined
  try {
    body = text === '' ? undefined : JSON.parse(text)
  } catch {
    body = undefined
  }
  const error = isRecord(body) && isRecord(body.error) ? body.error : undefined
  if (error === undefined) {
    // A 404 without the contract's error body means the route itself is missing.
    if (response.status === 404 || response.status === 405) {
      return new ApiError('notAvailable', response.status, 'NOT_AVAILABLE', 'endpoint not available on this service')
    }
    return new ApiError(kindOfStatus(response.status), response.status, `HTTP_${response.status}`, text.slice(0, 200) || response.statusText)
  }
  const code = typeof error.code === 'string' ? error.code : `HTTP_${response.status}`
  const message = typeof error.message === 'string' ? error.message : response.statusText
  // The service answers unknown routes with {"error":{"code":"NOT_FOUND","message":"no route GET /api/..."}}.
  if (response.status === 404 && /^no route /.test(message)) {
    return new ApiError('notAvailable', 404, 'NOT_AVAILABLE', message)
  }
  return new ApiError(kindOfStatus(response.status), response.status, code, message, error.details)
}

/** HTTP statuses of the service's error codes that an import can end with (a failed job carries only the code). */
const STATUS_OF_CODE: Record<string, number> = { BAD_REQUEST: 400, VALIDATION: 400, NOT_FOUND: 404, UNAUTHORIZED: 401, FORBIDDEN: 403, PAYLOAD_TOO_LARGE: 413, UNSUPPORTED_FORMAT: 415, BUSY: 503 }

/** The error of an SSE `error` event (which has its status) or a failed job (which has only the code), mapped like the same error on a plain response. */
export function apiErrorOf(data: { readonly error?: { readonly code: string; readonly message: string; readonly details?: unknown }; readonly status?: number }): ApiError {
  const code = data.error?.code ?? 'INTERNAL'
  const status = data.status ?? STATUS_OF_CODE[code] ?? 500
  return new ApiError(kindOfStatus(status), status, code, data.error?.message ?? code, data.error?.details)
}

export interface UploadProgress {
  readonly loaded: number
  readonly total: number
}

/** Sends one multipart upload and reports progress; fetch cannot report upload progress, XHR can. */
export type UploadTransport = (request: {
  url: string
  headers: Record<string, string>
  body: FormData
  onProgress?: (progress: UploadProgress) => void
}) => Promise<Response>

export interface ApiClientOptions {
  readonly baseUrl: string
  readonly getToken: () => string | null
  readonly fetch?: typeof fetch
  readonly upload?: UploadTransport
  /** Progress of imports over the event stream (default: when the page has ReadableStream). */
  readonly streamImports?: boolean
  /** Waits between two polls of an import job whose stream broke off (default 1 s). */
  readonly pollIntervalMs?: number
  /** Called on every 401 so the store can drop the session. */
  readonly onUnauthorized?: () => void
}

export function xhrUpload(request: Parameters<UploadTransport>[0]): Promise<Response> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', request.url)
    for (const [name, value] of Object.entries(request.headers)) xhr.setRequestHeader(name, value)
    xhr.upload.onprogress = (event) => request.onProgress?.({ loaded: event.loaded, total: event.lengthComputable ? event.total : 0 })
    xhr.onload = () => resolve(new Response(xhr.responseText, { status: xhr.status, headers: { 'content-type': xhr.getResponseHeader('content-type') ?? '' } }))
    xhr.onerror = () => reject(new TypeError('network error'))
    xhr.send(request.body)
  })
}

/** `?a=1&b=2` of the defined, non-empty params ('' when none). */
export function query(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams()
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(name, value)
  const text = search.toString()
  return text === '' ? '' : `?${text}`
}

/** `/companies/{code}` with the code escaped. */
export const companyPath = (code: string): string => `/companies/${encodeURIComponent(code)}`
/** One path segment, escaped. */
export const segment = (value: string | number): string => encodeURIComponent(String(value))

export function networkError(cause: unknown): ApiError {
  return new ApiError('network', 0, 'NETWORK', cause instanceof Error ? cause.message : 'network error')
}

/**
 * The requests every area's client is built on. `request<T>` trusts the
 * service to answer the contract's shape `T` (no parsing in the pane: the
 * service's contract test parses every route's answer with the same schema).
 */
export interface Transport {
  readonly options: ApiClientOptions
  readonly fetcher: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>
  /** `<baseUrl>/api/v1` */
  base(): string
  headers(json: boolean): Record<string, string>
  /** The JSON body of an OK response (undefined when empty); on an error, the ApiError (401 also calls onUnauthorized). */
  settle(response: Response): Promise<unknown>
  request<T>(method: string, path: string, body?: unknown): Promise<T>
}

export function createTransport(options: ApiClientOptions): Transport {
  const fetcher = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init))
  const transport: Transport = {
    options,
    fetcher,
    base: () => `${options.baseUrl.replace(/\/+$/, '')}/api/v1`,
    headers(json) {
      const result: Record<string, string> = { accept: 'application/json' }
      if (json) result['content-type'] = 'application/json'
      const token = options.getToken()
      if (token !== null) result.authorization = `Bearer ${token}`
      return result
    },
    async settle(response) {
      if (!response.ok) {
        const error = await errorFromResponse(response)
        if (error.kind === 'unauthorized') options.onUnauthorized?.()
        throw error
      }
      if (response.status === 204) return undefined
      const text = await response.text()
      return text === '' ? undefined : JSON.parse(text)
    },
    async request<T>(method: string, path: string, body?: unknown): Promise<T> {
      let response: Response
      try {
        response = await fetcher(`${transport.base()}${path}`, { method, headers: transport.headers(body !== undefined), body: body === undefined ? undefined : JSON.stringify(body) })
      } catch (cause) {
        throw networkError(cause)
      }
      return (await transport.settle(response)) as T
    },
  }
  return transport
}
