-- Planner statistics for the tables an import fills, refreshed when it ends (PostgreSQL's advice after
-- a bulk load): without them the pages' queries plan for a few dozen customers until autovacuum's next
-- analyze, and where autovacuum is off, for good. ANALYZE needs the tables' owner, which the app's login
-- role is not, so this runs as the owner (SECURITY DEFINER) and takes no argument: it can refresh these
-- three tables and nothing else. ANALYZE samples a fixed number of rows, however large the tables.
CREATE OR REPLACE FUNCTION "strata_refresh_import_statistics"() RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  ANALYZE "order_lines", "customers", "customer_features";
END
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION "strata_refresh_import_statistics"() FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION "strata_refresh_import_statistics"() TO "strata_app";
