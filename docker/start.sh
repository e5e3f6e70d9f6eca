#!/bin/sh
# Entry point of the image: `web` serves the app, `worker` consumes runs from the queue.
# Both need DATABASE_URL (PostgreSQL): the embedded database is for single-process installs.
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
