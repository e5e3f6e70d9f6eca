-- The role tenant transactions switch to (SET LOCAL ROLE strata_app). NOLOGIN, not a superuser, owns
-- nothing and cannot bypass row-level security. Roles are cluster-wide: other databases on the same
-- server (e.g. parallel test databases) may create it at the same moment, hence both exceptions.
-- An existing role is not created again, so an owner without CREATEROLE migrates once an
-- administrator has made the role (docker/initdb/10-strata-roles.sh).
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'strata_app') THEN
    CREATE ROLE strata_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
  END IF;
EXCEPTION
  WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;
--> statement-breakpoint
-- The connecting role must be a member of strata_app to SET ROLE to it (superusers always may).
-- PostgreSQL 16 gives a role's creator only ADMIN on it (no SET), hence the check of SET there.
DO $$
BEGIN
  IF NOT pg_has_role(current_user, 'strata_app',
      CASE WHEN current_setting('server_version_num')::int >= 160000 THEN 'SET' ELSE 'MEMBER' END) THEN
    EXECUTE format('GRANT strata_app TO %I', current_user);
  END IF;
EXCEPTION
  WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'role % is not a member of strata_app and may not grant it: as an administrator run GRANT strata_app TO %', current_user, current_user;
END
$$;
