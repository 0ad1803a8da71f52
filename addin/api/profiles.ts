import type { ImportProfilesResponse, ProfileInput as SharedProfileInput } from '../../shared/api/profiles.ts'
import { type Transport, companyPath, segment } from './core.ts'

/** Mapping profiles for files of an unknown layout (the 建立映射 wizard; shared/api/profiles.ts). */
export type ProfileFields = ImportProfilesResponse
export type ProfileInput = SharedProfileInput

export interface ProfilesApi {
  importProfiles(company: string): Promise<ProfileFields>
  saveImportProfile(company: string, name: string, profile: ProfileInput): Promise<void>
}

export function profilesApi({ request }: Transport): ProfilesApi {
  return {
    importProfiles: (code) => request<ProfileFields>('GET', `${companyPath(code)}/import-profiles`),
    async saveImportProfile(code, name, profile) {
      await request('PUT', `${companyPath(code)}/import-profiles/${segment(name)}`, profile)
    },
  }
}
