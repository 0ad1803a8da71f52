import { defineConfig } from 'drizzle-kit'

export default defineConfig({
  dialect: 'sqlite',
  schema: './service/db/schema/index.ts',
  out: './service/db/migrations',
  strict: true,
  verbose: false,
})
