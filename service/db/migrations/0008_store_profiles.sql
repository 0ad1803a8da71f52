ALTER TABLE `stores` ADD `bank_account` text;--> statement-breakpoint
ALTER TABLE `stores` ADD `overrides_json` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE `stores` ADD `created_at` text;--> statement-breakpoint
-- Stores registered before this migration get a creation time (their company's).
UPDATE `stores` SET `created_at` = (SELECT `created_at` FROM `companies` WHERE `companies`.`id` = `stores`.`company_id`) WHERE `created_at` IS NULL;
--> statement-breakpoint
-- Any other writer that registers a store without a time (writeVouchers' first use) gets one.
CREATE TRIGGER stores_created_at AFTER INSERT ON stores WHEN NEW.created_at IS NULL
BEGIN
  UPDATE stores SET created_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE company_id = NEW.company_id AND code = NEW.code;
END;
--> statement-breakpoint
-- Wallet of the `other` channel (generic imports, own web shops): 1012.99 其他平台, for companies made before it was in the chart.
INSERT OR IGNORE INTO `accounts` (`company_id`, `code`, `name`, `name_en`, `type`, `normal_side`, `parent_code`, `is_leaf`, `active`)
  SELECT `company_id`, '1012.99', '其他平台', 'Other platforms', 'asset', 'debit', '1012', 1, 1 FROM `accounts` WHERE `code` = '1012.07';
--> statement-breakpoint
-- Stores that records were imported into before imports registered them (0 vouchers, UNKNOWN_STORE): registered with their records' channel.
INSERT OR IGNORE INTO `stores` (`company_id`, `code`, `name`, `channel`, `created_at`)
  SELECT `company_id`, `store`, `store`, MIN(`channel`), strftime('%Y-%m-%dT%H:%M:%fZ','now') FROM (
    SELECT DISTINCT `company_id`, `store`, `channel` FROM `orders` WHERE `store` <> ''
    UNION SELECT DISTINCT `company_id`, `store`, `channel` FROM `settlement_txns` WHERE `store` <> ''
  ) GROUP BY `company_id`, `store`;
--> statement-breakpoint
-- Stores a voucher registered first (no channel) that have imported records: their records' channel.
UPDATE `stores` SET `channel` = (
    SELECT MIN(`channel`) FROM (
      SELECT `company_id`, `store`, `channel` FROM `orders` UNION SELECT `company_id`, `store`, `channel` FROM `settlement_txns`
    ) AS `r` WHERE `r`.`company_id` = `stores`.`company_id` AND `r`.`store` = `stores`.`code`)
  WHERE `channel` = '' AND EXISTS (SELECT 1 FROM `settlement_txns` AS `t` WHERE `t`.`company_id` = `stores`.`company_id` AND `t`.`store` = `stores`.`code`
    UNION ALL SELECT 1 FROM `orders` AS `o` WHERE `o`.`company_id` = `stores`.`company_id` AND `o`.`store` = `stores`.`code`);
