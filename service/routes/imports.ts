import { z } from 'zod'
import { LedgerError } from '../../shared/errors.ts'
import { recordToJson } from '../../shared/records.ts'
import { type FileImportResult, importFile } from '../imports/load.ts'
import { getBatch, listBankTxns, listBatches, listOrderLines, listOrders, listRejects, listSettlementTxns } from '../imports/query.ts'
import { DEFAULT_LIMITS } from '../imports/source.ts'
import { type AppDeps, companyOf, routeGroup } from './kit.ts'

/**
 * Imports over HTTP: multipart upload (field `file`, repeatable; `store`,
 * `format`, `currency`), batch status and rejects, and queries of the imported
 * orders and txns. Amounts are decimal strings.
 */

const id = (text: string) => z.coerce.number().int().positive().parse(text)
const listQuery = z.object({
  store: z.string().optional(),
  period: z.string().regex(/^\d{4}-\d{2}$/).optional(),
  channel: z.string().optional(),
  status: z.string().optional(),
  kind: z.string().optional(),
  orderRef: z.string().optional(),
  batchId: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(10_000).optional(),
  offset: z.coerce.number().int().min(0).optional(),
})

function summaryJson(result: FileImportResult) {
  return {
    id: result.batchId, fileName: result.file, format: result.parser, detected: result.detected, hash: result.hash,
    read: result.read, records: result.records, imported: result.imported, duplicates: result.duplicates, updated: result.updated, rejected: result.rejected, skipped: result.skipped,
    importedByKind: result.importedByKind, checks: result.checks,
    rejects: result.rejects.slice(0, 100).map((reject) => ({ row: reject.rowNumber, sheet: reject.sheet, column: reject.column, reason: reject.reason, raw: reject.raw })),
  }
}

function field(form: Record<string, unknown>, name: string): string | undefined {
  const value = form[name]
  return typeof value === 'string' && value !== '' ? value : undefined
}

export function importRoutes(deps: AppDeps) {
  const maxBytes = deps.maxUploadBytes ?? 200 * 1024 * 1024
  return routeGroup('imports', deps)
    .route({ method: 'post', path: '/companies/:company/imports', summary: 'Upload and import channel files (multipart: file..., store, format, currency); each file commits whole or not at all', permission: 'import.create' }, async ({ c, access }) => {
      const contentType = c.req.header('content-type') ?? ''
      if (!contentType.includes('multipart/form-data')) throw new LedgerError('BAD_REQUEST', 'send the files as multipart/form-data (field "file")')
      const form = await c.req.parseBody({ all: true })
      const raw = form.file
      const files = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter((item): item is File => typeof item === 'object' && item !== null && 'arrayBuffer' in item)
      if (files.length === 0) throw new LedgerError('VALIDATION', 'no file: send at least one multipart field "file"')
      const company = companyOf(access)
      const imports = []
      for (const file of files) {
        if (file.size > maxBytes) throw new LedgerError('PAYLOAD_TOO_LARGE', `${file.name}: ${file.size} bytes is over the ${maxBytes}-byte limit`)
        const bytes = new Uint8Array(await file.arrayBuffer())
        const result = await importFile(deps.context.db, company.id, { name: file.name || 'upload', bytes }, {
          actor: access.actor, store: field(form, 'store'), format: field(form, 'format'), currency: field(form, 'currency'), limits: { ...DEFAULT_LIMITS, maxBytes },
        })
        imports.push(summaryJson(result))
      }
      return c.json({ imports }, 201)
    })
    .route({ method: 'get', path: '/companies/:company/imports', summary: 'Import batches, newest first', permission: 'import.read' }, async ({ c, access }) => {
      return c.json({ imports: await listBatches(deps.context.db, companyOf(access).id) }, 200)
    })
    .route({ method: 'get', path: '/companies/:company/imports/:id', summary: 'One import batch: who, when, file, hash, counts, self-checks', permission: 'import.read' }, async ({ c, access, param }) => {
      return c.json({ import: await getBatch(deps.context.db, companyOf(access).id, id(param('id'))) }, 200)
    })
    .route({ method: 'get', path: '/companies/:company/imports/:id/rejects', summary: 'Rejected rows of a batch with row number, column and reason', permission: 'import.read' }, async ({ c, access, param }) => {
      const rejects = await listRejects(deps.context.db, companyOf(access).id, id(param('id')))
      return c.json({ rejects: rejects.map((reject) => ({ row: reject.rowNumber, sheet: reject.sheet, column: reject.column, reason: reject.reason, raw: reject.raw })) }, 200)
    })
    .route({ method: 'get', path: '/companies/:company/orders', summary: 'Imported orders by store, period (YYYY-MM), status, channel', permission: 'orders.read', query: listQuery }, async ({ c, access, query }) => {
      const orders = await listOrders(deps.context.db, companyOf(access).id, query)
      return c.json({ orders: orders.map((order) => recordToJson('order', order)) }, 200)
    })
    .route({ method: 'get', path: '/companies/:company/order-lines', summary: 'Imported order lines by store, channel, status', permission: 'orders.read', query: listQuery }, async ({ c, access, query }) => {
      const lines = await listOrderLines(deps.context.db, companyOf(access).id, query)
      return c.json({ lines: lines.map((line) => recordToJson('orderLine', line)) }, 200)
    })
    .route({ method: 'get', path: '/companies/:company/txns', summary: 'Imported settlement txns by store, period, kind, channel, order ref', permission: 'txns.read', query: listQuery }, async ({ c, access, query }) => {
      const txns = await listSettlementTxns(deps.context.db, companyOf(access).id, query)
      return c.json({ txns: txns.map((txn) => recordToJson('settlementTxn', txn)) }, 200)
    })
    .route({ method: 'get', path: '/companies/:company/bank-txns', summary: 'Imported bank txns by period', permission: 'txns.read', query: listQuery }, async ({ c, access, query }) => {
      const txns = await listBankTxns(deps.context.db, companyOf(access).id, query)
      return c.json({ txns: txns.map((txn) => recordToJson('bankTxn', txn)) }, 200)
    })
}
