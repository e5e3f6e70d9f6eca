"use client";

import {
  CartesianGrid,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { formatNumber, type ModelSelectionPoint } from "../result-types";

const AXIS = { fontSize: 12, fill: "#475569" };

/** Inertia by k with the chosen k marked: the "elbow" people look for. */
export function ElbowChart({ points, chosenK }: { points: ModelSelectionPoint[]; chosenK: number }) {
  return (
    <figure aria-label="Elbow chart: inertia by number of segments" className="h-64 w-full">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={points} margin={{ top: 24, right: 24, bottom: 8, left: 8 }}>
          <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" />
          <XAxis
            dataKey="k"
            tick={AXIS}
            label={{ value: "k (segments)", position: "insideBottom", offset: -4, ...AXIS }}
            height={36}
          />
          <YAxis tick={AXIS} tickFormatter={(v: number) => formatNumber(v)} width={64} />
          <Tooltip
            formatter={(v) => [formatNumber(Number(v)), "Inertia"]}
            labelFormatter={(k) => `k = ${k}`}
          />
          <ReferenceLine
            x={chosenK}
            stroke="#dc2626"
            strokeDasharray="4 3"
            label={{
              value: `chosen k = ${chosenK}`,
              position: "top",
              fill: "#dc2626",
              fontSize: 12,
            }}
          />
          <Line
            type="linear"
            dataKey="inertia"
            stroke="#2563eb"
            strokeWidth={2}
            dot={{ r: 3 }}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}

const SCORES: Array<{ key: keyof ModelSelectionPoint; label: string; hint: string; color: string }> = [
  { key: "silhouette", label: "Silhouette", hint: "higher is better", color: "#009e73" },
  { key: "calinskiHarabasz", label: "Calinski-Harabasz", hint: "higher is better", color: "#7c3aed" },
  { key: "daviesBouldin", label: "Davies-Bouldin", hint: "lower is better", color: "#d55e00" },
];

/** One small chart per score, side by side: their scales differ by orders of magnitude. */
export function ScoresByK({ points, chosenK }: { points: ModelSelectionPoint[]; chosenK: number }) {
  return (
    <div className="grid gap-4 md:grid-cols-3">
      {SCORES.map((score) => (
        <figure key={score.key} aria-label={`${score.label} by k (${score.hint})`} className="min-w-0">
          <figcaption className="text-sm font-medium text-slate-700">
            {score.label} <span className="font-normal text-slate-500">({score.hint})</span>
          </figcaption>
          <div className="h-40">
            <ResponsiveContainer width="100%" height="100%">
              <LineChart data={points} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
                <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" />
                <XAxis dataKey="k" tick={AXIS} />
                <YAxis
                  tick={AXIS}
                  width={48}
                  tickFormatter={(v: number) => formatNumber(v)}
                  domain={["auto", "auto"]}
                />
                <Tooltip
                  formatter={(v) => [formatNumber(Number(v)), score.label]}
                  labelFormatter={(k) => `k = ${k}`}
                />
                <ReferenceLine x={chosenK} stroke="#dc2626" strokeDasharray="4 3" />
                <Line
                  type="linear"
                  dataKey={score.key}
                  stroke={score.color}
                  strokeWidth={2}
                  dot={{ r: 2 }}
                  connectNulls
                  isAnimationActive={false}
                />
              </LineChart>
            </ResponsiveContainer>
          </div>
        </figure>
      ))}
    </div>
  );
}
