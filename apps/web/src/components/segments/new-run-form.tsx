"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import {
  DEFAULT_FIXED_K,
  RUN_ALGORITHM_OPTIONS,
  RUN_FORM_DEFAULTS,
  type RunFormInput,
  type RunFormValues,
  runFormSchema,
} from "@strata/api/contract";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { Controller, type FieldErrors, type FieldPath, useForm, useWatch } from "react-hook-form";
import { Alert } from "@/components/ui/alert";
import { Button, ButtonLink } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Field, Input, Select, TextField } from "@/components/ui/field";
import { SegmentsIcon } from "@/components/ui/icons";
import { LoadingState } from "@/components/ui/spinner";
import { toFormError } from "@/lib/errors";
import { useTRPC } from "@/trpc/react";
import { featureLabel, formatNumber, formatPercent } from "./result-types";

// The form validates with the api's own run schema (`@strata/api/contract`), so its defaults, limits
// and messages are the ones the server applies.
type RunFormPath = FieldPath<RunFormInput>;

/** Where each setting is, for errors on settings the current choices hide. */
const FIELD_LABELS: Partial<Record<RunFormPath, string>> = {
  name: "Run name",
  "config.features": "Features",
  "config.k": "k",
  "config.kMin": "From k",
  "config.kMax": "To k",
  "config.minSegmentShare": "Smallest segment (%)",
  "config.eps": "Radius (eps)",
  "config.minSamples": "Min samples",
  "config.seed": "Random seed",
};

/** Every field error as [path, message], nested config errors included. */
function flattenErrors(errors: FieldErrors<RunFormInput>): Array<[RunFormPath, string]> {
  const out: Array<[RunFormPath, string]> = [];
  if (errors.name?.message) out.push(["name", errors.name.message]);
  for (const [key, error] of Object.entries(errors.config ?? {})) {
    const message = (error as { message?: unknown } | undefined)?.message;
    if (typeof message === "string") out.push([`config.${key}` as RunFormPath, message]);
  }
  return out;
}

/** The smallest segment as a percentage, kept as typed while the form holds the share (0..0.25). */
function PercentInput({
  id,
  value,
  onChange,
  onBlur,
  error,
}: {
  id: string;
  value: number | undefined;
  onChange: (share: number) => void;
  onBlur: () => void;
  error: string | undefined;
}) {
  const [text, setText] = useState(() =>
    value === undefined || Number.isNaN(value) ? "" : String(Number((value * 100).toFixed(4))),
  );
  return (
    <Field id={id} label="Smallest segment (%)" error={error}>
      {(aria) => (
        <Input
          {...aria}
          type="number"
          min={0}
          max={25}
          step="0.5"
          value={text}
          onBlur={onBlur}
          onChange={(e) => {
            setText(e.target.value);
            onChange(e.target.value.trim() === "" ? Number.NaN : Number(e.target.value) / 100);
          }}
        />
      )}
    </Field>
  );
}

/** The new-run form: one click with the defaults works; every choice is explained beside it. */
export function NewRunForm({ workspace }: { workspace: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const features = useQuery(trpc.segment.features.queryOptions({ workspace }));
  const form = useForm<RunFormInput, unknown, RunFormValues>({
    resolver: zodResolver(runFormSchema),
    defaultValues: RUN_FORM_DEFAULTS,
  });
  const { control, formState, handleSubmit, register, setError, setValue } = form;
  const errors = formState.errors;
  const [algorithm, k, chosenFeatures] = useWatch({
    control,
    name: ["config.algorithm", "config.k", "config.features"],
  });
  // The last fixed k typed, so switching to automatic and back keeps it.
  const lastFixedK = useRef(DEFAULT_FIXED_K);

  // The suggested features once they are known (the schema's default is "every numeric feature").
  const hasSuggested = useRef(false);
  useEffect(() => {
    if (hasSuggested.current || !features.data) return;
    hasSuggested.current = true;
    setValue("config.features", features.data.defaults);
  }, [features.data, setValue]);

  const create = useMutation(
    trpc.run.create.mutationOptions({
      onSuccess: (run) => router.push(`/${workspace}/segments/runs/${run.id}`),
      onError: (error) => {
        // The server names fields by the same paths ("config.features"): show them in place.
        for (const [path, message] of Object.entries(toFormError(error).fieldErrors)) {
          if (path === "name" || path.startsWith("config.")) {
            setError(path as RunFormPath, { type: "server", message });
          }
        }
      },
    }),
  );
  const error = create.error ? toFormError(create.error) : null;

  if (features.isPending) return <LoadingState label="Reading your customer features…" />;
  if (features.error) return <Alert tone="error">{toFormError(features.error).message}</Alert>;
  if (features.data.features.length === 0) {
    return (
      <EmptyState
        icon={<SegmentsIcon />}
        title="No customer features yet"
        action={<ButtonLink href={`/${workspace}/data`}>Import data</ButtonLink>}
      >
        <p>A run segments customers by their features. Import customers or order lines first.</p>
      </EmptyState>
    );
  }
  const chosen = chosenFeatures ?? [];
  const toggle = (feature: string) =>
    setValue(
      "config.features",
      chosen.includes(feature) ? chosen.filter((f) => f !== feature) : [...chosen, feature],
      { shouldDirty: true, shouldValidate: formState.isSubmitted },
    );
  const usesK = algorithm !== "dbscan";
  const isAutoK = k === "auto";

  // Errors of settings the current choices hide (e.g. "From k" after switching to DBSCAN).
  const isShown = (path: RunFormPath) => {
    switch (path) {
      case "config.k":
        return usesK && !isAutoK;
      case "config.kMin":
      case "config.kMax":
      case "config.minSegmentShare":
        return usesK && isAutoK;
      case "config.eps":
      case "config.minSamples":
        return !usesK;
      case "config.linkage":
        return algorithm === "hierarchical";
      case "config.covariance":
        return algorithm === "gmm";
      // Settings the form does not offer (the api's defaults).
      case "config.version":
      case "config.timeoutSeconds":
      case "config.mapSampleSize":
        return false;
      default:
        return true;
    }
  };
  const hiddenErrors = flattenErrors(errors).filter(([path]) => !isShown(path));

  const submit = handleSubmit((values) => {
    create.mutate({
      workspace,
      ...(values.name ? { name: values.name } : {}),
      config: values.config,
    });
  });

  return (
    <form onSubmit={submit} className="space-y-6" aria-label="New segmentation run">
      {error ? <Alert tone="error">{error.message}</Alert> : null}
      {hiddenErrors.length > 0 ? (
        <Alert tone="error">
          Check settings the current choices hide:{" "}
          {hiddenErrors.map(([path, message]) => `${FIELD_LABELS[path] ?? path}: ${message}`).join("; ")}
        </Alert>
      ) : null}
      <Card>
        <CardHeader>
          <CardTitle>Features</CardTitle>
          <CardDescription>
            What customers are compared on. Measured on {features.data.sampled.toLocaleString("en")} of{" "}
            {features.data.customers.toLocaleString("en")} customers. Avoid many missing values, and pairs of
            features that say the same thing (|r| near 1).
          </CardDescription>
        </CardHeader>
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase text-slate-500">
              <tr>
                <th scope="col" className="px-4 py-2 font-medium">
                  Use
                </th>
                <th scope="col" className="px-4 py-2 font-medium">
                  Feature
                </th>
                <th scope="col" className="px-4 py-2 text-right font-medium">
                  Missing
                </th>
                <th scope="col" className="px-4 py-2 text-right font-medium">
                  Skew
                </th>
                <th scope="col" className="px-4 py-2 font-medium">
                  Strongest correlation
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {features.data.features.map((f) => {
                const id = `feature-${f.name}`;
                return (
                  <tr key={f.name} className={chosen.includes(f.name) ? "bg-brand-50/40" : undefined}>
                    <td className="px-4 py-2">
                      <input
                        id={id}
                        type="checkbox"
                        className="size-4 accent-brand-600"
                        checked={chosen.includes(f.name)}
                        onChange={() => toggle(f.name)}
                      />
                    </td>
                    <td className="px-4 py-2">
                      <label htmlFor={id} className="font-medium text-slate-800">
                        {featureLabel(f.name)}
                      </label>
                      {f.isPersonal ? (
                        <span
                          className="ml-1.5 rounded bg-amber-100 px-1 text-xs text-amber-800"
                          title="Marked personal at import: never suggested, used only when chosen here"
                        >
                          personal
                        </span>
                      ) : null}
                      <span className="block text-xs text-slate-500">
                        {formatNumber(f.min)} – {formatNumber(f.max)}, mean {formatNumber(f.mean)}
                      </span>
                    </td>
                    <td
                      className={`px-4 py-2 text-right tabular-nums ${f.missingShare > 0.2 ? "text-amber-700" : "text-slate-700"}`}
                    >
                      {formatPercent(f.missingShare)}
                    </td>
                    <td
                      className={`px-4 py-2 text-right tabular-nums ${Math.abs(f.skew ?? 0) > 2 ? "text-amber-700" : "text-slate-700"}`}
                    >
                      {formatNumber(f.skew)}
                    </td>
                    <td className="px-4 py-2 text-xs text-slate-600">
                      {f.strongestCorrelation
                        ? `${featureLabel(f.strongestCorrelation.feature)} (r = ${f.strongestCorrelation.r.toFixed(2)})`
                        : "–"}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <CardFooter className="justify-between">
          <div>
            <p className="text-xs text-slate-500" aria-live="polite">
              {chosen.length} feature{chosen.length === 1 ? "" : "s"} selected
              {chosen.length === 0 ? " (none: every numeric feature is used)" : ""}
            </p>
            {errors.config?.features ? (
              <p className="text-sm text-red-600" role="alert">
                {errors.config.features.message ?? errors.config.features.root?.message}
              </p>
            ) : null}
          </div>
          <Button
            size="sm"
            variant="ghost"
            onClick={() => setValue("config.features", features.data.defaults, { shouldDirty: true })}
          >
            Reset to suggested
          </Button>
        </CardFooter>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Algorithm and segments</CardTitle>
        </CardHeader>
        <CardContent className="grid gap-5 md:grid-cols-2">
          <Field
            id="algorithm"
            label="Algorithm"
            hint={RUN_ALGORITHM_OPTIONS.find((a) => a.value === algorithm)?.hint}
            error={errors.config?.algorithm?.message}
          >
            {(aria) => (
              <Select {...aria} {...register("config.algorithm")}>
                {RUN_ALGORITHM_OPTIONS.map((a) => (
                  <option key={a.value} value={a.value}>
                    {a.formLabel}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <TextField
            id="run-name"
            label="Run name (optional)"
            maxLength={120}
            placeholder="e.g. Spring review"
            error={errors.name?.message}
            {...register("name")}
          />
          {usesK ? (
            <fieldset className="space-y-3 md:col-span-2">
              <legend className="text-sm font-medium text-slate-700">Number of segments (k)</legend>
              <Controller
                control={control}
                name="config.k"
                render={({ field, fieldState }) => (
                  <>
                    <div className="flex flex-wrap gap-4 text-sm">
                      <label className="flex items-center gap-2">
                        <input
                          type="radio"
                          name="k-mode"
                          className="accent-brand-600"
                          checked={field.value === "auto"}
                          onChange={() => field.onChange("auto")}
                        />
                        Choose automatically
                      </label>
                      <label className="flex items-center gap-2">
                        <input
                          type="radio"
                          name="k-mode"
                          className="accent-brand-600"
                          checked={field.value !== "auto"}
                          onChange={() => field.onChange(lastFixedK.current)}
                        />
                        Fixed
                      </label>
                    </div>
                    {field.value === "auto" ? null : (
                      <div className="w-28">
                        <TextField
                          id="k-fixed"
                          label="k"
                          type="number"
                          min={2}
                          max={50}
                          name={field.name}
                          ref={field.ref}
                          value={field.value === undefined || Number.isNaN(field.value) ? "" : field.value}
                          onBlur={field.onBlur}
                          onChange={(e) => {
                            const value = e.target.valueAsNumber;
                            if (Number.isInteger(value)) lastFixedK.current = value;
                            field.onChange(value);
                          }}
                          error={fieldState.error?.message}
                        />
                      </div>
                    )}
                  </>
                )}
              />
              {isAutoK ? (
                <div className="flex flex-wrap items-start gap-3">
                  <div className="w-28">
                    <TextField
                      id="k-min"
                      label="From k"
                      type="number"
                      min={2}
                      max={50}
                      error={errors.config?.kMin?.message}
                      {...register("config.kMin", { valueAsNumber: true })}
                    />
                  </div>
                  <div className="w-28">
                    <TextField
                      id="k-max"
                      label="To k"
                      type="number"
                      min={2}
                      max={50}
                      error={errors.config?.kMax?.message}
                      {...register("config.kMax", { valueAsNumber: true })}
                    />
                  </div>
                  <div className="w-40">
                    <Controller
                      control={control}
                      name="config.minSegmentShare"
                      render={({ field, fieldState }) => (
                        <PercentInput
                          id="min-share"
                          value={field.value}
                          onChange={field.onChange}
                          onBlur={field.onBlur}
                          error={fieldState.error?.message}
                        />
                      )}
                    />
                  </div>
                  <p className="max-w-md pt-7 text-xs text-slate-500">
                    Each k is tried. A k with a segment under this share, one segment over 60% or segments
                    that change between resamples is ruled out; then elbow, silhouette, Calinski-Harabasz,
                    Davies-Bouldin and stability vote.
                  </p>
                </div>
              ) : null}
            </fieldset>
          ) : (
            <>
              <TextField
                id="eps"
                label="Radius (eps, optional)"
                type="number"
                step="any"
                min={0}
                hint="In scaled units. Empty: suggested from the knee of the k-distance curve."
                error={errors.config?.eps?.message}
                {...register("config.eps", {
                  setValueAs: (v: unknown) =>
                    v === undefined || v === null || String(v).trim() === "" ? undefined : Number(v),
                })}
              />
              <TextField
                id="min-samples"
                label="Customers per dense neighbourhood (min samples)"
                type="number"
                min={2}
                max={1000}
                error={errors.config?.minSamples?.message}
                {...register("config.minSamples", { valueAsNumber: true })}
              />
            </>
          )}
          {algorithm === "hierarchical" ? (
            <Field id="linkage" label="Linkage" error={errors.config?.linkage?.message}>
              {(aria) => (
                <Select {...aria} {...register("config.linkage")}>
                  <option value="ward">Ward (compact groups)</option>
                  <option value="average">Average</option>
                  <option value="complete">Complete</option>
                  <option value="single">Single (chains)</option>
                </Select>
              )}
            </Field>
          ) : null}
          {algorithm === "gmm" ? (
            <Field id="covariance" label="Covariance" error={errors.config?.covariance?.message}>
              {(aria) => (
                <Select {...aria} {...register("config.covariance")}>
                  <option value="full">Full (any ellipse)</option>
                  <option value="diag">Diagonal (axis-aligned)</option>
                </Select>
              )}
            </Field>
          ) : null}
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Preparation</CardTitle>
        </CardHeader>
        <CardContent className="grid gap-5 md:grid-cols-3">
          <Field
            id="scaler"
            label="Scaling"
            hint="Puts features on one scale so none dominates by its units."
            error={errors.config?.scaler?.message}
          >
            {(aria) => (
              <Select {...aria} {...register("config.scaler")}>
                <option value="zscore">Standardise (z-score)</option>
                <option value="robust">Robust (median and IQR)</option>
                <option value="minmax">Min–max to 0..1</option>
                <option value="none">None</option>
              </Select>
            )}
          </Field>
          <Field
            id="transform"
            label="Skewed features"
            hint="Spend and order counts are usually skewed: a few large customers would otherwise decide every segment."
            error={errors.config?.transform?.message}
          >
            {(aria) => (
              <Select {...aria} {...register("config.transform")}>
                <option value="auto">Reshape when skewed (log or Yeo-Johnson)</option>
                <option value="none">Use as they are</option>
              </Select>
            )}
          </Field>
          <Field
            id="outliers"
            label="Outliers"
            hint="At most 2% of customers, extreme on some feature, are kept from shaping the segments, then join the nearest one; the result lists them."
            error={errors.config?.outliers?.message}
          >
            {(aria) => (
              <Select {...aria} {...register("config.outliers")}>
                <option value="set-aside">Set aside while fitting</option>
                <option value="keep">Fit on everyone</option>
              </Select>
            )}
          </Field>
          <Field id="missing" label="Missing values" error={errors.config?.missing?.message}>
            {(aria) => (
              <Select {...aria} {...register("config.missing")}>
                <option value="median">Fill with the median</option>
                <option value="drop">Leave those customers out</option>
              </Select>
            )}
          </Field>
          <TextField
            id="seed"
            label="Random seed"
            type="number"
            min={0}
            hint="The same seed gives the same result."
            error={errors.config?.seed?.message}
            {...register("config.seed", { valueAsNumber: true })}
          />
        </CardContent>
      </Card>

      <div className="flex flex-wrap justify-end gap-3">
        <ButtonLink href={`/${workspace}/segments`} variant="secondary">
          Cancel
        </ButtonLink>
        <Button type="submit" isLoading={create.isPending}>
          Start run
        </Button>
      </div>
    </form>
  );
}
