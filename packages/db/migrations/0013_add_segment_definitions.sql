CREATE TYPE "public"."comment_entity" AS ENUM('segment_set', 'policy');--> statement-breakpoint
CREATE TYPE "public"."membership_source" AS ENUM('run', 'model', 'rule');--> statement-breakpoint
CREATE TYPE "public"."segment_set_kind" AS ENUM('ml', 'rule');--> statement-breakpoint
CREATE TYPE "public"."segment_set_status" AS ENUM('draft', 'in_review', 'approved');--> statement-breakpoint
CREATE TABLE "comment_reads" (
	"tenant_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"entity_type" "comment_entity" NOT NULL,
	"entity_id" uuid NOT NULL,
	"read_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "comment_reads_user_id_entity_type_entity_id_pk" PRIMARY KEY("user_id","entity_type","entity_id")
);
--> statement-breakpoint
ALTER TABLE "comment_reads" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "comments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"entity_type" "comment_entity" NOT NULL,
	"entity_id" uuid NOT NULL,
	"author_id" uuid,
	"body" text NOT NULL,
	"mentions" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"edited_at" timestamp (3) with time zone,
	"deleted_at" timestamp (3) with time zone
);
--> statement-breakpoint
ALTER TABLE "comments" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "segment_set_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"segment_set_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"author_id" uuid,
	"message" text NOT NULL,
	"snapshot" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "segment_set_versions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "segment_memberships" ADD COLUMN "source" "membership_source" DEFAULT 'run' NOT NULL;--> statement-breakpoint
ALTER TABLE "segment_memberships" ADD COLUMN "distance" double precision;--> statement-breakpoint
ALTER TABLE "segment_memberships" ADD COLUMN "confidence" double precision;--> statement-breakpoint
ALTER TABLE "segment_sets" ADD COLUMN "kind" "segment_set_kind" DEFAULT 'ml' NOT NULL;--> statement-breakpoint
ALTER TABLE "segment_sets" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "segment_sets" ADD COLUMN "status" "segment_set_status" DEFAULT 'approved' NOT NULL;--> statement-breakpoint
ALTER TABLE "segment_sets" ADD COLUMN "approved_version" integer DEFAULT 1;--> statement-breakpoint
ALTER TABLE "segment_sets" ADD COLUMN "review_note" text;--> statement-breakpoint
ALTER TABLE "segment_sets" ADD COLUMN "model" jsonb;--> statement-breakpoint
ALTER TABLE "segment_sets" ADD COLUMN "rule" jsonb;--> statement-breakpoint
ALTER TABLE "segment_sets" ADD COLUMN "base_segment_id" uuid;--> statement-breakpoint
ALTER TABLE "segment_sets" ADD COLUMN "updated_by" uuid;--> statement-breakpoint
ALTER TABLE "segment_sets" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "segments" ADD COLUMN "surrogate_rules" jsonb;--> statement-breakpoint
ALTER TABLE "segments" ADD COLUMN "surrogate_text" text;--> statement-breakpoint
ALTER TABLE "segments" ADD COLUMN "active" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "editors_can_approve" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "comment_reads" ADD CONSTRAINT "comment_reads_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "comment_reads" ADD CONSTRAINT "comment_reads_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "comments" ADD CONSTRAINT "comments_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "comments" ADD CONSTRAINT "comments_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segment_set_versions" ADD CONSTRAINT "segment_set_versions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segment_set_versions" ADD CONSTRAINT "segment_set_versions_segment_set_id_segment_sets_id_fk" FOREIGN KEY ("segment_set_id") REFERENCES "public"."segment_sets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segment_set_versions" ADD CONSTRAINT "segment_set_versions_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "comments_entity_created_idx" ON "comments" USING btree ("tenant_id","entity_type","entity_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "segment_set_versions_set_version_unique" ON "segment_set_versions" USING btree ("segment_set_id","version");--> statement-breakpoint
CREATE INDEX "segment_set_versions_tenant_idx" ON "segment_set_versions" USING btree ("tenant_id");--> statement-breakpoint
ALTER TABLE "segment_sets" ADD CONSTRAINT "segment_sets_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE POLICY "comment_reads_tenant_isolation" ON "comment_reads" AS PERMISSIVE FOR ALL TO "strata_app" USING ("comment_reads"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("comment_reads"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "comments_tenant_isolation" ON "comments" AS PERMISSIVE FOR ALL TO "strata_app" USING ("comments"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("comments"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "segment_set_versions_tenant_isolation" ON "segment_set_versions" AS PERMISSIVE FOR ALL TO "strata_app" USING ("segment_set_versions"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("segment_set_versions"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
-- Every published set so far gets its first version, as it was published.
INSERT INTO segment_set_versions (tenant_id, segment_set_id, version, author_id, message, snapshot, created_at)
SELECT s.tenant_id, s.id, 1, s.published_by, 'Published',
  jsonb_build_object('name', s.name, 'description', s.description, 'runId', s.run_id, 'rule', null,
    'baseSegmentId', null, 'customerCount', s.customer_count,
    'segments', coalesce((SELECT jsonb_agg(jsonb_build_object('id', g.id, 'position', g.position, 'name', g.name,
      'description', g.description, 'color', g.color, 'size', g.size, 'active', true) ORDER BY g.position)
      FROM segments g WHERE g.segment_set_id = s.id), '[]'::jsonb)),
  s.created_at
FROM segment_sets s;--> statement-breakpoint
-- Tenant tables: policies apply to the owner too (see 0002_grant_app_access).
ALTER TABLE comments FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE comment_reads FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE segment_set_versions FORCE ROW LEVEL SECURITY;
