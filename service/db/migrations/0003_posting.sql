CREATE TABLE `exchange_rates` (
	`company_id` integer NOT NULL,
	`date` text NOT NULL,
	`currency` text NOT NULL,
	`base_currency` text NOT NULL,
	`rate` text NOT NULL,
	`source` text DEFAULT '' NOT NULL,
	PRIMARY KEY(`company_id`, `currency`, `base_currency`, `date`),
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE TABLE `fx_revaluations` (
	`company_id` integer NOT NULL,
	`period` text NOT NULL,
	`account_code` text NOT NULL,
	`store` text NOT NULL,
	`currency` text NOT NULL,
	`rate` text NOT NULL,
	`adjustment_minor` integer NOT NULL,
	`voucher_id` integer NOT NULL,
	PRIMARY KEY(`company_id`, `period`, `account_code`, `store`, `currency`),
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE TABLE `inventory_moves` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`company_id` integer NOT NULL,
	`sku` text NOT NULL,
	`kind` text NOT NULL,
	`move_key` text NOT NULL,
	`date` text NOT NULL,
	`quantity` integer NOT NULL,
	`cost_minor` integer,
	`reference` text DEFAULT '' NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `inventory_moves_key` ON `inventory_moves` (`company_id`,`kind`,`move_key`);--> statement-breakpoint
CREATE INDEX `inventory_moves_sku` ON `inventory_moves` (`company_id`,`sku`,`date`);--> statement-breakpoint
CREATE TABLE `products` (
	`company_id` integer NOT NULL,
	`sku` text NOT NULL,
	`name` text DEFAULT '' NOT NULL,
	PRIMARY KEY(`company_id`, `sku`),
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
INSERT OR IGNORE INTO `tax_rates` (`code`, `rate`, `taxpayer_type`, `valid_from`, `valid_to`, `note`) VALUES
  ('GENERAL_13', '0.13', 'general', '2019-04-01', NULL, '货物销售 13%'),
  ('GENERAL_9', '0.09', 'general', '2019-04-01', NULL, '交通运输、农产品等 9%'),
  ('GENERAL_6', '0.06', 'general', '2016-05-01', NULL, '现代服务 6%'),
  ('ZERO', '0', 'general', '2000-01-01', NULL, '零税率 / 免税'),
  ('SMALL_SCALE', '0.03', 'smallScale', '2009-01-01', '2022-12-31', '小规模纳税人征收率 3%'),
  ('SMALL_SCALE', '0.01', 'smallScale', '2023-01-01', '2027-12-31', '小规模纳税人 3% 减按 1% (2023年第19号公告)'),
  ('SMALL_SCALE', '0.03', 'smallScale', '2028-01-01', NULL, '小规模纳税人征收率 3% (增值税法)'),
  ('SMALL_SCALE_3', '0.03', 'smallScale', '2009-01-01', NULL, '小规模纳税人 3% (放弃减免)');
