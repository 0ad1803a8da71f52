export { runMatching, type RunCounts, type RunOptions } from './run.ts'
export { manualMatch, unmatch, confirmMatch, decideException, type ExceptionDecision } from './decisions.ts'
export { matchCounts, listExceptions, getException, listMatches, reconciliationSummary, summaryRowJson, type Scope } from './queries.ts'
export { loadCompanyRecords } from './load.ts'
