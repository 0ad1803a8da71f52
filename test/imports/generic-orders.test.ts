import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { formatAmount } from '../../shared/money.ts'
import { main } from '../../service/cli.ts'
import { openDatabase } from '../../service/db/connection.ts'
import { parseProfile } from '../../service/imports/profile.ts'
import { listOrderLines, listOrders } from '../../service/imports/query.ts'
import { tempDatabase } from '../support/db.ts'

function cliIo() {
  const out: string[] = []
  const err: string[] = []
  return { out, err, io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) } }
}

/** An own-website order export no parser knows: one row per line item, English statuses, shipping on the first row. */
const SAMPLE = [
  'Order,Created,Status,SKU,Item,Qty,Line total,Shipping,Customer,Paid on',
  'W-1001,2026-10-03 10:15,Completed,TEA-001,Longjing 250g,2,256.00,10.00,li.lei,2026-10-03 10:16',
  'W-1001,2026-10-03 10:15,Completed,CUP-010,Celadon cup,1,45.00,,li.lei,2026-10-03 10:16',
  'W-1002,2026-10-04 09:00,Cancelled,TEA-002,Keemun 200g,1,99.00,0,han.meimei,',
  'W-1003,2026-10-05 20:30,Partially refunded,SET-100,Travel tea set,1,"1,299.00",0,wang.fang,2026-10-05 20:31',
].join('\n')

describe('generic mapping profile for orders', () => {
  it('writes an order profile from a sample with cledger profile and imports orders and lines with it, idempotently', async () => {
    const { dir, url, db } = await tempDatabase()
    db.close()
    expect(await main(['node', 'cledger', '--db', url, 'init', '--company', 'SHOP', '--name', 'x'], cliIo().io)).toBe(0)
    const sample = join(dir, 'web-orders.csv')
    writeFileSync(sample, `${SAMPLE}\n`)
    const profilePath = join(dir, 'orders.json')
    const maps = ['orderNo=Order', 'occurredAt=Created', 'status=Status', 'sku=SKU', 'title=Item', 'quantity=Qty', 'amount=Line total', 'shipping=Shipping', 'counterparty=Customer', 'paidAt=Paid on']
    const made = cliIo()
    expect(await main(['node', 'cledger', '--db', url, 'profile', '--sample', sample, '--name', 'web', '--record', 'order', ...maps.flatMap((pair) => ['--map', pair]), '--out', profilePath], made.io), made.err.join('')).toBe(0)

    const run = cliIo()
    expect(await main(['node', 'cledger', '--db', url, '--json', 'import', sample, '--format', 'generic', '--profile', profilePath, '--store', 'web'], run.io), run.err.join('')).toBe(0)
    expect(JSON.parse(run.out.join(''))).toMatchObject({ read: 4, imported: 7, rejected: 0 })

    const reopened = await openDatabase(url)
    try {
      const orders = await listOrders(reopened, 1, { store: 'web' })
      expect(orders.map((order) => [order.orderNo, order.status, formatAmount(order.gross, 'CNY'), formatAmount(order.shipping, 'CNY'), order.buyerRef, order.paidAt ?? null])).toEqual([
        ['W-1001', 'completed', '311.00', '10.00', 'li.lei', '2026-10-03T10:16:00+08:00'],
        ['W-1002', 'cancelled', '99.00', '0.00', 'han.meimei', null],
        ['W-1003', 'partially_refunded', '1299.00', '0.00', 'wang.fang', '2026-10-05T20:31:00+08:00'],
      ])
      const lines = await listOrderLines(reopened, 1, { store: 'web' })
      expect(lines.map((line) => [line.subOrderNo, line.sku, line.quantity, formatAmount(line.amount, 'CNY'), formatAmount(line.unitPrice, 'CNY')])).toEqual([
        ['W-1001-1', 'TEA-001', 2, '256.00', '128.00'],
        ['W-1001-2', 'CUP-010', 1, '45.00', '45.00'],
        ['W-1002-1', 'TEA-002', 1, '99.00', '99.00'],
        ['W-1003-1', 'SET-100', 1, '1299.00', '1299.00'],
      ])
    } finally {
      reopened.close()
    }
    const again = cliIo()
    expect(await main(['node', 'cledger', '--db', url, '--json', 'import', sample, '--format', 'generic', '--profile', profilePath, '--store', 'web'], again.io)).toBe(0)
    expect(JSON.parse(again.out.join(''))).toMatchObject({ imported: 0, duplicates: 7 })
  })

  it('refuses an order profile without order number or amount, and rows without an order number go to rejects', async () => {
    expect(() => parseProfile({ name: 'x', record: 'order', columns: { occurredAt: 'Created', amount: 'Total' } })).toThrow(/orderNo, occurredAt \(created\) and amount/)
    const { dir, url, db } = await tempDatabase()
    db.close()
    expect(await main(['node', 'cledger', '--db', url, 'init', '--company', 'SHOP', '--name', 'x'], cliIo().io)).toBe(0)
    const profilePath = join(dir, 'p.json')
    writeFileSync(profilePath, JSON.stringify({ name: 'web', record: 'order', columns: { orderNo: 'Order', occurredAt: 'Created', amount: 'Line total' } }))
    const sample = join(dir, 'o.csv')
    writeFileSync(sample, 'Order,Created,Line total\nW-1,2026-10-03 10:15,10.00\n,2026-10-03 10:15,5.00\nW-2,yesterday,5.00\n')
    const run = cliIo()
    expect(await main(['node', 'cledger', '--db', url, '--json', 'import', sample, '--format', 'generic', '--profile', profilePath, '--store', 'web', '--rejects', join(dir, 'r.csv')], run.io)).toBe(0)
    expect(JSON.parse(run.out.join(''))).toMatchObject({ read: 3, imported: 2, rejected: 2 })
  })

  it('builds the profile interactively: numbers, names, Enter for the guess, - to skip, required fields asked again', async () => {
    const { dir, url, db } = await tempDatabase()
    db.close()
    expect(await main(['node', 'cledger', '--db', url, 'init', '--company', 'SHOP', '--name', 'x'], cliIo().io)).toBe(0)
    const sample = join(dir, 'web-orders.csv')
    writeFileSync(sample, `${SAMPLE}\n`)
    const questions: string[] = []
    // orderNo: guess "Order" (Enter); occurredAt: "-" refused (required), then Enter takes "Created"; amount: a wrong name, then column 7;
    // status by name; sku Enter (guess SKU); title "Item" by number 5; everything else skipped with "-"
    const answers = ['', '-', '', 'Totl', '7', 'status', '', '5', ...Array.from({ length: 20 }, () => '-')]
    const io = { ...cliIo().io, ask: async (question: string) => { questions.push(question); return answers.shift() ?? '-' } }
    const errors: string[] = []
    io.stderr = (text: string) => errors.push(text)
    const profilePath = join(dir, 'asked.json')
    expect(await main(['node', 'cledger', '--db', url, 'profile', '--sample', sample, '--record', 'order', '--name', 'web', '--out', profilePath], io), errors.join('')).toBe(0)
    expect(questions[0]).toBe('orderNo (required) — order number [Order]: ')
    expect(errors.join('')).toContain('occurredAt is required')
    expect(errors.join('')).toContain('no column "Totl"')
    const profile = parseProfile(JSON.parse(readFileSync(profilePath, 'utf8')))
    expect(profile.columns).toEqual({ orderNo: 'Order', occurredAt: 'Created', amount: 'Line total', status: 'Status', sku: 'SKU', title: 'Item' })
    const run = cliIo()
    expect(await main(['node', 'cledger', '--db', url, '--json', 'import', sample, '--format', 'generic', '--profile', profilePath, '--store', 'web'], run.io)).toBe(0)
    expect(JSON.parse(run.out.join(''))).toMatchObject({ imported: 7, rejected: 0 })
  })

  it('--interactive without a terminal says so', async () => {
    const { dir, url, db } = await tempDatabase()
    db.close()
    const sample = join(dir, 'o.csv')
    writeFileSync(sample, `${SAMPLE}\n`)
    const run = cliIo()
    expect(await main(['node', 'cledger', '--db', url, 'profile', '--sample', sample, '--record', 'order', '--interactive'], run.io)).toBe(1)
    expect(run.err.join('')).toContain('--interactive needs a terminal')
  })
})
