import { z } from 'zod'
import { LedgerError } from '../../shared/errors.ts'
import { appendAudit } from '../ledger/audit.ts'
import { type Actor, type LedgerContext, isoNow } from '../ledger/context.ts'
import { companySettingsRow, setCompanySettingsJson } from '../ledger/queries.ts'
import { type MappingProfile, parseProfile, profileParser } from './profile.ts'
import type { FileParser } from './types.ts'
import { profileInputSchema } from '../../shared/api/profiles.ts'

/**
 * Mapping profiles saved for a company (the pane's 建立映射 wizard, issue #14
 * item 8): the same JSON as `cledger profile` writes, kept in the company's
 * settings under `importProfiles`. Every import of the company tries them
 * besides the built-in formats, so a file of a mapped layout is detected by its
 * header like any channel export (`generic:<name>`).
 */
export const PROFILE_NAME = /^[\p{L}\p{N}._ -]{1,64}$/u
const SETTINGS_KEY = 'importProfiles'

function profilesOf(settingsJson: unknown): MappingProfile[] {
  let settings: unknown
  try {
    settings = typeof settingsJson === 'string' ? JSON.parse(settingsJson) : {}
  } catch {
    return []
  }
  const list = typeof settings === 'object' && settings !== null ? (settings as Record<string, unknown>)[SETTINGS_KEY] : undefined
  if (!Array.isArray(list)) return []
  // A stored profile that no longer validates is left out rather than failing every import.
  return list.flatMap((item) => {
    try {
      return [parseProfile(item)]
    } catch {
      return []
    }
  })
}

export async function savedProfiles(context: LedgerContext, companyId: number): Promise<MappingProfile[]> {
  const result = await companySettingsRow(context.db.client, companyId)
  return profilesOf(result.rows[0]?.settings_json)
}

/** Parsers of the company's saved profiles, for importFile's `extraParsers`. */
export async function savedProfileParsers(context: LedgerContext, companyId: number): Promise<FileParser[]> {
  return (await savedProfiles(context, companyId)).map(profileParser)
}

/** The PUT body of a profile lives in the HTTP contract (shared/api/profiles.ts). */
export { profileInputSchema }

/** Saves (adds or replaces by name) a profile, validated as `cledger profile` validates it; audited. */
export async function saveProfile(context: LedgerContext, actor: Actor, companyId: number, name: string, input: z.output<typeof profileInputSchema>): Promise<MappingProfile> {
  if (!PROFILE_NAME.test(name)) throw new LedgerError('VALIDATION', 'name: 1-64 letters, digits, spaces, . _ - / 映射名称为 1 至 64 个字母、数字、空格或 . _ -', { fields: [{ path: 'name', message: 'invalid name' }] })
  const profile = parseProfile({ name, record: input.record, channel: input.channel ?? 'other', currency: input.currency ?? 'CNY', columns: input.columns })
  await context.db.write(async (tx) => {
    const row = await companySettingsRow(tx, companyId)
    let settings: Record<string, unknown> = {}
    try {
      const parsed: unknown = JSON.parse(String(row.rows[0]?.settings_json ?? '{}'))
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) settings = parsed as Record<string, unknown>
    } catch {
      settings = {}
    }
    const others = profilesOf(JSON.stringify(settings)).filter((item) => item.name !== name)
    settings[SETTINGS_KEY] = [...others, profile]
    await setCompanySettingsJson(tx, companyId, JSON.stringify(settings))
    await appendAudit(tx, [{ at: isoNow(context), companyId, actorId: actor.userId, action: 'import.profile.save', entity: 'company', entityId: String(companyId), payload: { name, record: profile.record, columns: profile.columns } }])
  })
  return profile
}
