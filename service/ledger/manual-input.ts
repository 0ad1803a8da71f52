import { LedgerError } from '../../shared/errors.ts'

/**
 * Policy for vouchers typed in by people (API drafts, `cledger voucher add`):
 * amounts are positive. A negative amount on a hand-made line is almost always
 * a sign typed in the wrong place, and it would pass the balance check (a
 * negative debit balances a positive one). Red-ink (红字) lines are made by the
 * ledger itself when it reverses a voucher (POST /vouchers/:id/reverse,
 * `cledger voucher reverse`), which does not come through here.
 */
export function assertNoNegativeAmounts(inputs: ReadonlyArray<unknown>): void {
  inputs.forEach((input, voucherIndex) => {
    const lines = (input as { lines?: unknown } | null)?.lines
    if (!Array.isArray(lines)) return
    lines.forEach((line: unknown, lineIndex) => {
      const { debit, credit } = (line ?? {}) as { debit?: unknown; credit?: unknown }
      for (const [side, value] of [['debit', debit], ['credit', credit]] as const) {
        if (typeof value === 'string' && value.trim().startsWith('-')) {
          const where = `${inputs.length > 1 ? `voucher ${voucherIndex + 1}, ` : ''}line ${lineIndex + 1}`
          throw new LedgerError('INVALID_AMOUNT', `${where}: ${side} ${value} is negative; enter it as a positive amount on the other side, or reverse the voucher (红字冲销) / 金额不能为负：请记入相反方向，或使用红字冲销`, { voucher: voucherIndex + 1, line: lineIndex + 1 })
        }
      }
    })
  })
}
