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
