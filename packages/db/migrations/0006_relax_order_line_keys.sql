ALTER TABLE "order_lines" DROP CONSTRAINT "order_lines_tenant_id_tenants_id_fk";
--> statement-breakpoint
DROP INDEX "order_lines_tenant_dataset_line_key_unique";