"use client";

import type { RouterOutputs } from "@strata/api";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { Button, buttonClasses } from "@/components/ui/button";
import { Card, CardContent, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TBody, Td, THead, Th } from "@/components/ui/table";
import { useTRPC } from "@/trpc/react";
import { ProgressBar } from "./progress-bar";

type ImportRow = RouterOutputs["import"]["get"];

const STAGES: Record<string, string> = {
  queued: "Waiting to start",
  reading: "Reading and validating rows",
  writing: "Writing to the database",
  features: "Computing customer features",
  profiling: "Profiling the dataset",
  done: "Done",
};

/** Progress of a running import, then its outcome with the validation report. */
export function ImportResult({
  workspace,
  result,
  onImportValid,
  onNewImport,
}: {
  workspace: string;
  result: ImportRow;
  onImportValid?: (() => void) | undefined;
  onNewImport: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const cancel = useMutation(
    trpc.import.cancel.mutationOptions({
      onSettled: () =>
        queryClient.invalidateQueries({ queryKey: trpc.import.get.queryKey({ workspace, id: result.id }) }),
    }),
  );
  const isRunning = result.status === "queued" || result.status === "running";
  // Once the rows are loaded (features, profile) the data has changed: there is nothing to cancel.
  const canCancel = isRunning && result.stage !== "features" && result.stage !== "profiling";
  const reportUrl = `/api/workspaces/${encodeURIComponent(workspace)}/imports/${result.id}/rejected`;
  return (
    <Card>
      <CardHeader>
        <CardTitle>
          {isRunning
            ? `Importing ${result.fileName}`
            : result.status === "succeeded"
              ? `Imported ${result.fileName}`
              : result.status === "rejected"
                ? `${result.fileName} was rejected`
                : `${result.fileName} could not be imported`}
        </CardTitle>
      </CardHeader>
      <CardContent className="space-y-4">
        {isRunning ? (
          <ProgressBar label={STAGES[result.stage ?? "queued"] ?? "Importing"} fraction={result.progress} />
        ) : null}
        {canCancel ? (
          <Button
            variant="secondary"
            onClick={() => cancel.mutate({ workspace, id: result.id })}
            isLoading={cancel.isPending}
          >
            Cancel import
          </Button>
        ) : null}
        {cancel.error ? <Alert tone="error">{cancel.error.message}</Alert> : null}
        {result.status === "succeeded" ? (
          <Alert tone="success" title="Import finished">
            {result.rowsImported.toLocaleString()} new, {result.rowsUpdated.toLocaleString()} updated or
            already there, {result.rowsRejected.toLocaleString()} rejected
            {result.datasetName ? ` — dataset “${result.datasetName}”` : ""}.
          </Alert>
        ) : null}
        {result.status === "rejected" || result.status === "failed" ? (
          <Alert tone="error" title={result.status === "rejected" ? "Validation failed" : "Import failed"}>
            {result.error}
          </Alert>
        ) : null}
        {result.error && result.status === "succeeded" ? <Alert tone="warning">{result.error}</Alert> : null}
        {!isRunning && (result.hasRejectedReport || onImportValid) ? (
          <div className="flex flex-wrap gap-2">
            {result.hasRejectedReport ? (
              <a className={buttonClasses("secondary")} href={reportUrl} download>
                Download rejected rows (CSV)
              </a>
            ) : null}
            {onImportValid ? <Button onClick={onImportValid}>Import the valid rows only</Button> : null}
          </div>
        ) : null}
        {!isRunning && result.rejectedReasons.length > 0 ? (
          <section aria-labelledby="reasons-heading" className="space-y-2">
            <h3 id="reasons-heading" className="text-sm font-semibold text-slate-900">
              Validation report: {result.rowsRejected.toLocaleString()} rejected row
              {result.rowsRejected === 1 ? "" : "s"}, by problem
              {result.areRejectedReasonsFromSample
                ? ` (counted in the first ${result.rejectedSample.length})`
                : ""}
            </h3>
            <Table aria-labelledby="reasons-heading">
              <THead>
                <tr>
                  <Th>Count</Th>
                  <Th>Column</Th>
                  <Th>Problem</Th>
                  <Th>First seen</Th>
                </tr>
              </THead>
              <TBody>
                {result.rejectedReasons.map((r) => (
                  <tr key={`${r.column}-${r.reason}`}>
                    <Td className="tabular-nums">{r.count.toLocaleString()}</Td>
                    <Td>{r.column || "(whole row)"}</Td>
                    <Td>{r.reason}</Td>
                    <Td className="max-w-64 truncate">
                      line {r.firstLine}: <span className="font-mono text-xs">{r.firstValue}</span>
                    </Td>
                  </tr>
                ))}
              </TBody>
            </Table>
          </section>
        ) : null}
        {!isRunning && result.rejectedSample.length > 0 ? (
          <section aria-labelledby="rejected-heading" className="space-y-2">
            <h3 id="rejected-heading" className="text-sm font-semibold text-slate-900">
              Rejected rows
              {result.rejectedSample.length < result.rowsRejected
                ? ` (first ${result.rejectedSample.length} problems shown; the CSV has them all)`
                : ""}
            </h3>
            <Table>
              <THead>
                <tr>
                  <Th>Line</Th>
                  <Th>Column</Th>
                  <Th>Value</Th>
                  <Th>Reason</Th>
                </tr>
              </THead>
              <TBody>
                {result.rejectedSample.map((r, i) => (
                  <tr key={`${r.line}-${r.column}-${i}`}>
                    <Td>{r.line}</Td>
                    <Td>{r.column || "(whole row)"}</Td>
                    <Td className="max-w-64 truncate font-mono text-xs">{r.value}</Td>
                    <Td>{r.reason}</Td>
                  </tr>
                ))}
              </TBody>
            </Table>
          </section>
        ) : null}
      </CardContent>
      {!isRunning ? (
        <CardFooter>
          {result.status === "succeeded" && result.datasetId ? (
            <Link
              className={buttonClasses("secondary")}
              href={`/${workspace}/data/datasets/${result.datasetId}`}
            >
              View profile
            </Link>
          ) : null}
          <Button variant="ghost" onClick={onNewImport}>
            Import another file
          </Button>
        </CardFooter>
      ) : null}
    </Card>
  );
}
