"use client";

import {
  CartesianGrid,
  Cell,
  LabelList,
  ReferenceArea,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
  ZAxis,
} from "recharts";
import type { LabelPosition } from "recharts/types/component/Label";
import {
  formatMoney,
  formatPct,
  type MatrixThresholds,
  QUADRANT_LABELS,
  type Quadrant,
  type ValueAxis,
} from "../analysis";

const AXIS = { fontSize: 12, fill: "#475569" };
const QUADRANT_COLORS: Record<Quadrant, string> = {
  protect: "#059669",
  grow: "#2563eb",
  fix: "#d97706",
  rethink: "#dc2626",
};

export interface MatrixPoint {
  segment: string;
  x: number;
  y: number;
  size: number;
  quadrant: Quadrant;
}

/**
 * Segments as bubbles: value along x (net sales or margin %), cost-to-serve % of sales along y,
 * bubble area by net sales. The dashed lines are the thresholds; each quadrant is named.
 */
export function ValueMatrix({
  points,
  thresholds,
  axis,
  currency,
}: {
  points: MatrixPoint[];
  thresholds: MatrixThresholds;
  axis: ValueAxis;
  currency: string;
}) {
  const xs = points.map((p) => p.x).concat(thresholds.x);
  const ys = points.map((p) => p.y).concat(thresholds.y, 0);
  const pad = (lo: number, hi: number): [number, number] => {
    const d = hi - lo || Math.abs(hi) || 1;
    return [lo - d * 0.15, hi + d * 0.15];
  };
  const [x0, x1] = pad(Math.min(...xs), Math.max(...xs));
  const [y0, y1] = pad(Math.min(...ys), Math.max(...ys));
  const formatX = (v: number) => (axis === "net_sales" ? formatMoney(v) : formatPct(v, 0));
  const corner = (
    quadrant: Quadrant,
    xa: number,
    xb: number,
    ya: number,
    yb: number,
    position: LabelPosition,
  ) => (
    <ReferenceArea
      key={quadrant}
      x1={xa}
      x2={xb}
      y1={ya}
      y2={yb}
      fill={QUADRANT_COLORS[quadrant]}
      fillOpacity={0.05}
      stroke="none"
      ifOverflow="visible"
      label={{
        value: QUADRANT_LABELS[quadrant].title,
        position,
        fill: QUADRANT_COLORS[quadrant],
        fontSize: 12,
        fontWeight: 600,
      }}
    />
  );
  return (
    <figure aria-label="Value vs cost-to-serve matrix of the segments" className="h-96 w-full">
      <ResponsiveContainer width="100%" height="100%">
        <ScatterChart margin={{ top: 16, right: 24, bottom: 24, left: 8 }}>
          <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" />
          {corner("protect", thresholds.x, x1, y0, thresholds.y, "insideBottomRight")}
          {corner("fix", thresholds.x, x1, thresholds.y, y1, "insideTopRight")}
          {corner("grow", x0, thresholds.x, y0, thresholds.y, "insideBottomLeft")}
          {corner("rethink", x0, thresholds.x, thresholds.y, y1, "insideTopLeft")}
          <XAxis
            type="number"
            dataKey="x"
            domain={[x0, x1]}
            tick={AXIS}
            tickFormatter={formatX}
            name={axis === "net_sales" ? "Net sales" : "Margin"}
            label={{
              value: axis === "net_sales" ? `Net sales (${currency})` : "Net profit margin %",
              position: "insideBottom",
              offset: -14,
              ...AXIS,
            }}
            height={44}
            allowDataOverflow
          />
          <YAxis
            type="number"
            dataKey="y"
            domain={[y0, y1]}
            tick={AXIS}
            tickFormatter={(v: number) => formatPct(v, 0)}
            name="Cost-to-serve % of sales"
            width={56}
            allowDataOverflow
          />
          <ZAxis type="number" dataKey="size" range={[120, 1600]} />
          <ReferenceLine x={thresholds.x} stroke="#64748b" strokeDasharray="4 3" />
          <ReferenceLine y={thresholds.y} stroke="#64748b" strokeDasharray="4 3" />
          <Tooltip
            content={({ payload }) => {
              const p = payload?.[0]?.payload as MatrixPoint | undefined;
              if (!p) return null;
              return (
                <div className="rounded-md border border-slate-200 bg-white px-3 py-2 text-xs shadow-sm">
                  <p className="font-medium text-slate-900">{p.segment}</p>
                  <p>
                    {axis === "net_sales" ? "Net sales" : "Margin"}: {formatX(p.x)}
                  </p>
                  <p>Cost-to-serve: {formatPct(p.y)} of sales</p>
                  <p>{QUADRANT_LABELS[p.quadrant].title}</p>
                </div>
              );
            }}
          />
          <Scatter data={points} isAnimationActive={false}>
            {points.map((p) => (
              <Cell
                key={p.segment}
                fill={QUADRANT_COLORS[p.quadrant]}
                fillOpacity={0.6}
                stroke={QUADRANT_COLORS[p.quadrant]}
              />
            ))}
            <LabelList dataKey="segment" position="top" style={{ fontSize: 12, fill: "#0f172a" }} />
          </Scatter>
        </ScatterChart>
      </ResponsiveContainer>
    </figure>
  );
}
