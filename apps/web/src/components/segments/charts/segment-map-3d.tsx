"use client";

import { type KeyboardEvent, type PointerEvent, useMemo, useRef, useState } from "react";
import { formatNumber, type MapPoint, segmentColor, segmentLabel } from "../result-types";

const START = { yaw: -0.7, pitch: 0.35 };
const STEP = 0.12;
const MAX_PITCH = 1.5;

interface Placed {
  point: MapPoint;
  sx: number;
  sy: number;
  depth: number;
}

/** Rotates (x, y, z) by yaw about the vertical axis, then pitch about the horizontal one. */
function rotate(x: number, y: number, z: number, yaw: number, pitch: number): [number, number, number] {
  const x1 = x * Math.cos(yaw) + z * Math.sin(yaw);
  const z1 = -x * Math.sin(yaw) + z * Math.cos(yaw);
  const y2 = y * Math.cos(pitch) - z1 * Math.sin(pitch);
  const z2 = y * Math.sin(pitch) + z1 * Math.cos(pitch);
  return [x1, y2, z2];
}

/**
 * The PCA map in three dimensions: the first three principal components, turned by dragging or with
 * the arrow keys. Drawn as SVG in an orthographic projection, far points first, so nearer segments
 * cover farther ones; all three axes share one scale, so distances keep their proportions.
 * Hovering a dot names the customer (an SVG title: no extra chart library for one view).
 */
export function SegmentMap3D({
  points,
  explainedVariance,
  names,
  externalIds,
}: {
  points: MapPoint[];
  explainedVariance: number[];
  names: string[];
  externalIds: Record<string, string>;
}) {
  const [angles, setAngles] = useState(START);
  const drag = useRef<{ x: number; y: number; yaw: number; pitch: number } | null>(null);

  // Centred on the sample's mean and scaled so that 98% of the customers lie within radius 1: the
  // few farthest (big spenders, say) fall outside the frame instead of squeezing everyone else.
  const scaled = useMemo(() => {
    const n = Math.max(1, points.length);
    const mean = [0, 0, 0];
    for (const p of points) {
      mean[0]! += p.x / n;
      mean[1]! += p.y / n;
      mean[2]! += (p.z ?? 0) / n;
    }
    const centred = points.map((p) => ({
      p,
      x: p.x - mean[0]!,
      y: p.y - mean[1]!,
      z: (p.z ?? 0) - mean[2]!,
    }));
    const radii = centred.map((c) => Math.hypot(c.x, c.y, c.z)).sort((a, b) => a - b);
    const extent = radii[Math.min(radii.length - 1, Math.floor(0.98 * radii.length))] ?? 0;
    const s = extent > 0 ? 1 / extent : 1;
    return centred.map((c) => ({ p: c.p, x: c.x * s, y: c.y * s, z: c.z * s }));
  }, [points]);

  const placed = useMemo<Placed[]>(() => {
    const out = scaled.map(({ p, x, y, z }) => {
      const [sx, sy, depth] = rotate(x, y, z, angles.yaw, angles.pitch);
      return { point: p, sx, sy: -sy, depth };
    });
    return out.sort((a, b) => a.depth - b.depth);
  }, [scaled, angles]);

  const axes = [0, 1, 2].map((i) => {
    const unit: [number, number, number] = [i === 0 ? 1.1 : 0, i === 1 ? 1.1 : 0, i === 2 ? 1.1 : 0];
    const [x, y] = rotate(unit[0], unit[1], unit[2], angles.yaw, angles.pitch);
    const share = explainedVariance[i];
    return { x, y: -y, label: `PC${i + 1}${share !== undefined ? ` ${formatNumber(share * 100)}%` : ""}` };
  });

  const turn = (yaw: number, pitch: number) =>
    setAngles({ yaw, pitch: Math.max(-MAX_PITCH, Math.min(MAX_PITCH, pitch)) });

  const onPointerDown = (e: PointerEvent<SVGSVGElement>) => {
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { x: e.clientX, y: e.clientY, ...angles };
  };
  const onPointerMove = (e: PointerEvent<SVGSVGElement>) => {
    const start = drag.current;
    if (!start) return;
    turn(start.yaw + (e.clientX - start.x) * 0.01, start.pitch + (e.clientY - start.y) * 0.01);
  };
  const onPointerUp = () => {
    drag.current = null;
  };
  const onKeyDown = (e: KeyboardEvent<SVGSVGElement>) => {
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [-STEP, 0],
      ArrowRight: [STEP, 0],
      ArrowUp: [0, -STEP],
      ArrowDown: [0, STEP],
    };
    const move = moves[e.key];
    if (move) {
      e.preventDefault();
      turn(angles.yaw + move[0], angles.pitch + move[1]);
    } else if (e.key === "Home") {
      e.preventDefault();
      setAngles(START);
    }
  };

  return (
    <div className="space-y-2">
      <svg
        viewBox="-1.35 -1.35 2.7 2.7"
        className="h-80 w-full cursor-grab touch-none rounded-md bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 active:cursor-grabbing sm:h-96"
        role="img"
        aria-label="3-D map of customers coloured by segment. Drag, or focus it and use the arrow keys, to turn it; Home resets the view."
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the map turns with the arrow keys once focused
        tabIndex={0}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onKeyDown={onKeyDown}
      >
        {axes.map((a) => (
          <g key={a.label} className="pointer-events-none">
            <line x1={0} y1={0} x2={a.x} y2={a.y} stroke="#94a3b8" strokeWidth={0.006} />
            <text x={a.x * 1.08} y={a.y * 1.08} fontSize={0.07} fill="#475569" textAnchor="middle">
              {a.label}
            </text>
          </g>
        ))}
        {placed.map(({ point, sx, sy }) => (
          <circle
            key={point.customerId}
            cx={sx}
            cy={sy}
            r={0.018}
            fill={segmentColor(point.segment)}
            fillOpacity={0.75}
          >
            <title>
              {`Customer ${externalIds[point.customerId] ?? point.customerId.slice(0, 8)} · ${segmentLabel(point.segment, names)}`}
            </title>
          </circle>
        ))}
      </svg>
      <div className="flex items-center justify-between gap-3 text-xs text-slate-500">
        <p>
          Drag to turn the map, or focus it and use the arrow keys. Zoomed to 98% of the sample: the farthest
          customers fall outside the frame.
        </p>
        <button
          type="button"
          className="rounded px-2 py-1 font-medium text-brand-700 hover:bg-slate-100 focus-visible:ring-2 focus-visible:ring-brand-500"
          onClick={() => setAngles(START)}
        >
          Reset view
        </button>
      </div>
    </div>
  );
}
