CREATE TABLE "order_line_versions" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "order_line_versions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "order_line_versions" ADD CONSTRAINT "order_line_versions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE POLICY "order_line_versions_tenant_isolation" ON "order_line_versions" AS PERMISSIVE FOR ALL TO "strata_app" USING ("order_line_versions"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("order_line_versions"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
ALTER TABLE "order_line_versions" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
-- Every statement that writes order lines moves its workspaces' version on, once per statement: a
-- bulk import of 200,000 lines is one bump per chunk, not a row trigger per line. Inserts (and the
-- insert half of an upsert) create the row; updates and deletes only move an existing one, because a
-- workspace being deleted removes its lines and its version row in one statement, and a new row for
-- it would break the foreign key. The functions run as the caller (strata_app inside withTenant), so
-- row-level security keeps each bump in its own workspace.
CREATE FUNCTION "order_line_versions_bump_inserted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "order_line_versions" AS v ("tenant_id", "version")
    SELECT DISTINCT "tenant_id", 1 FROM "changed_lines"
  ON CONFLICT ("tenant_id") DO UPDATE SET "version" = v."version" + 1;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE FUNCTION "order_line_versions_bump_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "order_line_versions" SET "version" = "version" + 1
    WHERE "tenant_id" IN (SELECT DISTINCT "tenant_id" FROM "changed_lines");
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "order_lines_version_on_insert" AFTER INSERT ON "order_lines"
  REFERENCING NEW TABLE AS "changed_lines" FOR EACH STATEMENT EXECUTE FUNCTION "order_line_versions_bump_inserted"();--> statement-breakpoint
CREATE TRIGGER "order_lines_version_on_update" AFTER UPDATE ON "order_lines"
  REFERENCING NEW TABLE AS "changed_lines" FOR EACH STATEMENT EXECUTE FUNCTION "order_line_versions_bump_changed"();--> statement-breakpoint
CREATE TRIGGER "order_lines_version_on_delete" AFTER DELETE ON "order_lines"
  REFERENCING OLD TABLE AS "changed_lines" FOR EACH STATEMENT EXECUTE FUNCTION "order_line_versions_bump_changed"();--> statement-breakpoint
INSERT INTO "order_line_versions" ("tenant_id", "version") SELECT DISTINCT "tenant_id", 1 FROM "order_lines";
