import { constants, deflateRawSync } from 'node:zlib'

/**
 * Hostile upload files for the security tests (issue #18): zip bombs in every
 * XLSX part with honest, understated and overstated sizes, ZIP64, nesting
 * bombs, an oversized CSV line. Built by hand, cheaply: a DEFLATE stream is
 * one compressed block (ending on a full flush, so it refers to nothing before
 * it) repeated as often as needed, then an empty final block, so a part that
 * inflates to 1.9 GB costs only its compressed bytes to make. CRCs are left 0
 * (the reader does not check them: it refuses such parts before any CRC could
 * matter).
 */

export interface ZipPart {
  readonly name: string
  /** Raw DEFLATE data (method 8). */
  readonly deflated: Uint8Array
  /** The inflated size written in the headers (honest, understated or overstated). */
  readonly declaredSize: number
}

const encoder = new TextEncoder()

/** A DEFLATE stream of `unit` repeated `times` times; compresses `unit` once. */
export function repeatedDeflate(unit: string | Uint8Array, times: number): Uint8Array {
  const block = deflateRawSync(typeof unit === 'string' ? encoder.encode(unit) : unit, { finishFlush: constants.Z_FULL_FLUSH, level: 9 })
  const out = new Uint8Array(block.byteLength * times + 2)
  for (let index = 0; index < times; index += 1) out.set(block, index * block.byteLength)
  // An empty final block with fixed Huffman codes: BFINAL=1, BTYPE=01, end-of-block.
  out[out.byteLength - 2] = 0x03
  out[out.byteLength - 1] = 0x00
  return out
}

export function deflated(text: string): Uint8Array {
  return deflateRawSync(encoder.encode(text))
}

/** A ZIP of raw-deflated parts with the declared sizes given; `zip64` marks every size 0xFFFFFFFF with a ZIP64 extra field. */
export function buildZip(parts: ReadonlyArray<ZipPart>, options: { zip64?: boolean } = {}): Uint8Array {
  const chunks: Uint8Array[] = []
  const central: Uint8Array[] = []
  let offset = 0
  for (const part of parts) {
    const name = encoder.encode(part.name)
    const local = new DataView(new ArrayBuffer(30))
    local.setUint32(0, 0x04034b50, true)
    local.setUint16(4, options.zip64 ? 45 : 20, true)
    local.setUint16(8, 8, true)
    local.setUint32(18, options.zip64 ? 0xffffffff : part.deflated.byteLength, true)
    local.setUint32(22, options.zip64 ? 0xffffffff : part.declaredSize, true)
    local.setUint16(26, name.byteLength, true)
    const extra = options.zip64 ? zip64Extra(part.declaredSize, part.deflated.byteLength, offset) : new Uint8Array(0)
    const header = new DataView(new ArrayBuffer(46))
    header.setUint32(0, 0x02014b50, true)
    header.setUint16(4, options.zip64 ? 45 : 20, true)
    header.setUint16(6, options.zip64 ? 45 : 20, true)
    header.setUint16(10, 8, true)
    header.setUint32(20, options.zip64 ? 0xffffffff : part.deflated.byteLength, true)
    header.setUint32(24, options.zip64 ? 0xffffffff : part.declaredSize, true)
    header.setUint16(28, name.byteLength, true)
    header.setUint16(30, extra.byteLength, true)
    header.setUint32(42, options.zip64 ? 0xffffffff : offset, true)
    chunks.push(new Uint8Array(local.buffer), name, part.deflated)
    central.push(new Uint8Array(header.buffer), name, extra)
    offset += 30 + name.byteLength + part.deflated.byteLength
  }
  const centralSize = central.reduce((sum, chunk) => sum + chunk.byteLength, 0)
  const end = new DataView(new ArrayBuffer(22))
  end.setUint32(0, 0x06054b50, true)
  end.setUint16(8, options.zip64 ? 0xffff : parts.length, true)
  end.setUint16(10, options.zip64 ? 0xffff : parts.length, true)
  end.setUint32(12, centralSize, true)
  end.setUint32(16, options.zip64 ? 0xffffffff : offset, true)
  const all = [...chunks, ...central, new Uint8Array(end.buffer)]
  const out = new Uint8Array(all.reduce((sum, chunk) => sum + chunk.byteLength, 0))
  let at = 0
  for (const chunk of all) {
    out.set(chunk, at)
    at += chunk.byteLength
  }
  return out
}

function zip64Extra(size: number, compressed: number, offset: number): Uint8Array {
  const view = new DataView(new ArrayBuffer(28))
  view.setUint16(0, 0x0001, true)
  view.setUint16(2, 24, true)
  view.setBigUint64(4, BigInt(size), true)
  view.setBigUint64(12, BigInt(compressed), true)
  view.setBigUint64(20, BigInt(offset), true)
  return new Uint8Array(view.buffer)
}

const WORKBOOK = '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns:r="r"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
const RELS = '<?xml version="1.0" encoding="UTF-8"?><Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>'
const SHEET = '<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>订单号</t></is></c></row></sheetData></worksheet>'
const STYLES = '<styleSheet><cellXfs count="1"><xf numFmtId="0"/></cellXfs></styleSheet>'

/** The parts a bomb can sit in. */
export type BombPart = 'sheet' | 'sharedStrings' | 'workbook' | 'styles'
/** honest: headers tell the real inflated size; understated: headers say 1 KB; overstated: headers say 3.9 GB for a small part. */
export type BombSizes = 'honest' | 'understated' | 'overstated'

const PATHS: Record<BombPart, string> = { sheet: 'xl/worksheets/sheet1.xml', sharedStrings: 'xl/sharedStrings.xml', workbook: 'xl/workbook.xml', styles: 'xl/styles.xml' }

/**
 * ~1 MB of XML that deflates about 60:1 (the ratio of the file in the issue):
 * attribute values from a small LCG keep the compressor from doing better.
 */
const FREQ: Record<BombPart, number> = { sheet: 13, sharedStrings: 20, workbook: 10, styles: 12 }

function sixtyToOneUnit(part: BombPart): Uint8Array {
  let seed = 12_345
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
    return Math.floor(seed / 65_536)
  }
  const pieces: string[] = []
  let length = 0
  while (length < 1024 * 1024) {
    const value = random() % FREQ[part] === 0 ? String(random() % 100_000) : '0'
    const piece = part === 'sharedStrings' ? `<si><t>${value}</t></si>` : part === 'styles' ? `<xf numFmtId="${value}" fontId="0"/>` : part === 'workbook' ? `<definedName name="n">${value}</definedName>` : `<row><c><v>${value}</v></c></row>`
    pieces.push(piece)
    length += piece.length
  }
  return encoder.encode(pieces.join(''))
}

/**
 * An XLSX whose `part` inflates to about `inflatedBytes` (1.9 GB by default, as
 * in the issue) at ~60:1, its headers telling `sizes`.
 */
export function xlsxBomb(part: BombPart, sizes: BombSizes, inflatedBytes = 1900 * 1024 * 1024): Uint8Array {
  const unit = sixtyToOneUnit(part)
  const times = Math.max(1, Math.floor(inflatedBytes / unit.byteLength))
  const real = unit.byteLength * times
  const bomb = repeatedDeflate(unit, times)
  const declared = sizes === 'honest' ? real : sizes === 'understated' ? 1024 : 0xfffffffe
  const plain: Record<string, string> = { [PATHS.workbook]: WORKBOOK, 'xl/_rels/workbook.xml.rels': RELS, [PATHS.sheet]: SHEET, [PATHS.styles]: STYLES }
  const parts: ZipPart[] = Object.entries(plain).map(([name, text]) => (name === PATHS[part] ? { name, deflated: bomb, declaredSize: declared } : { name, deflated: deflated(text), declaredSize: encoder.encode(text).byteLength }))
  if (part === 'sharedStrings') parts.push({ name: PATHS.sharedStrings, deflated: bomb, declaredSize: declared })
  return buildZip(parts)
}

/** A workbook with a small honest part that a ZIP64 directory describes. */
export function zip64Xlsx(): Uint8Array {
  return buildZip([WORKBOOK, RELS, SHEET].map((text, index) => ({ name: ['xl/workbook.xml', 'xl/_rels/workbook.xml.rels', 'xl/worksheets/sheet1.xml'][index] ?? '', deflated: deflated(text), declaredSize: encoder.encode(text).byteLength })), { zip64: true })
}

/** A worksheet of `depth` nested elements (a nesting bomb, kept under 1 MB so that the ratio check, which looks only at parts over 1 MB, lets it through to the reader). */
export function nestedXlsx(depth = 240_000): Uint8Array {
  const sheet = `<worksheet><sheetData><row r="1">${'<c><is><r>'.repeat(Math.ceil(depth / 3))}</row></sheetData></worksheet>`
  return buildZip([
    { name: 'xl/workbook.xml', deflated: deflated(WORKBOOK), declaredSize: WORKBOOK.length },
    { name: 'xl/_rels/workbook.xml.rels', deflated: deflated(RELS), declaredSize: RELS.length },
    { name: 'xl/worksheets/sheet1.xml', deflated: deflated(sheet), declaredSize: encoder.encode(sheet).byteLength },
  ])
}

/** A CSV that is one line of `bytes` bytes (a header-looking start, then no line break). */
export function singleLineCsv(bytes = 50 * 1024 * 1024): Uint8Array {
  const out = new Uint8Array(bytes).fill(0x78)
  out.set(encoder.encode('交易号,金额,'))
  return out
}
