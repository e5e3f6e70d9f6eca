-- The role the recovery sweeps switch to (SET LOCAL ROLE strata_recovery) to find stuck runs and
-- imports across tenants. It replaces policies that opened every tenant's rows to strata_app when a
-- session variable was set: any code able to set a variable could cross tenants. A role is entered
-- only by a member, and strata_app is not one. NOLOGIN, owns nothing, cannot bypass row-level
-- security; roles are cluster-wide, so creation tolerates another database creating it first.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'strata_recovery') THEN
    CREATE ROLE strata_recovery NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
  END IF;
EXCEPTION
  WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;
--> statement-breakpoint
-- The migrating role joins it so single-login installs (the demo, one DATABASE_URL) can sweep; a
-- separate app login is granted it by whoever creates that login (docker/initdb/10-strata-roles.sh).
-- PostgreSQL 16 gives a role's creator only ADMIN on it (no SET), hence the check of SET there.
DO $$
BEGIN
  IF NOT pg_has_role(current_user, 'strata_recovery',
      CASE WHEN current_setting('server_version_num')::int >= 160000 THEN 'SET' ELSE 'MEMBER' END) THEN
    EXECUTE format('GRANT strata_recovery TO %I', current_user);
  END IF;
EXCEPTION
  WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'role % is not a member of strata_recovery and may not grant it: as an administrator run GRANT strata_recovery TO %', current_user, current_user;
END
$$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO strata_recovery;
--> statement-breakpoint
-- Exactly what the sweeps do: find and requeue or fail stuck rows of these three tables. No other
-- table, no INSERT or DELETE.
GRANT SELECT, UPDATE ON runs, imports, cost_to_serve_runs TO strata_recovery;
