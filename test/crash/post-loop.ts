/**
 * Child process for the crash test: posts vouchers in a loop until killed.
 * Usage: node --import tsx test/crash/post-loop.ts <db-url> <company-id> <seed>
 */
import { formatAmount } from '../../shared/money.ts'
import { openDatabase } from '../../service/db/connection.ts'
import { createContext } from '../../service/ledger/context.ts'
import { approveVoucher, reverseVoucher, writeVouchers } from '../../service/ledger/vouchers.ts'

const [url, companyText, seedText] = process.argv.slice(2)
const db = await openDatabase(url)
const context = createContext(db)
const companyId = Number(companyText)
let seed = Number(seedText)
const next = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed
}
process.stdout.write('ready\n')
for (let round = 0; ; round += 1) {
  const batch = 1 + (next() % 20)
  const inputs = Array.from({ length: batch }, (_, index) => {
    const cents = 100 + (next() % 100_000)
    const day = String(1 + (next() % 28)).padStart(2, '0')
    const month = next() % 2 === 0 ? '10' : '11'
    return { input: { date: `2026-${month}-${day}`, idempotencyKey: `crash-${seedText}-${round}-${index}`, lines: [
      { account: '1122', store: 'tmall-main', debit: formatAmount(BigInt(cents), 'CNY') },
      { account: '5001', store: 'tmall-main', credit: formatAmount(BigInt(cents), 'CNY') },
    ] } }
  })
  const mode = round % 3 === 0 ? 'draft' : 'post'
  const results = await writeVouchers(context, { userId: 1 }, companyId, inputs, { mode })
  if (mode === 'draft') {
    for (const result of results.slice(0, 3)) await approveVoucher(context, { userId: 2 }, companyId, result.id)
  } else if (round % 5 === 1 && results[0]) {
    await reverseVoucher(context, { userId: 1 }, companyId, results[0].id)
  }
}
