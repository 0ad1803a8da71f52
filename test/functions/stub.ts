import type { CustomFunctionsApi } from '../../addin/functions/custom-functions-api.ts'

/** A CustomFunctions global as Excel's runtime provides it, recording associations. */
export class StubFunctionError extends Error {
  readonly code: string
  constructor(code: string, message?: string) {
    super(message)
    this.code = code
  }
}

export function customFunctionsStub() {
  const associated = new Map<string, (...args: never[]) => unknown>()
  const api: CustomFunctionsApi = {
    associate: (id, implementation) => {
      if (associated.has(id)) throw new Error(`${id} associated twice`)
      associated.set(id, implementation)
    },
    Error: StubFunctionError,
    ErrorCode: { invalidValue: '#VALUE!', notAvailable: '#N/A' },
  }
  /** Calls an associated function as Excel would: omitted optionals as null, then the invocation. */
  async function invoke(id: string, ...args: unknown[]): Promise<unknown> {
    const implementation = associated.get(id)
    if (!implementation) throw new Error(`${id} is not associated`)
    try {
      return await (implementation as (...values: unknown[]) => Promise<unknown>)(...args, { address: 'Sheet1!A1' })
    } catch (error) {
      if (error instanceof StubFunctionError) return { error: error.code, message: error.message }
      throw error
    }
  }
  return { api, associated, invoke }
}
