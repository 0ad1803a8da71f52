import type { CompanyUserDto } from '../../shared/api/users.ts'
import { type Transport, companyPath, segment } from './core.ts'

/** Users with a role in the company (users.manage; shared/api/users.ts). */
export type CompanyUser = CompanyUserDto

export interface UsersApi {
  users(company: string): Promise<CompanyUser[]>
  setUserDisabled(company: string, username: string, disabled: boolean): Promise<void>
  unlockUser(company: string, username: string): Promise<void>
}

export function usersApi({ request }: Transport): UsersApi {
  return {
    async users(code) {
      return (await request<{ users: CompanyUser[] }>('GET', `${companyPath(code)}/users`)).users
    },
    async setUserDisabled(code, username, disabled) {
      await request('POST', `${companyPath(code)}/users/${segment(username)}/${disabled ? 'disable' : 'enable'}`)
    },
    async unlockUser(code, username) {
      await request('POST', `${companyPath(code)}/users/${segment(username)}/unlock`)
    },
  }
}
