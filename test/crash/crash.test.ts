import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { openDatabase } from '../../service/db/connection.ts'
import { createContext } from '../../service/ledger/context.ts'
import { verifyLedger } from '../../service/ledger/verify.ts'
import { ledgerWithCompany } from '../support/db.ts'

const KILLS = 20

function runUntilKilled(url: string, companyId: number, seed: number, delayMs: number): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/crash/post-loop.ts', url, String(companyId), String(seed)], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) setTimeout(() => child.kill('SIGKILL'), delayMs)
    })
    child.on('exit', (_code, signal) => (signal === 'SIGKILL' ? done(stderr) : fail(new Error(`post loop ended by itself (${signal ?? _code}): ${stderr}`))))
  })
}

describe('crash safety', () => {
  it(`survives ${KILLS} SIGKILLs mid-write: verify passes, numbers have no gaps, no voucher is half-written`, async () => {
    const { company, url, db } = await ledgerWithCompany()
    db.close()
    let lastCount = 0
    for (let kill = 0; kill < KILLS; kill += 1) {
      await runUntilKilled(url, company.id, 1000 + kill, 50 + ((kill * 97) % 400))
      const reopened = await openDatabase(url)
      try {
        const report = await verifyLedger(createContext(reopened))
        expect(report.breaches, `after kill ${kill + 1}`).toEqual([])
        const half = await reopened.client.execute("SELECT v.id FROM vouchers v LEFT JOIN voucher_lines l ON l.voucher_id = v.id GROUP BY v.id HAVING COUNT(l.line_no) < 2")
        expect(half.rows).toEqual([])
        lastCount = report.checked.vouchers ?? 0
      } finally {
        reopened.close()
      }
    }
    expect(lastCount).toBeGreaterThan(KILLS)
  }, 180_000)
})
