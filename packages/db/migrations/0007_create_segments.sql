CREATE TABLE "segment_memberships" (
	"segment_set_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"segment_id" uuid NOT NULL,
	"tenant_id" uuid NOT NULL,
	"assigned_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "segment_memberships_segment_set_id_customer_id_pk" PRIMARY KEY("segment_set_id","customer_id")
);
--> statement-breakpoint
ALTER TABLE "segment_memberships" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "segment_sets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"run_id" uuid,
	"name" text NOT NULL,
	"description" text,
	"customer_count" integer DEFAULT 0 NOT NULL,
	"published_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "segment_sets" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "segments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"segment_set_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"color" text NOT NULL,
	"size" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "segments" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "segment_memberships" ADD CONSTRAINT "segment_memberships_segment_set_id_segment_sets_id_fk" FOREIGN KEY ("segment_set_id") REFERENCES "public"."segment_sets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segment_memberships" ADD CONSTRAINT "segment_memberships_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segment_memberships" ADD CONSTRAINT "segment_memberships_segment_id_segments_id_fk" FOREIGN KEY ("segment_id") REFERENCES "public"."segments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segment_memberships" ADD CONSTRAINT "segment_memberships_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segment_sets" ADD CONSTRAINT "segment_sets_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segment_sets" ADD CONSTRAINT "segment_sets_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segment_sets" ADD CONSTRAINT "segment_sets_published_by_users_id_fk" FOREIGN KEY ("published_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segments" ADD CONSTRAINT "segments_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segments" ADD CONSTRAINT "segments_segment_set_id_segment_sets_id_fk" FOREIGN KEY ("segment_set_id") REFERENCES "public"."segment_sets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "segment_memberships_segment_idx" ON "segment_memberships" USING btree ("segment_id");--> statement-breakpoint
CREATE INDEX "segment_memberships_tenant_customer_idx" ON "segment_memberships" USING btree ("tenant_id","customer_id");--> statement-breakpoint
CREATE INDEX "segment_sets_tenant_created_idx" ON "segment_sets" USING btree ("tenant_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "segments_set_position_unique" ON "segments" USING btree ("segment_set_id","position");--> statement-breakpoint
CREATE INDEX "segments_tenant_idx" ON "segments" USING btree ("tenant_id");--> statement-breakpoint
CREATE POLICY "segment_memberships_tenant_isolation" ON "segment_memberships" AS PERMISSIVE FOR ALL TO "strata_app" USING ("segment_memberships"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("segment_memberships"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "segment_sets_tenant_isolation" ON "segment_sets" AS PERMISSIVE FOR ALL TO "strata_app" USING ("segment_sets"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("segment_sets"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "segments_tenant_isolation" ON "segments" AS PERMISSIVE FOR ALL TO "strata_app" USING ("segments"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("segments"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
-- Tenant tables: policies apply to the owner too (see 0002_grant_app_access).
ALTER TABLE segment_sets FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE segments FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE segment_memberships FORCE ROW LEVEL SECURITY;
