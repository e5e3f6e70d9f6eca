ALTER POLICY "cost_to_serve_runs_recovery" ON "cost_to_serve_runs" TO strata_recovery USING (true) WITH CHECK (true);--> statement-breakpoint
ALTER POLICY "imports_recovery" ON "imports" TO strata_recovery USING (true) WITH CHECK (true);--> statement-breakpoint
ALTER POLICY "runs_recovery" ON "runs" TO strata_recovery USING (true) WITH CHECK (true);