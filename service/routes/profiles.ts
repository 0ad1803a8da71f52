import { z } from 'zod'
import { PROFILE_FIELDS } from '../imports/profile-fields.ts'
import { importProfilesResponse, profileInputSchema, saveProfileResponse } from '../../shared/api/profiles.ts'
import { saveProfile, savedProfiles } from '../imports/saved-profiles.ts'
import { type AppDeps, companyOf, routeGroup } from './kit.ts'

/**
 * Mapping profiles for files of an unknown layout (the pane's 建立映射 wizard;
 * the same profiles `cledger profile` writes). An import that matches no format
 * answers UNSUPPORTED_FORMAT with the file's header in `details.columns`; a
 * profile saved here maps those columns, and the next import detects the file.
 */
export function profileRoutes(deps: AppDeps) {
  return routeGroup('imports', deps)
    .route({ method: 'get', path: '/companies/:company/import-profiles', summary: 'Saved mapping profiles of this company, and the fields each record kind maps (required ones marked)', permission: 'import.read', response: importProfilesResponse }, async ({ c, json, access }) => {
      const fields = Object.fromEntries(Object.entries(PROFILE_FIELDS).map(([record, list]) => [record, list.map((field) => ({ field: field.field, required: field.required === true }))]))
      return json({ profiles: await savedProfiles(deps.context, companyOf(access).id), fields }, 200)
    })
    .route({
      method: 'put', path: '/companies/:company/import-profiles/:name', permission: 'import.create', maxBodyBytes: 64 * 1024, body: profileInputSchema, response: saveProfileResponse,
      summary: 'Save (add or replace) a mapping profile: record kind (settlementTxn, bankTxn, order), channel, currency, field -> column; validated like `cledger profile`; audited. Imports of this company then detect files with these columns',
    }, async ({ c, json, access, body, param }) => {
      const name = z.string().parse(param('name'))
      return json({ profile: await saveProfile(deps.context, access.actor, companyOf(access).id, name, body) }, 200)
    })
}
