ALTER TABLE `vouchers` ADD `attachments` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
DROP TRIGGER IF EXISTS posted_voucher_immutable;
--> statement-breakpoint
CREATE TRIGGER posted_voucher_immutable BEFORE UPDATE ON vouchers
WHEN OLD.status = 'posted' AND (
  NEW.status IS NOT OLD.status OR NEW.number IS NOT OLD.number OR NEW.date IS NOT OLD.date OR
  NEW.period IS NOT OLD.period OR NEW.word IS NOT OLD.word OR NEW.company_id IS NOT OLD.company_id OR
  NEW.total_minor IS NOT OLD.total_minor OR NEW.summary IS NOT OLD.summary OR NEW.reversal_of IS NOT OLD.reversal_of OR
  NEW.input_hash IS NOT OLD.input_hash OR NEW.idempotency_key IS NOT OLD.idempotency_key OR
  NEW.attachments IS NOT OLD.attachments OR
  (OLD.reversed_by IS NOT NULL AND NEW.reversed_by IS NOT OLD.reversed_by))
BEGIN SELECT RAISE(ABORT, 'posted vouchers are immutable: post a reversal instead'); END;
