import * as crypto from 'node:crypto'

/**
 * SHA-256 hex of a string (UTF-8) or bytes: the one helper for file hashes,
 * token hashes, voucher identity and the audit chain. Node's one-shot
 * crypto.hash (>= 20.12) gives the same digest as createHash().update().digest()
 * at ~1/3 of the cost for short texts (two hashes per voucher in bulk posting).
 * Service-side only: it needs node:crypto, so the add-in never imports it
 * (.dependency-cruiser.cjs: addin-no-node-hash). Streaming hashes of large
 * uploads (service/imports/source.ts) keep their incremental createHash.
 */
export const sha256Hex: (data: string | Uint8Array) => string = typeof crypto.hash === 'function'
  ? (data) => crypto.hash('sha256', data, 'hex')
  : (data) => crypto.createHash('sha256').update(data).digest('hex')
