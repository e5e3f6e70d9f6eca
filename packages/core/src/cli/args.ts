import { CliError } from "./cli-error.js";

export type FlagKind = "string" | "boolean";

/**
 * Parses `--name value`, `--name=value` and boolean `--flag` against a fixed set of flags.
 * Unknown flags, missing values and stray positional arguments are usage errors (exit 2).
 */
export function parseFlags(
  command: string,
  argv: ReadonlyArray<string>,
  spec: Readonly<Record<string, FlagKind>>,
): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--"))
      throw new CliError(`strata ${command}: unexpected argument ${JSON.stringify(arg)}`, 2);
    const eq = arg.indexOf("=");
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const kind = spec[name];
    if (!kind) {
      const known = Object.keys(spec)
        .map((k) => `--${k}`)
        .join(", ");
      throw new CliError(`strata ${command}: unknown option --${name} (known: ${known})`, 2);
    }
    if (kind === "boolean") {
      out.set(name, "true");
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq < 0 && value.startsWith("--"))) {
      throw new CliError(`strata ${command}: option --${name} needs a value`, 2);
    }
    out.set(name, value);
  }
  return out;
}

/** Reads a numeric flag, checking it is an integer in range when asked. */
export function numberFlag(
  command: string,
  flags: Map<string, string>,
  name: string,
  options: { integer?: boolean; min?: number; max?: number } = {},
): number | undefined {
  const text = flags.get(name);
  if (text === undefined) return undefined;
  const value = Number(text);
  const bad =
    text.trim() === "" ||
    !Number.isFinite(value) ||
    (options.integer && !Number.isInteger(value)) ||
    (options.min !== undefined && value < options.min) ||
    (options.max !== undefined && value > options.max);
  if (bad) {
    const what = options.integer ? "an integer" : "a number";
    const range =
      options.min !== undefined && options.max !== undefined
        ? ` from ${options.min} to ${options.max}`
        : options.min !== undefined
          ? ` of at least ${options.min}`
          : "";
    throw new CliError(
      `strata ${command}: --${name} must be ${what}${range}, got ${JSON.stringify(text)}`,
      2,
    );
  }
  return value;
}

/** Reads a flag restricted to a list of words. */
export function choiceFlag<T extends string>(
  command: string,
  flags: Map<string, string>,
  name: string,
  choices: ReadonlyArray<T>,
  fallback: T,
): T {
  const value = flags.get(name);
  if (value === undefined) return fallback;
  if (!choices.includes(value as T)) {
    throw new CliError(
      `strata ${command}: --${name} must be one of ${choices.join(", ")}, got ${JSON.stringify(value)}`,
      2,
    );
  }
  return value as T;
}
