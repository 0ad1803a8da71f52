import type { LedgerContext } from '../ledger/context.ts'
import { notAvailable } from './arguments.ts'
import type { CellValue } from './contract.ts'
import type { Membership } from './load.ts'
import type { Plan } from './plan.ts'

/**
 * Functions over tables other than the ledger: orders and settlement
 * transactions (imports), matches and exceptions (matching), exchange rates.
 * Each is evaluated from one query per batch and company.
 */
type ExtraPlan = Extract<Plan, { fn: 'MATCHRATE' | 'UNMATCHED' | 'ORDER' | 'FX' }>

export interface Extras {
  readonly missing: ReadonlyMap<ExtraPlan['fn'], string>
}

const NOT_YET: ReadonlyMap<ExtraPlan['fn'], string> = new Map([
  ['MATCHRATE', 'not available: the matching tables (matches, exceptions) are not in this service yet'],
  ['UNMATCHED', 'not available: the matching tables (matches, exceptions) are not in this service yet'],
  ['ORDER', 'not available: the orders table (imports) is not in this service yet'],
  ['FX', 'not available: the exchange-rate table is not in this service yet'],
])

export async function loadExtras(_context: LedgerContext, _membership: Membership, _plans: ReadonlyArray<Plan>): Promise<Extras> {
  return { missing: NOT_YET }
}

export function evaluateExtra(extras: Extras, plan: ExtraPlan): CellValue {
  const reason = extras.missing.get(plan.fn)
  throw notAvailable(reason ?? `not available: ${plan.fn}`)
}
