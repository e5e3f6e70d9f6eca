CREATE TABLE "product_class_answers" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"lines_version" bigint NOT NULL,
	"answer" jsonb NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "product_class_answers" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "product_class_answers" ADD CONSTRAINT "product_class_answers_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE POLICY "product_class_answers_tenant_isolation" ON "product_class_answers" AS PERMISSIVE FOR ALL TO "strata_app" USING ("product_class_answers"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("product_class_answers"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
ALTER TABLE "product_class_answers" FORCE ROW LEVEL SECURITY;