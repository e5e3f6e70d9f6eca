import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";

/**
 * Text appended to an in-memory buffer and written to a file on `flush`, waiting for `drain` when
 * the disk is slower than the parser: memory stays bounded whatever the size of the import.
 */
export class BufferedFileWriter {
  readonly path: string;
  protected buffer: string;
  private readonly out: WriteStream;
  private closing: Promise<void> | undefined;

  constructor(path: string, initial = "") {
    this.path = path;
    this.buffer = initial;
    // Stage files and reports hold customer data: the server user's only.
    this.out = createWriteStream(path, { encoding: "utf8", mode: 0o600 });
  }

  /** Writes what is buffered. */
  async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const chunk = this.buffer;
    this.buffer = "";
    if (!this.out.write(chunk)) await once(this.out, "drain");
  }

  /** Flushes and closes the file; safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.flush();
      this.out.end();
      if (!this.out.writableFinished) await once(this.out, "finish");
    })();
    return this.closing;
  }
}
