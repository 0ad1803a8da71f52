CREATE TABLE `bank_txns` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`company_id` integer NOT NULL,
	`batch_id` integer NOT NULL,
	`account` text NOT NULL,
	`external_id` text NOT NULL,
	`occurred_at` text NOT NULL,
	`value_date` text,
	`amount_minor` integer NOT NULL,
	`currency` text NOT NULL,
	`balance_after_minor` integer,
	`counterparty` text,
	`counterparty_account` text,
	`reference` text,
	`memo` text NOT NULL,
	`source_hash` text NOT NULL,
	`source_sheet` text,
	`source_row` integer NOT NULL,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`batch_id`) REFERENCES `import_batches`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `bank_txns_natural_key` ON `bank_txns` (`company_id`,`account`,`external_id`);--> statement-breakpoint
CREATE INDEX `bank_txns_time` ON `bank_txns` (`company_id`,`occurred_at`);--> statement-breakpoint
CREATE TABLE `import_batches` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`company_id` integer NOT NULL,
	`actor_id` integer,
	`actor_name` text DEFAULT '' NOT NULL,
	`file_name` text NOT NULL,
	`file_hash` text NOT NULL,
	`file_size` integer NOT NULL,
	`parser` text NOT NULL,
	`store` text DEFAULT '' NOT NULL,
	`status` text NOT NULL,
	`read_count` integer NOT NULL,
	`imported_count` integer NOT NULL,
	`duplicate_count` integer NOT NULL,
	`rejected_count` integer NOT NULL,
	`skipped_count` integer NOT NULL,
	`counts_json` text DEFAULT '{}' NOT NULL,
	`checks_json` text DEFAULT '[]' NOT NULL,
	`started_at` text NOT NULL,
	`finished_at` text NOT NULL,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `import_batches_company` ON `import_batches` (`company_id`,`id`);--> statement-breakpoint
CREATE INDEX `import_batches_hash` ON `import_batches` (`company_id`,`file_hash`);--> statement-breakpoint
CREATE TABLE `import_rejects` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`company_id` integer NOT NULL,
	`batch_id` integer NOT NULL,
	`row_number` integer NOT NULL,
	`sheet` text,
	`column` text NOT NULL,
	`reason` text NOT NULL,
	`raw` text NOT NULL,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`batch_id`) REFERENCES `import_batches`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `import_rejects_batch` ON `import_rejects` (`batch_id`,`row_number`);--> statement-breakpoint
CREATE TABLE `order_lines` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`company_id` integer NOT NULL,
	`batch_id` integer NOT NULL,
	`channel` text NOT NULL,
	`store` text NOT NULL,
	`order_no` text NOT NULL,
	`sub_order_no` text NOT NULL,
	`sku` text NOT NULL,
	`title` text NOT NULL,
	`quantity` integer NOT NULL,
	`unit_price_minor` integer NOT NULL,
	`discount_minor` integer NOT NULL,
	`amount_minor` integer NOT NULL,
	`refunded_minor` integer NOT NULL,
	`status` text NOT NULL,
	`status_raw` text NOT NULL,
	`currency` text NOT NULL,
	`source_hash` text NOT NULL,
	`source_sheet` text,
	`source_row` integer NOT NULL,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`batch_id`) REFERENCES `import_batches`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `order_lines_natural_key` ON `order_lines` (`company_id`,`channel`,`order_no`,`sub_order_no`);--> statement-breakpoint
CREATE TABLE `orders` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`company_id` integer NOT NULL,
	`batch_id` integer NOT NULL,
	`channel` text NOT NULL,
	`store` text NOT NULL,
	`order_no` text NOT NULL,
	`status` text NOT NULL,
	`status_raw` text NOT NULL,
	`buyer_ref` text,
	`created_at` text NOT NULL,
	`paid_at` text,
	`shipped_at` text,
	`completed_at` text,
	`cancelled_at` text,
	`currency` text NOT NULL,
	`gross_minor` integer NOT NULL,
	`discount_minor` integer NOT NULL,
	`shipping_minor` integer NOT NULL,
	`tax_minor` integer NOT NULL,
	`refunded_minor` integer NOT NULL,
	`payment_ref` text,
	`source_hash` text NOT NULL,
	`source_sheet` text,
	`source_row` integer NOT NULL,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`batch_id`) REFERENCES `import_batches`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `orders_natural_key` ON `orders` (`company_id`,`channel`,`order_no`);--> statement-breakpoint
CREATE INDEX `orders_store_created` ON `orders` (`company_id`,`store`,`created_at`);--> statement-breakpoint
CREATE INDEX `orders_payment_ref` ON `orders` (`company_id`,`payment_ref`);--> statement-breakpoint
CREATE TABLE `settlement_txns` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`company_id` integer NOT NULL,
	`batch_id` integer NOT NULL,
	`channel` text NOT NULL,
	`store` text NOT NULL,
	`external_id` text NOT NULL,
	`kind` text NOT NULL,
	`amount_minor` integer NOT NULL,
	`currency` text NOT NULL,
	`occurred_at` text NOT NULL,
	`order_ref` text,
	`trade_no` text,
	`payout_ref` text,
	`counterparty` text,
	`balance_after_minor` integer,
	`description` text NOT NULL,
	`source_hash` text NOT NULL,
	`source_sheet` text,
	`source_row` integer NOT NULL,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`batch_id`) REFERENCES `import_batches`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `settlement_txns_natural_key` ON `settlement_txns` (`company_id`,`channel`,`external_id`,`kind`);--> statement-breakpoint
CREATE INDEX `settlement_txns_order_ref` ON `settlement_txns` (`company_id`,`order_ref`);--> statement-breakpoint
CREATE INDEX `settlement_txns_store_time` ON `settlement_txns` (`company_id`,`store`,`occurred_at`);