import type { Command } from 'commander'
import type { CliRuntime } from './runtime.ts'
import { addBankAccount, banksOf } from '../ledger/banks.ts'
import { formatTable } from './table.ts'

/** `cledger bank add|list`: bank accounts as 1002 sub-accounts (issue #16.4). */
export function registerBankCommands(program: Command, runtime: CliRuntime): void {
  const bank = program.command('bank').description('bank accounts (银行账户): one 1002 sub-account per account and currency')
  bank.command('add')
    .description('register a bank account: creates 1002.NN and maps statements of that account number to it')
    .requiredOption('--name <bank>', 'bank name, e.g. 工商银行')
    .requiredOption('--number <no>', 'account number as printed on statements')
    .option('--currency <ccy>', 'currency of the account', 'CNY')
    .option('--store <store>', 'a store whose payouts land in this account')
    .action(async (flags: { name: string; number: string; currency: string; store?: string }) => {
      const { context, company, actor } = await runtime.open('company.settings')
      const added = await addBankAccount(context, actor, company.id, flags)
      runtime.print({ bank: added }, () => `bank account ${added.account} ${added.name} ${added.currency} ${added.number}${added.store ? ` (payouts of ${added.store})` : ''}`)
    })
  bank.command('list').action(async () => {
    const { context, company } = await runtime.open('vouchers.read')
    const banks = banksOf(company.settings)
    runtime.print({ banks }, () => (banks.length ? formatTable(['account', 'bank', 'currency', 'number', 'store'], banks.map((b) => [b.account, b.name, b.currency, b.number, b.store ?? ''])) : 'no bank accounts registered; everything posts to 1002'))
  })
}
