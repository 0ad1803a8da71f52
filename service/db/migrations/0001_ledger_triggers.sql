-- Ledger invariants enforced by the database itself, beside the service's checks
-- (accounting.md: posted vouchers never change; nothing is written into a closed period;
-- the audit log is append-only).
CREATE TRIGGER posted_voucher_immutable BEFORE UPDATE ON vouchers
WHEN OLD.status = 'posted' AND (
  NEW.status IS NOT OLD.status OR NEW.number IS NOT OLD.number OR NEW.date IS NOT OLD.date OR
  NEW.period IS NOT OLD.period OR NEW.word IS NOT OLD.word OR NEW.company_id IS NOT OLD.company_id OR
  NEW.total_minor IS NOT OLD.total_minor OR NEW.summary IS NOT OLD.summary OR NEW.reversal_of IS NOT OLD.reversal_of OR
  NEW.input_hash IS NOT OLD.input_hash OR NEW.idempotency_key IS NOT OLD.idempotency_key OR
  (OLD.reversed_by IS NOT NULL AND NEW.reversed_by IS NOT OLD.reversed_by))
BEGIN SELECT RAISE(ABORT, 'posted vouchers are immutable: post a reversal instead'); END;
--> statement-breakpoint
CREATE TRIGGER posted_voucher_undeletable BEFORE DELETE ON vouchers WHEN OLD.status = 'posted'
BEGIN SELECT RAISE(ABORT, 'posted vouchers cannot be deleted'); END;
--> statement-breakpoint
CREATE TRIGGER posted_lines_immutable BEFORE UPDATE ON voucher_lines
WHEN (SELECT status FROM vouchers WHERE id = OLD.voucher_id) = 'posted'
BEGIN SELECT RAISE(ABORT, 'lines of posted vouchers are immutable'); END;
--> statement-breakpoint
CREATE TRIGGER posted_lines_undeletable BEFORE DELETE ON voucher_lines
WHEN (SELECT status FROM vouchers WHERE id = OLD.voucher_id) = 'posted'
BEGIN SELECT RAISE(ABORT, 'lines of posted vouchers cannot be deleted'); END;
--> statement-breakpoint
CREATE TRIGGER closed_period_no_vouchers BEFORE INSERT ON vouchers
WHEN (SELECT status FROM periods WHERE company_id = NEW.company_id AND period = NEW.period) = 'closed'
BEGIN SELECT RAISE(ABORT, 'period is closed'); END;
--> statement-breakpoint
CREATE TRIGGER closed_period_no_lines BEFORE INSERT ON voucher_lines
WHEN (SELECT status FROM periods WHERE company_id = NEW.company_id AND period = NEW.period) = 'closed'
BEGIN SELECT RAISE(ABORT, 'period is closed'); END;
--> statement-breakpoint
CREATE TRIGGER closed_period_no_balance_insert BEFORE INSERT ON balances
WHEN (SELECT status FROM periods WHERE company_id = NEW.company_id AND period = NEW.period) = 'closed'
BEGIN SELECT RAISE(ABORT, 'period is closed'); END;
--> statement-breakpoint
CREATE TRIGGER closed_period_no_balance_update BEFORE UPDATE ON balances
WHEN (SELECT status FROM periods WHERE company_id = NEW.company_id AND period = NEW.period) = 'closed'
BEGIN SELECT RAISE(ABORT, 'period is closed'); END;
--> statement-breakpoint
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
