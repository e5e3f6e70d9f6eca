// Data for bench/cli-bench.mjs: generated from seeds with core's PRNG, written as the files a
// user would pass (CSV) and as float64 row-major files for the scikit-learn side.
import { createWriteStream, writeFileSync } from "node:fs";
import * as core from "../dist/index.js";

/** n x d standard normal values, rounded to 6 decimals (exactly what the CSV holds). */
export function normalRows(n, d, seed) {
  const r = core.createRandom(seed);
  const data = new Float64Array(n * d);
  for (let i = 0; i < data.length; i++) data[i] = Number(r.normal().toFixed(6));
  return { data, n, d };
}

/** `blobs` Gaussian blobs (sd 0.5) with centres uniform in [0, 20]^d, plus 5% uniform noise. */
export function blobRows(n, d, seed, blobs = 10) {
  const r = core.createRandom(seed);
  const centres = Array.from({ length: blobs }, () => Array.from({ length: d }, () => r.next() * 20));
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    if (r.next() < 0.05) {
      for (let t = 0; t < d; t++) data[i * d + t] = r.next() * 20;
    } else {
      const c = centres[r.int(blobs)];
      for (let t = 0; t < d; t++) data[i * d + t] = c[t] + 0.5 * r.normal();
    }
  }
  return { data, n, d };
}

export function writeF64(file, x) {
  writeFileSync(file, new Uint8Array(x.data.buffer, x.data.byteOffset, x.data.byteLength));
}

/** Writes x as a CSV with header f1..fd, 6 decimals per value (as normalRows rounds them). */
export async function writeCsv(file, x) {
  const out = createWriteStream(file);
  const header = Array.from({ length: x.d }, (_, t) => `f${t + 1}`).join(",");
  let chunk = `${header}\n`;
  for (let i = 0; i < x.n; i++) {
    const row = new Array(x.d);
    for (let t = 0; t < x.d; t++) row[t] = x.data[i * x.d + t].toFixed(6);
    chunk += `${row.join(",")}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise((resolve) => out.once("drain", resolve));
      chunk = "";
    }
  }
  out.write(chunk);
  await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())));
}
