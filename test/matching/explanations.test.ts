import { describe, expect, it } from 'vitest'
import { importFile } from '../../service/imports/load.ts'
import { SYSTEM } from '../../service/ledger/context.ts'
import { listExceptions, runMatching } from '../../service/matching/index.ts'
import { linkedFiles } from '../../service/generators/linked.ts'
import { ledgerWithCompany } from '../support/db.ts'

describe('exception explanations', () => {
  it('state amounts as decimals with their currency, the way an accountant reads them', async () => {
    const linked = linkedFiles({ seed: 11, orders: 6, defects: ['amountMismatch'] })
    const ledger = await ledgerWithCompany()
    for (const file of [linked.files.orders, linked.files.alipay]) {
      await importFile(ledger.db, ledger.company.id, { name: file.fileName, bytes: file.bytes }, { actor: SYSTEM, format: file.parser, store: '旗舰店' })
    }
    await runMatching(ledger.context, SYSTEM, ledger.company.id, { asOf: '2024-04-10' })
    const [mismatch] = await listExceptions(ledger.context, ledger.company.id, { type: 'AMOUNT_MISMATCH' })
    expect(mismatch?.why).toMatch(/^money \d+\.\d{2} CNY vs expected \d+\.\d{2} CNY$/)
  })
})
