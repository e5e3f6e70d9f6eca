#!/usr/bin/env node
// `npm run strata -- <command> ...`: the Strata CLI. File-only commands (segment, rfm,
// cost-to-serve, safety-stock) run the built core package; workspace commands (import, run) run the built api
// package's CLI. Kept a plain node file so scripts can call it directly. Only commands that exist are listed.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const CORE_CLI = "packages/core/dist/cli/main.js";
const API_CLI = "packages/api/dist/cli/main.js";
const CORE_COMMANDS = new Set(["segment", "rfm", "cost-to-serve", "safety-stock"]);
const WORKSPACE_COMMANDS = new Set(["import", "run"]);
// In the contract but not built yet: say so plainly rather than "unknown command".
const PLANNED_COMMANDS = new Set(["apikey"]);

const USAGE = `Usage: strata <command> [options]   (strata <command> --help for its options)

Files only:
  segment   segment customers in a CSV of features (k-means, DBSCAN, hierarchical, GMM)
  rfm       per-customer features (recency, frequency, monetary, ...) from an orders CSV
  cost-to-serve  customer profitability from an orders CSV and an activity-based cost model
  safety-stock   safety stock, reorder point, cycle service level and fill rate (no files)

Workspace (the database in DATABASE_URL, or the embedded one in STRATA_DATA_DIR):
  import    import a customers, orders or activity events file into a workspace
  run       start a segmentation run in a workspace, as the browser's Start run; --wait follows it

Each command prints one JSON object on stdout; errors go to stderr with a non-zero exit code.`;

const argv = process.argv.slice(2);
const command = argv[0];

function missingBuild(relative, label) {
  process.stderr.write(`strata: ${relative} is not built yet; run \`npm run build\` first (${label}).\n`);
  return 1;
}

async function runCore() {
  const file = join(root, CORE_CLI);
  if (!existsSync(file)) return missingBuild(CORE_CLI, "@strata/core");
  const { main } = await import(pathToFileURL(file).href);
  return main(argv);
}

function runWorkspace() {
  const file = join(root, API_CLI);
  if (!existsSync(file)) return missingBuild(API_CLI, "@strata/api");
  // A separate process: the api CLI runs itself on load and owns its exit code. Ctrl-C is its to
  // handle (`run --wait` stops its worker cleanly first), so this process outlives it.
  process.on("SIGINT", () => {});
  return spawnSync(process.execPath, [file, ...argv], { stdio: "inherit" }).status ?? 1;
}

let code;
if (command === undefined || command === "help" || command === "--help" || command === "-h") {
  (command === undefined ? process.stderr : process.stdout).write(`${USAGE}\n`);
  code = command === undefined ? 2 : 0;
} else if (CORE_COMMANDS.has(command)) {
  code = await runCore();
} else if (WORKSPACE_COMMANDS.has(command)) {
  code = runWorkspace();
} else if (PLANNED_COMMANDS.has(command)) {
  process.stderr.write(`strata ${command}: not available yet.\n`);
  code = 2;
} else {
  process.stderr.write(`strata: unknown command ${JSON.stringify(command)}\n\n${USAGE}\n`);
  code = 2;
}
process.exitCode = code;
