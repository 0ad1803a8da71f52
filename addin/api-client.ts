/**
 * The task pane's client of the companion service: kept here for importers;
 * the client lives in addin/api/ (a core and one file per area), its shapes in
 * shared/api (the HTTP contract the service's routes declare).
 */
export * from './api/index.ts'
