CREATE TABLE `invoice_attachments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`company_id` integer NOT NULL,
	`invoice_no` text NOT NULL,
	`file_name` text NOT NULL,
	`media_type` text NOT NULL,
	`sha256` text NOT NULL,
	`size` integer NOT NULL,
	`content_base64` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invoice_attachments_file` ON `invoice_attachments` (`company_id`,`invoice_no`,`sha256`);--> statement-breakpoint
CREATE TABLE `invoice_exceptions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`company_id` integer NOT NULL,
	`key` text NOT NULL,
	`type` text NOT NULL,
	`status` text NOT NULL,
	`live` integer DEFAULT 1 NOT NULL,
	`period` text NOT NULL,
	`invoice_no` text,
	`channel` text,
	`order_no` text,
	`expected_minor` integer NOT NULL,
	`invoiced_minor` integer NOT NULL,
	`why` text NOT NULL,
	`decided_by` integer,
	`decided_at` text,
	`decision_reason` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invoice_exceptions_key` ON `invoice_exceptions` (`company_id`,`key`);--> statement-breakpoint
CREATE INDEX `invoice_exceptions_status` ON `invoice_exceptions` (`company_id`,`status`,`type`);--> statement-breakpoint
CREATE TABLE `invoice_orders` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`company_id` integer NOT NULL,
	`invoice_no` text NOT NULL,
	`channel` text NOT NULL,
	`order_no` text NOT NULL,
	`amount_minor` integer NOT NULL,
	`rule` text NOT NULL,
	`why` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invoice_orders_pair` ON `invoice_orders` (`company_id`,`invoice_no`,`channel`,`order_no`);--> statement-breakpoint
CREATE INDEX `invoice_orders_order` ON `invoice_orders` (`company_id`,`channel`,`order_no`);--> statement-breakpoint
CREATE TABLE `invoice_requests` (
	`company_id` integer NOT NULL,
	`channel` text NOT NULL,
	`order_no` text NOT NULL,
	`title` text DEFAULT '' NOT NULL,
	`buyer_tax_id` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invoice_requests_order` ON `invoice_requests` (`company_id`,`channel`,`order_no`);--> statement-breakpoint
CREATE TABLE `invoices` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`company_id` integer NOT NULL,
	`batch_id` integer NOT NULL,
	`invoice_no` text NOT NULL,
	`invoice_code` text,
	`invoice_type` text NOT NULL,
	`issued_at` text NOT NULL,
	`seller_tax_id` text NOT NULL,
	`seller_name` text NOT NULL,
	`buyer_tax_id` text NOT NULL,
	`buyer_name` text NOT NULL,
	`currency` text NOT NULL,
	`amount_minor` integer NOT NULL,
	`tax_minor` integer NOT NULL,
	`total_minor` integer NOT NULL,
	`tax_rate` text NOT NULL,
	`status` text NOT NULL,
	`status_raw` text NOT NULL,
	`is_red` integer NOT NULL,
	`original_invoice_no` text,
	`remark` text NOT NULL,
	`certification` text,
	`items_json` text NOT NULL,
	`source_hash` text NOT NULL,
	`source_sheet` text,
	`source_row` integer NOT NULL,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`batch_id`) REFERENCES `import_batches`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invoices_natural` ON `invoices` (`company_id`,`invoice_no`);--> statement-breakpoint
CREATE INDEX `invoices_issued` ON `invoices` (`company_id`,`issued_at`);--> statement-breakpoint
CREATE INDEX `invoices_original` ON `invoices` (`company_id`,`original_invoice_no`);--> statement-breakpoint
CREATE TABLE `voucher_invoices` (
	`company_id` integer NOT NULL,
	`voucher_id` integer NOT NULL,
	`invoice_no` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `voucher_invoices_pair` ON `voucher_invoices` (`company_id`,`voucher_id`,`invoice_no`);
