/**
 * Wire shapes of `POST /api/v1/functions/batch`, as the add-in sees them: the
 * types of shared/api/functions.ts (types only, so zod is not bundled into the pane).
 */
import type { BatchRequest, BatchResponse, FunctionArgument, FunctionCall, FunctionResult } from '../../shared/api/functions.ts'

export type { CellErrorCode, CellScalar, CellValue } from '../../shared/api/functions.ts'
export type ArgumentValue = FunctionArgument
export type WireCall = FunctionCall
export type WireRequest = BatchRequest
export type WireResult = FunctionResult
export type WireResponse = BatchResponse

/** What a cell finally gets: a value, or an error code with a message for the tooltip. */
export type Outcome =
  | { readonly value: import('../../shared/api/functions.ts').CellValue }
  | { readonly error: import('../../shared/api/functions.ts').CellErrorCode; readonly message: string }

/** Which service, token and company the worksheet functions use (held by the store in session.ts). */
export interface ServiceSession {
  /** origin of the companion service, e.g. `https://localhost:8787` */
  readonly serviceUrl: string | null
  readonly token: string | null
  /** company code the workbook is bound to */
  readonly company: string | null
}
