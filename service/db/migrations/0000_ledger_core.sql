CREATE TABLE `accounts` (
	`company_id` integer NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`name_en` text DEFAULT '' NOT NULL,
	`type` text NOT NULL,
	`normal_side` text NOT NULL,
	`parent_code` text,
	`is_leaf` integer NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	PRIMARY KEY(`company_id`, `code`),
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `companies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`base_currency` text DEFAULT 'CNY' NOT NULL,
	`taxpayer_type` text DEFAULT 'general' NOT NULL,
	`chart_template` text DEFAULT 'small-enterprise' NOT NULL,
	`settings_json` text DEFAULT '{}' NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `companies_code_unique` ON `companies` (`code`);--> statement-breakpoint
CREATE TABLE `periods` (
	`company_id` integer NOT NULL,
	`period` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`closed_by` integer,
	`closed_at` text,
	PRIMARY KEY(`company_id`, `period`),
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `stores` (
	`company_id` integer NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`channel` text DEFAULT '' NOT NULL,
	`vat_rate` text,
	PRIMARY KEY(`company_id`, `code`),
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `tax_rates` (
	`code` text NOT NULL,
	`rate` text NOT NULL,
	`taxpayer_type` text NOT NULL,
	`valid_from` text NOT NULL,
	`valid_to` text,
	`note` text DEFAULT '' NOT NULL,
	PRIMARY KEY(`code`, `valid_from`)
);
--> statement-breakpoint
CREATE TABLE `balances` (
	`company_id` integer NOT NULL,
	`account_code` text NOT NULL,
	`period` text NOT NULL,
	`store` text NOT NULL,
	`currency` text NOT NULL,
	`debit_minor` integer DEFAULT 0 NOT NULL,
	`credit_minor` integer DEFAULT 0 NOT NULL,
	`debit_original_minor` integer DEFAULT 0 NOT NULL,
	`credit_original_minor` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`company_id`, `account_code`, `period`, `store`, `currency`)
);
--> statement-breakpoint
CREATE INDEX `balances_period` ON `balances` (`company_id`,`period`);--> statement-breakpoint
CREATE TABLE `voucher_lines` (
	`voucher_id` integer NOT NULL,
	`line_no` integer NOT NULL,
	`company_id` integer NOT NULL,
	`period` text NOT NULL,
	`account_code` text NOT NULL,
	`store` text DEFAULT '' NOT NULL,
	`currency` text NOT NULL,
	`side` text NOT NULL,
	`amount_minor` integer NOT NULL,
	`original_minor` integer NOT NULL,
	`rate` text,
	`summary` text DEFAULT '' NOT NULL,
	PRIMARY KEY(`voucher_id`, `line_no`),
	FOREIGN KEY (`voucher_id`) REFERENCES `vouchers`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `voucher_lines_account` ON `voucher_lines` (`company_id`,`account_code`,`period`);--> statement-breakpoint
CREATE TABLE `voucher_sources` (
	`voucher_id` integer NOT NULL,
	`company_id` integer NOT NULL,
	`source_kind` text NOT NULL,
	`source_id` text NOT NULL,
	FOREIGN KEY (`voucher_id`) REFERENCES `vouchers`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `voucher_sources_unique` ON `voucher_sources` (`company_id`,`source_kind`,`source_id`);--> statement-breakpoint
CREATE INDEX `voucher_sources_voucher` ON `voucher_sources` (`voucher_id`);--> statement-breakpoint
CREATE TABLE `vouchers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`company_id` integer NOT NULL,
	`period` text NOT NULL,
	`word` text NOT NULL,
	`number` integer,
	`date` text NOT NULL,
	`status` text NOT NULL,
	`summary` text DEFAULT '' NOT NULL,
	`total_minor` integer NOT NULL,
	`maker_id` integer NOT NULL,
	`approver_id` integer,
	`approved_at` text,
	`poster_id` integer,
	`posted_at` text,
	`reversal_of` integer,
	`reversed_by` integer,
	`idempotency_key` text,
	`input_hash` text NOT NULL,
	`source_kind` text DEFAULT 'manual' NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `vouchers_number_unique` ON `vouchers` (`company_id`,`period`,`word`,`number`);--> statement-breakpoint
CREATE UNIQUE INDEX `vouchers_idempotency_unique` ON `vouchers` (`company_id`,`idempotency_key`);--> statement-breakpoint
CREATE INDEX `vouchers_company_status` ON `vouchers` (`company_id`,`status`,`period`);--> statement-breakpoint
CREATE TABLE `memberships` (
	`user_id` integer NOT NULL,
	`company_id` integer NOT NULL,
	`role` text NOT NULL,
	PRIMARY KEY(`user_id`, `company_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `tokens` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`token_hash` text NOT NULL,
	`kind` text NOT NULL,
	`name` text DEFAULT '' NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`revoked_at` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tokens_hash_unique` ON `tokens` (`token_hash`);--> statement-breakpoint
CREATE INDEX `tokens_user` ON `tokens` (`user_id`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`username` text NOT NULL,
	`display_name` text DEFAULT '' NOT NULL,
	`password_hash` text NOT NULL,
	`disabled` integer DEFAULT false NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_unique` ON `users` (`username`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` text NOT NULL,
	`company_id` integer,
	`actor_id` integer,
	`action` text NOT NULL,
	`entity` text NOT NULL,
	`entity_id` text NOT NULL,
	`payload_json` text NOT NULL,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL
);
