import "server-only";

/*
 * Our own server packages, loaded by Node at run time instead of bundled by Next.
 *
 * Why: Turbopack bundles workspace packages even when they are listed in serverExternalPackages.
 * Bundled, @strata/db cannot find the migration SQL it ships beside dist/ (it resolves the folder
 * from import.meta.url), worker files loaded by path would break the same way, and every route
 * bundle would carry its own copy of module state. These packages are already compiled ESM for
 * Node, so a plain import() that the bundler leaves alone gives one copy per process, loaded
 * from apps/web/node_modules like any other dependency.
 */
type DbModule = typeof import("@strata/db");
type AuthModule = typeof import("@strata/auth");
type ApiModule = typeof import("@strata/api");

export const db: DbModule = await import(/* webpackIgnore: true */ /* turbopackIgnore: true */ "@strata/db");
export const auth: AuthModule = await import(
  /* webpackIgnore: true */ /* turbopackIgnore: true */ "@strata/auth"
);
export const api: ApiModule = await import(
  /* webpackIgnore: true */ /* turbopackIgnore: true */ "@strata/api"
);
