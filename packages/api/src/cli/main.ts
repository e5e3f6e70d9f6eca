#!/usr/bin/env node
import { parseArgs } from "node:util";
import { createDatabase, migrate, readDbEnv } from "@strata/db";
import { findRunningEmbeddedServer } from "./embedded-guard.js";
import { importCommand } from "./import-command.js";

const USAGE = `Usage:
  strata import customers|orders --workspace <slug> --input <file> [--mapping map.json] [--accept-valid] [--dataset <name>]

Works on DATABASE_URL, or on the embedded database in STRATA_DATA_DIR (not while the server has it open).`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== "import")
    throw new UsageError(command ? `unknown command "${command}"` : "no command given");
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      workspace: { type: "string" },
      input: { type: "string" },
      mapping: { type: "string" },
      "accept-valid": { type: "boolean", default: false },
      dataset: { type: "string" },
    },
  });
  const kind = positionals[0];
  if (kind !== "customers" && kind !== "orders") {
    throw new UsageError(`say what to import: "customers" or "orders"${kind ? ` (got "${kind}")` : ""}`);
  }
  if (!values.workspace) throw new UsageError("--workspace <slug> is required");
  if (!values.input) throw new UsageError("--input <file> is required");

  const env = readDbEnv();
  if (!env.DATABASE_URL) {
    const port = Number(process.env.PORT || 3000);
    const running = await findRunningEmbeddedServer(env.STRATA_DATA_DIR, port);
    if (running) {
      process.stderr.write(
        `strata import: ${running}. Two processes must not open the embedded database at once: upload the file in the browser (Data > Import), or stop the server and run this again.\n`,
      );
      return 3;
    }
  }
  const database = await createDatabase();
  try {
    await migrate(database);
    const outcome = await importCommand(database, {
      kind,
      workspace: values.workspace,
      input: values.input,
      ...(values.mapping ? { mappingPath: values.mapping } : {}),
      acceptValid: values["accept-valid"] ?? false,
      ...(values.dataset ? { datasetName: values.dataset } : {}),
    });
    if (outcome.status !== "succeeded") {
      process.stderr.write(`strata import: ${values.input}: ${outcome.message ?? outcome.status}\n`);
      if (outcome.rejectedReportPath) {
        process.stderr.write(`Rejected rows (line, column, value, reason): ${outcome.rejectedReportPath}\n`);
      }
      return 2;
    }
    process.stdout.write(
      `${JSON.stringify({
        imported: outcome.imported,
        updated: outcome.updated,
        rejected: outcome.rejected,
        rejectedReportPath: outcome.rejectedReportPath,
        ms: outcome.ms,
      })}\n`,
    );
    return 0;
  } finally {
    await database.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`strata: ${error.message}\n\n${USAGE}\n`);
      process.exitCode = 64;
      return;
    }
    const e = error as Error & { field?: string };
    process.stderr.write(`strata import: ${e.message}\n`);
    process.exitCode = 1;
  },
);
