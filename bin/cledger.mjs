#!/usr/bin/env node
// cledger: the channel-ledger command line. Runs the TypeScript sources through tsx.
import { register } from 'tsx/esm/api'

register()
// `cledger export hledger | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0)
  throw error
})
const { main } = await import('../service/cli.ts')
process.exitCode = await main(process.argv)
