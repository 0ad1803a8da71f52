/**
 * Operating errors of the domain: expected, typed, and mapped to HTTP status
 * and CLI exit codes in exactly one place each (service/http-errors.ts, service/cli.ts).
 * Programmer errors use `invariant()` and are never caught.
 */
export const ERROR_CODES = {
  BAD_REQUEST: 400,
  VALIDATION: 400,
  INVALID_AMOUNT: 400,
  TOO_MANY_DECIMALS: 400,
  UNBALANCED: 422,
  EMPTY_VOUCHER: 422,
  UNKNOWN_ACCOUNT: 422,
  NON_LEAF_ACCOUNT: 422,
  UNKNOWN_CURRENCY: 422,
  INVALID_PERIOD: 400,
  PERIOD_CLOSED: 409,
  PERIOD_NOT_CLOSABLE: 409,
  PERIOD_NOT_READY: 409,
  INVALID_STATE: 409,
  MAKER_CANNOT_APPROVE: 403,
  IDEMPOTENCY_CONFLICT: 409,
  ALREADY_REVERSED: 409,
  SUPPLIER_REQUIRED: 422,
  UNKNOWN_SUPPLIER: 422,
  DUPLICATE: 409,
  NOT_FOUND: 404,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  UNSUPPORTED_FORMAT: 415,
  INTERNAL: 500,
} as const

export type ErrorCode = keyof typeof ERROR_CODES

/**
 * @example
 * throw new LedgerError('UNBALANCED', 'voucher does not balance: debit 113.00, credit 100.00')
 */
export class LedgerError extends Error {
  readonly code: ErrorCode
  readonly details: unknown
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message)
    this.name = 'LedgerError'
    this.code = code
    this.details = details
  }
  get status(): number {
    return ERROR_CODES[this.code]
  }
}

export function isLedgerError(error: unknown): error is LedgerError {
  return error instanceof LedgerError
}

/** Guards impossible states (programmer errors). Never catch these. */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`invariant violated: ${message}`)
}
