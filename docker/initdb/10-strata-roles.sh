#!/bin/sh
# First start of the PostgreSQL container (docker-entrypoint-initdb.d, as the superuser): the roles
# and the database Strata runs with. Nothing of Strata's connects as a superuser afterwards:
#   strata_owner     LOGIN, owns the database and its tables; migrations run as it
#                    (MIGRATION_DATABASE_URL). Not a superuser, cannot create roles or databases.
#   strata_web       LOGIN, what the web server and the workers connect as (DATABASE_URL): a member
#                    of strata_app (tenant transactions, row-level security) and of strata_recovery
#                    (entered by the recovery sweeps only; not inherited), owner of the queue's schema.
#   strata_app, strata_recovery   NOLOGIN roles the migrations' policies are written for.
# An existing data volume skips this script: run it by hand (`docker compose exec postgres sh
# /docker-entrypoint-initdb.d/10-strata-roles.sh`) or keep one DATABASE_URL as before.
set -eu
: "${STRATA_DB_OWNER_PASSWORD:?set STRATA_DB_OWNER_PASSWORD}"
: "${STRATA_DB_APP_PASSWORD:?set STRATA_DB_APP_PASSWORD}"
db="${STRATA_DB_NAME:-strata}"

psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
  -v owner_password="$STRATA_DB_OWNER_PASSWORD" -v app_password="$STRATA_DB_APP_PASSWORD" \
  -v db="$db" <<'SQL'
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'strata_app') THEN
    CREATE ROLE strata_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'strata_recovery') THEN
    CREATE ROLE strata_recovery NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
  END IF;
END
$$;
CREATE ROLE strata_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD :'owner_password';
CREATE ROLE strata_web LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD :'app_password';
GRANT strata_app, strata_recovery TO strata_owner;
GRANT strata_app TO strata_web;
-- Not inherited (PostgreSQL 16+): the web login's own queries never see every tenant's runs; only a
-- transaction that says SET LOCAL ROLE strata_recovery does.
DO $$
BEGIN
  IF current_setting('server_version_num')::int >= 160000 THEN
    EXECUTE 'GRANT strata_recovery TO strata_web WITH INHERIT FALSE';
  ELSE
    EXECUTE 'GRANT strata_recovery TO strata_web';
  END IF;
END
$$;
CREATE DATABASE :"db" OWNER strata_owner;
\connect :"db"
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
-- CREATE: pg-boss installs its queue tables at start in a schema of its own (it runs CREATE SCHEMA IF
-- NOT EXISTS, which needs the privilege even when the schema exists). Schemas strata_web creates are
-- its own; it still cannot alter, or bypass the policies of, the owner's tables in public.
GRANT CONNECT, TEMPORARY, CREATE ON DATABASE :"db" TO strata_web;
CREATE SCHEMA pgboss AUTHORIZATION strata_web;
SQL
