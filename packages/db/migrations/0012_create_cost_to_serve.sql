CREATE TYPE "public"."cost_to_serve_run_status" AS ENUM('queued', 'running', 'succeeded', 'failed');--> statement-breakpoint
CREATE TABLE "cost_models" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"model" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" uuid
);
--> statement-breakpoint
ALTER TABLE "cost_models" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "cost_to_serve_customers" (
	"run_id" uuid NOT NULL,
	"tenant_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"segment" text,
	"gross_sales" double precision NOT NULL,
	"discounts" double precision NOT NULL,
	"returns_allowances" double precision NOT NULL,
	"net_sales" double precision NOT NULL,
	"cogs" double precision NOT NULL,
	"gross_margin" double precision NOT NULL,
	"cost_to_serve" double precision NOT NULL,
	"net_profit" double precision NOT NULL,
	"margin_pct" double precision,
	"cts_pct_of_sales" double precision,
	"activities" jsonb NOT NULL,
	CONSTRAINT "cost_to_serve_customers_run_id_customer_id_pk" PRIMARY KEY("run_id","customer_id")
);
--> statement-breakpoint
ALTER TABLE "cost_to_serve_customers" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "cost_to_serve_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"segment_set_id" uuid,
	"period_days" integer,
	"model" jsonb NOT NULL,
	"status" "cost_to_serve_run_status" DEFAULT 'queued' NOT NULL,
	"progress" jsonb DEFAULT '{"stage":"Queued","percent":0}'::jsonb NOT NULL,
	"error" text,
	"job_id" uuid,
	"attempt" integer DEFAULT 0 NOT NULL,
	"max_attempts" integer DEFAULT 3 NOT NULL,
	"heartbeat_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"queued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"result" jsonb
);
--> statement-breakpoint
ALTER TABLE "cost_to_serve_runs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "cost_models" ADD CONSTRAINT "cost_models_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cost_models" ADD CONSTRAINT "cost_models_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cost_to_serve_customers" ADD CONSTRAINT "cost_to_serve_customers_run_id_cost_to_serve_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."cost_to_serve_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cost_to_serve_customers" ADD CONSTRAINT "cost_to_serve_customers_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cost_to_serve_customers" ADD CONSTRAINT "cost_to_serve_customers_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cost_to_serve_runs" ADD CONSTRAINT "cost_to_serve_runs_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cost_to_serve_runs" ADD CONSTRAINT "cost_to_serve_runs_segment_set_id_segment_sets_id_fk" FOREIGN KEY ("segment_set_id") REFERENCES "public"."segment_sets"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cost_to_serve_runs" ADD CONSTRAINT "cost_to_serve_runs_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cost_to_serve_customers_run_profit_idx" ON "cost_to_serve_customers" USING btree ("run_id","net_profit","customer_id");--> statement-breakpoint
CREATE INDEX "cost_to_serve_customers_run_segment_profit_idx" ON "cost_to_serve_customers" USING btree ("run_id","segment","net_profit","customer_id");--> statement-breakpoint
CREATE INDEX "cost_to_serve_customers_tenant_customer_idx" ON "cost_to_serve_customers" USING btree ("tenant_id","customer_id");--> statement-breakpoint
CREATE INDEX "cost_to_serve_runs_tenant_created_idx" ON "cost_to_serve_runs" USING btree ("tenant_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "cost_to_serve_runs_status_heartbeat_idx" ON "cost_to_serve_runs" USING btree ("status","heartbeat_at");--> statement-breakpoint
CREATE POLICY "cost_models_tenant_isolation" ON "cost_models" AS PERMISSIVE FOR ALL TO "strata_app" USING ("cost_models"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("cost_models"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "cost_to_serve_customers_tenant_isolation" ON "cost_to_serve_customers" AS PERMISSIVE FOR ALL TO "strata_app" USING ("cost_to_serve_customers"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("cost_to_serve_customers"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "cost_to_serve_runs_tenant_isolation" ON "cost_to_serve_runs" AS PERMISSIVE FOR ALL TO "strata_app" USING ("cost_to_serve_runs"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("cost_to_serve_runs"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "cost_to_serve_runs_recovery" ON "cost_to_serve_runs" AS PERMISSIVE FOR ALL TO "strata_app" USING (nullif(current_setting('app.cost_to_serve_recovery', true), '') = 'on') WITH CHECK (nullif(current_setting('app.cost_to_serve_recovery', true), '') = 'on');--> statement-breakpoint
-- Tenant tables: policies apply to the owner too (see 0002_grant_app_access).
ALTER TABLE cost_models FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE cost_to_serve_runs FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE cost_to_serve_customers FORCE ROW LEVEL SECURITY;
