import { describe, expect, it } from 'vitest'
import { importFile } from '../../service/imports/load.ts'
import { getBatch, listOrderLines, listOrders } from '../../service/imports/query.ts'
import { SYSTEM } from '../../service/ledger/context.ts'
import type { Database } from '../../service/db/connection.ts'
import { ledgerWithCompany } from '../support/db.ts'

/** Re-importing a later order export moves stored orders forward and audits every change. */

const HEADER = 'Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Currency,Subtotal,Shipping,Taxes,Total,Discount Amount,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Lineitem discount,Refunded Amount'

/** An orders export with #1001 (two lines) and #1002 in the given states. */
function ordersExport(states: { first: [string, string, string, string]; second: [string, string, string, string] }): Uint8Array {
  const [financial1, fulfillment1, fulfilled1, refunded1] = states.first
  const [financial2, fulfillment2, fulfilled2, refunded2] = states.second
  const lines = [
    HEADER,
    `#1001,a@example.com,${financial1},2025-06-01 10:00:00 +0000,${fulfillment1},${fulfilled1},USD,30.00,0.00,0.00,30.00,0.00,2025-06-01 09:59:00 +0000,1,Mug,10.00,MUG,0.00,${refunded1}`,
    '#1001,,,,,,,,,,,,2025-06-01 09:59:00 +0000,1,Plate,20.00,PLATE,0.00,',
    `#1002,b@example.com,${financial2},2025-06-02 10:00:00 +0000,${fulfillment2},${fulfilled2},USD,15.00,0.00,0.00,15.00,0.00,2025-06-02 09:59:00 +0000,1,Cup,15.00,CUP,0.00,${refunded2}`,
  ]
  return new TextEncoder().encode(`${lines.join('\n')}\n`)
}

async function statuses(db: Database, companyId: number): Promise<Array<[string, string, bigint, string | undefined]>> {
  return (await listOrders(db, companyId, { limit: 100 })).map((order) => [order.orderNo, order.status, order.refunded, order.shippedAt]).sort() as Array<[string, string, bigint, string | undefined]>
}

async function audit(db: Database): Promise<unknown[][]> {
  const result = await db.client.execute('SELECT batch_id, order_no, sub_order_no, old_status, new_status, old_refunded_minor, new_refunded_minor, source_row FROM order_updates ORDER BY id')
  return result.rows.map((row) => [Number(row.batch_id), row.order_no, row.sub_order_no, row.old_status, row.new_status, Number(row.old_refunded_minor), Number(row.new_refunded_minor), Number(row.source_row)])
}

const PAID: [string, string, string, string] = ['paid', 'unfulfilled', '', '0.00']
const SHIPPED: [string, string, string, string] = ['paid', 'fulfilled', '2025-06-03 08:00:00 +0000', '0.00']
const PARTIAL: [string, string, string, string] = ['partially_refunded', 'fulfilled', '2025-06-03 08:00:00 +0000', '5.00']
const PARTIAL_MORE: [string, string, string, string] = ['partially_refunded', 'fulfilled', '2025-06-03 08:00:00 +0000', '8.00']

describe('order status on re-import', () => {
  it('moves stored orders and lines forward from a later export, counts them as updated, and audits each change', async () => {
    const { db, company } = await ledgerWithCompany()
    const first = await importFile(db, company.id, { name: 'orders-0601.csv', bytes: ordersExport({ first: PAID, second: PAID }) }, { actor: SYSTEM })
    expect([first.imported, first.updated, first.duplicates]).toEqual([5, 0, 0])

    const later = await importFile(db, company.id, { name: 'orders-0603.csv', bytes: ordersExport({ first: SHIPPED, second: PAID }) }, { actor: SYSTEM })
    // #1001 and its two lines moved to shipped; #1002 and its line are unchanged duplicates.
    expect([later.imported, later.updated, later.duplicates, later.updatedByKind]).toEqual([0, 3, 2, { order: 1, orderLine: 2 }])
    expect(await statuses(db, company.id)).toEqual([
      ['#1001', 'shipped', 0n, '2025-06-03T08:00:00+00:00'],
      ['#1002', 'paid', 0n, undefined],
    ])
    expect((await listOrderLines(db, company.id, { limit: 100 })).map((line) => [line.subOrderNo, line.status]).sort()).toEqual([['#1001-1', 'shipped'], ['#1001-2', 'shipped'], ['#1002-1', 'paid']])
    expect(await audit(db)).toEqual([
      [later.batchId, '#1001', '', 'paid', 'shipped', 0, 0, 2],
      [later.batchId, '#1001', '#1001-1', 'paid', 'shipped', 0, 0, 2],
      [later.batchId, '#1001', '#1001-2', 'paid', 'shipped', 0, 0, 3],
    ])
    expect((await getBatch(db, company.id, later.batchId)).updated).toBe(3)
  })

  it('keeps the newer status when an older export is imported again, and a re-import of the same file adds and updates nothing', async () => {
    const { db, company } = await ledgerWithCompany()
    const older = ordersExport({ first: PAID, second: PAID })
    await importFile(db, company.id, { name: 'orders-0601.csv', bytes: older }, { actor: SYSTEM })
    const newer = ordersExport({ first: PARTIAL, second: SHIPPED })
    const moved = await importFile(db, company.id, { name: 'orders-0605.csv', bytes: newer }, { actor: SYSTEM })
    expect(moved.updated).toBe(5)
    const again = await importFile(db, company.id, { name: 'orders-0605.csv', bytes: newer }, { actor: SYSTEM })
    expect([again.imported, again.updated, again.duplicates]).toEqual([0, 0, 5])
    const stale = await importFile(db, company.id, { name: 'orders-0601.csv', bytes: older }, { actor: SYSTEM })
    expect([stale.imported, stale.updated, stale.duplicates]).toEqual([0, 0, 5])
    expect(await statuses(db, company.id)).toEqual([
      ['#1001', 'partially_refunded', 500n, '2025-06-03T08:00:00+00:00'],
      ['#1002', 'shipped', 0n, '2025-06-03T08:00:00+00:00'],
    ])
    expect((await audit(db)).length).toBe(5)
  })

  it('treats a larger refund at the same stage as newer, and a refund after completion as a change', async () => {
    const { db, company } = await ledgerWithCompany()
    await importFile(db, company.id, { name: 'a.csv', bytes: ordersExport({ first: PARTIAL, second: SHIPPED }) }, { actor: SYSTEM })
    const more = await importFile(db, company.id, { name: 'b.csv', bytes: ordersExport({ first: PARTIAL_MORE, second: ['refunded', 'fulfilled', '2025-06-03 08:00:00 +0000', '15.00'] }) }, { actor: SYSTEM })
    expect(more.updatedByKind).toEqual({ order: 2, orderLine: 1 })
    expect(await statuses(db, company.id)).toEqual([
      ['#1001', 'partially_refunded', 800n, '2025-06-03T08:00:00+00:00'],
      ['#1002', 'refunded', 1500n, '2025-06-03T08:00:00+00:00'],
    ])
    expect(await audit(db)).toEqual([
      [more.batchId, '#1001', '', 'partially_refunded', 'partially_refunded', 500, 800, 2],
      [more.batchId, '#1002', '', 'shipped', 'refunded', 0, 1500, 4],
      [more.batchId, '#1002', '#1002-1', 'shipped', 'refunded', 0, 0, 4],
    ])
  })
})
