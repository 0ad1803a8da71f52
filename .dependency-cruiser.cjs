/**
 * Layer rules of /work/shared/guide/architecture.md, checked by
 * test/architecture/deps.test.ts on every `npm test` (any violation fails it).
 *
 *   shared/   pure domain code: imports nothing from service/, addin/ or test/, no Node built-ins with I/O
 *   addin/    the Excel add-in: never imports service/ (it talks HTTP)
 *   service/  never imports addin/ or test/
 *   service/db/schema  the bottom of the service: imports only drizzle, other schema files and shared/
 *   service/routes     handlers hold no SQL: they call service/ledger, imports, ...; never the db client directly
 *   service/ledger, imports, matching, posting, reports, functions  never import routes/ or the CLI
 *   no cycles anywhere
 *
 * Paths are relative to the directory cruised, so the same rules run on the
 * violation fixture under test/fixtures/architecture (which mirrors the layout).
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle makes both modules one: neither can be changed, tested or loaded alone.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'shared-is-pure',
      severity: 'error',
      comment: 'shared/ is used by the service and the add-in alike: it imports nothing from service/, addin/ or test/.',
      from: { path: '(^|/)shared/' },
      to: { path: '(^|/)(service|addin|test)/' },
    },
    {
      name: 'shared-no-io',
      severity: 'error',
      comment: 'shared/ has no I/O: no file system, network, processes or database.',
      from: { path: '(^|/)shared/' },
      to: { dependencyTypes: ['core'], path: '^(node:)?(fs|fs/promises|net|http|https|child_process|worker_threads|dgram|tls|cluster)$' },
    },
    {
      name: 'shared-no-db',
      severity: 'error',
      comment: 'shared/ has no database.',
      from: { path: '(^|/)shared/' },
      to: { path: '(^|/)node_modules/(@libsql|drizzle-orm|hono)/' },
    },
    {
      name: 'addin-not-service',
      severity: 'error',
      comment: 'The add-in talks to the service over HTTP only.',
      from: { path: '(^|/)addin/' },
      to: { path: '(^|/)service/' },
    },
    {
      name: 'addin-no-node-hash',
      severity: 'error',
      comment: 'shared/sha256.ts needs node:crypto; the add-in runs in a browser.',
      from: { path: '(^|/)addin/' },
      to: { path: '(^|/)shared/sha256\\.ts$' },
    },
    {
      name: 'service-not-addin',
      severity: 'error',
      comment: 'The service does not import the add-in (it serves its built files).',
      from: { path: '(^|/)service/' },
      to: { path: '(^|/)addin/' },
    },
    {
      name: 'product-not-test',
      severity: 'error',
      comment: 'Product code never imports test code (fakes and helpers live in test/).',
      from: { path: '^(service|shared|addin)/' },
      to: { path: '^test/' },
    },
    {
      name: 'schema-is-the-bottom',
      severity: 'error',
      comment: 'db/schema describes tables: it imports other schema files, drizzle and shared/, nothing above it.',
      from: { path: '(^|/)service/db/schema/' },
      to: { path: '(^|/)service/', pathNot: '(^|/)service/db/schema/' },
    },
    {
      name: 'db-below-domain',
      severity: 'error',
      comment: 'service/db (connection, schema) sits under the domain: it never imports ledger, imports, routes or the CLI (only env.ts, the one reader of process.env).',
      from: { path: '(^|/)service/db/' },
      to: { path: '(^|/)service/(?!db/|env\\.ts$)' },
    },
    {
      name: 'domain-not-routes',
      severity: 'error',
      comment: 'Domain modules (ledger, imports, matching, posting, reports, functions, invoices, auth, generators) do not import the HTTP or CLI layers.',
      from: { path: '(^|/)service/(ledger|imports|matching|posting|reports|functions|invoices|auth|generators)/' },
      to: { path: '(^|/)service/(routes/|cli/|cli\\.ts$|app\\.ts$|server\\.ts$)' },
    },
    {
      name: 'routes-not-cli',
      severity: 'error',
      comment: 'Routes and the CLI are siblings over the domain; neither imports the other.',
      from: { path: '(^|/)service/routes/' },
      to: { path: '(^|/)service/(cli/|cli\\.ts$)' },
    },
    {
      name: 'cli-not-routes',
      severity: 'error',
      comment: 'Routes and the CLI are siblings over the domain; neither imports the other.',
      from: { path: '(^|/)service/(cli/|cli\\.ts$)' },
      to: { path: '(^|/)service/routes/' },
    },
    {
      name: 'routes-hold-no-sql',
      severity: 'error',
      comment: 'A route handler holds no SQL: it calls service/ledger, service/imports, ...; it does not reach the libSQL client or drizzle itself.',
      from: { path: '(^|/)service/routes/' },
      to: { path: '(^|/)node_modules/(@libsql/client|drizzle-orm)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // the violation fixture is cruised on its own by test/architecture/deps.test.ts
    exclude: { path: '(^|/)(dist|data)/|^test/fixtures/architecture/|\\.d\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'],
    },
    moduleSystems: ['es6', 'cjs'],
    skipAnalysisNotInRules: true,
  },
}
