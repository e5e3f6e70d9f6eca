"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/trpc/react";

export interface SegmentOption {
  id: string;
  name: string;
  color: string;
  setId: string;
  setName: string;
}

/**
 * What policy forms choose from: segments of approved segment sets (the api refuses others), the
 * channels the cost model prices and its currency.
 */
export function usePolicyOptions(workspace: string) {
  const trpc = useTRPC();
  const sets = useQuery(trpc.segment.listSets.queryOptions({ workspace }));
  const model = useQuery(trpc.costToServe.getModel.queryOptions({ workspace }));
  const approvedSets = (sets.data ?? [])
    .filter((s) => s.approvedVersion !== null)
    .map((s) => ({
      id: s.id,
      name: s.name,
      segments: s.segments
        .filter((g) => g.active && g.position >= 0)
        .map((g) => ({ id: g.id, name: g.name, color: g.color, setId: s.id, setName: s.name })),
    }))
    .filter((s) => s.segments.length > 0);
  const channels = new Set<string>();
  for (const a of model.data?.model.activities ?? []) {
    for (const c of Object.keys(a.by?.channel ?? {})) channels.add(c);
    for (const cr of Object.keys(a.by?.channel_region ?? {})) {
      const channel = cr.split("|")[0];
      if (channel) channels.add(channel);
    }
  }
  return {
    isPending: sets.isPending,
    error: sets.error,
    approvedSets,
    channels: [...channels],
    currency: model.data?.model.currency,
  };
}
