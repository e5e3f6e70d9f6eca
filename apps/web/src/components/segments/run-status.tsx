import { Badge } from "@/components/ui/badge";

const TONES = {
  queued: "neutral",
  running: "brand",
  succeeded: "green",
  failed: "red",
  cancelled: "amber",
} as const;

const LABELS: Record<string, string> = {
  queued: "Queued",
  running: "Running",
  succeeded: "Succeeded",
  failed: "Failed",
  cancelled: "Cancelled",
};

export const ACTIVE_STATUSES = new Set(["queued", "running"]);

export function RunStatusBadge({ status }: { status: string }) {
  return <Badge tone={TONES[status as keyof typeof TONES] ?? "neutral"}>{LABELS[status] ?? status}</Badge>;
}

/** A progress bar with its stage; the bar is a real progressbar for assistive technology. */
export function RunProgressBar({ stage, percent }: { stage: string; percent: number }) {
  const value = Math.max(0, Math.min(100, Math.round(percent)));
  return (
    <div className="space-y-2">
      <div className="flex items-baseline justify-between gap-3 text-sm">
        <span className="text-slate-700">{stage}</span>
        <span className="tabular-nums font-medium text-slate-900">{value}%</span>
      </div>
      <div
        role="progressbar"
        aria-label="Run progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={value}
        aria-valuetext={`${value}% – ${stage}`}
        className="h-2.5 overflow-hidden rounded-full bg-slate-200"
      >
        <div
          className="h-full rounded-full bg-brand-600 transition-[width] duration-500"
          style={{ width: `${value}%` }}
        />
      </div>
    </div>
  );
}
