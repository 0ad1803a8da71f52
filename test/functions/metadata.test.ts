import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { generateMetadata } from '../../addin/functions/build-metadata.ts'
import { IMPLEMENTATIONS } from '../../addin/functions/functions.ts'
import { registerCustomFunctions } from '../../addin/functions/register.ts'
import { FUNCTION_NAMES } from '../../service/functions/contract.ts'
import { customFunctionsStub } from './stub.ts'

interface Metadata {
  functions: Array<{ id: string; name: string; description: string; options?: { cancelable?: boolean }; parameters: Array<{ name: string; description: string; optional?: boolean }>; result: { type: string; dimensionality?: string } }>
}

describe('functions.json metadata', () => {
  it('is generated from the JSDoc exactly as the reviewed golden file', async () => {
    const generated = await generateMetadata()
    expect(generated.json).toBe(readFileSync(new URL('./functions.golden.json', import.meta.url), 'utf8'))
  })

  it('declares every LEDGER function cancelable, with bilingual descriptions and the optional arguments of the contract', async () => {
    const metadata = JSON.parse((await generateMetadata()).json) as Metadata
    expect(metadata.functions.map((fn) => fn.id)).toEqual([...FUNCTION_NAMES])
    const signature = Object.fromEntries(metadata.functions.map((fn) => [fn.id, fn.parameters.map((parameter) => `${parameter.name}${parameter.optional ? '?' : ''}`).join(',')]))
    expect(signature).toEqual({
      BALANCE: 'account,period?,store?,currency?', ACTIVITY: 'account,from,to?,store?', DEBITS: 'account,from,to?,store?', CREDITS: 'account,from,to?,store?',
      TB: 'period?,store?', ACCOUNTNAME: 'code', MATCHRATE: 'store,period', UNMATCHED: 'store,period,type?', ORDER: 'orderNo,field', FX: 'currency,date', INVOICED: 'period,rate?', UNINVOICED: 'period,rate?',
    })
    for (const fn of metadata.functions) {
      expect(fn.options?.cancelable, fn.id).toBe(true)
      expect(fn.description, fn.id).toMatch(/[\u4e00-\u9fff].*\/ [A-Z]/)
      for (const parameter of fn.parameters) expect(parameter.description, `${fn.id}.${parameter.name}`).toMatch(/[\u4e00-\u9fff].*\/ /)
    }
    expect(metadata.functions.find((fn) => fn.id === 'TB')?.result).toEqual({ dimensionality: 'matrix' })
  })

  it('associates an implementation with every declared id and nothing else', async () => {
    const generated = await generateMetadata()
    const stub = customFunctionsStub()
    registerCustomFunctions({ api: stub.api, fetch: () => Promise.reject(new Error('unused')) })
    expect([...stub.associated.keys()].sort()).toEqual(generated.associate.map((item) => item.id).sort())
    for (const { id, functionName } of generated.associate) {
      expect(stub.associated.get(id), id).toBe(IMPLEMENTATIONS[id as keyof typeof IMPLEMENTATIONS])
      expect(stub.associated.get(id)?.name, id).toBe(functionName)
    }
  })
})
