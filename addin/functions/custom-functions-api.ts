/**
 * The slice of Excel's `CustomFunctions` runtime global the add-in uses, typed
 * here (the repo has no @types/custom-functions-runtime). functions.ts imports
 * it under the name `CustomFunctions`, so custom-functions-metadata still sees
 * `CustomFunctions.CancelableInvocation` and marks the functions cancelable.
 */
export interface CancelableInvocation {
  onCanceled?: (() => void) | undefined
  readonly address?: string
}

export interface CustomFunctionsErrorCodes {
  readonly invalidValue: string
  readonly notAvailable: string
}

export interface CustomFunctionsApi {
  associate(id: string, implementation: (...args: never[]) => unknown): void
  readonly Error: new (code: string, message?: string) => Error
  readonly ErrorCode: CustomFunctionsErrorCodes
}

/** The runtime's global in Excel (shared runtime), or undefined in a plain browser. */
export function customFunctionsGlobal(): CustomFunctionsApi | undefined {
  const candidate: unknown = Reflect.get(globalThis, 'CustomFunctions')
  if (typeof candidate !== 'object' || candidate === null) return undefined
  if (typeof Reflect.get(candidate, 'associate') !== 'function') return undefined
  return candidate as CustomFunctionsApi
}
