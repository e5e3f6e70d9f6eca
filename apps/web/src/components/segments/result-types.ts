import {
  ALGORITHM_LABELS as CONTRACT_ALGORITHM_LABELS,
  type RunResultDoc,
  runResultSchema,
} from "@strata/api/contract";
import { defaultSegmentColor } from "@strata/api/palette";

/**
 * The shapes of a run's documents come from the api's run contract (`@strata/api/contract`), the
 * same schemas the worker writes against and `run.get` returns through, so nothing here re-declares
 * them. Older runs lack newer parts; the schema fills them with empty values.
 */
export type {
  Explanation,
  FeatureTransform,
  MapPoint,
  ModelSelectionPoint,
  OutlierSummary,
  RunMetrics,
  SegmentExplanation,
} from "@strata/api/contract";

export type RunResult = RunResultDoc;

/**
 * A run's result document read through the contract's schema (null when the run has none or it is
 * not a result document). `run.get` already returns it parsed; parsing again changes nothing.
 */
export function readRunResult(value: unknown): RunResult | null {
  if (!value || typeof value !== "object") return null;
  const parsed = runResultSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** Short algorithm names by the stored algorithm value (an unknown one has none: show the value). */
export const ALGORITHM_LABELS: Readonly<Record<string, string>> = CONTRACT_ALGORITHM_LABELS;

export { NOISE_COLOR, SEGMENT_PALETTE } from "@strata/api/palette";

/** The colour a run's segment is drawn with (noise, -1, in grey). */
export function segmentColor(segment: number): string {
  return defaultSegmentColor(segment);
}

export function segmentLabel(segment: number, names?: string[]): string {
  if (segment < 0) return "Noise";
  return names?.[segment] ?? `Segment ${segment + 1}`;
}

const NUMBER = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 2 });
const COMPACT = new Intl.NumberFormat("en-GB", { notation: "compact", maximumFractionDigits: 1 });
const PERCENT = new Intl.NumberFormat("en-GB", { style: "percent", maximumFractionDigits: 1 });

export function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "–";
  if (Math.abs(v) < 0.005) return "0";
  return Math.abs(v) >= 100_000 ? COMPACT.format(v) : NUMBER.format(v);
}

export function formatPercent(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "–";
  // Intl keeps the sign of a value that rounds to zero ("-0%"); round to the 0.1% shown first so
  // -0 and tiny negatives read "0%".
  const rounded = Math.round(v * 1000) / 1000;
  return PERCENT.format(rounded === 0 ? 0 : rounded);
}

/** Feature names as people read them: `recency_days` -> "recency days", `channel:parcel` -> "channel: parcel". */
export function featureLabel(name: string): string {
  return name.replace(/:/g, ": ").replace(/_/g, " ");
}
