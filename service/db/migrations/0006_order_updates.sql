CREATE TABLE `order_updates` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`company_id` integer NOT NULL,
	`batch_id` integer NOT NULL,
	`channel` text NOT NULL,
	`order_no` text NOT NULL,
	`sub_order_no` text NOT NULL,
	`old_status` text NOT NULL,
	`new_status` text NOT NULL,
	`old_status_raw` text NOT NULL,
	`new_status_raw` text NOT NULL,
	`old_refunded_minor` integer NOT NULL,
	`new_refunded_minor` integer NOT NULL,
	`source_hash` text NOT NULL,
	`source_row` integer NOT NULL,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`batch_id`) REFERENCES `import_batches`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `order_updates_order` ON `order_updates` (`company_id`,`channel`,`order_no`);--> statement-breakpoint
CREATE INDEX `order_updates_batch` ON `order_updates` (`batch_id`);--> statement-breakpoint
ALTER TABLE `import_batches` ADD `updated_count` integer DEFAULT 0 NOT NULL;