import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { copyFileSync, existsSync, readFileSync, rmSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Command } from 'commander'
import { TEMPLATES } from '../../shared/accounts.ts'
import { LedgerError } from '../../shared/errors.ts'
import { ROLES, isRole } from '../auth/permissions.ts'
import { DEFAULT_MAX_TOKEN_DAYS, createUser, findUser, generatePassword, issueToken, listTokens, listUsers, revokeTokenById, setDisabled, setPassword, setRole, unlockUser } from '../auth/users.ts'
import type { CliRuntime } from './runtime.ts'
import { DEFAULT_DB_URL, isPlainSqlite, openDatabase, rekeyDatabase, vacuumInto } from '../db/connection.ts'
import { createDemo, demoFolderFor, demoSummaryText } from '../demo.ts'
import { readEnv } from '../env.ts'
import { createCompany, getCompany, listCompanies } from '../ledger/company.ts'
import { type LedgerContext, SYSTEM } from '../ledger/context.ts'
import { verifyLedger } from '../ledger/verify.ts'
import { ADDIN_DIST, REPO_ROOT, startServer } from '../server.ts'
import { formatTable } from './table.ts'

async function readStdinLine(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? ''
}

/** A random database key: 32 bytes, base64url. */
function generateKey(): string {
  return randomBytes(32).toString('base64url')
}

function localFile(url: string): string {
  if (!url.startsWith('file:')) throw new LedgerError('VALIDATION', `backup/restore work on local file: databases; for ${url} use the server's own backups`)
  return resolve(url.slice('file:'.length))
}

function registerUserCommands(program: Command, runtime: CliRuntime): void {
  const user = program.command('user').description('users and roles (admin)')
  user.command('add <username>')
    .option('--role <role>', `role in the company: ${ROLES.join('|')}`, 'accountant')
    .option('--name <display>', 'display name')
    .option('--password-stdin', 'read the password from standard input (else one is generated and printed once)')
    .action(async (username: string, flags: { role: string; name?: string; passwordStdin?: boolean }) => {
      if (!isRole(flags.role)) throw new LedgerError('VALIDATION', `--role must be one of ${ROLES.join(', ')}`)
      const { context, company, actor } = await runtime.open('users.manage')
      const password = flags.passwordStdin ? await readStdinLine() : generatePassword()
      const created = await createUser(context, actor, { username, password, displayName: flags.name })
      await setRole(context, actor, created.id, company.id, flags.role)
      runtime.print({ user: created, role: flags.role, company: company.code, ...(flags.passwordStdin ? {} : { password }) }, () => `user ${username} (${flags.role} in ${company.code})${flags.passwordStdin ? '' : `\npassword (shown once): ${password}`}`)
    })
  user.command('list').description('every user with their roles, lock and disable state').action(async () => {
    const { context } = await runtime.open('users.manage')
    const users = await listUsers(context)
    runtime.print({ users }, () => formatTable(['username', 'name', 'roles', 'state'], users.map((u) => [u.username, u.displayName, u.memberships.map((m) => `${m.company}:${m.role}`).join(' '), [u.disabled ? 'disabled' : '', u.locked ? 'locked' : ''].filter(Boolean).join(' ') || 'active'])))
  })
  user.command('role <username> <role>').description(`set the role in the company (${ROLES.join('|')}, or none)`).action(async (username: string, role: string) => {
    if (role !== 'none' && !isRole(role)) throw new LedgerError('VALIDATION', `role must be one of ${ROLES.join(', ')} or none`)
    const { context, company, actor } = await runtime.open('users.manage')
    const target = await findUser(context, username)
    await setRole(context, actor, target.id, company.id, role === 'none' ? null : role)
    runtime.print({ username, company: company.code, role }, () => `${username}: ${role} in ${company.code}`)
  })
  user.command('disable <username>').description('disable a user: all their tokens stop working at once (audited)').action(async (username: string) => {
    const { context, company, actor } = await runtime.open('users.manage')
    const target = await findUser(context, username)
    await setDisabled(context, actor, target.id, true, company.id)
    runtime.print({ username, disabled: true }, () => `${username}: disabled, every token revoked`)
  })
  user.command('enable <username>').description('enable a disabled user (audited)').action(async (username: string) => {
    const { context, company, actor } = await runtime.open('users.manage')
    const target = await findUser(context, username)
    await setDisabled(context, actor, target.id, false, company.id)
    runtime.print({ username, disabled: false }, () => `${username}: enabled`)
  })
  user.command('unlock <username>').description('unlock a user locked after repeated wrong passwords (audited)').action(async (username: string) => {
    const { context, company, actor } = await runtime.open('users.manage')
    const target = await findUser(context, username)
    await unlockUser(context, actor, target.id, company.id)
    runtime.print({ username, locked: false }, () => `${username}: unlocked`)
  })
  user.command('passwd <username>').description('set a new password (standard input, else generated and printed once); their tokens are revoked').option('--password-stdin', 'read the password from standard input').action(async (username: string, flags: { passwordStdin?: boolean }) => {
    const { context, actor } = await runtime.open('users.manage')
    const target = await findUser(context, username)
    const password = flags.passwordStdin ? await readStdinLine() : generatePassword()
    await setPassword(context, actor, target.id, password)
    runtime.print({ username, ...(flags.passwordStdin ? {} : { password }) }, () => `${username}: password changed, tokens revoked${flags.passwordStdin ? '' : `\npassword (shown once): ${password}`}`)
  })
  const token = program.command('token').description('API tokens for scripts')
  const maxDays = () => readEnv().LEDGER_TOKEN_MAX_DAYS ?? DEFAULT_MAX_TOKEN_DAYS
  const owner = async (): Promise<{ context: LedgerContext; id: number; username: string }> => {
    const username = runtime.options().user
    if (!username) throw new LedgerError('VALIDATION', 'say whose tokens: --user NAME (the global option)')
    const { context } = await runtime.openDb()
    const found = await findUser(context, username)
    return { context, id: found.id, username }
  }
  token.command('create')
    .description('create an API token for --user NAME (the global option), shown once; lives at most LEDGER_TOKEN_MAX_DAYS (default 90) days')
    .option('--name <label>', 'label')
    .option('--days <n>', 'valid for n days (default 30, at most the maximum)')
    .action(async (flags: { name?: string; days?: string }) => {
      const { context, id } = await owner()
      const days = flags.days === undefined ? Math.min(30, maxDays()) : Number(flags.days)
      const issued = await issueToken(context, id, 'api', { name: flags.name, days, maxDays: maxDays() })
      runtime.print(issued, () => `token ${issued.id} (shown once): ${issued.token}\nexpires ${issued.expiresAt}`)
    })
  token.command('list').description('tokens of --user NAME (sign-in sessions and API tokens), never their secrets').option('--all', 'include expired and revoked ones').action(async (flags: { all?: boolean }) => {
    const { context, id } = await owner()
    const tokens = await listTokens(context, id, { all: flags.all === true })
    runtime.print({ tokens }, () => formatTable(['id', 'kind', 'name', 'created', 'expires', 'revoked'], tokens.map((t) => [String(t.id), t.kind, t.name, t.createdAt, t.expiresAt, t.revokedAt ?? ''])))
  })
  token.command('revoke <id>').description('revoke a token of --user NAME by its id (from token list); it stops working on the next request').action(async (id: string) => {
    const { context, id: userId } = await owner()
    const tokenId = Number(id)
    if (!Number.isInteger(tokenId) || tokenId < 1) throw new LedgerError('VALIDATION', 'give the token id from `cledger token list`')
    await revokeTokenById(context, SYSTEM, userId, tokenId)
    runtime.print({ revoked: tokenId }, () => `token ${tokenId} revoked`)
  })
}

async function serveCommand(runtime: CliRuntime, flags: { port?: string; host?: string; https?: boolean; cert?: string; key?: string }): Promise<void> {
  const env = readEnv()
  const { context } = await runtime.openDb()
  let https: { cert: string; key: string } | undefined
  if (flags.cert || flags.key) {
    if (!flags.cert || !flags.key) throw new LedgerError('VALIDATION', '--cert and --key go together')
    https = { cert: readFileSync(flags.cert, 'utf8'), key: readFileSync(flags.key, 'utf8') }
  } else if (flags.https) {
    const devCerts = await import('office-addin-dev-certs')
    const options = await devCerts.getHttpsServerOptions()
    https = { cert: String(options.cert), key: String(options.key) }
  }
  const port = Number(flags.port ?? env.LEDGER_PORT ?? 8787)
  const host = flags.host ?? env.LEDGER_HOST ?? '127.0.0.1'
  const corsOrigins = (env.LEDGER_CORS_ORIGINS ?? '').split(',').map((origin) => origin.trim()).filter(Boolean)
  const server = await startServer({ context, corsOrigins, maxTokenDays: env.LEDGER_TOKEN_MAX_DAYS, maxConcurrentImports: env.LEDGER_MAX_IMPORTS }, { port, host, https })
  runtime.stderr(`channel-ledger listening on ${server.url}\n  task pane:  ${server.url}/addin/taskpane.html${existsSync(ADDIN_DIST) ? '' : '  (not built yet: npm run build)'}\n  manifest:   ${server.url}/manifest.xml\n  API:        ${server.url}/api/v1/openapi.json\n`)
  await new Promise<void>((done) => {
    const stop = () => {
      void server.close().then(done)
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
}

export function registerAdminCommands(program: Command, runtime: CliRuntime): void {
  program.command('init')
    .description('create the database, migrate, add a company with the default chart of accounts and an admin user')
    .option('--company <code>', 'company code', 'MAIN')
    .option('--name <name>', 'company name', '我的公司')
    .option('--currency <code>', 'base currency', 'CNY')
    .option('--template <template>', `chart of accounts: ${TEMPLATES.join('|')}`, 'small-enterprise')
    .option('--taxpayer <type>', 'general|smallScale', 'general')
    .option('--admin <username>', 'admin username', 'admin')
    .option('--password-stdin', 'read the admin password from standard input')
    .option('--encrypt', 'encrypt the new database file: key from LEDGER_DB_KEY, else generated and printed once (keep it: without it the data cannot be read)')
    .action(async (flags: { company: string; name: string; currency: string; template: string; taxpayer: string; admin: string; passwordStdin?: boolean; encrypt?: boolean }) => {
      if (!(TEMPLATES as ReadonlyArray<string>).includes(flags.template)) throw new LedgerError('VALIDATION', `--template must be one of ${TEMPLATES.join(', ')}`)
      if (!['general', 'smallScale'].includes(flags.taxpayer)) throw new LedgerError('VALIDATION', '--taxpayer must be general or smallScale')
      const code = runtime.options().company ?? flags.company
      let generatedKey: string | undefined
      if (flags.encrypt) {
        const path = localFile(runtime.options().db ?? readEnv().LEDGER_DB_URL ?? DEFAULT_DB_URL)
        if (existsSync(path)) throw new LedgerError('DUPLICATE', `${path} exists: --encrypt makes a new database; to encrypt an existing one use \`cledger rekey\``)
        if (!readEnv().LEDGER_DB_KEY) generatedKey = generateKey()
      }
      const { context } = await runtime.openDb(generatedKey ? { encryptionKey: generatedKey } : {})
      const password = flags.passwordStdin ? await readStdinLine() : generatePassword()
      const company = await createCompany(context, SYSTEM, { code, name: flags.name, baseCurrency: flags.currency, chartTemplate: flags.template as (typeof TEMPLATES)[number], taxpayerType: flags.taxpayer as 'general' | 'smallScale' })
      let created = false
      let adminId: number
      try {
        adminId = (await findUser(context, flags.admin)).id
      } catch {
        adminId = (await createUser(context, SYSTEM, { username: flags.admin, password })).id
        created = true
      }
      await setRole(context, SYSTEM, adminId, company.id, 'admin')
      if (generatedKey) runtime.stderr(`database encryption key (shown once; keep it safe and set LEDGER_DB_KEY to it to open the database):\n${generatedKey}\n`)
      runtime.print({ company, admin: flags.admin, ...(created && !flags.passwordStdin ? { password } : {}), ...(generatedKey ? { encryptionKey: generatedKey } : {}) }, () => `created company ${company.code} (${company.name}), ${company.baseCurrency}, ${company.chartTemplate}\nadmin user: ${flags.admin}${created && !flags.passwordStdin ? `\npassword (shown once): ${password}` : created ? '' : ' (existing user, now admin here)'}`)
    })
  registerUserCommands(program, runtime)
  program.command('backup <file>').description('consistent online copy of a local database (VACUUM INTO)').action(async (file: string) => {
    const { db } = await runtime.openDb()
    localFile(db.url)
    const target = resolve(file)
    if (existsSync(target)) throw new LedgerError('DUPLICATE', `${file} exists; choose a new file name`)
    await vacuumInto(db, target)
    // VACUUM INTO writes with the database's own key: an encrypted database never leaves a plain copy.
    const encrypted = !isPlainSqlite(target)
    if (readEnv().LEDGER_DB_KEY && !encrypted) {
      rmSync(target, { force: true })
      throw new LedgerError('INTERNAL', 'the backup came out unencrypted; removed it')
    }
    runtime.print({ backup: target, encrypted }, () => `backup written to ${target}${encrypted ? ' (encrypted with the database key)' : ''}`)
  })
  program.command('rekey')
    .description('encrypt the local database with a new key, or change its key (current key: LEDGER_DB_KEY, none for a plain file); stop the service first')
    .option('--new-key-stdin', 'read the new key from standard input (else one is generated and printed once)')
    .action(async (flags: { newKeyStdin?: boolean }) => {
      const url = runtime.options().db ?? readEnv().LEDGER_DB_URL ?? DEFAULT_DB_URL
      const path = localFile(url)
      if (!existsSync(path)) throw new LedgerError('NOT_FOUND', `no database ${path}`)
      const newKey = flags.newKeyStdin ? (await readStdinLine()).trim() : generateKey()
      if (newKey.length < 16) throw new LedgerError('VALIDATION', 'the new key needs at least 16 characters')
      // Before anything else opens the file in this process (see rekeyDatabase); it checks the current key itself.
      await rekeyDatabase(path, readEnv().LEDGER_DB_KEY, newKey)
      const check = await openDatabase(`file:${path}`, { encryptionKey: newKey })
      const report = await verifyLedger({ db: check, now: () => new Date() })
      check.close()
      if (isPlainSqlite(path)) throw new LedgerError('INTERNAL', `${path} is still a plain SQLite file after rekey`)
      if (!flags.newKeyStdin) runtime.stderr(`new database encryption key (shown once; set LEDGER_DB_KEY to it):\n${newKey}\n`)
      runtime.print({ rekeyed: path, verified: report.ok, ...(flags.newKeyStdin ? {} : { encryptionKey: newKey }) }, () => `${path} encrypted with the new key${report.ok ? ', verify ok' : ', verify reports breaches (see cledger verify)'}`)
    })
  program.command('restore <file>').description('replace the local database with a backup (verified first)').option('--force', 'overwrite an existing database').action(async (file: string, flags: { force?: boolean }) => {
    const source = resolve(file)
    if (!existsSync(source)) throw new LedgerError('NOT_FOUND', `no file ${file}`)
    const candidate = await openDatabase(`file:${source}`)
    const report = await verifyLedger({ db: candidate, now: () => new Date() })
    candidate.close()
    if (!report.ok) throw new LedgerError('VALIDATION', `${file} fails verify (${report.breaches[0]?.message ?? ''}); not restored`)
    const target = localFile(runtime.options().db ?? readEnv().LEDGER_DB_URL ?? DEFAULT_DB_URL)
    if (existsSync(target) && !flags.force) throw new LedgerError('DUPLICATE', `${target} exists; pass --force to replace it`)
    for (const suffix of ['-wal', '-shm']) rmSync(`${target}${suffix}`, { force: true })
    copyFileSync(source, target)
    runtime.print({ restored: target, checked: report.checked }, () => `restored ${target} from ${source} (${report.checked.vouchers} vouchers, verify ok)`)
  })
  program.command('serve').description('API + add-in files + manifest')
    .option('--port <n>', 'port (env LEDGER_PORT)', undefined)
    .option('--host <host>', 'interface (env LEDGER_HOST)', undefined)
    .option('--https', 'HTTPS with office-addin-dev-certs certificates (for sideloading)')
    .option('--cert <file>', 'certificate (PEM)')
    .option('--key <file>', 'private key (PEM)')
    .action(async (flags: { port?: string; host?: string; https?: boolean; cert?: string; key?: string }) => serveCommand(runtime, flags))
  program.command('demo').description('create a demo company from generated channel files (written next to the database) and run import -> match -> post').option('--code <code>', 'company code', 'DEMO').action(async (flags: { code: string }) => {
    const { context } = await runtime.openDb()
    const demo = await createDemo(context, { code: flags.code, folder: demoFolderFor(runtime.options().db ?? readEnv().LEDGER_DB_URL ?? DEFAULT_DB_URL) })
    runtime.print(demo.summary, () => demoSummaryText(demo.summary))
  })
  program.command('start').description('npm start: build the add-in if needed, create the demo company on first run, then serve').option('--port <n>', 'port').option('--host <host>', 'interface').action(async (flags: { port?: string; host?: string }) => {
    if (!existsSync(resolve(ADDIN_DIST, 'taskpane.html')) || !existsSync(resolve(ADDIN_DIST, 'functions.json'))) {
      runtime.stderr('building the add-in (first run)…\n')
      const build = spawnSync('npm', ['run', 'build'], { stdio: ['ignore', 'inherit', 'inherit'], cwd: REPO_ROOT })
      if (build.status !== 0) runtime.stderr('the add-in build failed; the API still starts. Run `npm run build` to see why.\n')
    }
    const { context } = await runtime.openDb()
    if ((await listCompanies(context)).length === 0) {
      const demo = await createDemo(context, { folder: demoFolderFor(runtime.options().db ?? readEnv().LEDGER_DB_URL ?? DEFAULT_DB_URL) })
      runtime.stderr(`first run: ${demoSummaryText(demo.summary)}\n`)
    }
    const company = await getCompany(context, 'DEMO').catch(() => null)
    if (company) runtime.stderr(`sign in as admin / demo-admin-2026 (also accountant, approver, sales, auditor: demo-<role>-2026)\n`)
    await serveCommand(runtime, flags)
  })
}
