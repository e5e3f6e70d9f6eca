-- The role tenant transactions switch to (SET LOCAL ROLE strata_app). NOLOGIN, not a superuser, owns
-- nothing and cannot bypass row-level security. Roles are cluster-wide: other databases on the same
-- server (e.g. parallel test databases) may create it at the same moment, hence both exceptions.
DO $$
BEGIN
  CREATE ROLE strata_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
EXCEPTION
  WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;
--> statement-breakpoint
-- The connecting role must be a member of strata_app to SET ROLE to it (superusers always may).
DO $$
BEGIN
  IF NOT pg_has_role(current_user, 'strata_app', 'MEMBER') THEN
    EXECUTE format('GRANT strata_app TO %I', current_user);
  END IF;
END
$$;
