import { type Minor, minor } from '../money.ts'

/**
 * Moving average cost (移动加权平均) per SKU, in base-currency minor units.
 * A receipt adds quantity and value; an issue takes quantity x average cost
 * (rounded half-up; the last unit takes the remaining value exactly); a return
 * brings goods back at the cost they left with. Pure.
 */
export interface SkuState {
  readonly quantity: bigint
  readonly value: Minor
}

export const EMPTY_SKU: SkuState = { quantity: 0n, value: 0n as Minor }

export type InventoryMove =
  | { readonly kind: 'receipt'; readonly key: string; readonly sku: string; readonly date: string; readonly quantity: bigint; readonly cost: Minor }
  | { readonly kind: 'issue'; readonly key: string; readonly sku: string; readonly date: string; readonly quantity: bigint }
  | { readonly kind: 'return'; readonly key: string; readonly sku: string; readonly date: string; readonly quantity: bigint; readonly cost: Minor }

/** Rounds a/b half-up for a >= 0, b > 0. */
function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  return (2n * numerator + denominator) / (2n * denominator)
}

/**
 * Cost of issuing `quantity` units at the moving average; null when stock is short.
 * @example issueCost({ quantity: 3n, value: 1000n }, 1n) === 333n
 */
export function issueCost(state: SkuState, quantity: bigint): Minor | null {
  if (quantity <= 0n || state.quantity < quantity || state.quantity <= 0n) return null
  if (quantity === state.quantity) return state.value
  return minor(divideHalfUp(state.value * quantity, state.quantity))
}

export interface AppliedMove {
  readonly state: SkuState
  /** receipt: its cost; issue: the cost it left with (null: short of stock); return: the cost it came back with */
  readonly cost: Minor | null
}

export function applyMove(state: SkuState, move: InventoryMove): AppliedMove {
  switch (move.kind) {
    case 'receipt':
    case 'return':
      return { state: { quantity: state.quantity + move.quantity, value: (state.value + move.cost) as Minor }, cost: move.cost }
    case 'issue': {
      const cost = issueCost(state, move.quantity)
      if (cost === null) return { state, cost: null }
      return { state: { quantity: state.quantity - move.quantity, value: (state.value - cost) as Minor }, cost }
    }
  }
}

/** Order of replay: date, then receipts before returns before issues on the same day, then key. */
export function compareMoves(a: InventoryMove, b: InventoryMove): number {
  const rank = { receipt: 0, return: 1, issue: 2 } as const
  if (a.date !== b.date) return a.date < b.date ? -1 : 1
  if (a.kind !== b.kind) return rank[a.kind] - rank[b.kind]
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0
}

/**
 * Replays moves in time order and returns every move's cost plus the end state per SKU.
 * @example replayMoves([receipt 3 @ 10.00, issue 1]).costs.get('issue-key') === 333n
 */
export function replayMoves(moves: ReadonlyArray<InventoryMove>): { costs: Map<string, Minor | null>; states: Map<string, SkuState> } {
  const states = new Map<string, SkuState>()
  const costs = new Map<string, Minor | null>()
  for (const move of [...moves].sort(compareMoves)) {
    const applied = applyMove(states.get(move.sku) ?? EMPTY_SKU, move)
    states.set(move.sku, applied.state)
    costs.set(move.key, applied.cost)
  }
  return { costs, states }
}

/** Cost of returning `returned` of `issued` units that left at `issueCostMinor` (pro rata, half-up). */
export function returnCost(issueCostMinor: Minor, issued: bigint, returned: bigint): Minor {
  if (returned >= issued) return issueCostMinor
  return minor(divideHalfUp(issueCostMinor * returned, issued))
}
