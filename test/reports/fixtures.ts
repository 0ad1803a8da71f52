import type { VoucherInput } from '../../shared/voucher.ts'
import { aVoucher } from '../support/builders.ts'

/** The demo month of a small Tmall/JD/PDD seller, 2026-10 (amounts in 元). */
export function demoMonth(): VoucherInput[] {
  return [
    aVoucher('2026-10-01').summary('投资款').debit('1002', '100000.00').credit('3001', '100000.00').build(),
    aVoucher('2026-10-02').summary('采购商品').debit('1405', '40000.00').debit('2221.01.01', '5200.00').credit('1002', '45200.00').build(),
    aVoucher('2026-10-05').summary('天猫订单').debit('1122', '11300.00', { store: 'tmall' }).credit('5001', '10000.00', { store: 'tmall' }).credit('2221.01.02', '1300.00', { store: 'tmall' }).build(),
    aVoucher('2026-10-06').summary('京东订单').debit('1122', '2260.00', { store: 'jd' }).credit('5001', '2000.00', { store: 'jd' }).credit('2221.01.02', '260.00', { store: 'jd' }).build(),
    aVoucher('2026-10-10').summary('天猫结算').debit('1012.01', '10848.00', { store: 'tmall' }).debit('5601.01', '339.00', { store: 'tmall' }).debit('5603.01', '113.00', { store: 'tmall' }).credit('1122', '11300.00', { store: 'tmall' }).build(),
    aVoucher('2026-10-12').summary('结转成本').debit('5401', '6000.00', { store: 'tmall' }).credit('1405', '6000.00').build(),
    aVoucher('2026-10-15').summary('直通车推广').debit('5601.02', '500.00', { store: 'tmall' }).credit('1012.01', '500.00', { store: 'tmall' }).build(),
    aVoucher('2026-10-20').summary('支付宝提现').debit('1002', '10000.00').credit('1012.01', '10000.00', { store: 'tmall' }).build(),
    aVoucher('2026-10-25').summary('拼多多预收').debit('1012.04', '300.00', { store: 'pdd' }).credit('1122', '300.00', { store: 'pdd' }).build(),
  ]
}
