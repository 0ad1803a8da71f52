import type { Held } from './types.ts'

/**
 * Why an item waits in a posting run and what fixes it, in zh-CN and en, per
 * hold reason. The item's own `message` says which record and why; this names
 * the command or the pane setting that lets it post.
 */
export type HoldReason = Held['reason']

export const HOLD_REASONS = ['NEEDS_APPROVAL', 'NOT_MATCHED', 'AMOUNT_MISMATCH', 'NOT_IN_BANK', 'IGNORED', 'NO_RATE', 'NO_COST', 'UNKNOWN_STORE', 'NOT_RECOGNISED'] as const satisfies ReadonlyArray<HoldReason>

export const HOLD_HELP: Readonly<Record<HoldReason, { readonly zh: string; readonly en: string }>> = {
  NEEDS_APPROVAL: {
    zh: '需审批：由规则指定的角色批准例外后即可记账（`cledger exceptions approve <编号> --reason …`，或任务窗格“对账”→例外→批准）。',
    en: 'Needs approval: the role the rule names approves the exception, then it posts (`cledger exceptions approve <id> --reason …`, or the pane: Reconcile → exception → Approve).',
  },
  NOT_MATCHED: {
    zh: '未匹配：导入缺少的订单或账单后重新对账（`cledger import …`，`cledger match`），确认建议匹配（`cledger match confirm <编号>`）或手工匹配（`cledger match manual <订单> <流水>`）。',
    en: 'Not matched: import the missing orders or bill and match again (`cledger import …`, `cledger match`), confirm the suggested match (`cledger match confirm <id>`) or match by hand (`cledger match manual <order> <txns>`).',
  },
  AMOUNT_MISMATCH: {
    zh: '金额不符：核对差额后处理例外（`cledger exceptions resolve <编号> --reason …`），或在设置中调整容差（任务窗格“设置”→对账容差）。',
    en: 'Amount mismatch: check the difference and resolve the exception (`cledger exceptions resolve <id> --reason …`), or set a tolerance (pane: Settings → matching tolerance).',
  },
  NOT_IN_BANK: {
    zh: '提现未到账：导入该期间的银行流水后重新对账（`cledger import 银行流水.csv`，`cledger match`）；不导入银行流水的公司可在设置中改为按平台日期记提现（posting.payouts = channel）。',
    en: 'Payout not in the bank yet: import the bank statement and match again (`cledger import statement.csv`, `cledger match`); a company that imports no statements sets payouts to post on the platform date (posting.payouts = channel, pane: Settings).',
  },
  IGNORED: {
    zh: '已忽略：该例外被人工忽略，不会记账；如需记账请重新打开并处理（`cledger exceptions show <编号>`）。',
    en: 'Ignored: a person ignored this exception, so it never posts; to post it, reopen and settle it (`cledger exceptions show <id>`).',
  },
  NO_RATE: {
    zh: '缺少汇率：导入该日期（或之前）的汇率后重新记账（`cledger rates import 汇率.csv`，然后 `cledger post`）。',
    en: 'No exchange rate: import the rate for that date or earlier, then post again (`cledger rates import rates.csv`, then `cledger post`).',
  },
  NO_COST: {
    zh: '缺少成本：该 SKU 无库存成本，先导入采购入库（`cledger inventory receipts 入库.csv`），再记账。',
    en: 'No cost: the SKU has no stock cost yet; import the purchase receipts first (`cledger inventory receipts receipts.csv`), then post.',
  },
  UNKNOWN_STORE: {
    zh: '未知店铺：该店铺没有记账配置。用 `cledger store add <店铺> --channel <渠道>` 登记（或任务窗格“设置”→店铺），或用 `cledger import … --store <店铺>` 重新导入。',
    en: 'Unknown store: the store has no posting profile. Register it with `cledger store add <store> --channel <channel>` (or the pane: Settings → Stores), or import with `cledger import … --store <store>`.',
  },
  NOT_RECOGNISED: {
    zh: '尚未确认收入：订单未到确认收货（或发货）不记销售；如按发货确认收入，在设置中改为 posting.recognition = shipped（任务窗格“设置”）。',
    en: 'Sale not recognised yet: the order has not reached 确认收货 (or shipment); to recognise on shipment set posting.recognition = shipped (pane: Settings).',
  },
}

/** Counts per reason with their help, in the order of HOLD_REASONS. */
export function holdReasons(held: ReadonlyArray<Pick<Held, 'reason'>>): Array<{ reason: HoldReason; count: number; zh: string; en: string }> {
  const counts = new Map<HoldReason, number>()
  for (const item of held) counts.set(item.reason, (counts.get(item.reason) ?? 0) + 1)
  return HOLD_REASONS.filter((reason) => counts.has(reason)).map((reason) => ({ reason, count: counts.get(reason) ?? 0, ...HOLD_HELP[reason] }))
}
