import { z } from 'zod'

/** The only place that reads process.env; parsed once with zod. */
const schema = z.object({
  LEDGER_DB_URL: z.string().min(1).optional(),
  LEDGER_DB_AUTH_TOKEN: z.string().optional(),
  LEDGER_COMPANY: z.string().optional(),
  LEDGER_USER: z.string().optional(),
  LEDGER_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  LEDGER_HOST: z.string().optional(),
  LEDGER_CORS_ORIGINS: z.string().optional(),
  LEDGER_PUBLIC_URL: z.string().url().optional(),
  /** Encryption key of a local database file (libSQL encryption at rest); see docs/decisions.d/h-security.md. */
  LEDGER_DB_KEY: z.string().min(1).optional(),
  /** Longest life of an API token in days (default 90). */
  LEDGER_TOKEN_MAX_DAYS: z.coerce.number().int().min(1).max(3650).optional(),
  /** Imports running at once in the service (default 2). */
  LEDGER_MAX_IMPORTS: z.coerce.number().int().min(1).max(64).optional(),
})

export type Env = z.infer<typeof schema>

export function readEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = schema.safeParse(source)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new Error(`environment variable ${issue?.path.join('.')}: ${issue?.message}`)
  }
  return parsed.data
}
