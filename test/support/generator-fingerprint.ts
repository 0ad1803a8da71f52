/**
 * Prints a fingerprint (SHA-256) of every generator's output for fixed seeds, so
 * a refactor of service/generators can be checked byte for byte:
 *   node --import tsx test/support/generator-fingerprint.ts > before.json
 *   (refactor)
 *   node --import tsx test/support/generator-fingerprint.ts > after.json && diff before.json after.json
 * CSV/legacy files are hashed as bytes. Zip containers (xlsx, invoice zips) carry
 * the writer's clock, so their entries are hashed instead (minus docProps/core.xml,
 * which holds the created/modified time). Expected records are hashed as JSON.
 */
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { unzipSync } from 'fflate'
import { demoMonth } from '../../service/demo/files.ts'
import { GENERATED_FORMATS, type GeneratedFormat, generateFile, writeGeneratedFile } from '../../service/generators/index.ts'
import { DEFECTS, linkedFiles } from '../../service/generators/linked.ts'
import { JD_DEFECTS, linkedJdFiles } from '../../service/generators/linked-jd.ts'
import { invoiceXml, invoiceZip } from '../../service/generators/invoice-xml.ts'
import { randomInvoices } from '../../service/generators/invoices.ts'
import { unknownLayoutFile } from '../../service/generators/unknown-layout.ts'
import { nestedXlsx, xlsxBomb } from '../../service/generators/hostile.ts'

const sha = (data: Uint8Array | string): string => createHash('sha256').update(data).digest('hex')
const text = (value: unknown): string => JSON.stringify(value, (_key, item) => (typeof item === 'bigint' ? `${item}n` : item))
const json = (value: unknown): string => sha(text(value))

function bytesPrint(bytes: Uint8Array): string {
  if (bytes[0] !== 0x50 || bytes[1] !== 0x4b) return sha(bytes)
  const entries = unzipSync(bytes)
  return sha(Object.keys(entries).sort().filter((name) => name !== 'docProps/core.xml').map((name) => `${name}:${sha(entries[name] ?? new Uint8Array())}`).join('\n'))
}

const out: Record<string, string> = {}
for (const format of Object.keys(GENERATED_FORMATS) as GeneratedFormat[]) {
  for (const options of [{ seed: 1, rows: 40 }, { seed: 7, rows: 90, duplicateRows: 3, missingRows: 2, store: 'shop-a' }]) {
    const file = await generateFile(format, options)
    out[`${format}/${options.seed}`] = `${file.fileName} ${file.parser} ${file.rows} ${bytesPrint(file.bytes)} ${sha(text(file.expected).replaceAll(file.hash, 'HASH'))}`
  }
  if (!GENERATED_FORMATS[format].headRow) {
    const dir = mkdtempSync(join(tmpdir(), 'fp-'))
    const path = join(dir, 'f')
    const written = await writeGeneratedFile(format, path, { seed: 3, rows: 70 })
    out[`${format}/stream`] = `${written.rows} ${bytesPrint(readFileSync(path))}`
    rmSync(dir, { recursive: true })
  }
}
for (const seed of [1, 7]) {
  const linked = linkedFiles({ seed, orders: 25, defects: [...DEFECTS], postSaleRefundRate: 0.3, shopifyPaid: true, shipped: seed === 7, store: 'tm' })
  out[`linked/${seed}`] = json({ ...linked, files: Object.fromEntries(Object.entries(linked.files).map(([key, file]) => [key, { ...file, bytes: sha(file.bytes) }])) })
  out[`linked-plain/${seed}`] = json(Object.values(linkedFiles({ seed }).files).map((file) => sha(file.bytes)))
  const jd = linkedJdFiles({ seed, orders: 30, store: 'jd', month: seed === 7 ? '2026-10' : undefined, defects: [...JD_DEFECTS], payouts: true, commissionPerMille: 60 })
  out[`linked-jd/${seed}`] = json({ ...jd, files: Object.fromEntries(Object.entries(jd.files).map(([key, file]) => [key, { ...file, bytes: sha(file.bytes) }])) })
}
const invoices = randomInvoices(5, 12)
out['invoices/records'] = json(invoices)
out['invoices/xml'] = sha(invoices.map(invoiceXml).join('\n'))
const zip = invoiceZip(invoices)
out['invoices/zip'] = `${bytesPrint(zip.bytes)} ${sha(text(zip.expected).replaceAll(zip.hash, 'HASH'))}`
const unknown = await unknownLayoutFile({ seed: 4, rows: 30 })
out['unknown-layout'] = json({ ...unknown, bytes: bytesPrint(unknown.bytes) })
out['hostile/nested'] = sha(nestedXlsx(2000))
out['hostile/bomb'] = sha(xlsxBomb('sheet', 'understated', 4 * 1024 * 1024))
const demo = demoMonth('2026-10', 11)
out['demo'] = json({ ...demo, files: demo.files.map((file) => ({ ...file, bytes: bytesPrint(file.bytes) })) })
process.stdout.write(`${JSON.stringify(out, null, 1)}\n`)
