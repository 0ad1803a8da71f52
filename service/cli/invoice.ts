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
import { matchFeeInvoices } from '../invoices/fees.ts'
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
      if (flags.direction && flags.direction !== 'output' && flags.direction !== 'input') throw new LedgerError('VALIDATION', '--direction 只能是 output（销项）或 input（进项）/ --direction must be output or input')
      const { context, company } = await runtime.open('import.read')
      const { taxId } = await companyTaxId(context, company)
      if (flags.direction && taxId === null) throw new LedgerError('VALIDATION', '尚无发票，或未设置纳税人识别号：请用 `cledger invoice settings --tax-id …` 设置 / no invoices yet, or no tax id: set it with `cledger invoice settings --tax-id …`')
      const list = await listInvoices(context.db, company.id, {
        ...(flags.period ? { period: normalizePeriod(flags.period) } : {}), limit: Number(flags.limit),
        ...(flags.direction === 'output' && taxId ? { sellerTaxId: taxId } : {}), ...(flags.direction === 'input' && taxId ? { buyerTaxId: taxId } : {}),
      })
      runtime.print({ invoices: list.map(invoiceToJson) }, () => formatTable(['发票号码 invoice no', '开票日期 issued', '销方 seller', '购方 buyer', '税率 rate', '金额 amount', '税额 tax', '价税合计 total', '状态 status', '对应蓝字 red of'],
        list.map((each) => [each.invoiceNo, each.issuedAt.slice(0, 10), each.sellerName, each.buyerName, rateLabel(each.taxRate), yuan(each.amount), yuan(each.tax), yuan(each.total), each.statusRaw + (each.certification ? `/${each.certification}` : ''), each.originalInvoiceNo ?? '']),
        ['left', 'left', 'left', 'left', 'right', 'right', 'right', 'right', 'left', 'left']))
    })

  invoice.command('show <invoiceNo>').description('one invoice with its orders and attachments').action(async (invoiceNo: string) => {
    const { context, company } = await runtime.open('import.read')
    const found = await getInvoice(context.db, company.id, invoiceNo)
    const links = await invoiceLinks(context, company.id, { invoiceNo })
    const attachments = await listAttachments(context, company.id, invoiceNo)
    runtime.print({ invoice: invoiceToJson(found), orders: links.map((link) => ({ ...link, amount: yuan(link.amount) })), attachments }, () => [
      `${found.invoiceNo} ${found.invoiceType} ${found.issuedAt.slice(0, 10)} ${found.statusRaw}${found.isRed ? ` 红字，对应蓝字 red of ${found.originalInvoiceNo ?? '?'}` : ''}`,
      `  ${found.sellerName} (${found.sellerTaxId}) -> ${found.buyerName} (${found.buyerTaxId || '-'})`,
      `  金额 ${yuan(found.amount)}  税额 ${yuan(found.tax)}  价税合计 ${yuan(found.total)}  税率 ${rateLabel(found.taxRate)}`,
      ...links.map((link) => `  订单 order ${link.channel}/${link.orderNo} ${yuan(link.amount)} [${link.rule}] ${link.why}`),
      ...attachments.map((file) => `  附件 attachment #${file.id} ${file.fileName} (${file.mediaType}, ${file.size} 字节 bytes)`),
    ].join('\n'))
  })

  invoice.command('match').description('match output invoices to orders (备注 order numbers, buyer + amount, red follows blue)').action(async () => {
    const { context, company, actor } = await runtime.open('match.run')
    const counts = await runInvoiceMatching(context, actor, company.id)
    runtime.print(counts, () => [
      `纳税人识别号 tax id ${counts.taxId ?? '（无发票）(none: no invoices)'}${counts.taxIdInferred ? '（取自发票，请用 `cledger invoice settings --tax-id` 设置）(inferred; set it with `cledger invoice settings --tax-id`)' : ''}: 销项发票 ${counts.invoices} 张 output invoices, 订单 ${counts.orders} 笔 orders`,
      `匹配 links: ${Object.entries(counts.links).map(([rule, n]) => `${rule} ${n}`).join(', ')}`,
      `异常 exceptions: ${Object.entries(counts.exceptions).map(([type, n]) => `${type} ${n}`).join(', ') || '无 none'}; 已消除 cleared ${counts.cleared}`,
    ].join('\n'))
  })

  invoice.command('link <invoiceNo> <channel> <orderNo>').description('link an invoice to an order by hand (kept by every re-run)').requiredOption('--amount <yuan>', 'part of the invoice given to the order').requiredOption('--reason <text>', 'why (audited)')
    .action(async (invoiceNo: string, channel: string, orderNo: string, flags: { amount: string; reason: string }) => {
      const { context, company, actor } = await runtime.open('match.run')
      await linkInvoiceOrder(context, actor, company.id, { invoiceNo, channel, orderNo, amount: parseAmount(flags.amount, 'CNY'), reason: flags.reason })
      runtime.print({ ok: true }, () => `已将发票 ${invoiceNo} 关联到订单 ${channel}/${orderNo} / linked ${invoiceNo} to ${channel}/${orderNo}`)
    })

  const exceptions = invoice.command('exceptions').description('invoice exceptions (INVOICE_WITHOUT_ORDER, ORDER_NOT_INVOICED, INVOICE_AMOUNT_MISMATCH)')
    .option('--status <status>', 'open|resolved|ignored').option('--type <type>', INVOICE_EXCEPTION_TYPES.join('|'))
    .action(async (flags: { status?: string; type?: string }) => {
      if (flags.type && !(INVOICE_EXCEPTION_TYPES as ReadonlyArray<string>).includes(flags.type)) throw new LedgerError('VALIDATION', `--type 只能是 ${INVOICE_EXCEPTION_TYPES.join('、')} / --type must be one of ${INVOICE_EXCEPTION_TYPES.join(', ')}`)
      if (flags.status && !['open', 'resolved', 'ignored'].includes(flags.status)) throw new LedgerError('VALIDATION', '--status 只能是 open（未处理）、resolved（已解决）或 ignored（已忽略）/ --status must be open, resolved or ignored')
      const { context, company } = await runtime.open('exceptions.read')
      const list = await listInvoiceExceptions(context, company.id, flags)
      runtime.print({ exceptions: list.map((each) => ({ ...each, expected: yuan(each.expected), invoiced: yuan(each.invoiced) })) }, () => formatTable(['id', '类型 type', '状态 status', '期间 period', '发票/订单 invoice / order', '应开 expected', '已开 invoiced', '原因 why'],
        list.map((each) => [String(each.id), each.type, each.status, each.period, each.invoiceNo ?? `${each.channel}/${each.orderNo}`, yuan(each.expected), yuan(each.invoiced), each.why])))
    })
  for (const [verb, status] of [['resolve', 'resolved'], ['ignore', 'ignored']] as const) {
    exceptions.command(`${verb} <id>`).description(`${verb} an invoice exception (audited)`).requiredOption('--reason <text>', 'why')
      .action(async (id: string, flags: { reason: string }) => {
        const { context, company, actor } = await runtime.open('exceptions.decide')
        await decideInvoiceException(context, actor, company.id, Number(id), status, flags.reason)
        runtime.print({ ok: true }, () => `发票异常 #${id} ${status === 'resolved' ? '已解决' : '已忽略'} / ${status} invoice exception #${id}`)
      })
  }

  invoice.command('request <channel> <orderNo>').description('the buyer of an order asked for an invoice (ORDER_NOT_INVOICED until one is issued)')
    .option('--title <text>', '发票抬头', '').option('--tax-id <id>', 'buyer 纳税人识别号 (a 企业 buyer)')
    .action(async (channel: string, orderNo: string, flags: { title: string; taxId?: string }) => {
      const { context, company, actor } = await runtime.open('match.run')
      await addInvoiceRequest(context, actor, company.id, { channel, orderNo, title: flags.title, ...(flags.taxId ? { buyerTaxId: flags.taxId } : {}) })
      runtime.print({ ok: true }, () => `已记录订单 ${channel}/${orderNo} 的开票申请 / invoice requested for ${channel}/${orderNo}`)
    })

  invoice.command('attach <invoiceNo> <file>').description('keep the invoice PDF/OFD (or XML) with the invoice record').action(async (invoiceNo: string, file: string) => {
    const { context, company, actor } = await runtime.open('import.create')
    const result = await attachInvoiceFile(context, actor, company.id, invoiceNo, { name: basename(file), bytes: new Uint8Array(readFileSync(file)) })
    runtime.print(result, () => `${result.added ? '已附加 attached' : '已附加过 already attached'}: #${result.id} ${result.fileName} (${result.mediaType})`)
  })

  invoice.command('link-voucher <voucher> <invoiceNo>').description('attach an invoice to a voucher (its 附件数 counts the invoices)').action(async (voucher: string, invoiceNo: string) => {
    const { context, company, actor } = await runtime.open('vouchers.create')
    const result = await linkVoucherInvoice(context, actor, company.id, voucher, invoiceNo)
    runtime.print(result, () => `凭证 voucher #${result.voucherId}: 附件 ${result.attachments} 张 / ${result.attachments} attachment(s)`)
  })

  invoice.command('input-status').description('进项发票 by 勾选/认证 status').option('--period <YYYY-MM>', 'issue month').action(async (flags: { period?: string }) => {
    const { context, company } = await runtime.open('reports.read')
    const result = await inputInvoicesByStatus(context, company.id, flags.period ? normalizePeriod(flags.period) : undefined)
    runtime.print({ ...result, rows: result.rows.map((row) => ({ ...row, amount: yuan(row.amount), tax: yuan(row.tax), deductibleTax: yuan(row.deductibleTax) })) }, () =>
      `进项税额抵扣时点 input VAT on ${result.inputVatOn}\n${formatTable(['勾选认证状态 status', '张数 count', '金额 amount', '税额 tax', '可抵扣税额 deductible tax'], result.rows.map((row) => [row.certification, String(row.count), yuan(row.amount), yuan(row.tax), yuan(row.deductibleTax)]), ['left', 'right', 'right', 'right', 'right'])}`)
  })

  invoice.command('fees').description('input invoices for platform fees (佣金/推广/手续费) matched to the fee settlement lines by platform, month and amount; unmatched ones with why')
    .option('--period <YYYY-MM>', 'issue month of the invoices')
    .action(async (flags: { period?: string }) => {
      const { context, company } = await runtime.open('reports.read')
      const result = await matchFeeInvoices(context, company, flags.period ? { period: normalizePeriod(flags.period) } : {})
      runtime.print({
        matched: result.matched.map((each) => ({ ...each, total: yuan(each.total), tax: yuan(each.tax), stores: each.stores.map((store) => ({ ...store, fee: yuan(store.fee) })) })),
        unmatched: result.unmatched.map((each) => ({ ...each, total: yuan(each.total) })),
      }, () => [
        `matched 已匹配 (${result.matched.length}):`,
        formatTable(['发票号码 invoice no', '销方 seller', '费用 kind', '月份 month', '店铺 stores', '笔数 lines', '价税合计 total', '税率 rate', '税额 tax', '结算已计进项 settlement books VAT'],
          result.matched.map((each) => [each.invoiceNo, each.sellerName, each.kind, each.month, each.stores.map((store) => store.store).join(','), String(each.lines), yuan(each.total), rateLabel(each.taxRate), yuan(each.tax), each.bookedBySettlement ?? '']),
          ['left', 'left', 'left', 'left', 'left', 'right', 'right', 'right', 'right', 'left']),
        `unmatched 未匹配 (${result.unmatched.length}):`,
        ...result.unmatched.map((each) => `  ${each.invoiceNo} ${each.issuedAt} ${each.sellerName} ${yuan(each.total)}: ${each.why.zh} / ${each.why.en}`),
      ].join('\n'))
    })

  invoice.command('post-input-vat').description('move the tax of deductible input invoices (on receipt or once 勾选/认证) to 进项税额; one voucher each, drafts unless --post')
    .requiredOption('--period <YYYY-MM>', 'the period the VAT is deducted in (vouchers dated its last day)').option('--post', 'write posted vouchers (needs the right to post and approve)')
    .action(async (flags: { period: string; post?: boolean }) => {
      const { context, company, actor } = await runtime.open(flags.post ? 'vouchers.post' : 'vouchers.create')
      const result = await postInputVat(context, actor, company.id, { period: normalizePeriod(flags.period), mode: flags.post ? 'post' : 'draft' })
      runtime.print(result, () => [...result.vouchers.map((each) => `#${each.voucherId} ${each.invoiceNo}: 2221.01.01 ${each.tax} / ${each.account}`), `凭证 ${result.vouchers.length} 张 voucher(s); ${result.skipped} 张进项发票尚未认证 input invoice(s) not yet certified`, ...result.bookedBySettlement.map((each) => `${each.invoiceNo}: the settlement posting books its input VAT already (tax code ${each.taxCode}) / 结算凭证已按税码 ${each.taxCode} 计入进项税额`)].join('\n'))
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
