ALTER TABLE "imports" ADD COLUMN "on_invalid" text;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "dataset_name" text;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "attempt" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "max_attempts" integer DEFAULT 3 NOT NULL;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "job_id" uuid;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "worker_id" text;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "heartbeat_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "queued_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "imports_status_heartbeat_idx" ON "imports" USING btree ("status","heartbeat_at");--> statement-breakpoint
CREATE POLICY "imports_recovery" ON "imports" AS PERMISSIVE FOR ALL TO "strata_app" USING (nullif(current_setting('app.import_recovery', true), '') = 'on') WITH CHECK (nullif(current_setting('app.import_recovery', true), '') = 'on');