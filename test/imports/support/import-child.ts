/**
 * Child process for the kill -9 test: imports one file into a database and
 * prints PROGRESS lines as rows are read, so the parent can kill it mid-import.
 * Usage: node --import tsx import-child.ts <db url> <company id> <file>
 */
import { writeSync } from 'node:fs'
import { openDatabase } from '../../../service/db/connection.ts'
import { importFile } from '../../../service/imports/load.ts'
import { SYSTEM } from '../../../service/ledger/context.ts'

const [url, companyId, path] = process.argv.slice(2)
if (!url || !companyId || !path) throw new Error('usage: import-child.ts <db url> <company id> <file>')
const db = await openDatabase(url)
const result = await importFile(db, Number(companyId), { name: 'big.csv', path }, {
  actor: SYSTEM,
  // Synchronous: the import loop does not yield to the event loop often enough to flush stdout.
  onProgress: (progress) => writeSync(1, `PROGRESS ${progress.records}\n`),
})
process.stdout.write(`DONE ${result.imported}\n`)
db.close()
