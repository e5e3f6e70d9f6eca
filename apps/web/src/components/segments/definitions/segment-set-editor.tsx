"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { Label, TextField } from "@/components/ui/field";
import { useToast } from "@/components/ui/toast";
import { type FormError, toFormError } from "@/lib/errors";
import { useTRPC } from "@/trpc/react";
import type { SegmentSetData } from "./review-panel";

interface SegmentDraft {
  id: string;
  name: string;
  description: string;
  color: string;
}

/**
 * Names, descriptions and colours of a set and its segments, saved as a new draft version with a
 * message. When someone saved in between, the api refuses with what changed since; the draft stays
 * in the form and can be saved on top of the newer version once the user has looked.
 */
export function SegmentSetEditor({
  workspace,
  set,
  onClose,
  onReloadLatest,
}: {
  workspace: string;
  set: SegmentSetData;
  onClose: () => void;
  /** Fetches the set again and returns its latest version number. */
  onReloadLatest: () => Promise<number | null>;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [name, setName] = useState(set.name);
  const [description, setDescription] = useState(set.description ?? "");
  const [segments, setSegments] = useState<SegmentDraft[]>(() =>
    set.segments.map((s) => ({ id: s.id, name: s.name, description: s.description ?? "", color: s.color })),
  );
  const [message, setMessage] = useState("");
  const [baseVersion, setBaseVersion] = useState(set.version);
  const [error, setError] = useState<(FormError & { isConflict: boolean }) | null>(null);
  const [isReloading, setIsReloading] = useState(false);

  const save = useMutation(
    trpc.segment.edit.mutationOptions({
      onSuccess: async (saved) => {
        await queryClient.invalidateQueries({ queryKey: trpc.segment.pathKey() });
        toast.show(`Saved as draft version ${saved.version}.`);
        onClose();
      },
      onError: (e) =>
        setError({
          ...toFormError(e),
          isConflict: (e as { data?: { code?: string } }).data?.code === "CONFLICT",
        }),
    }),
  );

  const original = new Map(set.segments.map((s) => [s.id, s]));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    save.mutate({
      workspace,
      id: set.id,
      baseVersion,
      message: message.trim(),
      ...(name.trim() !== set.name ? { name: name.trim() } : {}),
      ...(description.trim() !== (set.description ?? "") ? { description: description.trim() || null } : {}),
      segments: segments
        .filter((s) => {
          const o = original.get(s.id);
          return (
            !o ||
            o.name !== s.name.trim() ||
            (o.description ?? "") !== s.description.trim() ||
            o.color !== s.color
          );
        })
        .map((s) => ({
          id: s.id,
          name: s.name.trim(),
          description: s.description.trim() || null,
          color: s.color,
        })),
    });
  };
  const change = (id: string, patch: Partial<SegmentDraft>) =>
    setSegments((all) => all.map((s) => (s.id === id ? { ...s, ...patch } : s)));
  const fieldError = (key: string) => error?.fieldErrors[key];

  return (
    <form onSubmit={submit} noValidate>
      <Card>
        <CardHeader>
          <CardTitle>Edit names, descriptions and colours</CardTitle>
          <CardDescription>
            Saving makes draft version {baseVersion + 1}. The approved version stays in use until the draft is
            approved.
          </CardDescription>
        </CardHeader>
        <CardContent className="space-y-5">
          <div className="grid gap-4 sm:grid-cols-2">
            <TextField
              id="set-name"
              label="Set name"
              value={name}
              maxLength={120}
              error={fieldError("name")}
              onChange={(e) => setName(e.target.value)}
            />
            <TextField
              id="set-description"
              label="Set description"
              value={description}
              maxLength={2000}
              onChange={(e) => setDescription(e.target.value)}
            />
          </div>
          <ul
            className="divide-y divide-slate-100 rounded-md border border-slate-200"
            aria-label="Segments to edit"
          >
            {segments.map((s, i) => (
              <li
                key={s.id}
                className="grid gap-3 px-4 py-3 sm:grid-cols-[auto_minmax(0,14rem)_minmax(0,1fr)]"
              >
                <div className="space-y-1.5">
                  <Label htmlFor={`color-${s.id}`}>Colour</Label>
                  <input
                    id={`color-${s.id}`}
                    type="color"
                    value={s.color}
                    aria-label={`Colour of segment ${i + 1}`}
                    onChange={(e) => change(s.id, { color: e.target.value })}
                    className="h-10 w-14 cursor-pointer rounded-md border border-slate-300 bg-white p-1"
                  />
                </div>
                <TextField
                  id={`segment-name-${s.id}`}
                  label={`Name of segment ${i + 1}`}
                  value={s.name}
                  maxLength={80}
                  error={fieldError(`segments.${s.id}.name`)}
                  onChange={(e) => change(s.id, { name: e.target.value })}
                />
                <TextField
                  id={`segment-description-${s.id}`}
                  label={`Description of segment ${i + 1}`}
                  value={s.description}
                  maxLength={2000}
                  onChange={(e) => change(s.id, { description: e.target.value })}
                />
              </li>
            ))}
          </ul>
          <TextField
            id="edit-message"
            label="What changed (for the history)"
            placeholder="e.g. Rename segments the way the sales team says them"
            value={message}
            maxLength={500}
            hint="Left empty, the history uses the first change it finds."
            onChange={(e) => setMessage(e.target.value)}
          />
          {error ? (
            <Alert tone="error" title={error.isConflict ? "Someone saved first" : "Not saved"}>
              <p>{error.message}</p>
              {error.isConflict ? (
                <Button
                  className="mt-3"
                  size="sm"
                  variant="secondary"
                  isLoading={isReloading}
                  onClick={async () => {
                    setIsReloading(true);
                    const latest = await onReloadLatest();
                    setIsReloading(false);
                    if (latest !== null) {
                      setBaseVersion(latest);
                      setError(null);
                    }
                  }}
                >
                  Keep my draft and save on top of the latest version
                </Button>
              ) : null}
            </Alert>
          ) : null}
        </CardContent>
        <CardFooter>
          <Button variant="secondary" onClick={onClose} disabled={save.isPending}>
            Cancel
          </Button>
          <Button type="submit" isLoading={save.isPending}>
            Save
          </Button>
        </CardFooter>
      </Card>
    </form>
  );
}
