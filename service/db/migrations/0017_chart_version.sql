ALTER TABLE `companies` ADD `chart_version` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Every change to a company's chart bumps its version, so a cached chart is known stale by one cheap read.
CREATE TRIGGER `accounts_chart_version_insert` AFTER INSERT ON `accounts` BEGIN
  UPDATE `companies` SET `chart_version` = `chart_version` + 1 WHERE `id` = NEW.`company_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `accounts_chart_version_update` AFTER UPDATE ON `accounts` BEGIN
  UPDATE `companies` SET `chart_version` = `chart_version` + 1 WHERE `id` = NEW.`company_id` OR `id` = OLD.`company_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `accounts_chart_version_delete` AFTER DELETE ON `accounts` BEGIN
  UPDATE `companies` SET `chart_version` = `chart_version` + 1 WHERE `id` = OLD.`company_id`;
END;
