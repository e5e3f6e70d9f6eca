"use client";

import type { RunMap } from "@strata/api/contract";
import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { LoadingState } from "@/components/ui/spinner";
import { toFormError } from "@/lib/errors";
import { useTRPC } from "@/trpc/react";
import { formatNumber, type MapPoint, segmentColor, segmentLabel } from "../result-types";
import { MapCanvas } from "./map-canvas";

type Method = "pca" | "pca3" | "tsne";

/** A map as run.map sends it (column by column) as the points the canvas draws, and whom they name. */
export function pointsOfRunMap(map: RunMap): { points: MapPoint[]; externalIds: Record<string, string> } {
  const points: MapPoint[] = [];
  const externalIds: Record<string, string> = {};
  for (let i = 0; i < map.customerIds.length; i++) {
    const customerId = map.customerIds[i]!;
    const point: MapPoint = { customerId, x: map.x[i]!, y: map.y[i]!, segment: map.segment[i]! };
    if (map.z) point.z = map.z[i]!;
    points.push(point);
    if (map.externalIds[i]) externalIds[customerId] = map.externalIds[i]!;
  }
  return { points, externalIds };
}

/**
 * Customers on a map coloured by segment: PCA (linear, axes carry explained variance) in 2-D or,
 * turned by the user, 3-D, or t-SNE (neighbourhoods kept, distances between groups not
 * meaningful). Only a sample is drawn (up to 20,000 customers), on a canvas: see map-canvas.tsx.
 * The same points are offered as a table per segment for readers who do not use the picture.
 * The points are read with run.map, the PCA map at once and the t-SNE map when it is chosen.
 */
export function SegmentMap({
  workspace,
  runId,
  mapSample,
  explainedVariance,
  names,
  totalCustomers,
  sizes,
  tsnePending = false,
}: {
  workspace: string;
  runId: string;
  /** How many points each map holds (run.get's `mapSample`). */
  mapSample: { pca: number; tsne: number };
  /** The run is still drawing its t-SNE map (it appears when ready). */
  tsnePending?: boolean;
  explainedVariance: number[];
  names: string[];
  totalCustomers: number;
  /** Customers per segment (noise under -1), so the legend agrees with the cards. */
  sizes?: Record<number, number>;
}) {
  const trpc = useTRPC();
  const [method, setMethod] = useState<Method>("pca");
  const hasTsne = mapSample.tsne > 0;
  const pcaMap = useQuery({
    ...trpc.run.map.queryOptions({ workspace, id: runId, method: "pca" }),
    enabled: mapSample.pca > 0,
    staleTime: Number.POSITIVE_INFINITY,
  });
  const tsneMap = useQuery({
    ...trpc.run.map.queryOptions({ workspace, id: runId, method: "tsne" }),
    enabled: hasTsne && method === "tsne",
    staleTime: Number.POSITIVE_INFINITY,
  });
  const pca = useMemo(() => (pcaMap.data ? pointsOfRunMap(pcaMap.data) : null), [pcaMap.data]);
  const tsne = useMemo(() => (tsneMap.data ? pointsOfRunMap(tsneMap.data) : null), [tsneMap.data]);
  const shown = method === "tsne" ? tsne : pca;
  const query = method === "tsne" ? tsneMap : pcaMap;
  const points = shown?.points ?? EMPTY;
  const externalIds = shown?.externalIds ?? {};
  const has3d = pcaMap.data ? pcaMap.data.z !== null : true;
  const unavailable = (value: Method) => (value === "tsne" && !hasTsne) || (value === "pca3" && !has3d);
  const groups = useMemo(() => {
    const by = new Map<number, MapPoint[]>();
    for (const p of points) {
      const list = by.get(p.segment) ?? [];
      list.push(p);
      by.set(p.segment, list);
    }
    return [...by.entries()].sort((a, b) => (a[0] < 0 ? 1 : b[0] < 0 ? -1 : a[0] - b[0]));
  }, [points]);
  const axisLabel = (i: number) =>
    method !== "tsne"
      ? `PC${i + 1}${explainedVariance[i] !== undefined ? ` (${formatNumber(explainedVariance[i]! * 100)}% of variance)` : ""}`
      : `t-SNE ${i + 1}`;

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <fieldset className="inline-flex rounded-md border border-slate-300 p-0.5 text-sm">
          <legend className="sr-only">Map projection</legend>
          {(
            [
              ["pca", "PCA (linear)"],
              ["pca3", "PCA 3-D"],
              ["tsne", tsnePending && !hasTsne ? "t-SNE (drawing…)" : "t-SNE (non-linear)"],
            ] as const
          ).map(([value, label]) => (
            <label
              key={value}
              className={`cursor-pointer rounded px-3 py-1 focus-within:ring-2 focus-within:ring-brand-500 ${
                method === value ? "bg-brand-600 text-white" : "text-slate-700 hover:bg-slate-100"
              } ${unavailable(value) ? "cursor-not-allowed opacity-50" : ""}`}
              title={
                value === "pca3" && !has3d
                  ? "Needs three or more features"
                  : value === "tsne" && !hasTsne
                    ? tsnePending
                      ? "The t-SNE map is being drawn; it appears here when ready"
                      : "This run has no t-SNE map"
                    : undefined
              }
            >
              <input
                type="radio"
                name="map-method"
                value={value}
                className="sr-only"
                checked={method === value}
                disabled={unavailable(value)}
                onChange={() => setMethod(value)}
              />
              {label}
            </label>
          ))}
        </fieldset>
        <p className="text-xs text-slate-500">
          Showing a sample of {(method === "tsne" ? mapSample.tsne : mapSample.pca).toLocaleString("en")} of{" "}
          {totalCustomers.toLocaleString("en")} customers.
        </p>
      </div>
      {query.error ? (
        <Alert tone="error">{toFormError(query.error).message}</Alert>
      ) : !shown ? (
        <LoadingState label="Loading the map…" />
      ) : method === "pca3" && has3d ? (
        <MapCanvas
          key="pca3"
          points={points}
          mode="3d"
          names={names}
          externalIds={externalIds}
          label="3-D map of customers coloured by segment"
          axisTitles={[axisLabel(0), axisLabel(1)]}
          explainedVariance={explainedVariance}
        />
      ) : (
        <figure aria-label={`Map of customers coloured by segment (${method === "tsne" ? "t-SNE" : "PCA"})`}>
          <MapCanvas
            key={method}
            points={points}
            mode="2d"
            names={names}
            externalIds={externalIds}
            label={`Map of ${points.length.toLocaleString("en")} customers coloured by segment (${method === "tsne" ? "t-SNE" : "PCA"})`}
            axisTitles={[axisLabel(0), axisLabel(1)]}
          />
        </figure>
      )}
      <ul className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600" aria-label="Map legend">
        {groups.map(([segment, list]) => (
          <li key={segment} className="flex items-center gap-1.5">
            <span
              className="inline-block size-2.5 rounded-full"
              style={{ backgroundColor: segmentColor(segment) }}
              aria-hidden
            />
            {/* Whole-segment counts, as on the cards; the dots are a sample of them. */}
            {segmentLabel(segment, names)} ({(sizes?.[segment] ?? list.length).toLocaleString("en")})
          </li>
        ))}
      </ul>
      <MapTable groups={groups} names={names} method={method} />
    </div>
  );
}

const EMPTY: MapPoint[] = [];

/** The map's content as numbers: per segment, how many of the drawn customers and where they sit. */
function MapTable({
  groups,
  names,
  method,
}: {
  groups: Array<[number, MapPoint[]]>;
  names: string[];
  method: Method;
}) {
  const total = groups.reduce((a, [, list]) => a + list.length, 0);
  const axis = method === "tsne" ? "t-SNE" : "PC";
  return (
    <details className="text-xs text-slate-600">
      <summary className="cursor-pointer font-medium text-brand-700">The map as a table</summary>
      <table className="mt-2 w-full text-left" aria-label="Customers on the map by segment">
        <thead className="text-slate-500">
          <tr>
            <th scope="col" className="py-1 pr-3 font-medium">
              Segment
            </th>
            <th scope="col" className="py-1 pr-3 text-right font-medium">
              Customers drawn
            </th>
            <th scope="col" className="py-1 pr-3 text-right font-medium">
              Share of the map
            </th>
            <th scope="col" className="py-1 pr-3 text-right font-medium">
              Centre ({axis} 1, {axis} 2)
            </th>
          </tr>
        </thead>
        <tbody>
          {groups.map(([segment, list]) => {
            let x = 0;
            let y = 0;
            for (const p of list) {
              x += p.x / list.length;
              y += p.y / list.length;
            }
            return (
              <tr key={segment} className="border-t border-slate-100">
                <th scope="row" className="py-1 pr-3 font-normal text-slate-900">
                  {segmentLabel(segment, names)}
                </th>
                <td className="py-1 pr-3 text-right tabular-nums">{list.length.toLocaleString("en")}</td>
                <td className="py-1 pr-3 text-right tabular-nums">
                  {total ? `${formatNumber((100 * list.length) / total)}%` : "–"}
                </td>
                <td className="py-1 pr-3 text-right tabular-nums">
                  {formatNumber(x)}, {formatNumber(y)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </details>
  );
}
