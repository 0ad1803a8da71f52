/**
 * Writes a generated file from the command line (used by the import benchmark so
 * generation memory does not count against the import's peak RSS):
 *   node --import tsx service/generators/cli.ts <format> <path> <rows> [seed]
 */
import { GENERATED_FORMATS, type GeneratedFormat, writeGeneratedFile } from './index.ts'

const [format, path, rows, seed] = process.argv.slice(2)
if (!format || !path || !rows || !(format in GENERATED_FORMATS)) {
  throw new Error(`usage: cli.ts <format> <path> <rows> [seed]; formats: ${Object.keys(GENERATED_FORMATS).join(', ')}`)
}
const written = await writeGeneratedFile(format as GeneratedFormat, path, { rows: Number(rows), seed: seed ? Number(seed) : 1 })
process.stdout.write(`${JSON.stringify(written)}\n`)
