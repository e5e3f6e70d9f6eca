"use client";

import {
  CartesianGrid,
  Line,
  LineChart,
  ReferenceDot,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { formatPct, type WhalePoint } from "../analysis";

const AXIS = { fontSize: 12, fill: "#475569" };

/**
 * The whale curve: customers from most to least profitable along x, the cumulative profit as % of
 * the total along y. It climbs above 100% while profitable customers are added and sinks back to
 * 100% as the loss-makers take their share away; the peak is marked.
 */
export function WhaleCurve({
  points,
  peak,
}: {
  points: WhalePoint[];
  peak: { customers_pct: number; cumulative_profit_pct: number | null } | null;
}) {
  // The curve starts at the origin: no customers, no profit.
  const data = [{ customers_pct: 0, cumulative_profit_pct: 0 }, ...points];
  return (
    <figure
      aria-label="Whale curve: cumulative profit by share of customers, most profitable first"
      className="h-72 w-full"
    >
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 24, right: 24, bottom: 16, left: 8 }}>
          <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" />
          <XAxis
            type="number"
            dataKey="customers_pct"
            domain={[0, 100]}
            tick={AXIS}
            tickFormatter={(v: number) => `${v}%`}
            label={{
              value: "% of customers, most profitable first",
              position: "insideBottom",
              offset: -10,
              ...AXIS,
            }}
            height={40}
          />
          <YAxis
            tick={AXIS}
            width={56}
            tickFormatter={(v: number) => `${v}%`}
            domain={[
              (min: number) => Math.min(0, Math.floor(min / 10) * 10),
              (max: number) => Math.max(110, Math.ceil(max / 10) * 10),
            ]}
          />
          <Tooltip
            formatter={(v) => [formatPct(Number(v)), "Cumulative profit"]}
            labelFormatter={(x) => `${formatPct(Number(x))} of customers`}
          />
          <ReferenceLine
            y={100}
            stroke="#64748b"
            strokeDasharray="4 3"
            label={{ value: "100% of profit", position: "insideBottomRight", fill: "#475569", fontSize: 12 }}
          />
          <Line
            type="linear"
            dataKey="cumulative_profit_pct"
            stroke="#2563eb"
            strokeWidth={2}
            dot={false}
            connectNulls
            isAnimationActive={false}
          />
          {peak && peak.cumulative_profit_pct !== null ? (
            <ReferenceDot
              x={peak.customers_pct}
              y={peak.cumulative_profit_pct}
              r={5}
              fill="#dc2626"
              stroke="white"
              label={{
                value: `peak: ${formatPct(peak.customers_pct)} → ${formatPct(peak.cumulative_profit_pct)}`,
                position: "top",
                fill: "#dc2626",
                fontSize: 12,
              }}
            />
          ) : null}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
