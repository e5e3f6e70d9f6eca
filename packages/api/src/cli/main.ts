#!/usr/bin/env node
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type ParseArgsConfig, parseArgs } from "node:util";
import { createDatabase, type Database, migrate, readDbEnv } from "@strata/db";
import { AppError } from "../errors.js";
import { findRunningEmbeddedServer } from "./embedded-guard.js";
import { readCliEnv } from "./env.js";
import { importCommand } from "./import-command.js";
import {
  closeRunCommand,
  parseAlgorithm,
  parseFeatures,
  parseK,
  type RunCommandOptions,
  RunFlagError,
  runCommand,
} from "./run-command.js";
import { IMPORT_USAGE, RUN_USAGE, WORKSPACE_USAGE } from "./usage.js";

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export interface CliDeps {
  /** An open, migrated database to use (tests); otherwise DATABASE_URL or the embedded folder is opened. */
  database?: Database;
  /** Stops `run --wait` from waiting (Ctrl-C). */
  signal?: AbortSignal;
  /** For the in-process run consumer (tests: fewer threads, faster polling). */
  run?: Pick<RunCommandOptions, "consumer" | "pollIntervalMs">;
}

/** A wrong invocation: printed with the command's usage, exit code 64 (EX_USAGE). */
class UsageError extends Error {
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
  }
}

const USAGE_EXIT = 64;
const COMMAND_USAGE: Record<string, string> = { import: IMPORT_USAGE, run: RUN_USAGE };

const processIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

/** The workspace CLI (`strata import|run`): returns the exit code; output goes through `io`. */
export async function main(
  argv: ReadonlyArray<string>,
  io: CliIo = processIo,
  deps: CliDeps = {},
): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    io.stdout(`${WORKSPACE_USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  const usage = COMMAND_USAGE[command];
  if (!usage) {
    io.stderr(`strata: unknown command "${command}"\n\n${WORKSPACE_USAGE}\n`);
    return USAGE_EXIT;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout(`${usage}\n`);
    return 0;
  }
  try {
    return command === "import" ? await runImport(rest, io, deps) : await runRun(rest, io, deps);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`strata ${command}: ${error.message}\n\n${error.usage}\n`);
      return USAGE_EXIT;
    }
    if (error instanceof RunFlagError) {
      io.stderr(`strata ${command}: ${error.message}\n(strata ${command} --help lists the options)\n`);
      return USAGE_EXIT;
    }
    if (error instanceof AppError) {
      io.stderr(`strata ${command}: ${error.field ? `--${error.field}: ` : ""}${error.message}\n`);
      return 1;
    }
    io.stderr(`strata ${command}: ${(error as Error)?.message ?? String(error)}\n`);
    return 1;
  }
}

function parse<T extends NonNullable<ParseArgsConfig["options"]>>(args: string[], options: T, usage: string) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    // node:util names the unknown option or the missing value (then explains "--" at length).
    const message = (error as Error).message.split(". To specify a positional argument")[0] ?? "";
    throw new UsageError(message, usage);
  }
}

async function runImport(args: string[], io: CliIo, deps: CliDeps): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      workspace: { type: "string" },
      input: { type: "string" },
      mapping: { type: "string" },
      "accept-valid": { type: "boolean", default: false },
      dataset: { type: "string" },
    },
    IMPORT_USAGE,
  );
  const kind = positionals[0];
  if (kind !== "customers" && kind !== "orders" && kind !== "activities") {
    throw new UsageError(
      `say what to import: "customers", "orders" or "activities"${kind ? ` (got "${kind}")` : ""}`,
      IMPORT_USAGE,
    );
  }
  if (!values.workspace) throw new UsageError("--workspace <slug> is required", IMPORT_USAGE);
  if (!values.input) throw new UsageError("--input <file> is required", IMPORT_USAGE);
  const workspace = values.workspace;
  const input = values.input;

  return withDatabase("import", io, deps, async (database) => {
    const outcome = await importCommand(database, {
      kind,
      workspace,
      input,
      ...(values.mapping ? { mappingPath: values.mapping } : {}),
      acceptValid: values["accept-valid"] ?? false,
      ...(values.dataset ? { datasetName: values.dataset } : {}),
    });
    if (outcome.status !== "succeeded") {
      io.stderr(`strata import: ${input}: ${outcome.message ?? outcome.status}\n`);
      if (outcome.rejectedReportPath) {
        io.stderr(`Rejected rows (line, column, value, reason): ${outcome.rejectedReportPath}\n`);
      }
      return 2;
    }
    io.stdout(
      `${JSON.stringify({
        imported: outcome.imported,
        updated: outcome.updated,
        rejected: outcome.rejected,
        rejectedReportPath: outcome.rejectedReportPath,
        ms: outcome.ms,
      })}\n`,
    );
    return 0;
  });
}

async function runRun(args: string[], io: CliIo, deps: CliDeps): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      workspace: { type: "string" },
      algorithm: { type: "string" },
      k: { type: "string" },
      features: { type: "string" },
      wait: { type: "boolean", default: false },
      work: { type: "boolean", default: false },
    },
    RUN_USAGE,
  );
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`, RUN_USAGE);
  if (!values.workspace) throw new UsageError("--workspace <slug> is required", RUN_USAGE);
  // Flag values are checked before the database is opened.
  const options: RunCommandOptions = {
    workspace: values.workspace,
    ...(values.algorithm !== undefined ? { algorithm: parseAlgorithm(values.algorithm) } : {}),
    ...(values.k !== undefined ? { k: parseK(values.k) } : {}),
    ...(values.features !== undefined ? { features: parseFeatures(values.features) } : {}),
    wait: values.wait ?? false,
    work: values.work ?? false,
    ...deps.run,
    ...(deps.signal ? { signal: deps.signal } : {}),
    log: (line) => io.stderr(`strata run: ${line}\n`),
  };

  return withDatabase("run", io, deps, async (database) => {
    try {
      const outcome = await runCommand(database, options);
      if (!outcome.waited) {
        if (database.driver === "pglite") {
          io.stderr(
            "strata run: queued; the Strata server works it when it starts, as does the next `strata run --wait`.\n",
          );
        }
        io.stdout(`${JSON.stringify(outcome.run)}\n`);
        return 0;
      }
      if (outcome.error !== null) {
        io.stderr(`strata run: run ${outcome.run.id} ${outcome.run.status}: ${outcome.error}\n`);
        return 1;
      }
      io.stdout(`${JSON.stringify(outcome.run)}\n`);
      return 0;
    } finally {
      await closeRunCommand(database);
    }
  });
}

/**
 * Opens the database the command works on (unless one was given), refusing the embedded folder
 * while the server has it open, and closes it afterwards.
 */
async function withDatabase(
  command: string,
  io: CliIo,
  deps: CliDeps,
  work: (database: Database) => Promise<number>,
): Promise<number> {
  if (deps.database) return work(deps.database);
  const env = readDbEnv();
  if (!env.DATABASE_URL) {
    const { port } = readCliEnv();
    const running = await findRunningEmbeddedServer(env.STRATA_DATA_DIR, port);
    if (running) {
      const instead =
        command === "import"
          ? "upload the file in the browser (Data > Import)"
          : "start the run in the browser (Segments > New run)";
      io.stderr(
        `strata ${command}: ${running}. Two processes must not open the embedded database at once: ${instead}, or stop the server and run this again.\n`,
      );
      return 3;
    }
  }
  const database = await createDatabase();
  try {
    await migrate(database);
    return await work(database);
  } finally {
    await database.close();
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
  // Ctrl-C while waiting: stop waiting and hand an in-process run back to the queue; twice: exit now.
  const interrupt = new AbortController();
  process.on("SIGINT", () => {
    if (interrupt.signal.aborted) process.exit(130);
    interrupt.abort();
  });
  main(process.argv.slice(2), processIo, { signal: interrupt.signal }).then(
    (code) => {
      process.exitCode = interrupt.signal.aborted && code !== 0 ? 130 : code;
    },
    (error: unknown) => {
      process.stderr.write(`strata: ${(error as Error)?.message ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
