import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createGunzip } from "node:zlib";
import { CoreInputError } from "../errors.js";
import { CsvParser, type CsvRecord } from "../ingest/csv.js";
import { CliError } from "./cli-error.js";

export interface CsvHeader {
  readonly columns: string[];
  readonly line: number;
}

/**
 * Streams a CSV file (gzip when the name ends in .gz) record by record: `onHeader` gets the
 * first record, `onRecord` every later one after its width is checked against the header.
 * Every error names the file and the line; a record of the wrong width is a ragged row.
 */
export async function streamCsv(
  file: string,
  onHeader: (header: CsvHeader) => void,
  onRecord: (record: CsvRecord) => void,
): Promise<{ records: number }> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new CliError(`${file}: not a file`);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(
      `${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
  const raw = createReadStream(file);
  const stream = file.endsWith(".gz") ? raw.pipe(createGunzip()) : raw;
  stream.setEncoding("utf8");
  const parser = new CsvParser();
  let header: CsvHeader | undefined;
  let records = 0;
  const handle = (batch: CsvRecord[]): void => {
    for (const record of batch) {
      if (!header) {
        header = { columns: record.fields.map((f) => f.trim()), line: record.line };
        const seen = new Set<string>();
        header.columns.forEach((name, j) => {
          if (name === "")
            throw new CliError(`${file}, line ${record.line}: column ${j + 1} of the header has no name`);
          if (seen.has(name))
            throw new CliError(`${file}, line ${record.line}: column "${name}" appears twice in the header`);
          seen.add(name);
        });
        onHeader(header);
        continue;
      }
      if (record.fields.length !== header.columns.length) {
        throw new CliError(
          `${file}, line ${record.line}: ragged row with ${record.fields.length} fields, the header has ${header.columns.length}`,
        );
      }
      records++;
      onRecord(record);
    }
  };
  try {
    for await (const chunk of stream) handle(parser.push(chunk as string));
    handle(parser.end());
  } catch (error) {
    if (error instanceof CliError) throw error;
    if (error instanceof CoreInputError) throw new CliError(`${file}: ${error.message}`);
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`${file}: cannot read the file (${code ?? (error as Error).message})`);
  }
  if (!header) throw new CliError(`${file}: the file is empty (no header line)`);
  if (records === 0) throw new CliError(`${file}: no data rows after the header on line ${header.line}`);
  return { records };
}
