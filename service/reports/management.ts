/**
 * Management reports: 科目余额表, 应收账款账龄, 渠道利润, 凭证汇总表, 总账, 明细账,
 * one file each under ./management/ (their balance reads are in service/ledger/balances.ts).
 */
export type { ManagementOptions } from './management/common.ts'
export { trialBalanceReport } from './management/trial-balance.ts'
export { AGING_BUCKETS, type ReceivableEntry, ageReceivables, arAging } from './management/ar-aging.ts'
export { channelProfit, marginRatio } from './management/channel-profit.ts'
export { voucherRegister } from './management/voucher-register.ts'
export { accountDetail, generalLedger } from './management/general-ledger.ts'
