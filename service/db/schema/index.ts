export * from './company.ts'
export * from './ledger.ts'
export * from './auth.ts'
export * from './audit.ts'
