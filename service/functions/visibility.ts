import { isWithin } from '../../shared/accounts.ts'
import type { Role } from '../auth/permissions.ts'

/**
 * Who may see what through worksheet functions: the ONE place this rule lives.
 * Everyone but `sales` sees everything. `sales` sees P&L (5xxx/6xxx), 1122
 * receivables and the order/matching functions; cash, bank, wallets, equity,
 * tax, rates and the rest answer #N/A "no access".
 */
export type { Role }

export type Subject =
  /** an account code, or the stem of a prefix pattern (`5601*` -> `5601`) */
  | { readonly kind: 'account'; readonly stem: string }
  | { readonly kind: 'matching' }
  | { readonly kind: 'order' }
  | { readonly kind: 'rates' }

const SEE_EVERYTHING: ReadonlySet<Role> = new Set(['admin', 'accountant', 'approver', 'auditor'])
const SALES_ACCOUNT_ROOTS = ['1122'] as const
const SALES_FIRST_DIGITS = new Set(['5', '6'])

export const NO_ACCESS = 'no access'

/**
 * @example canSee('sales', { kind: 'account', stem: '5601' }) === true
 * @example canSee('sales', { kind: 'account', stem: '1002' }) === false
 */
export function canSee(role: Role, subject: Subject): boolean {
  if (SEE_EVERYTHING.has(role)) return true
  switch (subject.kind) {
    case 'matching':
    case 'order':
      return true
    case 'rates':
      return false
    case 'account':
      // A pattern is visible only if everything it can cover is: "11*" also covers 1123, so no.
      return SALES_FIRST_DIGITS.has(subject.stem.slice(0, 1)) || SALES_ACCOUNT_ROOTS.some((root) => isWithin(subject.stem, root))
  }
}
