import { z } from 'zod'
import { CHANNELS, SETTLEMENT_KINDS } from '../records.ts'

/**
 * Mapping profiles for files of an unknown layout (the pane's 建立映射 wizard;
 * the same profiles `cledger profile` writes): `/api/v1/companies/{code}/import-profiles`.
 */
export const PROFILE_RECORDS = ['settlementTxn', 'bankTxn', 'order'] as const

/** PUT …/import-profiles/{name}: record kind, channel, currency, field -> column (validated like `cledger profile`). */
export const profileInputSchema = z.object({
  record: z.enum(PROFILE_RECORDS),
  channel: z.string().optional(),
  currency: z.string().regex(/^[A-Z]{3}$/).optional(),
  columns: z.record(z.string(), z.string().min(1).max(200)),
}).strict()
export type ProfileInput = z.input<typeof profileInputSchema>

/** A saved profile as the importer uses it (defaults filled in). */
export const mappingProfileSchema = z.strictObject({
  name: z.string(),
  record: z.enum(PROFILE_RECORDS),
  channel: z.enum(CHANNELS),
  currency: z.string(),
  timezone: z.string(),
  /** field -> column header in the file */
  columns: z.record(z.string(), z.string()),
  outValues: z.array(z.string()),
  sign: z.enum(['signed', 'negate']),
  kindMap: z.record(z.string(), z.enum(SETTLEMENT_KINDS)),
  defaultKind: z.enum(SETTLEMENT_KINDS),
})
export type MappingProfileDto = z.infer<typeof mappingProfileSchema>

/** GET …/import-profiles: saved profiles, and the fields each record kind maps (required ones marked) */
export const importProfilesResponse = z.strictObject({
  profiles: z.array(mappingProfileSchema),
  fields: z.record(z.string(), z.array(z.strictObject({ field: z.string(), required: z.boolean() }))),
})
export type ImportProfilesResponse = z.infer<typeof importProfilesResponse>

/** PUT …/import-profiles/{name} */
export const saveProfileResponse = z.strictObject({ profile: mappingProfileSchema })
export type SaveProfileResponse = z.infer<typeof saveProfileResponse>
