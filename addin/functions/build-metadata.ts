import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { generateCustomFunctionsMetadata } from 'custom-functions-metadata'

/**
 * Generates dist/addin/functions.json from the JSDoc of functions.ts
 * (`npm run build:functions`). The file is build output: never edit it.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
export const FUNCTIONS_SOURCE = resolve(ROOT, 'addin/functions/functions.ts')
export const FUNCTIONS_OUTPUT = resolve(ROOT, 'dist/addin/functions.json')

export interface GeneratedMetadata {
  readonly json: string
  readonly associate: ReadonlyArray<{ readonly id: string; readonly functionName: string }>
}

export async function generateMetadata(): Promise<GeneratedMetadata> {
  // a relative path keeps machine paths out of error messages
  const result = await generateCustomFunctionsMetadata(relative(process.cwd(), FUNCTIONS_SOURCE), false)
  if (result.errors.length) throw new Error(`functions.json not generated:\n${result.errors.join('\n')}`)
  return { json: `${result.metadataJson}\n`, associate: result.associate.map(({ id, functionName }) => ({ id, functionName })) }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const metadata = await generateMetadata()
  mkdirSync(dirname(FUNCTIONS_OUTPUT), { recursive: true })
  writeFileSync(FUNCTIONS_OUTPUT, metadata.json)
  console.log(`wrote ${relative(ROOT, FUNCTIONS_OUTPUT)} (${metadata.associate.length} functions)`)
}
