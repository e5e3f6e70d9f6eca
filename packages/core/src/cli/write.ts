import { writeFile } from "node:fs/promises";
import { CliError } from "./cli-error.js";

/** Writes a whole text file, turning file-system errors into a message naming the file. */
export async function writeTextFile(file: string, text: string): Promise<void> {
  try {
    await writeFile(file, text);
  } catch (error) {
    throw new CliError(
      `${file}: cannot write the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
}
