/**
 * Child process for the group-commit crash test: 40 concurrent writers post
 * single vouchers until killed, printing `ack <key>` for each write once it
 * has been answered (that is, committed). Even lanes go through the coalesced
 * path (service/ledger/voucher-coalesce.ts), odd lanes through writeVouchers.
 * Usage: node --import tsx test/ledger/group-commit-loop.ts <db-url> <company-id> <run>
 */
import { formatAmount } from '../../shared/money.ts'
import { openDatabase } from '../../service/db/connection.ts'
import { createContext } from '../../service/ledger/context.ts'
import { writeVouchersCoalesced } from '../../service/ledger/voucher-coalesce.ts'
import { writeVouchers } from '../../service/ledger/vouchers.ts'

const [url, companyText, run] = process.argv.slice(2)
const db = await openDatabase(url)
const context = createContext(db)
const companyId = Number(companyText)
process.stdout.write('ready\n')

async function writer(lane: number): Promise<void> {
  for (let round = 0; ; round += 1) {
    const key = `gc-crash-${run}-${lane}-${round}`
    const cents = 100 + ((lane * 7919 + round * 104729) % 100_000)
    const amount = formatAmount(BigInt(cents), 'CNY')
    const write = lane % 2 === 0 ? writeVouchersCoalesced : writeVouchers
    await write(context, { userId: 1 }, companyId, [{ input: {
      date: `2026-10-${String(1 + ((lane + round) % 28)).padStart(2, '0')}`, idempotencyKey: key, lines: [
        { account: '1122', store: 'tmall-main', debit: amount },
        { account: '5001', store: 'tmall-main', credit: amount },
      ],
    } }], { mode: 'post' })
    process.stdout.write(`ack ${key}\n`)
  }
}

await Promise.all(Array.from({ length: 40 }, (_, lane) => writer(lane)))
