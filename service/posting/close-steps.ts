import { registerCloseChecks } from './close-check.ts'
import { registerRevaluation } from './revaluation.ts'

/**
 * Plugs service/posting into period close: the FX revaluation hook and the
 * matching/posting close checks (the ledger core imports neither). Called
 * explicitly where the service is put together — createApp (service/app.ts) and
 * the CLI's buildProgram (service/cli.ts) — and idempotent (named registrations).
 */
export function registerPostingCloseSteps(): void {
  registerRevaluation()
  registerCloseChecks()
}
