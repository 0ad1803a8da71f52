import { describe, expect, it } from 'vitest'
import { trialBalance } from '../../service/ledger/balances.ts'
import { verifyLedger } from '../../service/ledger/verify.ts'
import { createDemo, demoRecords } from '../../service/demo.ts'
import { createContext } from '../../service/ledger/context.ts'
import { runPosting } from '../../service/posting/run.ts'
import { tempDatabase } from '../support/db.ts'

describe('demo pipeline', () => {
  it('creates the demo company through the posting pipeline; verify passes and a rerun posts nothing', async () => {
    const { db } = await tempDatabase()
    const context = createContext(db)
    const demo = await createDemo(context)
    expect(demo.vouchers).toBeGreaterThan(50)
    const held = demo.runs.flatMap((run) => run.held.map((item) => item.reason)).sort()
    expect(held).toEqual(['AMOUNT_MISMATCH', 'NEEDS_APPROVAL', 'NOT_MATCHED', 'NOT_MATCHED'])
    const drafts = demo.runs.reduce((sum, run) => sum + run.written.drafts, 0)
    const posted = demo.runs.reduce((sum, run) => sum + run.written.posted, 0)
    expect(drafts + posted).toBe(demo.vouchers)
    expect(drafts).toBeGreaterThan(0)
    expect((await verifyLedger(context)).breaches).toEqual([])
    const tb = await trialBalance(context, demo.company.id, '2026-10')
    expect(tb.balanced).toBe(true)
    //  the same records again: only the large order, no longer held by NEEDS_APPROVAL, posts now
    const again = await runPosting(context, { userId: 2 }, demo.company.id, { records: demoRecords(), granularity: 'order' })
    expect(again.vouchers.map((voucher) => voucher.key)).toEqual(['sale:jd|320261012000|order'])
  })
})
