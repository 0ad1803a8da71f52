/**
 * The user roles of accounting.md: admin (everything), accountant (import,
 * match, draft and post), approver (approve vouchers and exceptions), sales
 * (read-only orders and reports), auditor (read-only everything incl. the audit
 * log). A plain list, so the table schema (service/db/schema/auth.ts) and the
 * permission table (service/auth/permissions.ts) both read it from below.
 */
export const ROLES = ['admin', 'accountant', 'approver', 'sales', 'auditor'] as const
export type Role = (typeof ROLES)[number]
