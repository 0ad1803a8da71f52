import { sha256Hex } from '../../../shared/sha256.ts'
import { type ValidVoucher, type VoucherLine, canonicalJson } from '../../../shared/voucher.ts'
import type { SourceRef } from './types.ts'

export function hashInput(input: unknown): string {
  return sha256Hex(canonicalJson(input))
}

/**
 * Identity of a request for idempotency: the validated voucher (so "113" and
 * "113.00", or reordered JSON keys, are the same input) plus its sources.
 * Text: head fields joined by U+0001; lines (their fields joined by U+0001)
 * joined by U+0002; sources (kind U+0001 id) joined by U+0002; the three parts
 * joined by U+0003. Stored as input_hash, so the text must never change.
 */
export function voucherHash(voucher: ValidVoucher, sources: ReadonlyArray<SourceRef>): string {
  let text = `${voucher.date}\u0001${voucher.word}\u0001${voucher.summary}\u0001${voucher.idempotencyKey ?? ''}\u0003`
  const lines = voucher.lines
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] as VoucherLine
    if (index > 0) text += '\u0002'
    text += `${line.account}\u0001${line.store}\u0001${line.currency}\u0001${line.side}\u0001${line.amount}\u0001${line.original}\u0001${line.rate ?? ''}\u0001${line.summary}`
  }
  text += '\u0003'
  for (let index = 0; index < sources.length; index += 1) {
    const source = sources[index] as SourceRef
    if (index > 0) text += '\u0002'
    text += `${source.kind}\u0001${source.id}`
  }
  // 附件数 joins the identity only when given, so the text of every earlier input is unchanged
  if (voucher.attachments) text += `\u0004${voucher.attachments}`
  return sha256Hex(text)
}

/**
 * The immutability fingerprint of a posted voucher's lines, recorded in its
 * posting audit entry and recomputed by `cledger verify`: one row per line,
 * `lineNo|account|store|currency|side|amount|original|rate` joined by newlines.
 */
export function linesHash(lines: ReadonlyArray<Pick<VoucherLine, 'lineNo' | 'account' | 'store' | 'currency' | 'side' | 'amount' | 'original' | 'rate'>>): string {
  let text = ''
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] as VoucherLine
    if (index > 0) text += '\n'
    text += `${line.lineNo}|${line.account}|${line.store}|${line.currency}|${line.side}|${line.amount}|${line.original}|${line.rate ?? ''}`
  }
  return sha256Hex(text)
}
