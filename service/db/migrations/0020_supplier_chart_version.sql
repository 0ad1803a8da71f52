-- Suppliers (stores with channel 'supplier') are cached beside the chart: a change to one bumps the chart version too (issue #20).
CREATE TRIGGER `stores_supplier_version_insert` AFTER INSERT ON `stores` WHEN NEW.`channel` = 'supplier' BEGIN
  UPDATE `companies` SET `chart_version` = `chart_version` + 1 WHERE `id` = NEW.`company_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `stores_supplier_version_update` AFTER UPDATE ON `stores` WHEN NEW.`channel` = 'supplier' OR OLD.`channel` = 'supplier' BEGIN
  UPDATE `companies` SET `chart_version` = `chart_version` + 1 WHERE `id` = NEW.`company_id` OR `id` = OLD.`company_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `stores_supplier_version_delete` AFTER DELETE ON `stores` WHEN OLD.`channel` = 'supplier' BEGIN
  UPDATE `companies` SET `chart_version` = `chart_version` + 1 WHERE `id` = OLD.`company_id`;
END;
