ALTER TABLE `settlement_txns` ADD `counter_account` text;--> statement-breakpoint
-- Transfers between the owner's own accounts post to sub-wallets beside the channel wallets and to 1101
-- (shared/posting/transfers.ts); companies created before this migration get those accounts too.
INSERT OR IGNORE INTO `accounts` (`company_id`, `code`, `name`, `name_en`, `type`, `normal_side`, `parent_code`, `is_leaf`, `active`)
  SELECT `id`, '1012.08', '余额宝', 'Yu''e Bao (Alipay money fund)', 'asset', 'debit', '1012', 1, 1 FROM `companies`;
--> statement-breakpoint
INSERT OR IGNORE INTO `accounts` (`company_id`, `code`, `name`, `name_en`, `type`, `normal_side`, `parent_code`, `is_leaf`, `active`)
  SELECT `id`, '1012.09', '零钱通', 'WeChat Lingqiantong', 'asset', 'debit', '1012', 1, 1 FROM `companies`;
--> statement-breakpoint
INSERT OR IGNORE INTO `accounts` (`company_id`, `code`, `name`, `name_en`, `type`, `normal_side`, `parent_code`, `is_leaf`, `active`)
  SELECT `id`, '1101', '交易性金融资产', 'Trading financial assets', 'asset', 'debit', NULL, 1, 1 FROM `companies`;
