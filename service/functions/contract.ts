/** The batch contract lives in shared/api/functions.ts, shared with the add-in. */
export * from '../../shared/api/functions.ts'
