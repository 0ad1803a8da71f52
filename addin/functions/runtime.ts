import type { CancelableInvocation } from './custom-functions-api.ts'
import type { ArgumentValue, CellValue } from './protocol.ts'
import { type SessionStore, ledgerSession } from './session.ts'

/**
 * What every LEDGER.* function does: hand the call to the batcher and turn
 * the outcome into a cell value or a CustomFunctions.Error (#N/A / #VALUE!
 * with the service's message). Money arrives as the number for the cell,
 * converted once on the service with toExcelNumber.
 */
export async function ledgerCall(fn: string, args: ReadonlyArray<ArgumentValue | undefined>, invocation?: CancelableInvocation, store: SessionStore = ledgerSession): Promise<CellValue> {
  const runtime = store.runtime()
  if (!runtime) throw new Error('channel-ledger functions are not registered: registerCustomFunctions() was not called')
  const outcome = await runtime.batcher.call(fn, args, invocation)
  if ('value' in outcome) return outcome.value
  const code = outcome.error === '#VALUE!' ? runtime.api.ErrorCode.invalidValue : runtime.api.ErrorCode.notAvailable
  throw new runtime.api.Error(code, outcome.message)
}

export async function ledgerNumber(fn: string, args: ReadonlyArray<ArgumentValue | undefined>, invocation?: CancelableInvocation): Promise<number> {
  const value = await ledgerCall(fn, args, invocation)
  if (typeof value !== 'number') throw new Error(`${fn} answered ${typeof value}, expected a number`)
  return value
}

export async function ledgerText(fn: string, args: ReadonlyArray<ArgumentValue | undefined>, invocation?: CancelableInvocation): Promise<string> {
  const value = await ledgerCall(fn, args, invocation)
  if (typeof value !== 'string') throw new Error(`${fn} answered ${typeof value}, expected text`)
  return value
}

export async function ledgerMatrix(fn: string, args: ReadonlyArray<ArgumentValue | undefined>, invocation?: CancelableInvocation): Promise<(number | string | boolean)[][]> {
  const value = await ledgerCall(fn, args, invocation)
  return Array.isArray(value) ? value : [[value]]
}

export async function ledgerScalar(fn: string, args: ReadonlyArray<ArgumentValue | undefined>, invocation?: CancelableInvocation): Promise<number | string | boolean> {
  const value = await ledgerCall(fn, args, invocation)
  if (Array.isArray(value)) throw new Error(`${fn} answered a table, expected one value`)
  return value
}
