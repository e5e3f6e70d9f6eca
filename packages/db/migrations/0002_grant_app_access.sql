-- strata_app gets plain DML on the application tables, nothing more (no DDL, no ownership). Row-level
-- security decides which rows it sees. Default privileges cover tables later migrations create.
GRANT USAGE ON SCHEMA public TO strata_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO strata_app;
--> statement-breakpoint
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO strata_app;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO strata_app;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO strata_app;
--> statement-breakpoint
-- FORCE makes the policies apply to the tables' owner too (superusers still bypass them, which is why
-- withTenant switches to strata_app). Every tenant-owned table added later needs the same line.
ALTER TABLE memberships FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE invitations FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE audit_events FORCE ROW LEVEL SECURITY;
