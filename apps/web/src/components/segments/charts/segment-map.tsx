"use client";

import { useMemo, useState } from "react";
import {
  CartesianGrid,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
  ZAxis,
} from "recharts";
import { formatNumber, type MapPoint, segmentColor, segmentLabel } from "../result-types";
import { SegmentMap3D } from "./segment-map-3d";

type Method = "pca" | "pca3" | "tsne";

interface MapTooltipProps {
  active?: boolean;
  payload?: Array<{ payload?: MapPoint }>;
  names: string[];
  externalIds: Record<string, string>;
}

function MapTooltip({ active, payload, names, externalIds }: MapTooltipProps) {
  const point = active ? payload?.[0]?.payload : undefined;
  if (!point) return null;
  return (
    <div className="rounded-md border border-slate-200 bg-white px-3 py-2 text-xs shadow-md">
      <p className="font-medium text-slate-900">
        Customer {externalIds[point.customerId] ?? point.customerId.slice(0, 8)}
      </p>
      <p className="text-slate-600">{segmentLabel(point.segment, names)}</p>
    </div>
  );
}

/**
 * Customers on a map coloured by segment: PCA (linear, axes carry explained variance) in 2-D or,
 * turned by the user, 3-D, or t-SNE (neighbourhoods kept, distances between groups not
 * meaningful). Only a sample is drawn.
 */
export function SegmentMap({
  pca,
  tsne,
  explainedVariance,
  names,
  totalCustomers,
  externalIds,
  sizes,
}: {
  pca: MapPoint[];
  tsne: MapPoint[];
  explainedVariance: number[];
  names: string[];
  totalCustomers: number;
  externalIds: Record<string, string>;
  /** Customers per segment (noise under -1), so the legend agrees with the cards. */
  sizes?: Record<number, number>;
}) {
  const [method, setMethod] = useState<Method>("pca");
  const has3d = pca.length > 0 && pca.every((p) => p.z !== undefined);
  const points = method === "tsne" && tsne.length > 0 ? tsne : pca;
  const unavailable = (value: Method) =>
    (value === "tsne" && tsne.length === 0) || (value === "pca3" && !has3d);
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
              ["tsne", "t-SNE (non-linear)"],
            ] as const
          ).map(([value, label]) => (
            <label
              key={value}
              className={`cursor-pointer rounded px-3 py-1 focus-within:ring-2 focus-within:ring-brand-500 ${
                method === value ? "bg-brand-600 text-white" : "text-slate-700 hover:bg-slate-100"
              } ${unavailable(value) ? "cursor-not-allowed opacity-50" : ""}`}
              title={value === "pca3" && !has3d ? "Needs three or more features" : undefined}
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
          Showing a sample of {points.length.toLocaleString("en")} of {totalCustomers.toLocaleString("en")}{" "}
          customers.
        </p>
      </div>
      {method === "pca3" && has3d ? (
        <SegmentMap3D
          points={pca}
          explainedVariance={explainedVariance}
          names={names}
          externalIds={externalIds}
        />
      ) : (
        <figure
          aria-label={`Map of customers coloured by segment (${method === "tsne" ? "t-SNE" : "PCA"})`}
          className="h-80 w-full sm:h-96"
        >
          <ResponsiveContainer width="100%" height="100%">
            <ScatterChart margin={{ top: 8, right: 8, bottom: 24, left: 0 }}>
              <CartesianGrid stroke="#f1f5f9" />
              <XAxis
                type="number"
                dataKey="x"
                name={axisLabel(0)}
                tick={{ fontSize: 11 }}
                label={{ value: axisLabel(0), position: "insideBottom", offset: -12, fontSize: 12 }}
                domain={["auto", "auto"]}
                tickFormatter={(v: number) => formatNumber(v)}
              />
              <YAxis
                type="number"
                dataKey="y"
                name={axisLabel(1)}
                tick={{ fontSize: 11 }}
                width={48}
                domain={["auto", "auto"]}
                tickFormatter={(v: number) => formatNumber(v)}
              />
              <ZAxis range={[14, 14]} />
              <Tooltip
                content={<MapTooltip names={names} externalIds={externalIds} />}
                cursor={false}
                isAnimationActive={false}
              />
              {groups.map(([segment, list]) => (
                <Scatter
                  key={segment}
                  name={segmentLabel(segment, names)}
                  data={list}
                  fill={segmentColor(segment)}
                  fillOpacity={0.7}
                  isAnimationActive={false}
                />
              ))}
            </ScatterChart>
          </ResponsiveContainer>
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
    </div>
  );
}
