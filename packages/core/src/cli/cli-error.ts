/** A failure to report to the user: message on stderr, exit code 1 (bad data) or 2 (bad usage). */
export class CliError extends Error {
  override readonly name = "CliError";
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Quotes a value for a message, shortened so a huge cell does not flood the terminal. */
export function quote(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
}
