"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useEffect, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button, ButtonLink } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { Field, Input, Select, TextField } from "@/components/ui/field";
import { LoadingState } from "@/components/ui/spinner";
import { Table, TBody, Td, THead, Th } from "@/components/ui/table";
import { useToast } from "@/components/ui/toast";
import { toFormError } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";
import { useTRPC } from "@/trpc/react";

const NEW = "new";

interface Choice {
  cluster: number;
  /** A segment id of the set, or NEW. */
  target: string;
  name: string;
}

/**
 * Publishes a finished run into an existing ML segment set: each cluster of the run goes onto one of
 * the set's segments (suggested by how many customers they share) or becomes a new segment. The
 * segments keep their ids, so what hangs on them stays attached. Saved as a draft version.
 */
export function RepublishForm({
  workspace,
  runId: presetRunId,
  setId: presetSetId,
}: {
  workspace: string;
  runId?: string | undefined;
  setId?: string | undefined;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const toast = useToast();
  const queryClient = useQueryClient();
  const [setId, setSetId] = useState(presetSetId ?? "");
  const [runId, setRunId] = useState(presetRunId ?? "");
  const [message, setMessage] = useState("");
  const [choices, setChoices] = useState<Choice[] | null>(null);

  const sets = useQuery(trpc.segment.listSets.queryOptions({ workspace }));
  const runs = useQuery({ ...trpc.run.list.queryOptions({ workspace, limit: 50 }), enabled: !presetRunId });
  const preview = useQuery({
    ...trpc.segment.republishPreview.queryOptions({ workspace, id: setId, runId }),
    enabled: Boolean(setId && runId),
    retry: false,
  });
  useEffect(() => {
    // A new suggestion (another set or run) resets the choices to it.
    if (!preview.data) return;
    setChoices(
      preview.data.clusters.map((c) => ({
        cluster: c.cluster,
        target: c.suggestedSegmentId ?? NEW,
        name: c.suggestedName,
      })),
    );
  }, [preview.data]);

  const save = useMutation(
    trpc.segment.republish.mutationOptions({
      onSuccess: async (saved) => {
        await queryClient.invalidateQueries({ queryKey: trpc.segment.pathKey() });
        toast.show(`Published into the set as draft version ${saved.version}.`);
        router.push(`/${workspace}/segments/sets/${saved.id}`);
      },
    }),
  );

  const mlSets = sets.data?.filter((s) => s.kind === "ml") ?? [];
  const succeeded = runs.data?.items.filter((r) => r.status === "succeeded") ?? [];
  const taken = new Map<string, number>();
  for (const c of choices ?? []) if (c.target !== NEW) taken.set(c.target, (taken.get(c.target) ?? 0) + 1);
  const isDoubled = [...taken.values()].some((n) => n > 1);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!choices || !preview.data || isDoubled) return;
    save.mutate({
      workspace,
      id: setId,
      runId,
      baseVersion: preview.data.version,
      message: message.trim(),
      mapping: choices.map((c) =>
        c.target === NEW
          ? { cluster: c.cluster, segmentId: null, name: c.name.trim() || undefined }
          : { cluster: c.cluster, segmentId: c.target },
      ),
    });
  };

  if (sets.isPending) return <LoadingState label="Loading segment sets…" />;
  if (sets.error) return <Alert tone="error">{toFormError(sets.error).message}</Alert>;
  if (mlSets.length === 0)
    return (
      <Alert tone="info" title="No segment set to publish into">
        Publish a run as a new segment set first; later runs can then be published into it.
      </Alert>
    );

  return (
    <form onSubmit={submit} className="space-y-6" noValidate>
      <Card>
        <CardContent className="grid gap-4 pt-5 sm:grid-cols-2">
          <Field id="republish-set" label="Segment set">
            {(aria) => (
              <Select
                {...aria}
                value={setId}
                onChange={(e) => {
                  setSetId(e.target.value);
                  setChoices(null);
                }}
              >
                <option value="">Choose a set…</option>
                {mlSets.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name} (v{s.version})
                  </option>
                ))}
              </Select>
            )}
          </Field>
          {presetRunId ? null : (
            <Field id="republish-run" label="Run">
              {(aria) => (
                <Select
                  {...aria}
                  value={runId}
                  onChange={(e) => {
                    setRunId(e.target.value);
                    setChoices(null);
                  }}
                >
                  <option value="">Choose a finished run…</option>
                  {succeeded.map((r) => (
                    <option key={r.id} value={r.id}>
                      {r.name || r.config.algorithm} · {formatDateTime(r.createdAt)}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
          )}
        </CardContent>
      </Card>

      {setId && runId && preview.isPending ? (
        <LoadingState label="Matching the run's segments to the set…" />
      ) : null}
      {preview.error ? <Alert tone="error">{toFormError(preview.error).message}</Alert> : null}
      {preview.data && choices ? (
        <Card>
          <CardHeader>
            <CardTitle>Where each segment of the run goes</CardTitle>
            <CardDescription>
              Suggested by the customers each pair shares. A segment no cluster goes to is retired (kept, with
              no customers).
            </CardDescription>
          </CardHeader>
          <Table aria-label="Mapping of the run's segments">
            <THead>
              <tr>
                <Th>Segment of the run</Th>
                <Th className="text-right">Customers</Th>
                <Th>Shared with the set&apos;s segments</Th>
                <Th>Goes to</Th>
              </tr>
            </THead>
            <TBody>
              {preview.data.clusters.map((cluster, i) => {
                const choice = choices[i]!;
                const update = (patch: Partial<Choice>) =>
                  setChoices((all) => all?.map((c, j) => (j === i ? { ...c, ...patch } : c)) ?? null);
                const label = cluster.cluster >= 0 ? `segment ${cluster.cluster + 1} of the run` : "noise";
                return (
                  <tr key={cluster.cluster}>
                    <Td className="font-medium text-slate-900">
                      {cluster.cluster >= 0 ? `${cluster.cluster + 1}. ` : ""}
                      {cluster.suggestedName}
                    </Td>
                    <Td className="text-right tabular-nums">{cluster.size.toLocaleString("en")}</Td>
                    <Td className="text-slate-600">
                      {cluster.overlaps.length === 0
                        ? "none"
                        : cluster.overlaps
                            .slice(0, 3)
                            .map((o) => `${o.name} ${o.customers.toLocaleString("en")}`)
                            .join(" · ")}
                    </Td>
                    <Td>
                      <div className="flex flex-wrap gap-2">
                        <Select
                          aria-label={`Target of ${label}`}
                          className="w-48"
                          value={choice.target}
                          hasError={choice.target !== NEW && (taken.get(choice.target) ?? 0) > 1}
                          onChange={(e) => update({ target: e.target.value })}
                        >
                          {preview.data.segments.map((s) => (
                            <option key={s.id} value={s.id}>
                              {s.name}
                              {s.active ? "" : " (retired)"}
                            </option>
                          ))}
                          <option value={NEW}>A new segment</option>
                        </Select>
                        {choice.target === NEW ? (
                          <Input
                            aria-label={`Name of the new segment for ${label}`}
                            className="w-44"
                            value={choice.name}
                            maxLength={80}
                            onChange={(e) => update({ name: e.target.value })}
                          />
                        ) : null}
                      </div>
                    </Td>
                  </tr>
                );
              })}
            </TBody>
          </Table>
          <CardContent className="space-y-3 border-t border-slate-100">
            {isDoubled ? (
              <Alert tone="error">
                Two segments of the run go to one segment of the set: give each its own.
              </Alert>
            ) : null}
            <TextField
              id="republish-message"
              label="What changed (for the history)"
              placeholder="e.g. Re-published from the March run"
              value={message}
              maxLength={500}
              onChange={(e) => setMessage(e.target.value)}
            />
            {save.error ? <Alert tone="error">{toFormError(save.error).message}</Alert> : null}
          </CardContent>
          <CardFooter>
            <ButtonLink variant="secondary" href={`/${workspace}/segments/sets/${setId}`}>
              Cancel
            </ButtonLink>
            <Button type="submit" isLoading={save.isPending} disabled={isDoubled}>
              Save as version {preview.data.version + 1}
            </Button>
          </CardFooter>
        </Card>
      ) : null}
    </form>
  );
}
