#!/usr/bin/env node
// `npm run strata -- <command> ...`: the Strata CLI. File-only commands (segment, rfm) run the
// built core package; workspace commands (import, run, apikey, cost-to-serve) belong to the
// api package's CLI once it exists. Kept a plain node file so scripts can call it directly.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const CORE_COMMANDS = new Set(["segment", "rfm", "help", "--help", "-h"]);
const WORKSPACE_COMMANDS = new Set(["import", "run", "apikey", "cost-to-serve"]);

const argv = process.argv.slice(2);
const command = argv[0];

async function runBuilt(relative, label) {
  const file = join(root, relative);
  if (!existsSync(file)) {
    process.stderr.write(`strata: ${relative} is not built yet; run \`npm run build\` first (${label}).\n`);
    return 1;
  }
  const { main } = await import(pathToFileURL(file).href);
  return main(argv);
}

let code;
if (command === undefined || CORE_COMMANDS.has(command)) {
  code = await runBuilt("packages/core/dist/cli/main.js", "@strata/core");
} else if (WORKSPACE_COMMANDS.has(command)) {
  // The workspace CLI lives in packages/api; until it is built there, say so plainly.
  const apiCli = "packages/api/dist/cli/main.js";
  if (existsSync(join(root, apiCli))) {
    // A separate process: the api CLI runs itself on load and owns its exit code.
    code = spawnSync(process.execPath, [join(root, apiCli), ...argv], { stdio: "inherit" }).status ?? 1;
  } else {
    process.stderr.write(
      `strata ${command}: not available yet: workspace commands (import, run, apikey, cost-to-serve) need the api package's CLI (${apiCli}).\n`,
    );
    code = 2;
  }
} else {
  process.stderr.write(
    `strata: unknown command ${JSON.stringify(command)}. Commands: segment, rfm, import, run, apikey, cost-to-serve.\n`,
  );
  code = 2;
}
process.exitCode = code;
