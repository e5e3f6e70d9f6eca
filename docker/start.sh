#!/bin/sh
# Entry point of the image: `web` serves the app, `worker` consumes runs from the queue.
# Both need DATABASE_URL (PostgreSQL): the embedded database is for single-process installs.
# MIGRATION_DATABASE_URL (optional): the owner of the tables, which the migrations at start run as;
# DATABASE_URL is then a login that is only a member of strata_app (see initdb/10-strata-roles.sh).
set -eu
if [ -z "${DATABASE_URL:-}" ]; then
  echo "DATABASE_URL is required in the container (postgres://user:password@host:5432/db)" >&2
  exit 1
fi
case "${1:-web}" in
  web) cd /app/apps/web && exec ./node_modules/.bin/next start -p "${PORT:-3000}" ;;
  worker) exec node /app/apps/worker/dist/main.js ;;
  *) echo "usage: strata-start web|worker" >&2; exit 2 ;;
esac
