/**
 * Browser-safe (no imports): the web's client components draw with it through
 * `@strata/api/palette`, so the colours the api stores and the ones charts show are one list.
 *
 * Default segment colours: distinguishable for common colour-vision deficiencies (Okabe-Ito order,
 * then Tableau-like hues), readable on white. Noise (DBSCAN) is always grey.
 */
export const SEGMENT_PALETTE = [
  "#2563eb",
  "#e69f00",
  "#009e73",
  "#cc79a7",
  "#d55e00",
  "#56b4e9",
  "#7c3aed",
  "#b45309",
  "#0f766e",
  "#be123c",
  "#4d7c0f",
  "#1e3a8a",
] as const;

export const NOISE_COLOR = "#94a3b8";

export function defaultSegmentColor(position: number): string {
  if (position < 0) return NOISE_COLOR;
  return SEGMENT_PALETTE[position % SEGMENT_PALETTE.length]!;
}
