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
  /** Calls an associated function as Excel would: every declared argument (omitted ones as null), then the invocation. */
  async function invoke(id: string, ...args: unknown[]): Promise<unknown> {
    const implementation = associated.get(id)
    if (!implementation) throw new Error(`${id} is not associated`)
    const declared = implementation.length - 1
    if (args.length > declared) throw new Error(`${id} takes ${declared} arguments, got ${args.length}`)
    const padded = [...args, ...new Array<null>(declared - args.length).fill(null)]
    try {
      return await (implementation as (...values: unknown[]) => Promise<unknown>)(...padded, { address: 'Sheet1!A1' })
    } catch (error) {
      if (error instanceof StubFunctionError) return { error: error.code, message: error.message }
      throw error
    }
  }
  return { api, associated, invoke }
}
