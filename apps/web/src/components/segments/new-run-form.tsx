"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useEffect, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button, ButtonLink } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Field, Input, Label, Select, TextField } from "@/components/ui/field";
import { SegmentsIcon } from "@/components/ui/icons";
import { LoadingState } from "@/components/ui/spinner";
import { toFormError } from "@/lib/errors";
import { useTRPC } from "@/trpc/react";
import { featureLabel, formatNumber, formatPercent } from "./result-types";

type Algorithm = "kmeans" | "minibatch" | "dbscan" | "hierarchical" | "gmm";

const ALGORITHMS: Array<{ value: Algorithm; label: string; hint: string }> = [
  { value: "kmeans", label: "k-means", hint: "Round groups of similar size; the usual first choice." },
  { value: "minibatch", label: "Mini-batch k-means", hint: "k-means on batches: for very many customers." },
  { value: "gmm", label: "Gaussian mixture", hint: "Soft, elliptical groups; slower." },
  {
    value: "hierarchical",
    label: "Hierarchical (agglomerative)",
    hint: "A merge tree cut into k groups; up to a few tens of thousands of customers.",
  },
  {
    value: "dbscan",
    label: "DBSCAN",
    hint: "Finds dense groups by itself and leaves outliers as noise; no k.",
  },
];

/** The new-run form: one click with the defaults works; every choice is explained beside it. */
export function NewRunForm({ workspace }: { workspace: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const features = useQuery(trpc.segment.features.queryOptions({ workspace }));
  const [selected, setSelected] = useState<string[] | null>(null);
  const [name, setName] = useState("");
  const [algorithm, setAlgorithm] = useState<Algorithm>("kmeans");
  const [kMode, setKMode] = useState<"auto" | "fixed">("auto");
  const [k, setK] = useState("4");
  const [kMin, setKMin] = useState("3");
  const [kMax, setKMax] = useState("8");
  const [scaler, setScaler] = useState("zscore");
  const [missing, setMissing] = useState("median");
  const [eps, setEps] = useState("");
  const [minSamples, setMinSamples] = useState("5");
  const [linkage, setLinkage] = useState("ward");
  const [covariance, setCovariance] = useState("full");
  const [seed, setSeed] = useState("0");
  const [transform, setTransform] = useState<"auto" | "none">("auto");
  const [outliers, setOutliers] = useState<"set-aside" | "keep">("set-aside");
  const [minShare, setMinShare] = useState("2");

  useEffect(() => {
    if (selected === null && features.data) setSelected(features.data.defaults);
  }, [features.data, selected]);

  const create = useMutation(
    trpc.run.create.mutationOptions({
      onSuccess: (run) => router.push(`/${workspace}/segments/runs/${run.id}`),
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
  const chosen = selected ?? [];
  const toggle = (feature: string) =>
    setSelected(chosen.includes(feature) ? chosen.filter((f) => f !== feature) : [...chosen, feature]);
  const usesK = algorithm !== "dbscan";

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const num = (v: string) => Number.parseInt(v, 10);
    create.mutate({
      workspace,
      ...(name.trim() ? { name: name.trim() } : {}),
      config: {
        features: chosen,
        scaler: scaler as "zscore",
        missing: missing as "median",
        algorithm,
        k: kMode === "auto" ? "auto" : num(k),
        kMin: num(kMin),
        kMax: num(kMax),
        seed: num(seed) || 0,
        transform,
        outliers,
        minSegmentShare: Math.min(25, Math.max(0, Number(minShare) || 0)) / 100,
        minSamples: num(minSamples),
        linkage: linkage as "ward",
        covariance: covariance as "full",
        ...(eps.trim() ? { eps: Number(eps) } : {}),
      },
    });
  };

  return (
    <form onSubmit={submit} className="space-y-6" aria-label="New segmentation run">
      {error ? <Alert tone="error">{error.message}</Alert> : null}
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
          <p className="text-xs text-slate-500" aria-live="polite">
            {chosen.length} feature{chosen.length === 1 ? "" : "s"} selected
            {chosen.length === 0 ? " (none: every numeric feature is used)" : ""}
          </p>
          <Button size="sm" variant="ghost" onClick={() => setSelected(features.data.defaults)}>
            Reset to suggested
          </Button>
        </CardFooter>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Algorithm and segments</CardTitle>
        </CardHeader>
        <CardContent className="grid gap-5 md:grid-cols-2">
          <Field id="algorithm" label="Algorithm" hint={ALGORITHMS.find((a) => a.value === algorithm)?.hint}>
            {(aria) => (
              <Select {...aria} value={algorithm} onChange={(e) => setAlgorithm(e.target.value as Algorithm)}>
                {ALGORITHMS.map((a) => (
                  <option key={a.value} value={a.value}>
                    {a.label}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <TextField
            id="run-name"
            label="Run name (optional)"
            value={name}
            onChange={(e) => setName(e.target.value)}
            maxLength={120}
            placeholder="e.g. Spring review"
          />
          {usesK ? (
            <fieldset className="space-y-3 md:col-span-2">
              <legend className="text-sm font-medium text-slate-700">Number of segments (k)</legend>
              <div className="flex flex-wrap gap-4 text-sm">
                <label className="flex items-center gap-2">
                  <input
                    type="radio"
                    name="k-mode"
                    className="accent-brand-600"
                    checked={kMode === "auto"}
                    onChange={() => setKMode("auto")}
                  />
                  Choose automatically
                </label>
                <label className="flex items-center gap-2">
                  <input
                    type="radio"
                    name="k-mode"
                    className="accent-brand-600"
                    checked={kMode === "fixed"}
                    onChange={() => setKMode("fixed")}
                  />
                  Fixed
                </label>
              </div>
              {kMode === "auto" ? (
                <div className="flex flex-wrap items-end gap-3">
                  <div className="w-28 space-y-1">
                    <Label htmlFor="k-min">From k</Label>
                    <Input
                      id="k-min"
                      type="number"
                      min={2}
                      max={50}
                      value={kMin}
                      onChange={(e) => setKMin(e.target.value)}
                    />
                  </div>
                  <div className="w-28 space-y-1">
                    <Label htmlFor="k-max">To k</Label>
                    <Input
                      id="k-max"
                      type="number"
                      min={2}
                      max={50}
                      value={kMax}
                      onChange={(e) => setKMax(e.target.value)}
                    />
                  </div>
                  <div className="w-40 space-y-1">
                    <Label htmlFor="min-share">Smallest segment (%)</Label>
                    <Input
                      id="min-share"
                      type="number"
                      min={0}
                      max={25}
                      step="0.5"
                      value={minShare}
                      onChange={(e) => setMinShare(e.target.value)}
                    />
                  </div>
                  <p className="pb-2 text-xs text-slate-500">
                    Each k is tried. A k with a segment under this share, one segment over 60% or segments
                    that change between resamples is ruled out; then elbow, silhouette, Calinski-Harabasz,
                    Davies-Bouldin and stability vote.
                  </p>
                </div>
              ) : (
                <div className="w-28 space-y-1">
                  <Label htmlFor="k-fixed">k</Label>
                  <Input
                    id="k-fixed"
                    type="number"
                    min={2}
                    max={50}
                    value={k}
                    onChange={(e) => setK(e.target.value)}
                  />
                </div>
              )}
            </fieldset>
          ) : (
            <>
              <TextField
                id="eps"
                label="Radius (eps, optional)"
                type="number"
                step="any"
                min={0}
                value={eps}
                onChange={(e) => setEps(e.target.value)}
                hint="In scaled units. Empty: suggested from the knee of the k-distance curve."
              />
              <TextField
                id="min-samples"
                label="Customers per dense neighbourhood (min samples)"
                type="number"
                min={2}
                max={1000}
                value={minSamples}
                onChange={(e) => setMinSamples(e.target.value)}
              />
            </>
          )}
          {algorithm === "hierarchical" ? (
            <Field id="linkage" label="Linkage">
              {(aria) => (
                <Select {...aria} value={linkage} onChange={(e) => setLinkage(e.target.value)}>
                  <option value="ward">Ward (compact groups)</option>
                  <option value="average">Average</option>
                  <option value="complete">Complete</option>
                  <option value="single">Single (chains)</option>
                </Select>
              )}
            </Field>
          ) : null}
          {algorithm === "gmm" ? (
            <Field id="covariance" label="Covariance">
              {(aria) => (
                <Select {...aria} value={covariance} onChange={(e) => setCovariance(e.target.value)}>
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
          >
            {(aria) => (
              <Select {...aria} value={scaler} onChange={(e) => setScaler(e.target.value)}>
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
          >
            {(aria) => (
              <Select
                {...aria}
                value={transform}
                onChange={(e) => setTransform(e.target.value as "auto" | "none")}
              >
                <option value="auto">Reshape when skewed (log or Yeo-Johnson)</option>
                <option value="none">Use as they are</option>
              </Select>
            )}
          </Field>
          <Field
            id="outliers"
            label="Outliers"
            hint="At most 2% of customers, extreme on some feature, are kept from shaping the segments, then join the nearest one; the result lists them."
          >
            {(aria) => (
              <Select
                {...aria}
                value={outliers}
                onChange={(e) => setOutliers(e.target.value as "set-aside" | "keep")}
              >
                <option value="set-aside">Set aside while fitting</option>
                <option value="keep">Fit on everyone</option>
              </Select>
            )}
          </Field>
          <Field id="missing" label="Missing values">
            {(aria) => (
              <Select {...aria} value={missing} onChange={(e) => setMissing(e.target.value)}>
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
            value={seed}
            onChange={(e) => setSeed(e.target.value)}
            hint="The same seed gives the same result."
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
