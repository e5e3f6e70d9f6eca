ALTER TYPE "public"."dataset_kind" ADD VALUE 'activities';--> statement-breakpoint
CREATE TABLE "activity_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "activity_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"tenant_id" uuid NOT NULL,
	"dataset_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"event_key" uuid NOT NULL,
	"activity" text NOT NULL,
	"quantity" double precision NOT NULL,
	"occurred_on" date,
	"import_id" uuid
);
--> statement-breakpoint
ALTER TABLE "activity_events" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "order_lines" ADD COLUMN "unit_cost" double precision;--> statement-breakpoint
ALTER TABLE "order_lines" ADD COLUMN "discount" double precision;--> statement-breakpoint
ALTER TABLE "order_lines" ADD COLUMN "delivery_id" text;--> statement-breakpoint
ALTER TABLE "order_lines" ADD COLUMN "distance" double precision;--> statement-breakpoint
ALTER TABLE "activity_events" ADD CONSTRAINT "activity_events_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "activity_events_tenant_customer_idx" ON "activity_events" USING btree ("tenant_id","customer_id");--> statement-breakpoint
CREATE INDEX "activity_events_tenant_dataset_key_idx" ON "activity_events" USING btree ("tenant_id","dataset_id","event_key");--> statement-breakpoint
CREATE POLICY "activity_events_tenant_isolation" ON "activity_events" AS PERMISSIVE FOR ALL TO "strata_app" USING ("activity_events"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("activity_events"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
-- Tenant tables: policies apply to the owner too (see 0002_grant_app_access).
ALTER TABLE activity_events FORCE ROW LEVEL SECURITY;
