/** The batch contract lives in shared/api.ts, shared with the add-in. */
export * from '../../shared/api.ts'
