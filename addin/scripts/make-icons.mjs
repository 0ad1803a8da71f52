// Draws the add-in's ribbon/manifest icons (16, 32, 64, 80 px): a green ledger
// sheet with ruled lines and a debit/credit divider. Pure Node, no dependencies.
// Usage: node addin/scripts/make-icons.mjs [outDir]
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { deflateSync } from 'node:zlib'

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
const crc32 = (bytes) => {
  let c = 0xffffffff
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
function chunk(type, data) {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([length, body, crc])
}
function png(size, pixel) {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header[8] = 8 // bit depth
  header[9] = 6 // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1))
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0
    for (let x = 0; x < size; x++) raw.set(pixel(x, y, size), y * (size * 4 + 1) + 1 + x * 4)
  }
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))])
}
const GREEN = [16, 124, 65, 255]
const WHITE = [255, 255, 255, 255]
const LINE = [160, 210, 180, 255]
const CLEAR = [0, 0, 0, 0]
function ledger(x, y, size) {
  const margin = Math.max(1, Math.round(size / 16))
  const radius = Math.max(1, Math.round(size / 8))
  const inside = (px, py) => px >= margin && py >= margin && px < size - margin && py < size - margin
  if (!inside(x, y)) return CLEAR
  const cx = Math.min(Math.max(x, margin + radius), size - margin - radius - 1)
  const cy = Math.min(Math.max(y, margin + radius), size - margin - radius - 1)
  if ((x - cx) ** 2 + (y - cy) ** 2 > radius ** 2) return CLEAR
  const pad = Math.round(size * 0.22)
  const onPaper = x >= pad && x < size - pad && y >= pad && y < size - pad
  if (!onPaper) return GREEN
  const step = Math.max(2, Math.round(size / 8))
  if (x === Math.floor(size / 2)) return GREEN
  if ((y - pad) % step === step - 1) return LINE
  return WHITE
}
const outDir = process.argv[2] ?? join(import.meta.dirname, '..', 'public', 'icons')
mkdirSync(outDir, { recursive: true })
for (const size of [16, 32, 64, 80]) writeFileSync(join(outDir, `icon-${size}.png`), png(size, ledger))
console.log(`icons written to ${outDir}`)
