// Writes the manifest for one environment.
// Usage: node --import tsx addin/scripts/manifest.ts [BASE_URL] [--out FILE]
//   BASE_URL defaults to https://localhost:8787 (`cledger serve --https`); without --out, stdout.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { renderManifest } from '../manifest.ts'

const args = process.argv.slice(2)
const outIndex = args.indexOf('--out')
const out = outIndex === -1 ? undefined : args[outIndex + 1]
const baseUrl = args.find((arg, index) => !arg.startsWith('--') && (outIndex === -1 || index !== outIndex + 1)) ?? 'https://localhost:8787'
const xml = renderManifest(readFileSync(join(import.meta.dirname, '..', 'manifest.template.xml'), 'utf8'), baseUrl)
if (out === undefined) process.stdout.write(xml)
else writeFileSync(out, xml)
