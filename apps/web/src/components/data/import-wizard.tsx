"use client";

import type { RouterInputs, RouterOutputs } from "@strata/api";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { useEffect, useRef, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { Input, Label, Select } from "@/components/ui/field";
import { Table, TBody, Td, THead, Th } from "@/components/ui/table";
import { toFormError } from "@/lib/errors";
import { useTRPC } from "@/trpc/react";
import { ImportResult } from "./import-result";
import { ProgressBar } from "./progress-bar";

type Kind = "customers" | "orders" | "activities";

/** What each kind of file holds (the "The file holds" choice) and the dataset it goes to by default. */
const KINDS: ReadonlyArray<{ kind: Kind; label: string; datasetName: string }> = [
  { kind: "orders", label: "Order lines (one row per line of an order)", datasetName: "Orders" },
  { kind: "customers", label: "Customers (one row per customer)", datasetName: "Customers" },
  {
    kind: "activities",
    label: "Activity events (one row per customer, activity and count)",
    datasetName: "Activities",
  },
];
type Mapping = RouterInputs["import"]["start"]["mapping"];
type Preview = RouterOutputs["import"]["preview"];
type OnInvalid = "reject_file" | "import_valid";
type Attribute = NonNullable<Mapping["attributes"]>[number];
type AttributeType = Attribute["type"];
type DateFormat = NonNullable<Mapping["dateFormat"]>;

const DATE_FORMATS: Array<[string, string]> = [
  ["iso", "2024-01-31 (ISO)"],
  ["ymd-slash", "2024/01/31"],
  ["dmy-slash", "31/01/2024"],
  ["mdy-slash", "01/31/2024"],
  ["dmy-dash", "31-01-2024"],
  ["mdy-dash", "01-31-2024"],
  ["dmy-dot", "31.01.2024"],
  ["excel-serial", "Excel day number"],
];
const ATTRIBUTE_TYPES = ["numeric", "categorical", "date", "id", "text"] as const;
/** The customer id select's choice for files without an id column (mapping.isIdFromLine). */
const ID_FROM_LINE = "\u0000row-number";

/** Uploads with XMLHttpRequest, the one browser API that reports upload progress. */
function uploadFile(workspace: string, kind: Kind, file: File, onProgress: (fraction: number) => void) {
  return new Promise<{ importId: string; preview: Preview }>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const query = new URLSearchParams({ kind, fileName: file.name });
    xhr.open("POST", `/api/workspaces/${encodeURIComponent(workspace)}/imports?${query}`);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      let body: {
        error?: { message?: string };
        importId?: string;
        fileName?: string;
        preview?: Omit<Preview, "id" | "fileName" | "kind">;
      } = {};
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // An answer that is not JSON (a proxy's page): reported below.
      }
      if (xhr.status === 201 && body.importId && body.preview) {
        const preview: Preview = {
          ...body.preview,
          id: body.importId,
          fileName: body.fileName ?? file.name,
          kind,
        };
        resolve({ importId: body.importId, preview });
      } else reject(new Error(body.error?.message ?? `The upload failed (HTTP ${xhr.status}).`));
    };
    xhr.onerror = () => reject(new Error("Could not reach the server. Check your connection and try again."));
    xhr.send(file);
  });
}

/**
 * The import journey: choose what the file holds and upload it (with progress), confirm the column
 * mapping against a preview, choose what happens to invalid rows, then follow the import to its
 * result and validation report.
 */
export function ImportWizard({ workspace }: { workspace: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const fileRef = useRef<HTMLInputElement>(null);
  const [kind, setKind] = useState<Kind>("orders");
  const [uploadProgress, setUploadProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [importId, setImportId] = useState<string | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [mapping, setMapping] = useState<Mapping | null>(null);
  const [onInvalid, setOnInvalid] = useState<OnInvalid>("reject_file");
  const [datasetName, setDatasetName] = useState("");
  const [started, setStarted] = useState(false);

  const start = useMutation(
    trpc.import.start.mutationOptions({
      onSuccess: async (_data, variables) => {
        // A retry of the same import: forget its previous outcome before following it again.
        await queryClient.resetQueries({
          queryKey: trpc.import.get.queryKey({ workspace, id: variables.id }),
        });
        setStarted(true);
        void queryClient.invalidateQueries({ queryKey: trpc.import.list.queryKey() });
      },
      onError: (e) => setError(toFormError(e).message),
    }),
  );
  const status = useQuery({
    ...trpc.import.get.queryOptions({ workspace, id: importId ?? "00000000-0000-4000-8000-000000000000" }),
    enabled: started && importId !== null,
    refetchInterval: (query) => {
      const s = query.state.data?.status;
      return s === "succeeded" || s === "rejected" || s === "failed" ? false : 700;
    },
  });
  const current = started ? status.data : undefined;
  const finishedStatus =
    current && ["succeeded", "rejected", "failed"].includes(current.status) ? current.status : null;
  useEffect(() => {
    if (!finishedStatus) return;
    void queryClient.invalidateQueries({ queryKey: trpc.dataset.list.queryKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.import.list.queryKey() });
  }, [finishedStatus, queryClient, trpc]);

  async function onUpload() {
    const file = fileRef.current?.files?.[0];
    if (!file) {
      setError("Choose a CSV or XLSX file first.");
      return;
    }
    setError(null);
    setUploadProgress(0);
    try {
      const result = await uploadFile(workspace, kind, file, setUploadProgress);
      setImportId(result.importId);
      setPreview(result.preview);
      setMapping(result.preview.mapping);
      setDatasetName(KINDS.find((k) => k.kind === kind)?.datasetName ?? "");
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setUploadProgress(null);
    }
  }

  function reset() {
    setImportId(null);
    setPreview(null);
    setMapping(null);
    setStarted(false);
    setError(null);
    setOnInvalid("reject_file");
    if (fileRef.current) fileRef.current.value = "";
  }

  function startImport(choice: OnInvalid) {
    if (!importId || !mapping) return;
    setError(null);
    setStarted(false);
    start.mutate({
      workspace,
      id: importId,
      mapping,
      onInvalid: choice,
      datasetName: datasetName || undefined,
    });
  }

  if (!preview || !mapping || !importId) {
    return (
      <Card>
        <CardHeader>
          <CardTitle>Import a file</CardTitle>
          <CardDescription>
            CSV (any delimiter, quoted fields, UTF-8 with or without BOM) or Excel .xlsx. Nothing is imported
            until you have checked the mapping.
          </CardDescription>
        </CardHeader>
        <CardContent className="space-y-4">
          <fieldset className="flex flex-wrap gap-4 text-sm">
            <legend className="mb-2 text-sm font-medium text-slate-700">The file holds</legend>
            {KINDS.map((k) => (
              <label key={k.kind} className="flex items-center gap-2">
                <input
                  type="radio"
                  name="kind"
                  value={k.kind}
                  checked={kind === k.kind}
                  onChange={() => setKind(k.kind)}
                />
                {k.label}
              </label>
            ))}
          </fieldset>
          <div className="space-y-1.5">
            <Label htmlFor="import-file">File</Label>
            <input
              id="import-file"
              ref={fileRef}
              type="file"
              accept=".csv,.tsv,.txt,.xlsx,text/csv"
              className="block w-full text-sm text-slate-700 file:mr-3 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-3 file:py-1.5"
            />
          </div>
          {uploadProgress !== null ? <ProgressBar label="Uploading" fraction={uploadProgress} /> : null}
          {error ? <Alert tone="error">{error}</Alert> : null}
        </CardContent>
        <CardFooter>
          <Button onClick={onUpload} isLoading={uploadProgress !== null}>
            Upload and preview
          </Button>
        </CardFooter>
      </Card>
    );
  }

  if (started && current) {
    return (
      <ImportResult
        workspace={workspace}
        result={current}
        onImportValid={
          current.status === "rejected" && current.rowsImported === 0
            ? () => startImport("import_valid")
            : undefined
        }
        onNewImport={reset}
      />
    );
  }

  const setField = (field: string, source: string) => {
    const fields = { ...mapping.fields };
    const isIdFromLine = preview.kind === "customers" && field === "externalId" && source === ID_FROM_LINE;
    if (source && !isIdFromLine) fields[field] = source;
    else delete fields[field];
    const next: Mapping = { ...mapping, fields };
    if (field === "externalId") {
      if (isIdFromLine) next.isIdFromLine = true;
      else delete next.isIdFromLine;
    }
    // A newly chosen date column brings its own detected format.
    if ((field === "orderedAt" || field === "occurredOn") && source) {
      const detected = preview.dateFormats[source]?.format;
      if (detected) next.dateFormat = detected;
    }
    if (preview.kind === "customers") {
      const used = new Set(Object.values(fields));
      next.attributes = preview.columns
        .filter((c) => !used.has(c.name))
        .map((c) => mapping.attributes?.find((a) => a.source === c.name) ?? attributeFor(c.name, c.type));
    }
    setMapping(next);
  };

  /** A kept column; a date column comes with the format detected from its values. */
  const attributeFor = (source: string, type: AttributeType): Attribute => {
    const detected = type === "date" ? preview.dateFormats[source]?.format : undefined;
    return detected ? { source, type, dateFormat: detected } : { source, type };
  };

  const setAttribute = (source: string, change: Partial<Attribute>) => {
    setMapping({
      ...mapping,
      attributes: mapping.attributes?.map((a) => {
        if (a.source !== source) return a;
        const next = { ...a, ...change };
        if (change.type === "date" && !next.dateFormat) return attributeFor(source, "date");
        return next;
      }),
    });
  };

  return (
    <Card>
      <CardHeader>
        <CardTitle>Map the columns of {preview.fileName}</CardTitle>
        <CardDescription>
          {preview.format === "xlsx"
            ? "Excel workbook"
            : `CSV, delimiter "${preview.delimiter === "\t" ? "tab" : preview.delimiter}", ${preview.encoding}`}
          {" · "}
          {preview.header.length} columns · types inferred from the first {preview.sampleSize} rows
        </CardDescription>
      </CardHeader>
      <CardContent className="space-y-6">
        <section aria-labelledby="mapping-heading" className="space-y-3">
          <h3 id="mapping-heading" className="text-sm font-semibold text-slate-900">
            Strata fields
          </h3>
          <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
            {preview.fields.map((field) => (
              <div key={field.name} className="space-y-1">
                <Label htmlFor={`field-${field.name}`}>
                  {field.label}
                  {field.required ? " *" : ""}
                </Label>
                <Select
                  id={`field-${field.name}`}
                  value={
                    field.name === "externalId" && mapping.isIdFromLine
                      ? ID_FROM_LINE
                      : (mapping.fields[field.name] ?? "")
                  }
                  onChange={(e) => setField(field.name, e.target.value)}
                >
                  <option value="">{field.required ? "Choose a column" : "Not in this file"}</option>
                  {preview.kind === "customers" && field.name === "externalId" ? (
                    <option value={ID_FROM_LINE}>No id column: number the rows (row-2, row-3, …)</option>
                  ) : null}
                  {preview.header.map((h) => (
                    <option key={h} value={h}>
                      {h}
                    </option>
                  ))}
                </Select>
              </div>
            ))}
            {preview.kind === "orders" || (preview.kind === "activities" && mapping.fields.occurredOn) ? (
              <div className="space-y-1">
                <Label htmlFor="date-format">Date format</Label>
                <Select
                  id="date-format"
                  value={mapping.dateFormat ?? "iso"}
                  onChange={(e) =>
                    setMapping({ ...mapping, dateFormat: e.target.value as Mapping["dateFormat"] })
                  }
                >
                  {DATE_FORMATS.map(([value, label]) => (
                    <option key={value} value={value}>
                      {label}
                    </option>
                  ))}
                </Select>
                {preview.dateDetection && preview.dateDetection.status !== "ok" ? (
                  <p className="text-xs text-amber-700">{preview.dateDetection.message}</p>
                ) : null}
              </div>
            ) : null}
            <div className="space-y-1">
              <Label htmlFor="decimal">Decimal separator</Label>
              <Select
                id="decimal"
                value={mapping.decimalSeparator ?? "."}
                onChange={(e) => setMapping({ ...mapping, decimalSeparator: e.target.value as "." | "," })}
              >
                <option value=".">Point (12.50)</option>
                <option value=",">Comma (12,50)</option>
              </Select>
            </div>
            {preview.kind === "orders" ? (
              <div className="space-y-1">
                <Label htmlFor="negative">Negative quantities</Label>
                <Select
                  id="negative"
                  value={mapping.negativeQuantity ?? "return"}
                  onChange={(e) =>
                    setMapping({ ...mapping, negativeQuantity: e.target.value as "reject" | "return" })
                  }
                >
                  <option value="return">Import as returns (credit notes net their orders)</option>
                  <option value="reject">Reject the row</option>
                </Select>
              </div>
            ) : null}
          </div>
          {preview.missingFields.length > 0 ? (
            <Alert tone="warning">
              No column was recognised for:{" "}
              {preview.missingFields
                .map((name) => preview.fields.find((f) => f.name === name)?.label ?? name)
                .join(", ")}
              . Choose one above.
            </Alert>
          ) : null}
          {mapping.isIdFromLine ? (
            <Alert tone="info" title="Customer ids will be generated">
              {preview.notices.find((n) => n.code === "generated-ids")?.message ??
                'Each customer gets the id "row-<line>" (row-2 for the first data row). Importing the same file again updates the same customers.'}
            </Alert>
          ) : null}
        </section>

        {preview.kind === "customers" && mapping.attributes ? (
          <section aria-labelledby="attributes-heading" className="space-y-2">
            <h3 id="attributes-heading" className="text-sm font-semibold text-slate-900">
              Attributes kept for each customer
            </h3>
            <div className="grid gap-2 sm:grid-cols-2 lg:grid-cols-4">
              {mapping.attributes.map((a, i) => {
                const detection = a.type === "date" ? preview.dateFormats[a.source] : undefined;
                return (
                  <div key={a.source} className="min-w-0 space-y-1 text-sm">
                    {/* The visible label is the column; its accessible name says what is chosen for it. */}
                    <Label htmlFor={`attribute-type-${i}`} className="break-words" title={a.source}>
                      <span className="sr-only">Type of column </span>
                      {a.source}
                    </Label>
                    <Select
                      id={`attribute-type-${i}`}
                      className="h-8"
                      value={a.type}
                      onChange={(e) => setAttribute(a.source, { type: e.target.value as AttributeType })}
                    >
                      {ATTRIBUTE_TYPES.map((t) => (
                        <option key={t} value={t}>
                          {t}
                        </option>
                      ))}
                    </Select>
                    {a.type === "date" ? (
                      <>
                        <Label htmlFor={`attribute-date-${i}`} className="text-xs font-normal text-slate-600">
                          Date format<span className="sr-only"> of column {a.source}</span>
                        </Label>
                        <Select
                          id={`attribute-date-${i}`}
                          className="h-8"
                          value={a.dateFormat ?? mapping.dateFormat ?? "iso"}
                          onChange={(e) =>
                            setAttribute(a.source, { dateFormat: e.target.value as DateFormat })
                          }
                        >
                          {DATE_FORMATS.map(([value, label]) => (
                            <option key={value} value={value}>
                              {label}
                            </option>
                          ))}
                        </Select>
                        {detection && detection.status !== "ok" && detection.status !== "none" ? (
                          <p className="text-xs text-amber-700">{detection.message}</p>
                        ) : null}
                      </>
                    ) : null}
                    <label className="flex items-center gap-1.5 text-xs text-slate-700">
                      <input
                        type="checkbox"
                        checked={a.isPersonal === true}
                        onChange={(e) => setAttribute(a.source, { isPersonal: e.target.checked })}
                      />
                      Personal<span className="sr-only"> data in column {a.source}</span>
                    </label>
                  </div>
                );
              })}
            </div>
            <p className="text-xs text-slate-600">
              Personal columns (suggested from names such as email, name, phone, address and birth date) are
              never clustering features unless chosen by name, and viewers see them masked and export without
              them.
            </p>
          </section>
        ) : null}

        <section aria-labelledby="preview-heading" className="space-y-2">
          <h3 id="preview-heading" className="text-sm font-semibold text-slate-900">
            First rows
          </h3>
          <Table>
            <THead>
              <tr>
                <Th>Line</Th>
                {preview.columns.map((c) => (
                  <Th key={c.name}>
                    <span className="block normal-case text-slate-700">{c.name}</span>
                    <span className="block font-normal lowercase">{c.type}</span>
                  </Th>
                ))}
              </tr>
            </THead>
            <TBody>
              {preview.rows.slice(0, 8).map((r) => (
                <tr key={r.line}>
                  <Td className="text-slate-400">{r.line}</Td>
                  {preview.columns.map((c, j) => (
                    <Td key={c.name} className="max-w-48 truncate">
                      {r.fields[j] ?? ""}
                    </Td>
                  ))}
                </tr>
              ))}
            </TBody>
          </Table>
        </section>

        <section className="grid gap-4 sm:grid-cols-2">
          <fieldset className="space-y-2 text-sm">
            <legend className="mb-1 font-semibold text-slate-900">If some rows are invalid</legend>
            <label className="flex items-start gap-2">
              <input
                type="radio"
                name="on-invalid"
                checked={onInvalid === "reject_file"}
                onChange={() => setOnInvalid("reject_file")}
              />
              <span>Reject the whole file and show me the report (nothing changes)</span>
            </label>
            <label className="flex items-start gap-2">
              <input
                type="radio"
                name="on-invalid"
                checked={onInvalid === "import_valid"}
                onChange={() => setOnInvalid("import_valid")}
              />
              <span>Import the valid rows and report the others</span>
            </label>
          </fieldset>
          <div className="space-y-1">
            <Label htmlFor="dataset-name">Dataset</Label>
            <Input id="dataset-name" value={datasetName} onChange={(e) => setDatasetName(e.target.value)} />
            <p className="text-xs text-slate-500">
              Re-importing into the same dataset updates customers and skips lines already there.
            </p>
          </div>
        </section>
        {error ? <Alert tone="error">{error}</Alert> : null}
        {started && !current ? <ProgressBar label="Starting" fraction={0} /> : null}
      </CardContent>
      <CardFooter>
        <Button variant="ghost" onClick={reset}>
          Cancel
        </Button>
        <Button onClick={() => startImport(onInvalid)} isLoading={start.isPending}>
          Import
        </Button>
      </CardFooter>
    </Card>
  );
}
