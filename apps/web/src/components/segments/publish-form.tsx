"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useEffect, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button, ButtonLink } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Label, TextField } from "@/components/ui/field";
import { LoadingState } from "@/components/ui/spinner";
import { useToast } from "@/components/ui/toast";
import { toFormError } from "@/lib/errors";
import { formatDate } from "@/lib/format";
import { useTRPC } from "@/trpc/react";
import { ALGORITHM_LABELS, readRunResult, segmentColor } from "./result-types";

interface Draft {
  position: number;
  name: string;
  description: string;
  color: string;
  size: number;
}

/** Names, persona text and colours for each segment of a run, then one click publishes them. */
export function PublishForm({ workspace, runId }: { workspace: string; runId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const toast = useToast();
  const run = useQuery(trpc.run.get.queryOptions({ workspace, id: runId }));
  const [setName, setSetName] = useState("");
  const [description, setDescription] = useState("");
  const [drafts, setDrafts] = useState<Draft[] | null>(null);

  useEffect(() => {
    if (drafts !== null || !run.data) return;
    const result = readRunResult(run.data.result);
    if (!result) return;
    const names = result.explanation?.segments.map((s) => s.name) ?? [];
    const noise = result.algorithmDetails.noise ?? 0;
    const list: Draft[] = result.sizes.map((size, s) => ({
      position: s,
      name: names[s] ?? `Segment ${s + 1}`,
      description: "",
      color: segmentColor(s),
      size,
    }));
    if (noise > 0)
      list.push({
        position: -1,
        name: "Unassigned (noise)",
        description: "",
        color: segmentColor(-1),
        size: noise,
      });
    setDrafts(list);
    const algorithm = ALGORITHM_LABELS[result.algorithm] ?? result.algorithm;
    setSetName(`${run.data.name || algorithm} segments, ${formatDate(run.data.createdAt)}`);
  }, [run.data, drafts]);

  const publish = useMutation(
    trpc.segment.publish.mutationOptions({
      onSuccess: (set) => {
        toast.show(`Published "${set.name}" with ${set.customerCount.toLocaleString("en")} customers.`);
        router.push(`/${workspace}/segments/sets/${set.id}`);
      },
    }),
  );
  const error = publish.error ? toFormError(publish.error) : null;

  if (run.isPending) return <LoadingState label="Loading the run…" />;
  if (run.error) return <Alert tone="error">{toFormError(run.error).message}</Alert>;
  if (run.data.status !== "succeeded") {
    return <Alert tone="warning">Only a finished run can be published; this one is {run.data.status}.</Alert>;
  }
  if (!drafts) return <LoadingState />;

  const update = (position: number, patch: Partial<Draft>) =>
    setDrafts(drafts.map((d) => (d.position === position ? { ...d, ...patch } : d)));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    publish.mutate({
      workspace,
      runId,
      name: setName,
      ...(description.trim() ? { description } : {}),
      segments: drafts.map((d) => ({
        position: d.position,
        name: d.name,
        color: d.color,
        ...(d.description.trim() ? { description: d.description } : {}),
      })),
    });
  };

  return (
    <form onSubmit={submit} className="space-y-6" aria-label="Publish segment set">
      {error ? <Alert tone="error">{error.message}</Alert> : null}
      <Card>
        <CardHeader>
          <CardTitle>Segment set</CardTitle>
          <CardDescription>
            Every customer of the run gets a membership in one of its segments.
          </CardDescription>
        </CardHeader>
        <CardContent className="grid gap-4 md:grid-cols-2">
          <TextField
            id="set-name"
            label="Segment set name"
            value={setName}
            onChange={(e) => setSetName(e.target.value)}
            required
            maxLength={120}
            error={error?.fieldErrors.name}
          />
          <TextField
            id="set-description"
            label="Description (optional)"
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            maxLength={2000}
          />
        </CardContent>
      </Card>
      <div className="grid gap-4 md:grid-cols-2">
        {drafts.map((d) => {
          const prefix = `segment-${d.position < 0 ? "noise" : d.position + 1}`;
          const title = d.position < 0 ? "Noise" : `Segment ${d.position + 1}`;
          return (
            <fieldset
              key={d.position}
              className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
            >
              <legend className="sr-only">{title}</legend>
              <div className="flex items-center justify-between gap-3">
                <p className="flex items-center gap-2 text-sm font-semibold text-slate-900">
                  <span className="size-3 rounded-full" style={{ backgroundColor: d.color }} aria-hidden />
                  {title}
                </p>
                <span className="text-xs text-slate-500">{d.size.toLocaleString("en")} customers</span>
              </div>
              <TextField
                id={`${prefix}-name`}
                label={`Name of ${title.toLowerCase()}`}
                value={d.name}
                onChange={(e) => update(d.position, { name: e.target.value })}
                required
                maxLength={80}
              />
              <div className="space-y-1.5">
                <Label htmlFor={`${prefix}-persona`}>Persona (who these customers are)</Label>
                <textarea
                  id={`${prefix}-persona`}
                  value={d.description}
                  onChange={(e) => update(d.position, { description: e.target.value })}
                  rows={2}
                  maxLength={2000}
                  className="block w-full rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-100"
                />
              </div>
              <div className="flex items-center gap-3">
                <Label htmlFor={`${prefix}-color`}>Colour</Label>
                <input
                  id={`${prefix}-color`}
                  type="color"
                  value={d.color}
                  onChange={(e) => update(d.position, { color: e.target.value })}
                  className="h-8 w-12 cursor-pointer rounded border border-slate-300"
                />
              </div>
            </fieldset>
          );
        })}
      </div>
      <div className="flex flex-wrap justify-end gap-3">
        <ButtonLink href={`/${workspace}/segments/runs/${runId}`} variant="secondary">
          Back to the run
        </ButtonLink>
        <Button type="submit" isLoading={publish.isPending}>
          Publish segment set
        </Button>
      </div>
    </form>
  );
}
