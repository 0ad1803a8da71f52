import type { VoucherInput, VoucherLineInput } from '../../shared/voucher.ts'

/**
 * Fluent voucher builder for tests:
 * aVoucher('2026-10-05').debit('1122', '113.00').credit('5001', '100.00').credit('2221.01.02', '13.00').build()
 */
export function aVoucher(date = '2026-10-05') {
  const lines: VoucherLineInput[] = []
  let idempotencyKey: string | undefined
  let summary: string | undefined
  const builder = {
    debit(account: string, amount: string, extra: Partial<VoucherLineInput> = {}) {
      lines.push({ account, debit: amount, ...extra })
      return builder
    },
    credit(account: string, amount: string, extra: Partial<VoucherLineInput> = {}) {
      lines.push({ account, credit: amount, ...extra })
      return builder
    },
    key(key: string) {
      idempotencyKey = key
      return builder
    },
    summary(text: string) {
      summary = text
      return builder
    },
    build(): VoucherInput {
      return { date, word: '记', ...(summary ? { summary } : {}), ...(idempotencyKey ? { idempotencyKey } : {}), lines: [...lines] }
    },
  }
  return builder
}

/** The sale from the issue: 1122 113.00 / 5001 100.00 + 2221.01.02 13.00 */
export function aSale(date = '2026-10-05', store = 'tmall-main') {
  return aVoucher(date).debit('1122', '113.00', { store, summary: '订单 12345' }).credit('5001', '100.00', { store }).credit('2221.01.02', '13.00', { store })
}
