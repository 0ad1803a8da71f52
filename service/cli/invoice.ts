import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import type { Command } from 'commander'
import { LedgerError } from '../../shared/errors.ts'
import { invoiceToJson, rateLabel } from '../../shared/invoices/record.ts'
import { INVOICE_EXCEPTION_TYPES } from '../../shared/invoices/matching.ts'
import { formatAmount, minor, parseAmount } from '../../shared/money.ts'
import { normalizePeriod } from '../../shared/period.ts'
import type { CliRuntime } from './runtime.ts'
import { attachInvoiceFile, linkVoucherInvoice, listAttachments } from '../invoices/attachments.ts'
import { addInvoiceRequest, decideInvoiceException, invoiceLinks, linkInvoiceOrder, listInvoiceExceptions, runInvoiceMatching } from '../invoices/match.ts'
import { getInvoice, listInvoices } from '../invoices/query.ts'
import { inputInvoicesByStatus } from '../invoices/report.ts'
import { postInputVat } from '../invoices/input-vat.ts'
import { companyTaxId, updateInvoiceSettings } from '../invoices/settings.ts'
import { getCompany } from '../ledger/company.ts'
import { formatTable } from './table.ts'

/**
 * `cledger invoice …` (发票, issue #17). Import goes through `cledger import`
 * (list export CSV/XLSX, XML, zip of XML); these commands match, list, attach and configure.
 */
const yuan = (value: bigint): string => formatAmount(minor(value), 'CNY')

export function registerInvoiceCommands(program: Command, runtime: CliRuntime): void {
  const invoice = program.command('invoice').description('发票 invoices: list, match output invoices to orders, exceptions, attachments, settings')

  invoice.command('list').description('imported invoices').option('--period <YYYY-MM>', 'issue month').option('--direction <dir>', 'output (销项) | input (进项)').option('--limit <n>', 'at most n', '1000')
    .action(async (flags: { period?: string; direction?: string; limit: string }) => {
      if (flags.direction && flags.direction !== 'output' && flags.direction !== 'input') throw new LedgerError('VALIDATION', '--direction must be output or input')
      const { context, company } = await runtime.open('import.read')
      const { taxId } = await companyTaxId(context, company)
      if (flags.direction && taxId === null) throw new LedgerError('VALIDATION', 'no invoices yet, or no tax id: set it with `cledger invoice settings --tax-id …`')
      const list = await listInvoices(context.db, company.id, {
        ...(flags.period ? { period: normalizePeriod(flags.period) } : {}), limit: Number(flags.limit),
        ...(flags.direction === 'output' && taxId ? { sellerTaxId: taxId } : {}), ...(flags.direction === 'input' && taxId ? { buyerTaxId: taxId } : {}),
      })
      runtime.print({ invoices: list.map(invoiceToJson) }, () => formatTable(['invoice no', 'issued', 'seller', 'buyer', 'rate', 'amount', 'tax', 'total', 'status', 'red of'],
        list.map((each) => [each.invoiceNo, each.issuedAt.slice(0, 10), each.sellerName, each.buyerName, rateLabel(each.taxRate), yuan(each.amount), yuan(each.tax), yuan(each.total), each.statusRaw + (each.certification ? `/${each.certification}` : ''), each.originalInvoiceNo ?? '']),
        ['left', 'left', 'left', 'left', 'right', 'right', 'right', 'right', 'left', 'left']))
    })

  invoice.command('show <invoiceNo>').description('one invoice with its orders and attachments').action(async (invoiceNo: string) => {
    const { context, company } = await runtime.open('import.read')
    const found = await getInvoice(context.db, company.id, invoiceNo)
    const links = await invoiceLinks(context, company.id, { invoiceNo })
    const attachments = await listAttachments(context, company.id, invoiceNo)
    runtime.print({ invoice: invoiceToJson(found), orders: links.map((link) => ({ ...link, amount: yuan(link.amount) })), attachments }, () => [
      `${found.invoiceNo} ${found.invoiceType} ${found.issuedAt.slice(0, 10)} ${found.statusRaw}${found.isRed ? ` 红字 of ${found.originalInvoiceNo ?? '?'}` : ''}`,
      `  ${found.sellerName} (${found.sellerTaxId}) -> ${found.buyerName} (${found.buyerTaxId || '-'})`,
      `  金额 ${yuan(found.amount)}  税额 ${yuan(found.tax)}  价税合计 ${yuan(found.total)}  税率 ${rateLabel(found.taxRate)}`,
      ...links.map((link) => `  order ${link.channel}/${link.orderNo} ${yuan(link.amount)} [${link.rule}] ${link.why}`),
      ...attachments.map((file) => `  attachment #${file.id} ${file.fileName} (${file.mediaType}, ${file.size} bytes)`),
    ].join('\n'))
  })

  invoice.command('match').description('match output invoices to orders (备注 order numbers, buyer + amount, red follows blue)').action(async () => {
    const { context, company, actor } = await runtime.open('match.run')
    const counts = await runInvoiceMatching(context, actor, company.id)
    runtime.print(counts, () => [
      `tax id ${counts.taxId ?? '(none: no invoices)'}${counts.taxIdInferred ? ' (inferred; set it with `cledger invoice settings --tax-id`)' : ''}: ${counts.invoices} output invoices, ${counts.orders} orders`,
      `links: ${Object.entries(counts.links).map(([rule, n]) => `${rule} ${n}`).join(', ')}`,
      `exceptions: ${Object.entries(counts.exceptions).map(([type, n]) => `${type} ${n}`).join(', ') || 'none'}; cleared ${counts.cleared}`,
    ].join('\n'))
  })

  invoice.command('link <invoiceNo> <channel> <orderNo>').description('link an invoice to an order by hand (kept by every re-run)').requiredOption('--amount <yuan>', 'part of the invoice given to the order').requiredOption('--reason <text>', 'why (audited)')
    .action(async (invoiceNo: string, channel: string, orderNo: string, flags: { amount: string; reason: string }) => {
      const { context, company, actor } = await runtime.open('match.run')
      await linkInvoiceOrder(context, actor, company.id, { invoiceNo, channel, orderNo, amount: parseAmount(flags.amount, 'CNY'), reason: flags.reason })
      runtime.print({ ok: true }, () => `linked ${invoiceNo} to ${channel}/${orderNo}`)
    })

  const exceptions = invoice.command('exceptions').description('invoice exceptions (INVOICE_WITHOUT_ORDER, ORDER_NOT_INVOICED, INVOICE_AMOUNT_MISMATCH)')
    .option('--status <status>', 'open|resolved|ignored').option('--type <type>', INVOICE_EXCEPTION_TYPES.join('|'))
    .action(async (flags: { status?: string; type?: string }) => {
      if (flags.type && !(INVOICE_EXCEPTION_TYPES as ReadonlyArray<string>).includes(flags.type)) throw new LedgerError('VALIDATION', `--type must be one of ${INVOICE_EXCEPTION_TYPES.join(', ')}`)
      if (flags.status && !['open', 'resolved', 'ignored'].includes(flags.status)) throw new LedgerError('VALIDATION', '--status must be open, resolved or ignored')
      const { context, company } = await runtime.open('exceptions.read')
      const list = await listInvoiceExceptions(context, company.id, flags)
      runtime.print({ exceptions: list.map((each) => ({ ...each, expected: yuan(each.expected), invoiced: yuan(each.invoiced) })) }, () => formatTable(['id', 'type', 'status', 'period', 'invoice / order', 'expected', 'invoiced', 'why'],
        list.map((each) => [String(each.id), each.type, each.status, each.period, each.invoiceNo ?? `${each.channel}/${each.orderNo}`, yuan(each.expected), yuan(each.invoiced), each.why])))
    })
  for (const [verb, status] of [['resolve', 'resolved'], ['ignore', 'ignored']] as const) {
    exceptions.command(`${verb} <id>`).description(`${verb} an invoice exception (audited)`).requiredOption('--reason <text>', 'why')
      .action(async (id: string, flags: { reason: string }) => {
        const { context, company, actor } = await runtime.open('exceptions.decide')
        await decideInvoiceException(context, actor, company.id, Number(id), status, flags.reason)
        runtime.print({ ok: true }, () => `${status} invoice exception #${id}`)
      })
  }

  invoice.command('request <channel> <orderNo>').description('the buyer of an order asked for an invoice (ORDER_NOT_INVOICED until one is issued)')
    .option('--title <text>', '发票抬头', '').option('--tax-id <id>', 'buyer 纳税人识别号 (a 企业 buyer)')
    .action(async (channel: string, orderNo: string, flags: { title: string; taxId?: string }) => {
      const { context, company, actor } = await runtime.open('match.run')
      await addInvoiceRequest(context, actor, company.id, { channel, orderNo, title: flags.title, ...(flags.taxId ? { buyerTaxId: flags.taxId } : {}) })
      runtime.print({ ok: true }, () => `invoice requested for ${channel}/${orderNo}`)
    })

  invoice.command('attach <invoiceNo> <file>').description('keep the invoice PDF/OFD (or XML) with the invoice record').action(async (invoiceNo: string, file: string) => {
    const { context, company, actor } = await runtime.open('import.create')
    const result = await attachInvoiceFile(context, actor, company.id, invoiceNo, { name: basename(file), bytes: new Uint8Array(readFileSync(file)) })
    runtime.print(result, () => `${result.added ? 'attached' : 'already attached'}: #${result.id} ${result.fileName} (${result.mediaType})`)
  })

  invoice.command('link-voucher <voucher> <invoiceNo>').description('attach an invoice to a voucher (its 附件数 counts the invoices)').action(async (voucher: string, invoiceNo: string) => {
    const { context, company, actor } = await runtime.open('vouchers.create')
    const result = await linkVoucherInvoice(context, actor, company.id, voucher, invoiceNo)
    runtime.print(result, () => `voucher #${result.voucherId}: 附件 ${result.attachments} 张`)
  })

  invoice.command('input-status').description('进项发票 by 勾选/认证 status').option('--period <YYYY-MM>', 'issue month').action(async (flags: { period?: string }) => {
    const { context, company } = await runtime.open('reports.read')
    const result = await inputInvoicesByStatus(context, company.id, flags.period ? normalizePeriod(flags.period) : undefined)
    runtime.print({ ...result, rows: result.rows.map((row) => ({ ...row, amount: yuan(row.amount), tax: yuan(row.tax), deductibleTax: yuan(row.deductibleTax) })) }, () =>
      `input VAT on ${result.inputVatOn}\n${formatTable(['status', 'count', 'amount', 'tax', 'deductible tax'], result.rows.map((row) => [row.certification, String(row.count), yuan(row.amount), yuan(row.tax), yuan(row.deductibleTax)]), ['left', 'right', 'right', 'right', 'right'])}`)
  })

  invoice.command('post-input-vat').description('move the tax of deductible input invoices (on receipt or once 勾选/认证) to 进项税额; one voucher each, drafts unless --post')
    .requiredOption('--period <YYYY-MM>', 'the period the VAT is deducted in (vouchers dated its last day)').option('--post', 'write posted vouchers (needs the right to post and approve)')
    .action(async (flags: { period: string; post?: boolean }) => {
      const { context, company, actor } = await runtime.open(flags.post ? 'vouchers.post' : 'vouchers.create')
      const result = await postInputVat(context, actor, company.id, { period: normalizePeriod(flags.period), mode: flags.post ? 'post' : 'draft' })
      runtime.print(result, () => [...result.vouchers.map((each) => `#${each.voucherId} ${each.invoiceNo}: 2221.01.01 ${each.tax} / ${each.account}`), `${result.vouchers.length} voucher(s); ${result.skipped} input invoice(s) not yet certified`].join('\n'))
    })

  invoice.command('settings').description('invoice settings: company tax id, when input VAT moves to 进项税额, matching window')
    .option('--tax-id <id>', 'the company 纳税人识别号').option('--input-vat-on <when>', 'receipt | certification').option('--window-days <n>', 'days an invoice may follow its order')
    .action(async (flags: { taxId?: string; inputVatOn?: string; windowDays?: string }) => {
      const patch: Record<string, unknown> = {}
      if (flags.taxId !== undefined) patch.taxId = flags.taxId
      if (flags.inputVatOn !== undefined) patch.inputVatOn = flags.inputVatOn
      if (flags.windowDays !== undefined) patch.windowDays = Number(flags.windowDays)
      const { context, company, actor } = await runtime.open(Object.keys(patch).length ? 'company.settings' : 'company.read')
      const settings = Object.keys(patch).length ? await updateInvoiceSettings(context, actor, company.id, patch) : (await getCompany(context, company.id)).settings.invoices ?? {}
      runtime.print(settings, () => JSON.stringify(settings))
    })
}
