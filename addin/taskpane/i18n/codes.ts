import type { Language } from './common.ts'

/** Words for the service's codes: roles, money kinds and the code groups of codeName. */

export const ROLE_NAMES: Record<Language, Record<string, string>> = {
  'zh-CN': { admin: '管理员', accountant: '会计', approver: '审核人', sales: '销售', auditor: '审计' },
  en: { admin: 'admin', accountant: 'accountant', approver: 'approver', sales: 'sales', auditor: 'auditor' },
}

export const MONEY_KINDS: Record<Language, Record<string, string>> = {
  'zh-CN': { order: '订单', payment: '收款', refund: '退款', fee: '手续费', commission: '佣金', payout: '提现', promotion: '推广费', adjustment: '调整', transfer: '资金划转', bank: '银行流水', settlementTxn: '结算流水', bankTxn: '银行流水' },
  en: { order: 'order', payment: 'payment', refund: 'refund', fee: 'fee', commission: 'commission', payout: 'payout', promotion: 'promotion', adjustment: 'adjustment', transfer: 'transfer', bank: 'bank line', settlementTxn: 'settlement', bankTxn: 'bank line' },
}

/**
 * The one catalogue of codes the service sends (exception types, match and
 * voucher statuses, hold reasons, error codes, close blockers): every code the
 * pane shows goes through {@link codeName}, so a zh-CN screen never shows a raw
 * code. test/addin/catalogue.test.ts checks it covers the service's lists.
 */
export type CodeGroup = 'exceptionType' | 'exceptionStatus' | 'matchStatus' | 'holdReason' | 'voucherStatus' | 'periodStatus' | 'errorCode' | 'blocker' | 'channel' | 'postingRole' | 'taxCode' | 'profileField' | 'profileRecord'

export const CODES: Record<Language, Record<CodeGroup, Readonly<Record<string, string>>>> = {
  'zh-CN': {
    exceptionType: {
      AMOUNT_MISMATCH: '金额不符', MISSING_PAYMENT: '订单未到账', ORPHAN_PAYMENT: '无订单收款', DUPLICATE_ORDER: '重复订单', DUPLICATE_PAYMENT: '重复收款',
      REFUND_WITHOUT_ORDER: '无订单退款', OVER_REFUND: '超额退款', PAYMENT_FAILED: '支付失败', CLOSED_ORDER_WITH_PAYMENT: '已关闭订单有收款', CURRENCY_MISMATCH: '币种不符',
      NEEDS_APPROVAL: '待审批',
      INVOICE_WITHOUT_ORDER: '发票无对应订单', ORDER_NOT_INVOICED: '订单未开票', INVOICE_AMOUNT_MISMATCH: '开票金额不符',
    },
    exceptionStatus: { open: '未处理', resolved: '已解决', ignored: '已忽略', approved: '已审核' },
    matchStatus: { suggested: '建议勾对', confirmed: '已勾对', unmatched: '未勾对', matches: '勾对', exceptions: '异常' },
    holdReason: {
      NEEDS_APPROVAL: '等待审批', NOT_MATCHED: '尚未勾对', AMOUNT_MISMATCH: '金额不符未处理', NOT_IN_BANK: '提现未到银行', IGNORED: '已忽略',
      NO_RATE: '缺少汇率', NO_COST: '缺少成本', UNKNOWN_STORE: '未知店铺', NOT_RECOGNISED: '未确认收入',
    },
    voucherStatus: { draft: '待审核', approved: '已审核', posted: '已记账', reversed: '已冲销' },
    periodStatus: { open: '未结账', closed: '已结账' },
    errorCode: {
      BAD_REQUEST: '请求有误。', VALIDATION: '输入有误，请检查后重试。', INVALID_AMOUNT: '金额格式不正确。', TOO_MANY_DECIMALS: '金额小数位过多。',
      UNBALANCED: '借贷不平衡。', EMPTY_VOUCHER: '凭证没有分录。', UNKNOWN_ACCOUNT: '科目不存在。', NON_LEAF_ACCOUNT: '只能使用末级科目。',
      UNKNOWN_CURRENCY: '币种不受支持。', INVALID_PERIOD: '会计期间格式不正确。', PERIOD_CLOSED: '该会计期间已结账，不能修改。',
      PERIOD_NOT_CLOSABLE: '还有未审核或未记账的凭证，暂不能结账。', PERIOD_NOT_READY: '结账检查未通过，暂不能结账。', INVALID_STATE: '当前状态下不能执行此操作。',
      MAKER_CANNOT_APPROVE: '制单人不能审核自己制作的凭证。', IDEMPOTENCY_CONFLICT: '同一业务已生成过不同的凭证。', ALREADY_REVERSED: '该凭证已冲销。', SUPPLIER_REQUIRED: '应付账款需指明供应商。', UNKNOWN_SUPPLIER: '供应商未登记。',
      DUPLICATE: '记录重复。', NOT_FOUND: '找不到该记录。', UNAUTHORIZED: '登录已过期，请重新登录。', FORBIDDEN: '无权执行此操作。',
      PAYLOAD_TOO_LARGE: '文件过大。', UNSUPPORTED_FORMAT: '无法识别文件格式。请确认这是渠道导出的订单或账单文件，或为它建立列映射（任务窗格“建立映射”或命令行 cledger profile）。',
      RATE_LIMITED: '请求过于频繁，请稍后再试。', WRONG_PASSWORD: '密码不正确。',
      BUSY: '服务繁忙，请稍后再试。', INTERNAL: '服务内部错误，请联系管理员。', NETWORK: '网络错误。',
    },
    blocker: {
      open_exceptions: '异常尚未处理', held_items: '记录暂不过账', drafts: '凭证尚未审核或记账', period_end_pending: '期末凭证待审核', payouts_not_in_bank: '提现未到银行', unposted_records: '已勾对记录尚未过账',
    },
    channel: {
      alipay: '支付宝', wechat: '微信支付', taobao: '淘宝/天猫', tmall: '天猫', jd: '京东', pdd: '拼多多', douyin: '抖音', shopify: 'Shopify', amazon: '亚马逊', bank: '银行', other: '其他',
    },
    postingRole: {
      receivable: '应收账款', revenue: '主营业务收入', outputVat: '销项税额', wallet: '平台资金账户', commission: '平台佣金', paymentFee: '支付手续费', promotion: '推广费',
      shipping: '运费', otherPlatformCharge: '其他平台费用', bank: '银行存款', inventory: '库存商品', cost: '主营业务成本', exchangeGainLoss: '汇兑损益',
      differenceLoss: '差额（少收）', differenceGain: '差额（多收）',
    },
    profileRecord: { settlementTxn: '平台资金流水（收款、退款、费用）', bankTxn: '银行流水', order: '订单（每行一个商品）' },
    profileField: {
      occurredAt: '发生时间', amount: '金额（带正负号）', income: '收入金额', expense: '支出金额', externalId: '流水号', direction: '收支方向', kind: '业务类型',
      orderRef: '订单号', tradeNo: '交易号', counterparty: '对方', description: '摘要/备注', balanceAfter: '余额', account: '账号',
      orderNo: '订单号', status: '订单状态', sku: '商家编码', title: '商品名称', quantity: '数量', unitPrice: '单价', discount: '优惠', refunded: '退款金额',
      shipping: '运费', paidAt: '付款时间', shippedAt: '发货时间', completedAt: '完成时间',
    },
    taxCode: {
      GENERAL_13: '一般纳税人 13%', GENERAL_9: '一般纳税人 9%', GENERAL_6: '一般纳税人 6%', ZERO: '零税率/免税', ZERO_RATED: '零税率（进项可抵扣）', EXEMPT: '免税',
      SMALL_SCALE: '小规模纳税人', SMALL_SCALE_3: '小规模纳税人 3%',
    },
  },
  en: {
    exceptionType: {
      AMOUNT_MISMATCH: 'Amount mismatch', MISSING_PAYMENT: 'Missing payment', ORPHAN_PAYMENT: 'Payment without order', DUPLICATE_ORDER: 'Duplicate order', DUPLICATE_PAYMENT: 'Duplicate payment',
      REFUND_WITHOUT_ORDER: 'Refund without order', OVER_REFUND: 'Over-refund', PAYMENT_FAILED: 'Payment failed', CLOSED_ORDER_WITH_PAYMENT: 'Closed order with payment', CURRENCY_MISMATCH: 'Currency mismatch',
      NEEDS_APPROVAL: 'Needs approval',
      INVOICE_WITHOUT_ORDER: 'Invoice without order', ORDER_NOT_INVOICED: 'Order not invoiced', INVOICE_AMOUNT_MISMATCH: 'Invoice amount mismatch',
    },
    exceptionStatus: { open: 'Open', resolved: 'Resolved', ignored: 'Ignored', approved: 'Approved' },
    matchStatus: { suggested: 'Suggested', confirmed: 'Confirmed', unmatched: 'Unmatched', matches: 'Matches', exceptions: 'Exceptions' },
    holdReason: {
      NEEDS_APPROVAL: 'Waits for approval', NOT_MATCHED: 'Not matched', AMOUNT_MISMATCH: 'Open amount mismatch', NOT_IN_BANK: 'Payout not in bank', IGNORED: 'Ignored',
      NO_RATE: 'No exchange rate', NO_COST: 'No cost', UNKNOWN_STORE: 'Unknown store', NOT_RECOGNISED: 'Revenue not recognised',
    },
    voucherStatus: { draft: 'Draft', approved: 'Approved', posted: 'Posted', reversed: 'Reversed' },
    periodStatus: { open: 'Open', closed: 'Closed' },
    errorCode: {
      BAD_REQUEST: 'Bad request.', VALIDATION: 'Check the input and try again.', INVALID_AMOUNT: 'Invalid amount.', TOO_MANY_DECIMALS: 'Too many decimal places.',
      UNBALANCED: 'Debits and credits do not balance.', EMPTY_VOUCHER: 'The voucher has no lines.', UNKNOWN_ACCOUNT: 'Unknown account.', NON_LEAF_ACCOUNT: 'Only leaf accounts can be booked.',
      UNKNOWN_CURRENCY: 'Unsupported currency.', INVALID_PERIOD: 'Invalid period.', PERIOD_CLOSED: 'The period is closed and cannot change.',
      PERIOD_NOT_CLOSABLE: 'Vouchers still wait for approval or posting; the period cannot close yet.', PERIOD_NOT_READY: 'The close checklist is not clear; the period cannot close yet.', INVALID_STATE: 'Not possible in the current state.',
      MAKER_CANNOT_APPROVE: 'The maker of a voucher may not approve it.', IDEMPOTENCY_CONFLICT: 'This business event already produced a different voucher.', ALREADY_REVERSED: 'The voucher is already reversed.', SUPPLIER_REQUIRED: 'Accounts payable lines need a supplier.', UNKNOWN_SUPPLIER: 'The supplier is not registered.',
      DUPLICATE: 'Duplicate record.', NOT_FOUND: 'Not found.', UNAUTHORIZED: 'Your session has ended. Please sign in again.', FORBIDDEN: 'Not allowed for your role.',
      PAYLOAD_TOO_LARGE: 'The file is too large.', UNSUPPORTED_FORMAT: 'The file format is not recognised. Check it is a channel order or bill export, or map its columns (Map its columns in the pane, or `cledger profile`).',
      RATE_LIMITED: 'Too many attempts; try again shortly.', WRONG_PASSWORD: 'Wrong password.',
      BUSY: 'The service is busy; try again shortly.', INTERNAL: 'Internal service error; ask your administrator.', NETWORK: 'Network error.',
    },
    blocker: {
      open_exceptions: 'open exceptions', held_items: 'records held back from posting', drafts: 'vouchers not approved or posted', period_end_pending: 'period-end vouchers pending approval', payouts_not_in_bank: 'payouts not in the bank', unposted_records: 'matched records not posted',
    },
    channel: {
      alipay: 'Alipay', wechat: 'WeChat Pay', taobao: 'Taobao/Tmall', tmall: 'Tmall', jd: 'JD', pdd: 'Pinduoduo', douyin: 'Douyin', shopify: 'Shopify', amazon: 'Amazon', bank: 'Bank', other: 'Other',
    },
    postingRole: {
      receivable: 'Receivable', revenue: 'Revenue', outputVat: 'Output VAT', wallet: 'Platform wallet', commission: 'Commission', paymentFee: 'Payment fee', promotion: 'Promotion',
      shipping: 'Shipping', otherPlatformCharge: 'Other platform charges', bank: 'Bank', inventory: 'Inventory', cost: 'Cost of goods sold', exchangeGainLoss: 'Exchange gain/loss',
      differenceLoss: 'Difference (short)', differenceGain: 'Difference (over)',
    },
    profileRecord: { settlementTxn: 'Platform money (payments, refunds, fees)', bankTxn: 'Bank lines', order: 'Orders (one item per row)' },
    profileField: {
      occurredAt: 'Time', amount: 'Amount (signed)', income: 'Income', expense: 'Expense', externalId: 'Row id', direction: 'Direction (in/out)', kind: 'Type',
      orderRef: 'Order number', tradeNo: 'Trade number', counterparty: 'Counterparty', description: 'Description', balanceAfter: 'Balance', account: 'Account',
      orderNo: 'Order number', status: 'Order status', sku: 'SKU', title: 'Item title', quantity: 'Quantity', unitPrice: 'Unit price', discount: 'Discount', refunded: 'Refunded',
      shipping: 'Shipping', paidAt: 'Paid at', shippedAt: 'Shipped at', completedAt: 'Completed at',
    },
    taxCode: {
      GENERAL_13: 'General 13%', GENERAL_9: 'General 9%', GENERAL_6: 'General 6%', ZERO: 'Zero / exempt', ZERO_RATED: 'Zero-rated (input VAT deductible)', EXEMPT: 'Exempt',
      SMALL_SCALE: 'Small-scale taxpayer', SMALL_SCALE_3: 'Small-scale 3%',
    },
  },
}
