import { LedgerError } from '../../shared/errors.ts'

/** The LedgerError `work` throws (any other error is rethrown; no error at all fails the test). */
export async function ledgerRefusal(work: () => unknown): Promise<LedgerError> {
  try {
    await work()
  } catch (error) {
    if (error instanceof LedgerError) return error
    throw error
  }
  throw new Error('expected a LedgerError')
}
