import { createWriteStream } from 'node:fs'
import * as XLSX from '@e965/xlsx'
import ExcelJS from 'exceljs'
import iconv from 'iconv-lite'
import type { CanonicalRecord } from '../../shared/records.ts'
import { type FormatSpec, type GenerateOptions, type GeneratedRow, Rng, type RowContext, type StatedDirections, addDirection, addToSummary, emptySummary, statedDirections } from './core.ts'
import * as alipay from './alipay.ts'
import * as amazon from './amazon.ts'
import * as bank from './bank.ts'
import * as bankCn from './bank-cn.ts'
import * as invoiceList from './invoice-list.ts'
import * as jd from './jd.ts'
import * as pddDouyin from './pdd-douyin.ts'
import * as shopify from './shopify.ts'
import * as taobao from './taobao.ts'
import * as wechat from './wechat.ts'
import { sha256Hex } from '../../shared/sha256.ts'

export type { GenerateOptions } from './core.ts'

/**
 * Seeded generators of realistic channel export files, for round-trip tests,
 * matching/posting tests and benchmarks. See README.md.
 */
export const GENERATED_FORMATS = {
  'alipay-merchant-account': alipay.alipayMerchantAccount,
  'alipay-personal': alipay.alipayPersonal,
  'wechat-merchant-trade': wechat.wechatMerchantTrade,
  'wechat-personal': wechat.wechatPersonalCsv,
  'wechat-personal-xlsx': wechat.wechatPersonalXlsx,
  'taobao-qianniu': taobao.taobaoQianniuXlsx,
  'taobao-qianniu-csv': taobao.taobaoQianniuCsv,
  'jd-personal': jd.jdPersonal,
  'shopify-orders': shopify.shopifyOrders,
  'shopify-payments-transactions': shopify.shopifyTransactions,
  'amazon-settlement-flat': amazon.amazonSettlement,
  'pdd-account': pddDouyin.pddAccount,
  'douyin-fund': pddDouyin.douyinFund,
  'bank-csv-cn': bank.bankCsvCn,
  'alipay-merchant-trade': alipay.alipayMerchantTrade,
  'shopify-payouts-summary': shopify.shopifyPayouts,
  'jd-orders': jd.jdOrders,
  'jd-settlement': jd.jdSettlement,
  'pdd-orders': pddDouyin.pddOrders,
  'douyin-orders': pddDouyin.douyinOrders,
  'douyin-account': pddDouyin.douyinAccount,
  'alipay-seller-fund': alipay.alipaySellerFund,
  'alipay-personal-legacy': alipay.alipayPersonalLegacy,
  'wechat-merchant-fund': wechat.wechatMerchantFund,
  'taobao-classic': taobao.taobaoClassic,
  'amazon-settlement-v2': amazon.amazonSettlementV2,
  'amazon-settlement-v2-eu': amazon.amazonSettlementV2Eu,
  'bank-csv': bank.bankCsvEnglish,
  'bank-icbc': bankCn.bankIcbc,
  'bank-ccb': bankCn.bankCcb,
  'bank-abc': bankCn.bankAbc,
  'bank-boc': bankCn.bankBoc,
  'bank-bocom': bankCn.bankBocom,
  'bank-cmb': bankCn.bankCmb,
  'invoice-list': invoiceList.invoiceListXlsx,
  'invoice-list-csv': invoiceList.invoiceListCsv,
} as const satisfies Record<string, FormatSpec>

export type GeneratedFormat = keyof typeof GENERATED_FORMATS

export interface GeneratedFile {
  format: GeneratedFormat
  /** The parser the importer should pick. */
  parser: string
  fileName: string
  bytes: Uint8Array
  /** SHA-256 of bytes; equals `source.fileHash` of every expected record. */
  hash: string
  /** Data rows written (including duplicated rows). */
  rows: number
  /** Exactly the records an import must produce (with source hash, sheet, row). */
  expected: CanonicalRecord[]
}

const SHEET = 'Sheet1'

function groupsOf(spec: FormatSpec, context: RowContext): GeneratedRow[] {
  return spec.group ? spec.group(context) : [spec.row(context)]
}

/** Builds the data rows (groups kept whole), applying missing/duplicate options. */
function buildRows(spec: FormatSpec, options: GenerateOptions): { rows: GeneratedRow[]; duplicates: GeneratedRow[] } {
  const rng = new Rng(options.seed ?? 1)
  const target = options.bankLines?.length ?? options.rows ?? 100
  const groups: GeneratedRow[][] = []
  const state: Record<string, bigint> = {}
  let count = 0
  for (let index = 0; count < target; index += 1) {
    const group = groupsOf(spec, { rng, index, store: options.store ?? '', options, state })
    groups.push(group)
    count += group.length
  }
  for (let missing = options.missingRows ?? 0; missing > 0 && groups.length > 1; missing -= 1) groups.splice(rng.int(0, groups.length - 1), 1)
  const rows = groups.flat()
  if (spec.newestFirst) rows.reverse()
  const duplicates = rows.slice(0, Math.min(options.duplicateRows ?? 0, rows.length)).map((row) => ({ cells: [...row.cells], records: row.records }))
  return { rows, duplicates }
}

function csvCell(cell: string, delimiter: string): string {
  return cell.includes(delimiter) || cell.includes('"') || cell.includes('\n') || cell.includes('\r') ? `"${cell.replace(/"/g, '""')}"` : cell
}

/** One CSV line of decorated cells: quoted where needed, except the spec's verbatim columns. */
export function csvLine(spec: FormatSpec, cells: ReadonlyArray<string>, decorate: boolean): string {
  const delimiter = spec.delimiter ?? ','
  return cells.map((cell, column) => {
    const text = decorate ? spec.decorate?.(cell, column) ?? cell : cell
    return decorate && spec.verbatim?.(column) ? text : csvCell(text, delimiter)
  }).join(delimiter)
}

function encode(text: string, encoding: FormatSpec['encoding']): Uint8Array {
  if (encoding === 'gbk') return iconv.encode(text, 'gbk')
  const bytes = Buffer.from(text, 'utf8')
  return encoding === 'utf8-bom' ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]) : bytes
}

/** Places records at their row, fills source and per-row placeholders. */
function place(records: CanonicalRecord[], rowNumber: number, sheet: string | undefined): CanonicalRecord[] {
  return records.map((item) => {
    const source = sheet === undefined ? { fileHash: '', rowNumber } : { fileHash: '', sheet, rowNumber }
    if (item.kind === 'settlementTxn') return { kind: 'settlementTxn', record: { ...item.record, externalId: item.record.externalId.replace('{ROW}', String(rowNumber)), source } }
    if (item.kind === 'order') return { kind: 'order', record: { ...item.record, source } }
    if (item.kind === 'orderLine') return { kind: 'orderLine', record: { ...item.record, source } }
    if (item.kind === 'invoice') return { kind: 'invoice', record: { ...item.record, source } }
    return { kind: 'bankTxn', record: { ...item.record, source } }
  })
}

function withHash(records: CanonicalRecord[], hash: string): CanonicalRecord[] {
  for (const item of records) item.record.source.fileHash = hash
  return records
}

function csvFile(spec: FormatSpec, rows: GeneratedRow[], duplicates: GeneratedRow[], store: string): { text: string; expected: CanonicalRecord[] } {
  const newline = spec.encoding === 'utf8-bom' ? '\r\n' : '\n'
  const lines: string[] = []
  const expected: CanonicalRecord[] = []
  let lineNumber = 0
  const push = (cells: string[], decorate = false) => {
    const line = csvLine(spec, cells, decorate)
    lines.push(line)
    lineNumber += 1 + (line.match(/\n/g)?.length ?? 0)
  }
  for (const line of spec.preamble?.(rows.length, statedDirections(spec, [...rows, ...duplicates])) ?? []) push([line])
  push(spec.header)
  const head = spec.headRow?.(rows, store)
  if (head) {
    push(head.cells)
    expected.push(...place(head.records, lineNumber, undefined))
  }
  const summary = emptySummary()
  // Duplicated rows are in the file (and its trailer totals) but not in the expected records.
  for (const [index, row] of [...rows, ...duplicates].entries()) {
    const start = lineNumber + 1
    push(row.cells, true)
    if (index < rows.length) expected.push(...place(row.records, start, undefined))
    addToSummary(summary, row)
    addDirection(summary.stated ??= new Map(), spec, row)
  }
  for (const cells of spec.trailer?.(summary) ?? []) push(cells)
  return { text: `${lines.join(newline)}${newline}`, expected }
}

async function xlsxFile(spec: FormatSpec, rows: GeneratedRow[], duplicates: GeneratedRow[]): Promise<{ bytes: Uint8Array; expected: CanonicalRecord[] }> {
  const workbook = new ExcelJS.Workbook()
  const sheet = workbook.addWorksheet(SHEET)
  const expected: CanonicalRecord[] = []
  for (const line of spec.preamble?.(rows.length, statedDirections(spec, [...rows, ...duplicates])) ?? []) sheet.addRow(line === '' ? [] : [line])
  sheet.addRow(spec.header)
  const summary = emptySummary()
  for (const [index, row] of [...rows, ...duplicates].entries()) {
    const added = sheet.addRow(row.cells)
    if (index < rows.length) expected.push(...place(row.records, added.number, SHEET))
    addToSummary(summary, row)
  }
  for (const cells of spec.trailer?.(summary) ?? []) sheet.addRow(cells)
  const buffer = await workbook.xlsx.writeBuffer()
  return { bytes: new Uint8Array(buffer), expected }
}

/** Numbers as numbers in a legacy .xls (a bank's `1234.50` cell), everything else as text. */
function xlsCell(cell: string): string | number {
  return /^-?\d{1,13}\.\d{2}$/.test(cell) ? Number(cell) : cell
}

function htmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

/**
 * Legacy sheets: a BIFF8 .xls written by SheetJS, or an HTML table saved as
 * .xls (charset in a meta tag, GBK when the spec says so). One sheet/table;
 * preamble lines, header, rows and trailer rows numbered 1… like a sheet.
 */
function legacySheetFile(spec: FormatSpec, rows: GeneratedRow[], duplicates: GeneratedRow[]): { bytes: Uint8Array; expected: CanonicalRecord[] } {
  const lines: string[][] = []
  const expected: CanonicalRecord[] = []
  for (const line of spec.preamble?.(rows.length, statedDirections(spec, [...rows, ...duplicates])) ?? []) lines.push(line === '' ? [] : [line])
  lines.push(spec.header)
  const summary = emptySummary()
  for (const [index, row] of [...rows, ...duplicates].entries()) {
    lines.push(row.cells)
    if (index < rows.length) expected.push(...place(row.records, lines.length, SHEET))
    addToSummary(summary, row)
  }
  for (const cells of spec.trailer?.(summary) ?? []) lines.push(cells)
  if (spec.container === 'xls') {
    const workbook = XLSX.utils.book_new()
    XLSX.utils.book_append_sheet(workbook, XLSX.utils.aoa_to_sheet(lines.map((cells) => cells.map(xlsCell))), SHEET)
    return { bytes: new Uint8Array(XLSX.write(workbook, { bookType: 'biff8', type: 'buffer' }) as Buffer), expected }
  }
  const charset = spec.encoding === 'gbk' ? 'gb2312' : 'utf-8'
  const body = lines.map((cells) => `<tr>${cells.map((cell) => `<td>${htmlEscape(cell)}</td>`).join('')}</tr>`).join('\n')
  const html = `<html>\n<head><meta http-equiv="Content-Type" content="text/html; charset=${charset}"></head>\n<body>\n<table border="1">\n${body}\n</table>\n</body>\n</html>\n`
  return { bytes: encode(html, spec.encoding), expected }
}

/**
 * Generates one file in memory with the records an import must give back.
 * @example const file = await generateFile('alipay-merchant-account', { seed: 7, rows: 500, duplicateRows: 3 })
 */
export async function generateFile(format: GeneratedFormat, options: GenerateOptions = {}): Promise<GeneratedFile> {
  const spec: FormatSpec = GENERATED_FORMATS[format]
  const { rows, duplicates } = buildRows(spec, options)
  const store = options.store ?? ''
  let bytes: Uint8Array
  let expected: CanonicalRecord[]
  if (spec.container === 'xlsx') {
    ({ bytes, expected } = await xlsxFile(spec, rows, duplicates))
  } else if (spec.container === 'xls' || spec.container === 'html') {
    ({ bytes, expected } = legacySheetFile(spec, rows, duplicates))
  } else {
    const file = csvFile(spec, rows, duplicates, store)
    bytes = encode(file.text, spec.encoding)
    expected = file.expected
  }
  const hash = sha256Hex(bytes)
  const extension = spec.container === 'xlsx' ? 'xlsx' : spec.container === 'xls' || spec.container === 'html' ? 'xls' : spec.delimiter === '\t' ? 'txt' : 'csv'
  return { format, parser: spec.parser, fileName: `${format}-${options.seed ?? 1}.${extension}`, bytes, hash, rows: rows.length + duplicates.length, expected: withHash(expected, hash) }
}

/**
 * Streams a large generated file to disk (constant memory): CSV formats with
 * running-total trailers, or XLSX through exceljs's streaming writer; grouped
 * formats are written whole order by whole order (at least `rows` lines). For
 * CSV the bytes equal generateFile's with the same options (no duplicate or
 * missing rows). No expected records (use generateFile for those); not for
 * amazon-settlement-flat, whose row 2 holds the total of all rows.
 * @example await writeGeneratedFile('alipay-merchant-account', '/tmp/a.csv', { rows: 1_000_000 })
 */
export async function writeGeneratedFile(format: GeneratedFormat, path: string, options: GenerateOptions = {}): Promise<{ rows: number; bytes: number }> {
  const spec: FormatSpec = GENERATED_FORMATS[format]
  if (spec.headRow) throw new Error(`${format}: its summary row (row 2) needs the total of all rows; use generateFile`)
  if (spec.newestFirst || spec.container === 'xls' || spec.container === 'html') {
    // Newest-first rows and legacy .xls are built whole (bank statements are small), then written.
    const file = await generateFile(format, options)
    const { writeFileSync } = await import('node:fs')
    writeFileSync(path, file.bytes)
    return { rows: file.rows, bytes: file.bytes.byteLength }
  }
  const rng = new Rng(options.seed ?? 1)
  const target = options.rows ?? 100
  const store = options.store ?? ''
  /** Whole groups (multi-line orders) until at least `target` rows. */
  async function forEachRow(emit: (row: GeneratedRow) => Promise<void> | void): Promise<number> {
    let count = 0
    const state: Record<string, bigint> = {}
    for (let index = 0; count < target; index += 1) {
      for (const row of groupsOf(spec, { rng, index, store, options, state })) {
        count += 1
        await emit(row)
      }
    }
    return count
  }
  // Bills that state their totals up front: a first pass over the same seed for the figures.
  let stated: StatedDirections = new Map()
  if (spec.direction) {
    const first = new Rng(options.seed ?? 1)
    const state: Record<string, bigint> = {}
    stated = new Map()
    let count = 0
    for (let index = 0; count < target; index += 1) {
      for (const row of groupsOf(spec, { rng: first, index, store, options, state })) {
        count += 1
        addDirection(stated, spec, row)
      }
    }
  }
  if (spec.container === 'xlsx') {
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: false, useStyles: false })
    const sheet = writer.addWorksheet(SHEET)
    for (const line of spec.preamble?.(target, stated) ?? []) sheet.addRow(line === '' ? [] : [line]).commit()
    sheet.addRow(spec.header).commit()
    const summary = emptySummary()
    const rows = await forEachRow((row) => {
      addToSummary(summary, row)
      sheet.addRow(row.cells).commit()
    })
    for (const cells of spec.trailer?.(summary) ?? []) sheet.addRow(cells).commit()
    sheet.commit()
    await writer.commit()
    const { statSync } = await import('node:fs')
    return { rows, bytes: statSync(path).size }
  }
  const newline = spec.encoding === 'utf8-bom' ? '\r\n' : '\n'
  const out = createWriteStream(path)
  let written = 0
  const write = async (text: string) => {
    const bytes = encode(text, spec.encoding === 'utf8-bom' && written > 0 ? 'utf8' : spec.encoding)
    written += bytes.byteLength
    if (!out.write(bytes)) await new Promise<void>((resolve) => out.once('drain', () => resolve()))
  }
  await write([...(spec.preamble?.(target, stated) ?? []).map((line) => csvLine(spec, [line], false)), csvLine(spec, spec.header, false)].join(newline) + newline)
  const summary = emptySummary()
  let chunk: string[] = []
  const rows = await forEachRow(async (row) => {
    addToSummary(summary, row)
    addDirection(summary.stated ??= new Map(), spec, row)
    chunk.push(csvLine(spec, row.cells, true))
    if (chunk.length === 5000) {
      await write(chunk.join(newline) + newline)
      chunk = []
    }
  })
  if (chunk.length) await write(chunk.join(newline) + newline)
  const trailer = spec.trailer?.(summary) ?? []
  if (trailer.length) await write(trailer.map((cells) => csvLine(spec, cells, false)).join(newline) + newline)
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())))
  return { rows, bytes: written }
}
