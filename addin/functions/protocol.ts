/**
 * Wire shapes of `POST /api/v1/functions/batch`, as the add-in sees them. The
 * service's zod schema is service/functions/contract.ts; the add-in may not
 * import service/, so test/functions/contract.test.ts proves both agree.
 */
export type ArgumentValue = string | number | boolean | null
export type CellScalar = number | string | boolean
export type CellValue = CellScalar | CellScalar[][]
export type CellErrorCode = '#N/A' | '#VALUE!'

export interface WireCall {
  readonly id: string
  readonly fn: string
  readonly args: ArgumentValue[]
  readonly company?: string
}

export interface WireRequest {
  readonly calls: WireCall[]
  readonly company?: string
}

export type WireResult =
  | { readonly id: string; readonly value: CellValue }
  | { readonly id: string; readonly error: CellErrorCode; readonly message: string }

export interface WireResponse {
  readonly results: WireResult[]
}

/** What a cell finally gets: a value, or an error code with a message for the tooltip. */
export type Outcome =
  | { readonly value: CellValue }
  | { readonly error: CellErrorCode; readonly message: string }
