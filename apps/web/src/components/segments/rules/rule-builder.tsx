"use client";

import type { RouterOutputs } from "@strata/api";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useEffect, useMemo, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button, ButtonLink } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Field, Select, TextField } from "@/components/ui/field";
import { LoadingState } from "@/components/ui/spinner";
import { type FormError, toFormError } from "@/lib/errors";
import { useTRPC } from "@/trpc/react";
import {
  type CatalogueField,
  type DraftGroup,
  newCondition,
  newGroup,
  type SegmentRule,
  toDraft,
  toRule,
} from "./rule-model";
import { RulePreviewPanel } from "./rule-preview";
import { RuleTreeEditor } from "./rule-tree-editor";

/** How long the builder waits after the last change before asking for a preview. */
const PREVIEW_DEBOUNCE_MS = 300;

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return debounced;
}

export interface RuleBuilderStart {
  name: string;
  description?: string | null;
  rule: SegmentRule | null;
  baseSegmentId: string | null;
}

/**
 * Loads what the builder starts from: a new rule, an ML segment's surrogate rules (`fromSegmentId`),
 * or the rule segment being edited (`setId`), then hands it to the form.
 */
export function RuleBuilder({
  workspace,
  setId,
  fromSegmentId,
}: {
  workspace: string;
  setId?: string | undefined;
  fromSegmentId?: string | undefined;
}) {
  const trpc = useTRPC();
  const fields = useQuery(trpc.segment.ruleFields.queryOptions({ workspace }));
  const sets = useQuery(trpc.segment.listSets.queryOptions({ workspace }));
  const editing = useQuery({
    ...trpc.segment.getSet.queryOptions({ workspace, id: setId ?? "" }),
    enabled: Boolean(setId),
  });
  const surrogate = useQuery({
    ...trpc.segment.ruleFromSurrogate.queryOptions({ workspace, segmentId: fromSegmentId ?? "" }),
    enabled: Boolean(fromSegmentId),
    retry: false,
  });

  const error = fields.error ?? sets.error ?? editing.error;
  if (error) return <Alert tone="error">{toFormError(error).message}</Alert>;
  if (!fields.data || !sets.data || (setId && !editing.data) || (fromSegmentId && surrogate.isPending))
    return <LoadingState label="Loading the fields your customers have…" />;
  if (fields.data.length === 0)
    return (
      <Alert tone="info" title="No fields to build a rule on yet">
        A rule reads your customers&apos; imported columns and computed features. Import customers (and their
        orders) first.
      </Alert>
    );
  if (editing.data && editing.data.kind !== "rule")
    return (
      <Alert tone="error">This segment set comes from a run; only rule segments have a rule to edit.</Alert>
    );

  const start: RuleBuilderStart = editing.data
    ? {
        name: editing.data.name,
        description: editing.data.description,
        rule: editing.data.rule as SegmentRule | null,
        baseSegmentId: editing.data.baseSegmentId,
      }
    : surrogate.data
      ? { name: surrogate.data.name, rule: surrogate.data.rule, baseSegmentId: null }
      : { name: "", rule: null, baseSegmentId: null };
  const overlapSetId =
    sets.data.find((s) => s.segments.some((g) => g.id === (fromSegmentId ?? start.baseSegmentId)))?.id ??
    sets.data.find((s) => s.kind === "ml")?.id ??
    null;

  return (
    <>
      {surrogate.error ? (
        <Alert tone="warning" className="mb-4">
          {toFormError(surrogate.error).message} Starting from an empty rule instead.
        </Alert>
      ) : null}
      <RuleBuilderForm
        key={editing.data ? `edit-${editing.data.id}` : (fromSegmentId ?? "new")}
        workspace={workspace}
        catalogue={fields.data}
        sets={sets.data}
        start={start}
        defaultOverlapSetId={overlapSetId}
        editing={editing.data ? { id: editing.data.id, version: editing.data.version } : null}
      />
    </>
  );
}

type SetList = RouterOutputs["segment"]["listSets"];

function RuleBuilderForm({
  workspace,
  catalogue,
  sets,
  start,
  defaultOverlapSetId,
  editing,
}: {
  workspace: string;
  catalogue: readonly CatalogueField[];
  sets: SetList;
  start: RuleBuilderStart;
  defaultOverlapSetId: string | null;
  editing: { id: string; version: number } | null;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [name, setName] = useState(start.name);
  const [description, setDescription] = useState(start.description ?? "");
  const [message, setMessage] = useState("");
  const [baseSegmentId, setBaseSegmentId] = useState(start.baseSegmentId ?? "");
  const [overlapSetId, setOverlapSetId] = useState(defaultOverlapSetId ?? "");
  const [baseVersion, setBaseVersion] = useState(editing?.version ?? 0);
  const [draft, setDraft] = useState<DraftGroup>(() =>
    start.rule
      ? toDraft(start.rule)
      : newGroup("and", newCondition(catalogue.find((f) => f.source === "feature") ?? catalogue[0])),
  );
  const [saveError, setSaveError] = useState<(FormError & { code?: string }) | null>(null);

  const mlSets = sets.filter((s) => s.kind === "ml");
  const { rule, errors: localErrors } = useMemo(() => toRule(draft, catalogue), [draft, catalogue]);
  const previewInput = useMemo(
    () =>
      rule
        ? {
            workspace,
            rule,
            ...(overlapSetId ? { segmentSetId: overlapSetId } : {}),
            ...(baseSegmentId ? { baseSegmentId } : {}),
          }
        : null,
    [rule, workspace, overlapSetId, baseSegmentId],
  );
  const debounced = useDebounced(previewInput, PREVIEW_DEBOUNCE_MS);
  const isSettling = JSON.stringify(debounced) !== JSON.stringify(previewInput);
  const preview = useQuery({
    ...trpc.segment.previewRule.queryOptions(
      debounced ?? { workspace, rule: { op: "and", conditions: [] } as unknown as SegmentRule },
    ),
    enabled: debounced !== null,
    placeholderData: keepPreviousData,
    retry: false,
  });
  const previewError = preview.error && !preview.isFetching ? toFormError(preview.error) : null;
  const ruleErrors = {
    ...(previewError?.fieldErrors ?? {}),
    ...(saveError?.fieldErrors ?? {}),
    ...localErrors,
  };
  const pathErrors = Object.keys(ruleErrors).filter((k) => k.startsWith("conditions"));

  const onSaved = async (id: string) => {
    await queryClient.invalidateQueries({ queryKey: trpc.segment.pathKey() });
    router.push(`/${workspace}/segments/sets/${id}`);
  };
  const create = useMutation(
    trpc.segment.createRuleSegment.mutationOptions({
      onSuccess: (saved) => onSaved(saved.id),
      onError: (error) => setSaveError(toFormError(error)),
    }),
  );
  const edit = useMutation(
    trpc.segment.editRuleSegment.mutationOptions({
      onSuccess: (saved) => onSaved(saved.id),
      onError: (error) =>
        setSaveError({ ...toFormError(error), code: (error as { data?: { code?: string } }).data?.code }),
    }),
  );
  const latest = useQuery({
    ...trpc.segment.getSet.queryOptions({ workspace, id: editing?.id ?? "" }),
    enabled: false,
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaveError(null);
    if (!rule) {
      setSaveError({
        message: "Complete the rule first: the marked conditions need a value.",
        fieldErrors: {},
      });
      return;
    }
    if (!name.trim()) {
      setSaveError({ message: "Give the segment a name.", fieldErrors: { name: "Give the segment a name" } });
      return;
    }
    if (editing)
      edit.mutate({
        workspace,
        id: editing.id,
        baseVersion,
        message: message.trim(),
        name: name.trim(),
        rule,
        baseSegmentId: baseSegmentId || null,
      });
    else
      create.mutate({
        workspace,
        name: name.trim(),
        ...(description.trim() ? { description: description.trim() } : {}),
        rule,
        ...(baseSegmentId ? { baseSegmentId } : {}),
      });
  };

  return (
    <form onSubmit={submit} className="grid gap-6 xl:grid-cols-[minmax(0,1fr)_22rem]" noValidate>
      <div className="space-y-6">
        <Card>
          <CardHeader>
            <CardTitle>Segment</CardTitle>
            <CardDescription>
              Saved as a draft version; its customers are set when the version is approved.
            </CardDescription>
          </CardHeader>
          <CardContent className="grid gap-4 sm:grid-cols-2">
            <TextField
              id="rule-name"
              label="Segment name"
              value={name}
              maxLength={80}
              error={saveError?.fieldErrors.name}
              onChange={(e) => setName(e.target.value)}
            />
            <Field
              id="rule-base"
              label="Narrow an ML segment (hybrid)"
              hint="Only the members of this segment can match."
              error={saveError?.fieldErrors.baseSegmentId ?? previewError?.fieldErrors.baseSegmentId}
            >
              {(aria) => (
                <Select {...aria} value={baseSegmentId} onChange={(e) => setBaseSegmentId(e.target.value)}>
                  <option value="">No: every customer can match</option>
                  {mlSets.map((set) => (
                    <optgroup key={set.id} label={set.name}>
                      {set.segments.map((s) => (
                        <option key={s.id} value={s.id}>
                          {s.name}
                        </option>
                      ))}
                    </optgroup>
                  ))}
                </Select>
              )}
            </Field>
            {editing ? (
              <TextField
                id="rule-message"
                label="What changed (for the history)"
                placeholder="e.g. Raise the revenue threshold to 1,000"
                value={message}
                maxLength={500}
                onChange={(e) => setMessage(e.target.value)}
              />
            ) : (
              <TextField
                id="rule-description"
                label="Description (optional)"
                value={description}
                maxLength={2000}
                onChange={(e) => setDescription(e.target.value)}
              />
            )}
          </CardContent>
        </Card>

        <Card>
          <CardHeader>
            <CardTitle>Rule</CardTitle>
            <CardDescription>
              Attributes are your imported columns; features are computed per customer (recency, frequency,
              revenue…). The preview updates as you type.
            </CardDescription>
          </CardHeader>
          <CardContent>
            <RuleTreeEditor catalogue={catalogue} root={draft} onChange={setDraft} errors={ruleErrors} />
          </CardContent>
        </Card>

        {saveError ? (
          <Alert tone="error" title={saveError.code === "CONFLICT" ? "Someone saved first" : "Not saved"}>
            <p>{saveError.message}</p>
            {saveError.code === "CONFLICT" && editing ? (
              <Button
                className="mt-3"
                size="sm"
                variant="secondary"
                isLoading={latest.isFetching}
                onClick={async () => {
                  const fresh = await latest.refetch();
                  if (fresh.data) {
                    setBaseVersion(fresh.data.version);
                    setSaveError(null);
                  }
                }}
              >
                Keep my draft and save on top of the latest version
              </Button>
            ) : null}
          </Alert>
        ) : null}
        {!saveError && pathErrors.length > 0 && previewError ? (
          <Alert tone="error">{previewError.message}</Alert>
        ) : null}
        <div className="flex flex-wrap justify-end gap-3">
          <ButtonLink
            variant="secondary"
            href={editing ? `/${workspace}/segments/sets/${editing.id}` : `/${workspace}/segments`}
          >
            Cancel
          </ButtonLink>
          <Button type="submit" isLoading={create.isPending || edit.isPending}>
            {editing ? `Save as version ${baseVersion + 1}` : "Save rule segment"}
          </Button>
        </div>
      </div>

      <aside aria-label="Live preview" className="xl:sticky xl:top-6 xl:self-start">
        <RulePreviewPanel
          preview={preview.data ?? null}
          isUpdating={isSettling || preview.isFetching}
          isIncomplete={!rule}
          error={previewError && pathErrors.length === 0 ? previewError.message : null}
          overlapSetId={overlapSetId}
          onOverlapSetChange={setOverlapSetId}
          mlSets={mlSets.map((s) => ({ id: s.id, name: s.name }))}
        />
      </aside>
    </form>
  );
}
