import { Command, CommanderError } from 'commander'
import { isLedgerError } from '../shared/errors.ts'
import { registerAdminCommands } from './cli/admin.ts'
import { registerLedgerCommands } from './cli/ledger.ts'
import { registerPostingCommands } from './cli/post.ts'
import { registerVatCommands } from './cli/vat.ts'
import { registerBankCommands } from './cli/bank.ts'
import { registerMatchCommands } from './cli/match.ts'
import { registerReportCommands } from './cli/report.ts'
import { reconciliationReport } from './reports/reconciliation.ts'
import { registerImportCommands } from './cli/import.ts'
import { registerInvoiceCommands } from './cli/invoice.ts'
import { registerStoreCommands } from './cli/store.ts'
import { type CliIo, type CliRuntime, createRuntime } from './cli/runtime.ts'
import { DEFAULT_DB_URL } from './db/connection.ts'
import { registerPostingCloseSteps } from './posting/close-steps.ts'

export { type CliIo, type CliRuntime, type GlobalOptions, type Opened, createRuntime } from './cli/runtime.ts'

/**
 * `cledger`: the command line over the same ledger functions the HTTP API uses.
 * Command groups live in service/cli/*.ts and register themselves below.
 * Exit codes: 0 ok, 1 refused (bad input, invariant, permission), 2 usage.
 */

export function buildProgram(runtimeIo?: CliIo): { program: Command; runtime: CliRuntime & { closeAll(): void } } {
  const program = new Command('cledger')
    .description('channel-ledger: e-commerce channel accounting — imports, matching, double-entry ledger, reports')
    .version('0.1.0')
    .option('--db <url>', `database URL (file:, libsql:, http:); env LEDGER_DB_URL; default ${DEFAULT_DB_URL}`)
    .option('--company <code>', 'company (账套) code; env LEDGER_COMPANY; default the only company')
    .option('--user <name>', 'acting user (audited; role checked); env LEDGER_USER; default the company admin')
    .option('--json', 'machine-readable JSON output')
    .showHelpAfterError()
    .exitOverride()
  const runtime = createRuntime(program, runtimeIo)
  // the close steps of service/posting (FX revaluation, matching and posting checks), registered explicitly
  registerPostingCloseSteps()
  if (runtimeIo) program.configureOutput({ writeOut: runtimeIo.stdout, writeErr: runtimeIo.stderr })
  registerAdminCommands(program, runtime)
  registerLedgerCommands(program, runtime)
  registerPostingCommands(program, runtime)
  registerVatCommands(program, runtime)
  registerBankCommands(program, runtime)
  registerMatchCommands(program, runtime)
  registerReportCommands(program, runtime, { reconciliation: reconciliationReport })
  registerImportCommands(program, runtime)
  registerInvoiceCommands(program, runtime)
  registerStoreCommands(program, runtime)
  return { program, runtime }
}

/** Runs the CLI; returns the exit code instead of exiting (testable in-process). */
export async function main(argv: string[], io?: CliIo): Promise<number> {
  const { program, runtime } = buildProgram(io)
  const stderr = io?.stderr ?? ((t: string) => process.stderr.write(t))
  try {
    await program.parseAsync(argv)
    return 0
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2
    if (isLedgerError(error)) {
      stderr(`cledger: ${error.message}\n`)
      return 1
    }
    const message = error instanceof Error ? error.message : String(error)
    stderr(`cledger: ${message}\n`)
    return 1
  } finally {
    runtime.closeAll()
  }
}
