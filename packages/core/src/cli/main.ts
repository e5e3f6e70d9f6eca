#!/usr/bin/env node
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CoreInputError } from "../errors.js";
import { CliError } from "./cli-error.js";
import { runCostToServe } from "./cost-to-serve.js";
import { runRfm } from "./rfm.js";
import { runSafetyStock } from "./safety-stock.js";
import { runSegment } from "./segment.js";

export const USAGE = `Usage: strata <command> [options]

Commands (files only):
  segment --input <file.csv> [--columns a,b,c] [--algorithm kmeans|minibatch|dbscan|hierarchical|gmm]
          [--k N|auto] [--k-min 3 --k-max 8] [--min-share 2] [--transform auto|none]
          [--outliers set-aside|keep] [--eps x --min-samples m]
          [--linkage ward|average|complete|single] [--scale zscore|robust|minmax|none]
          [--n-init N] [--max-iter N] [--tol x] [--seed N] [--threads N] [--out labels.csv]
          [--model model.json] [--covariance full|diag] [--batch-size N] [--log1p none|auto|a,b]
  rfm     --input <orders.csv> [--out features.csv] [--as-of YYYY-MM-DD]
          [--customer-column C] [--time-column C] [--quantity-column C] [--price-column C]
          [--invoice-column C] [--product-column C] [--category-column C] [--channel-column C]
          [--country-column C]
  cost-to-serve --orders <orders.csv> --cost-model <model.json> [--activities activities.csv]
          [--memberships memberships.csv] [--segment-set name] [--products products.csv]
          [--period-days N] [--out dir]
  safety-stock (--service-level p | --reorder-point R) --demand-sd s [--demand-mean d]
          [--lead-time L] [--lead-time-sd sL] [--order-quantity Q]

Each command prints one JSON object on stdout; errors go to stderr with a non-zero exit code.`;

/** Runs one CLI command; returns the exit code. Output goes through the given writers (tests). */
export async function main(
  argv: ReadonlyArray<string>,
  io: { stdout: (text: string) => void; stderr: (text: string) => void } = {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
  },
): Promise<number> {
  const [command, ...rest] = argv;
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  try {
    let result: unknown;
    if (command === "segment") result = await runSegment(rest);
    else if (command === "rfm") result = await runRfm(rest);
    else if (command === "cost-to-serve") result = await runCostToServe(rest);
    else if (command === "safety-stock") result = await runSafetyStock(rest);
    else if (command === undefined || command === "help" || command === "--help" || command === "-h") {
      io.stdout(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    } else throw new CliError(`strata: unknown command ${JSON.stringify(command)}\n\n${USAGE}`, 2);
    io.stdout(`${JSON.stringify(result)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr(`${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof CoreInputError) {
      io.stderr(`strata ${command}: ${error.message}\n`);
      return 1;
    }
    io.stderr(`strata ${command}: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
    return 70;
  }
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
