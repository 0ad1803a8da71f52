import { zipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { LedgerError } from '../../shared/errors.ts'
import { readSharedStrings, readXlsxRows } from '../../service/imports/xlsx.ts'
import { readEntry, streamEntry, zipEntries } from '../../service/imports/zip.ts'

const text = (value: string) => new TextEncoder().encode(value)

function workbook(sheetXml: string, sharedStringsXml?: string): Uint8Array {
  return zipSync({
    'xl/workbook.xml': text('<workbook><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    'xl/_rels/workbook.xml.rels': text('<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>'),
    'xl/worksheets/sheet1.xml': text(sheetXml),
    ...(sharedStringsXml === undefined ? {} : { 'xl/sharedStrings.xml': text(sharedStringsXml) }),
  }, { level: 6 })
}

/** Rewrites the uncompressed size an entry declares in the central directory. */
function declareSize(bytes: Uint8Array, name: string, size: number): Uint8Array {
  const copy = bytes.slice()
  const view = new DataView(copy.buffer)
  for (let at = 0; at + 46 < copy.byteLength; at += 1) {
    if (view.getUint32(at, true) !== 0x02014b50) continue
    const nameLength = view.getUint16(at + 28, true)
    if (new TextDecoder().decode(copy.subarray(at + 46, at + 46 + nameLength)) === name) view.setUint32(at + 24, size, true)
  }
  return copy
}

async function rowsOf(bytes: Uint8Array): Promise<string[][]> {
  const rows: string[][] = []
  for await (const batch of readXlsxRows(bytes)) for (const row of batch) rows.push(row.cells)
  return rows
}

describe('streaming XLSX reading', () => {
  it('reads the shared-string table in slices: rich-text runs joined, phonetic guides left out, entities, empty strings, text across slices', async () => {
    const count = 60_000
    const items = Array.from({ length: count }, (_, index) => `<si><t xml:space="preserve">买家昵称&amp;${index} </t></si>`)
    items[1] = '<si><r><rPr><b/></rPr><t>粗体</t></r><r><t>与常规</t></r></si>'
    items[2] = '<si><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh><phoneticPr fontId="1"/></si>'
    items[3] = '<si><t/></si>'
    items[4] = '<si/>'
    const sst = `<?xml version="1.0" encoding="UTF-8"?><sst count="${count}" uniqueCount="${count}">${items.join('')}</sst>`
    expect(sst.length).toBeGreaterThan(1_000_000) // several 256 KB compressed slices once inflated
    const indexes = [0, 1, 2, 3, 4, 5, count - 1]
    const sheet = `<worksheet><sheetData>${indexes.map((index, row) => `<row r="${row + 1}"><c r="A${row + 1}" t="s"><v>${index}</v></c></row>`).join('')}</sheetData></worksheet>`
    const rows = await rowsOf(workbook(sheet, sst))
    expect(rows.map((cells) => cells[0])).toEqual(['买家昵称&0 ', '粗体与常规', '東京', '', '', '买家昵称&5 ', `买家昵称&${count - 1} `])
    // tiny slices: tags, entities and multi-byte characters cut at every possible place
    const bytes = workbook(sheet, sst)
    const whole = readSharedStrings(bytes, zipEntries(bytes).get('xl/sharedStrings.xml'))
    const sliced = readSharedStrings(bytes, zipEntries(bytes).get('xl/sharedStrings.xml'), 97)
    expect(sliced).toHaveLength(count)
    expect(sliced).toEqual(whole)
  })

  it('inflates a sheet in slices whose concatenation is the whole part', () => {
    const xml = `<worksheet><sheetData>${Array.from({ length: 5000 }, (_, index) => `<row r="${index + 1}"><c r="A${index + 1}" t="inlineStr"><is><t>行${index}</t></is></c></row>`).join('')}</sheetData></worksheet>`
    const bytes = workbook(xml)
    const entry = zipEntries(bytes).get('xl/worksheets/sheet1.xml')
    if (!entry) throw new Error('no sheet entry')
    const chunks = [...streamEntry(bytes, entry, 1024)]
    expect(chunks.length).toBeGreaterThan(3)
    const joined = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0))
    let at = 0
    for (const chunk of chunks) {
      joined.set(chunk, at)
      at += chunk.byteLength
    }
    expect(new TextDecoder().decode(joined)).toBe(xml)
    expect(new TextDecoder().decode(readEntry(bytes, entry))).toBe(xml)
  })

  it('reads multi-byte text that straddles inflate slices intact', async () => {
    const xml = `<worksheet><sheetData>${Array.from({ length: 3000 }, (_, index) => `<row r="${index + 1}"><c r="A${index + 1}" t="inlineStr"><is><t>某商户${index}</t></is></c><c r="B${index + 1}"><v>${index}.5</v></c></row>`).join('')}</sheetData></worksheet>`
    const rows = await rowsOf(workbook(xml))
    expect(rows).toHaveLength(3000)
    expect(rows[0]).toEqual(['某商户0', '0.5'])
    expect(rows[2999]).toEqual(['某商户2999', '2999.5'])
    expect(rows.filter((cells) => !/^某商户\d+$/.test(cells[0] ?? ''))).toEqual([])
  })

  it('refuses a sheet that inflates to more than its directory declares, as a possible zip bomb', async () => {
    const xml = `<worksheet><sheetData>${'<row r="1"><c r="A1"><v>1</v></c></row>'.repeat(20_000)}</sheetData></worksheet>`
    const lying = declareSize(workbook(xml), 'xl/worksheets/sheet1.xml', 1000)
    let error: unknown
    try {
      await rowsOf(lying)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(LedgerError)
    expect(error instanceof LedgerError ? [error.code, error.message] : []).toEqual(['PAYLOAD_TOO_LARGE', 'XLSX part xl/worksheets/sheet1.xml inflates to more than its declared 1000 bytes: refusing a possible zip bomb'])
  })

  it('says a truncated XLSX is not a readable zip', () => {
    const bytes = workbook('<worksheet/>')
    let message = ''
    try {
      zipEntries(bytes.subarray(0, bytes.byteLength - 30))
    } catch (error) {
      message = error instanceof Error ? error.message : ''
    }
    expect(message).toBe('not a readable XLSX (zip): no end of central directory (truncated file?)')
  })
})
