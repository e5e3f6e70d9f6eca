/** A file name safe inside a quoted Content-Disposition value: word characters, dots and dashes. */
export function safeFileName(name: string, fallback: string): string {
  return name.replace(/[^\w.-]+/g, "-").replace(/^-|-$/g, "") || fallback;
}

/** Headers of a CSV download that no cache keeps (it holds a tenant's data). */
export function csvHeaders(fileName: string): Record<string, string> {
  return {
    "content-type": "text/csv; charset=utf-8",
    "content-disposition": `attachment; filename="${fileName}"`,
    "cache-control": "no-store",
  };
}
