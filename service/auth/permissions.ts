/**
 * Who may do what, in one table. Every route declares the permission it needs;
 * the RBAC test walks this table x every role. Roles per accounting.md:
 * admin (everything), accountant (import, match, draft and post), approver
 * (approve vouchers and exceptions), sales (read-only orders and reports),
 * auditor (read-only everything incl. the audit log).
 */
import { ROLES, type Role } from '../../shared/roles.ts'

export { ROLES, type Role }

const ALL: ReadonlyArray<Role> = ROLES
const BOOKKEEPERS: ReadonlyArray<Role> = ['admin', 'accountant']
const LEDGER_READERS: ReadonlyArray<Role> = ['admin', 'accountant', 'approver', 'auditor']

export const PERMISSIONS = {
  'company.read': ALL,
  'company.settings': ['admin'],
  'stores.read': ALL,
  'stores.write': ['admin', 'accountant'],
  'accounts.read': ALL,
  'accounts.write': ['admin'],
  'periods.read': ALL,
  'periods.close': BOOKKEEPERS,
  'periods.reopen': ['admin'],
  'vouchers.read': LEDGER_READERS,
  'vouchers.create': BOOKKEEPERS,
  'vouchers.approve': ['admin', 'approver'],
  'vouchers.post': BOOKKEEPERS,
  'vouchers.reverse': BOOKKEEPERS,
  'vouchers.delete': BOOKKEEPERS,
  'posting.preview': LEDGER_READERS,
  'posting.run': BOOKKEEPERS,
  'reports.read': ALL,
  'functions.evaluate': ALL,
  'ledger.verify': ['admin', 'accountant', 'auditor'],
  'audit.read': ['admin', 'auditor'],
  'users.manage': ['admin'],
  'match.read': ALL,
  'match.run': BOOKKEEPERS,
  'exceptions.read': ALL,
  'exceptions.decide': BOOKKEEPERS,
  'exceptions.approve': ['admin', 'accountant', 'approver'],
  'import.create': BOOKKEEPERS,
  'import.read': ALL,
  'orders.read': ALL,
  'txns.read': ALL,
} as const satisfies Record<string, ReadonlyArray<Role>>

export type Permission = keyof typeof PERMISSIONS

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as ReadonlyArray<Role>).includes(role)
}

export function isRole(value: string): value is Role {
  return (ROLES as ReadonlyArray<string>).includes(value)
}
