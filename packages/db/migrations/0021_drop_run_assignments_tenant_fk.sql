ALTER TABLE "run_assignments" DROP CONSTRAINT "run_assignments_tenant_id_tenants_id_fk";
