-- Foreign keys between tenant tables name (tenant_id, parent_id), so a row cannot point at another
-- tenant's row (a foreign key check does not see row-level security). The unique (tenant_id, id)
-- keys they refer to come first.
ALTER TABLE "cost_to_serve_runs" ADD CONSTRAINT "cost_to_serve_runs_tenant_id_id_unique" UNIQUE("tenant_id","id");
--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_tenant_id_id_unique" UNIQUE("tenant_id","id");
--> statement-breakpoint
ALTER TABLE "policies" ADD CONSTRAINT "policies_tenant_id_id_unique" UNIQUE("tenant_id","id");
--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_tenant_id_id_unique" UNIQUE("tenant_id","id");
--> statement-breakpoint
ALTER TABLE "segment_sets" ADD CONSTRAINT "segment_sets_tenant_id_id_unique" UNIQUE("tenant_id","id");
--> statement-breakpoint
ALTER TABLE "segments" ADD CONSTRAINT "segments_tenant_id_id_unique" UNIQUE("tenant_id","id");
--> statement-breakpoint
ALTER TABLE "activity_events" DROP CONSTRAINT "activity_events_customer_id_customers_id_fk";
--> statement-breakpoint
ALTER TABLE "cost_to_serve_customers" DROP CONSTRAINT "cost_to_serve_customers_run_id_cost_to_serve_runs_id_fk";
--> statement-breakpoint
ALTER TABLE "cost_to_serve_customers" DROP CONSTRAINT "cost_to_serve_customers_customer_id_customers_id_fk";
--> statement-breakpoint
ALTER TABLE "customer_features" DROP CONSTRAINT "customer_features_customer_id_customers_id_fk";
--> statement-breakpoint
ALTER TABLE "order_lines" DROP CONSTRAINT "order_lines_customer_id_customers_id_fk";
--> statement-breakpoint
ALTER TABLE "policies" DROP CONSTRAINT "policies_segment_id_segments_id_fk";
--> statement-breakpoint
ALTER TABLE "policy_versions" DROP CONSTRAINT "policy_versions_policy_id_policies_id_fk";
--> statement-breakpoint
ALTER TABLE "run_assignments" DROP CONSTRAINT "run_assignments_run_id_runs_id_fk";
--> statement-breakpoint
ALTER TABLE "run_assignments" DROP CONSTRAINT "run_assignments_customer_id_customers_id_fk";
--> statement-breakpoint
ALTER TABLE "segment_memberships" DROP CONSTRAINT "segment_memberships_segment_set_id_segment_sets_id_fk";
--> statement-breakpoint
ALTER TABLE "segment_memberships" DROP CONSTRAINT "segment_memberships_customer_id_customers_id_fk";
--> statement-breakpoint
ALTER TABLE "segment_memberships" DROP CONSTRAINT "segment_memberships_segment_id_segments_id_fk";
--> statement-breakpoint
ALTER TABLE "segment_set_versions" DROP CONSTRAINT "segment_set_versions_segment_set_id_segment_sets_id_fk";
--> statement-breakpoint
ALTER TABLE "segments" DROP CONSTRAINT "segments_segment_set_id_segment_sets_id_fk";
--> statement-breakpoint
ALTER TABLE "activity_events" ADD CONSTRAINT "activity_events_customer_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "cost_to_serve_customers" ADD CONSTRAINT "cost_to_serve_customers_customer_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "cost_to_serve_customers" ADD CONSTRAINT "cost_to_serve_customers_run_fk" FOREIGN KEY ("tenant_id","run_id") REFERENCES "public"."cost_to_serve_runs"("tenant_id","id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "customer_features" ADD CONSTRAINT "customer_features_customer_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_customer_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "policies" ADD CONSTRAINT "policies_segment_fk" FOREIGN KEY ("tenant_id","segment_id") REFERENCES "public"."segments"("tenant_id","id") ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "policy_versions" ADD CONSTRAINT "policy_versions_policy_fk" FOREIGN KEY ("tenant_id","policy_id") REFERENCES "public"."policies"("tenant_id","id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "run_assignments" ADD CONSTRAINT "run_assignments_customer_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "run_assignments" ADD CONSTRAINT "run_assignments_run_fk" FOREIGN KEY ("tenant_id","run_id") REFERENCES "public"."runs"("tenant_id","id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "segment_memberships" ADD CONSTRAINT "segment_memberships_segment_fk" FOREIGN KEY ("tenant_id","segment_id") REFERENCES "public"."segments"("tenant_id","id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "segment_memberships" ADD CONSTRAINT "segment_memberships_customer_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "segment_memberships" ADD CONSTRAINT "segment_memberships_segment_set_fk" FOREIGN KEY ("tenant_id","segment_set_id") REFERENCES "public"."segment_sets"("tenant_id","id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "segment_set_versions" ADD CONSTRAINT "segment_set_versions_segment_set_fk" FOREIGN KEY ("tenant_id","segment_set_id") REFERENCES "public"."segment_sets"("tenant_id","id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "segments" ADD CONSTRAINT "segments_segment_set_fk" FOREIGN KEY ("tenant_id","segment_set_id") REFERENCES "public"."segment_sets"("tenant_id","id") ON DELETE cascade ON UPDATE no action;
