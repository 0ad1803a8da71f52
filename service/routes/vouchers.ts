import { createVouchersRequest, createVouchersResponse, deleteVoucherResponse, reverseRequest, unapproveRequest, voucherActionResponse, voucherResponse, vouchersQuery, vouchersResponse } from '../../shared/api/vouchers.ts'
import { assertNoNegativeAmounts } from '../ledger/manual-input.ts'
import { approveVoucher, deleteDraft, getVoucher, listVouchers, postVoucher, reverseVoucher, unapproveVoucher } from '../ledger/vouchers.ts'
import { voucherSourcesOf } from '../ledger/sources.ts'
import { reversalNeedsApproval } from '../ledger/approval.ts'
import { assertSupplierLines } from '../ledger/suppliers.ts'
import { voucherAttachments } from '../invoices/voucher-attachments.ts'
import { writeVouchersCoalesced } from '../ledger/voucher-coalesce.ts'
import { type AppDeps, companyOf, routeGroup, idParam } from './kit.ts'

export function voucherRoutes(deps: AppDeps) {
  return routeGroup('vouchers', deps)
    .route({ method: 'get', path: '/companies/:company/vouchers', summary: 'List vouchers', permission: 'vouchers.read', query: vouchersQuery, response: vouchersResponse }, async ({ c, json, access, query }) => {
      return json({ vouchers: await listVouchers(deps.context, companyOf(access).id, query) }, 200)
    })
    .route({
      method: 'post', path: '/companies/:company/vouchers', summary: 'Create a voucher (draft), or several; Idempotency-Key header or idempotencyKey field makes it safe to retry', permission: 'vouchers.create',
      body: createVouchersRequest, response: createVouchersResponse,
      // 5000 vouchers of a few lines each.
      maxBodyBytes: 32 * 1024 * 1024,
    }, async ({ c, json, access, body }) => {
      const header = c.req.header('idempotency-key')
      const inputs = Array.isArray(body) ? body : [header && body.idempotencyKey === undefined ? { ...body, idempotencyKey: header } : body]
      assertNoNegativeAmounts(inputs)
      await assertSupplierLines(deps.context, companyOf(access), inputs)
      // Small requests are coalesced with concurrent ones into one write (issue #20); big arrays are one bulk write.
      const results = await writeVouchersCoalesced(deps.context, access.actor, companyOf(access), inputs.map((input) => ({ input })), { mode: 'draft' })
      const status = results.every((result) => result.replayed) ? 200 : 201
      if (Array.isArray(body)) return json({ vouchers: results }, status)
      const [voucher] = results
      if (voucher === undefined) throw new Error('invariant violated: a voucher write answered no result')
      return json({ voucher }, status)
    })
    .route({ method: 'get', path: '/companies/:company/vouchers/:id', summary: 'One voucher with its lines', permission: 'vouchers.read', response: voucherResponse }, async ({ c, json, access, param }) => {
      const voucher = await getVoucher(deps.context, companyOf(access).id, idParam(param('id')))
      // 附件数 counts the stored attachments and the invoices backing the voucher (issue #17)
      const attached = await voucherAttachments(deps.context, companyOf(access).id, voucher)
      return json({ voucher: { ...voucher, attachments: attached.count }, storedAttachments: attached.stored, invoices: attached.invoices, sources: await voucherSourcesOf(deps.context, companyOf(access).id, voucher.id) }, 200)
    })
    .route({ method: 'post', path: '/companies/:company/vouchers/:id/approve', summary: '审核 a draft (maker may not approve); posts it unless postOnApprove is false', permission: 'vouchers.approve', response: voucherActionResponse }, async ({ c, json, access, param }) => {
      return json({ voucher: await approveVoucher(deps.context, access.actor, companyOf(access), idParam(param('id'))) }, 200)
    })
    .route({ method: 'post', path: '/companies/:company/vouchers/:id/unapprove', summary: '反审核: an approved, not yet posted voucher back to draft (approver or admin; audited with the reason)', permission: 'vouchers.approve', body: unapproveRequest, response: voucherActionResponse }, async ({ c, json, access, body, param }) => {
      return json({ voucher: await unapproveVoucher(deps.context, access.actor, companyOf(access).id, idParam(param('id')), body.reason ?? '') }, 200)
    })
    .route({ method: 'post', path: '/companies/:company/vouchers/:id/post', summary: '记账 an approved voucher', permission: 'vouchers.post', response: voucherActionResponse }, async ({ c, json, access, param }) => {
      return json({ voucher: await postVoucher(deps.context, access.actor, companyOf(access).id, idParam(param('id'))) }, 200)
    })
    .route({ method: 'post', path: '/companies/:company/vouchers/:id/reverse', summary: '红字冲销 a posted voucher; a draft for an approver when the company sets reversalApproval or self-approval is not allowed (more than one approver user)', permission: 'vouchers.reverse', body: reverseRequest, response: voucherActionResponse }, async ({ c, json, access, body, param }) => {
      const company = companyOf(access)
      const id = idParam(param('id'))
      const draft = body.draft === true || (await reversalNeedsApproval(deps.context, company, body.date ?? (await getVoucher(deps.context, company.id, id)).date))
      return json({ voucher: await reverseVoucher(deps.context, access.actor, company.id, id, { ...(body.date ? { date: body.date } : {}), draft }) }, 201)
    })
    .route({ method: 'delete', path: '/companies/:company/vouchers/:id', summary: 'Delete a draft', permission: 'vouchers.delete', response: deleteVoucherResponse }, async ({ c, json, access, param }) => {
      await deleteDraft(deps.context, access.actor, companyOf(access).id, idParam(param('id')))
      return json({ ok: true }, 200)
    })
}
