CREATE TABLE `exception_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`exception_id` integer NOT NULL,
	`company_id` integer NOT NULL,
	`at` text NOT NULL,
	`actor_id` integer,
	`action` text NOT NULL,
	`from_status` text,
	`to_status` text NOT NULL,
	`reason` text DEFAULT '' NOT NULL,
	`payload_json` text DEFAULT '{}' NOT NULL,
	FOREIGN KEY (`exception_id`) REFERENCES `exceptions`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `exception_events_exception` ON `exception_events` (`exception_id`,`id`);--> statement-breakpoint
CREATE TABLE `exception_items` (
	`exception_id` integer NOT NULL,
	`company_id` integer NOT NULL,
	`item_kind` text NOT NULL,
	`item_ref` text NOT NULL,
	`role` text NOT NULL,
	`amount_minor` integer NOT NULL,
	`currency` text NOT NULL,
	FOREIGN KEY (`exception_id`) REFERENCES `exceptions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `exception_items_exception` ON `exception_items` (`exception_id`);--> statement-breakpoint
CREATE INDEX `exception_items_ref` ON `exception_items` (`company_id`,`item_kind`,`item_ref`);--> statement-breakpoint
CREATE TABLE `exceptions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`company_id` integer NOT NULL,
	`key` text NOT NULL,
	`type` text NOT NULL,
	`status` text NOT NULL,
	`live` integer DEFAULT 1 NOT NULL,
	`level` text NOT NULL,
	`rule` text NOT NULL,
	`why` text NOT NULL,
	`channel` text NOT NULL,
	`store` text NOT NULL,
	`currency` text NOT NULL,
	`period` text NOT NULL,
	`date` text NOT NULL,
	`order_key` text,
	`amount_minor` integer NOT NULL,
	`difference_minor` integer NOT NULL,
	`required_role` text,
	`content_hash` text NOT NULL,
	`members_hash` text NOT NULL,
	`orders_count` integer DEFAULT 0 NOT NULL,
	`orders_gross_minor` integer DEFAULT 0 NOT NULL,
	`expected_minor` integer DEFAULT 0 NOT NULL,
	`paid_minor` integer DEFAULT 0 NOT NULL,
	`refunded_minor` integer DEFAULT 0 NOT NULL,
	`fees_minor` integer DEFAULT 0 NOT NULL,
	`payouts_minor` integer DEFAULT 0 NOT NULL,
	`bank_received_minor` integer DEFAULT 0 NOT NULL,
	`measured_minor` integer DEFAULT 0 NOT NULL,
	`decided_by` integer,
	`decided_at` text,
	`decision_reason` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `exceptions_key` ON `exceptions` (`company_id`,`key`);--> statement-breakpoint
CREATE INDEX `exceptions_company_status` ON `exceptions` (`company_id`,`status`,`type`);--> statement-breakpoint
CREATE TABLE `match_items` (
	`match_id` integer NOT NULL,
	`company_id` integer NOT NULL,
	`item_kind` text NOT NULL,
	`item_ref` text NOT NULL,
	`role` text NOT NULL,
	`amount_minor` integer NOT NULL,
	`currency` text NOT NULL,
	FOREIGN KEY (`match_id`) REFERENCES `matches`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `match_items_match` ON `match_items` (`match_id`);--> statement-breakpoint
CREATE INDEX `match_items_ref` ON `match_items` (`company_id`,`item_kind`,`item_ref`);--> statement-breakpoint
CREATE TABLE `matches` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`company_id` integer NOT NULL,
	`key` text NOT NULL,
	`level` text NOT NULL,
	`rule` text NOT NULL,
	`why` text NOT NULL,
	`confidence` integer NOT NULL,
	`status` text NOT NULL,
	`origin` text NOT NULL,
	`channel` text NOT NULL,
	`store` text NOT NULL,
	`currency` text NOT NULL,
	`period` text NOT NULL,
	`date` text NOT NULL,
	`order_key` text,
	`difference_minor` integer NOT NULL,
	`difference_account` text,
	`content_hash` text NOT NULL,
	`members_hash` text NOT NULL,
	`orders_count` integer DEFAULT 0 NOT NULL,
	`orders_gross_minor` integer DEFAULT 0 NOT NULL,
	`expected_minor` integer DEFAULT 0 NOT NULL,
	`paid_minor` integer DEFAULT 0 NOT NULL,
	`refunded_minor` integer DEFAULT 0 NOT NULL,
	`fees_minor` integer DEFAULT 0 NOT NULL,
	`payouts_minor` integer DEFAULT 0 NOT NULL,
	`bank_received_minor` integer DEFAULT 0 NOT NULL,
	`measured_minor` integer DEFAULT 0 NOT NULL,
	`decided_by` integer,
	`decided_at` text,
	`decision_reason` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `matches_live_key` ON `matches` (`company_id`,`key`) WHERE status <> 'unmatched';--> statement-breakpoint
CREATE INDEX `matches_company_status` ON `matches` (`company_id`,`status`,`period`);