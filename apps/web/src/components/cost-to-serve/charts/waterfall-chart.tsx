"use client";

import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { formatMoney, type WaterfallStep } from "../analysis";

const AXIS = { fontSize: 12, fill: "#475569" };
const COLORS = { total: "#2563eb", cost: "#dc2626", gain: "#059669" } as const;

/**
 * A segment's P&L as a waterfall: net sales, each cost taking its bite (COGS, then every activity
 * of the model), net profit left standing. Each bar floats between the running totals.
 */
export function WaterfallChart({
  steps,
  currency,
  label,
}: {
  steps: WaterfallStep[];
  currency: string;
  label: string;
}) {
  return (
    <figure aria-label={label} className="h-80 w-full">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={steps} margin={{ top: 16, right: 16, bottom: 48, left: 8 }}>
          <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="name" tick={AXIS} interval={0} angle={-30} textAnchor="end" height={64} />
          <YAxis tick={AXIS} width={72} tickFormatter={(v: number) => formatMoney(v)} />
          <ReferenceLine y={0} stroke="#64748b" />
          <Tooltip
            formatter={(_, __, item) => {
              const step = item.payload as WaterfallStep;
              return [formatMoney(step.value, currency), step.kind === "total" ? "Total" : "Change"];
            }}
          />
          <Bar dataKey="range" isAnimationActive={false}>
            {steps.map((step) => (
              <Cell key={step.name} fill={COLORS[step.kind]} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
