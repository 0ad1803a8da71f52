import { randomBytes } from 'node:crypto'
import { ZxcvbnFactory } from '@zxcvbn-ts/core'
import * as common from '@zxcvbn-ts/language-common'
import { argon2id, argon2Verify } from 'hash-wasm'
import { LedgerError } from '../../shared/errors.ts'
import { MAX_LOGIN_PASSWORD_CHARS } from '../../shared/api/auth.ts'

/**
 * Passwords: argon2id (OWASP: 19 MiB, 2 passes, 1 lane), a length cap before
 * any hashing (a 50 MB password costs nothing to refuse), a strength check for
 * new ones (zxcvbn-ts: at least MIN_PASSWORD_CHARS and score MIN_SCORE, with
 * the username and display name as known words, so `12345678` or the username
 * itself are refused), and a dummy hash verified for unknown users so that a
 * wrong username takes as long as a wrong password.
 */
export const MIN_PASSWORD_CHARS = 10
/** Longest new password. */
export const MAX_PASSWORD_CHARS = 256
/** Longest password a sign-in is checked with (longer ones are refused unhashed); the login request schema of shared/api holds it. */
export { MAX_LOGIN_PASSWORD_CHARS }
/** zxcvbn score 0-4; 2 = "somewhat guessable: protection from throttled online attacks" (sign-in is throttled). */
export const MIN_SCORE = 2

/** Counts argon2 computations (hash or verify): tests check that a refused sign-in did none. */
export const hashing = { count: 0 }

export async function hashPassword(password: string): Promise<string> {
  if (password.length > MAX_LOGIN_PASSWORD_CHARS) throw new LedgerError('VALIDATION', `password: at most ${MAX_PASSWORD_CHARS} characters`)
  hashing.count += 1
  const salt = randomBytes(16)
  return argon2id({ password, salt, parallelism: 1, iterations: 2, memorySize: 19_456, hashLength: 32, outputType: 'encoded' })
}

export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  if (password.length > MAX_LOGIN_PASSWORD_CHARS) return false
  hashing.count += 1
  try {
    return await argon2Verify({ password, hash })
  } catch {
    return false
  }
}

let dummy: Promise<string> | null = null

/** Verifies `password` against a hash of a random secret (same parameters): an unknown user costs what a known one does. Always false. */
export async function verifyDummy(password: string): Promise<false> {
  dummy ??= hashPassword(randomBytes(24).toString('base64url')).then((hash) => {
    hashing.count -= 1
    return hash
  })
  await verifyPassword(password, await dummy)
  return false
}

let estimator: ZxcvbnFactory | null = null

/** zh-CN and en reasons a new password is refused, or null when it is strong enough. */
export function passwordProblem(password: string, known: ReadonlyArray<string>): { en: string; zh: string } | null {
  if (password.length < MIN_PASSWORD_CHARS) return { en: `password: at least ${MIN_PASSWORD_CHARS} characters`, zh: `密码至少需要 ${MIN_PASSWORD_CHARS} 个字符` }
  if (password.length > MAX_PASSWORD_CHARS) return { en: `password: at most ${MAX_PASSWORD_CHARS} characters`, zh: `密码最多 ${MAX_PASSWORD_CHARS} 个字符` }
  const lowered = password.toLowerCase()
  if (known.some((word) => word !== '' && lowered === word.toLowerCase())) return { en: 'password: must not be the username', zh: '密码不能与用户名相同' }
  estimator ??= new ZxcvbnFactory({ dictionary: { ...common.dictionary }, graphs: common.adjacencyGraphs })
  const result = estimator.check(password, known.filter((word) => word !== '').map((word) => word.toLowerCase()))
  if (result.score < MIN_SCORE) {
    const hint = result.feedback.warning ? ` (${result.feedback.warning})` : ''
    return { en: `password: too easy to guess${hint}; use a longer phrase or a generated password`, zh: '密码太容易被猜到，请使用更长的短语或随机生成的密码' }
  }
  return null
}

/** Throws VALIDATION with both languages when a new password is too weak. */
export function assertStrongPassword(password: string, known: ReadonlyArray<string>): void {
  const problem = passwordProblem(password, known)
  if (problem) throw new LedgerError('VALIDATION', `${problem.en} / ${problem.zh}`, { messages: problem })
}

export function generatePassword(): string {
  return randomBytes(12).toString('base64url')
}
