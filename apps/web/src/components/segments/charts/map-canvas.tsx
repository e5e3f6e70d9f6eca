"use client";

import {
  type KeyboardEvent,
  type PointerEvent,
  useCallback,
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import { formatNumber, type MapPoint, segmentColor, segmentLabel } from "../result-types";
import {
  buildGrid,
  type Direction,
  dotStamp,
  nearestPoint,
  nextInDirection,
  niceTicks,
  orderByKey,
  type PointGrid,
  parseHex,
  rotate,
  splatDots,
} from "./map-geometry";

const START = { yaw: -0.7, pitch: 0.35 };
const STEP = 0.12;
const MAX_PITCH = 1.5;
/** The 2-D plot's margins for tick labels and axis titles (CSS pixels). */
const MARGIN = { top: 8, right: 12, bottom: 40, left: 56 };
/** How far from a dot the pointer may be and still name it (CSS pixels). */
const HIT_RADIUS = 8;
const GRID_CELL = 16;

interface Projection {
  sx: Float32Array;
  sy: Float32Array;
  /** Points in drawing order (3-D: far first). */
  order: Int32Array;
  /** Built on first use: a drag re-projects every frame and needs no hit-testing meanwhile. */
  grid: PointGrid | null;
  /** 2-D: tick positions and values for the axes. */
  xTicks: Array<{ at: number; value: number }>;
  yTicks: Array<{ at: number; value: number }>;
  /** 3-D: where the axis arrows end. */
  axes: Array<{ x: number; y: number }>;
}

function customerName(point: MapPoint, externalIds: Record<string, string>): string {
  return `Customer ${externalIds[point.customerId] ?? point.customerId.slice(0, 8)}`;
}

/**
 * Customers drawn on a canvas (2-D scatter, or the PCA map turned in 3-D): the dots are painted
 * into one pixel buffer (splatDots), no DOM node and no canvas call per customer. The pointer is matched to a point through a uniform grid over
 * the drawn positions, built once per projection, and the highlight lives on a second canvas, so
 * a pointer move redraws a ring and moves the tooltip without touching React or the 20,000 dots.
 * Keyboard: in 2-D the arrow keys walk from customer to customer and Enter selects; in 3-D they
 * turn the map (Home resets it).
 */
/**
 * The same points as last time when only the array is new (the result document is re-read on every
 * render of the page): rebuilding 20,000 points and dropping the selection on each render would be
 * both slow and surprising.
 */
function useStablePoints(points: MapPoint[]): MapPoint[] {
  const last = useRef<{ points: MapPoint[]; signature: string } | null>(null);
  let sum = 0;
  for (const p of points) sum += p.x * 1.3 + p.y * 0.7 + (p.z ?? 0) * 0.11 + p.segment;
  const signature = `${points.length}:${points[0]?.customerId}:${points[points.length - 1]?.customerId}:${sum}`;
  if (last.current?.signature !== signature) last.current = { points, signature };
  return last.current.points;
}

export function MapCanvas({
  points: given,
  mode,
  names,
  externalIds,
  label,
  axisTitles,
  explainedVariance = [],
}: {
  points: MapPoint[];
  mode: "2d" | "3d";
  names: string[];
  externalIds: Record<string, string>;
  /** The accessible name of the interactive map. */
  label: string;
  /** 2-D axis titles, x then y. */
  axisTitles: [string, string];
  explainedVariance?: number[];
}) {
  const points = useStablePoints(given);
  const wrapRef = useRef<HTMLDivElement>(null);
  const baseRef = useRef<HTMLCanvasElement>(null);
  const overlayRef = useRef<HTMLCanvasElement>(null);
  const tooltipRef = useRef<HTMLDivElement>(null);
  const axisLabelRefs = useRef<Array<HTMLSpanElement | null>>([]);
  const [size, setSize] = useState({ width: 0, height: 0 });
  const [selected, setSelected] = useState<number>(-1);
  const view = useRef({ ...START });
  const drag = useRef<{ x: number; y: number; yaw: number; pitch: number } | null>(null);
  const projection = useRef<Projection | null>(null);
  const layer = useRef<{
    canvas: HTMLCanvasElement;
    ctx: CanvasRenderingContext2D;
    image: ImageData;
  } | null>(null);
  /** An offscreen canvas and pixel buffer of the canvas's size, kept between frames. */
  const layerFor = useCallback((width: number, height: number) => {
    const current = layer.current;
    if (current && current.image.width === width && current.image.height === height) return current;
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext("2d");
    if (!ctx || width === 0 || height === 0) return null;
    layer.current = { canvas, ctx, image: ctx.createImageData(width, height) };
    return layer.current;
  }, []);
  const hovered = useRef(-1);
  const pointer = useRef<{ x: number; y: number } | null>(null);
  const frame = useRef(0);
  const selectedRef = useRef(-1);
  selectedRef.current = selected;
  const is3d = mode === "3d";
  const selectionId = useId();

  // Columns of the points, their colours, and (3-D) the sample centred and scaled so 98% of it
  // lies within radius 1: the few farthest fall outside the frame instead of squeezing the rest.
  const data = useMemo(() => {
    const n = points.length;
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    const z = new Float64Array(n);
    const colorIndex = new Uint8Array(n);
    const segments = [...new Set(points.map((p) => p.segment))].sort((a, b) =>
      a < 0 ? 1 : b < 0 ? -1 : a - b,
    );
    const slot = new Map(segments.map((s, i) => [s, i]));
    points.forEach((p, i) => {
      x[i] = p.x;
      y[i] = p.y;
      z[i] = p.z ?? 0;
      colorIndex[i] = slot.get(p.segment) ?? 0;
    });
    if (is3d && n > 0) {
      const mean = [0, 0, 0];
      for (let i = 0; i < n; i++) {
        mean[0]! += x[i]! / n;
        mean[1]! += y[i]! / n;
        mean[2]! += z[i]! / n;
      }
      const radii = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        x[i]! -= mean[0]!;
        y[i]! -= mean[1]!;
        z[i]! -= mean[2]!;
        radii[i] = Math.hypot(x[i]!, y[i]!, z[i]!);
      }
      radii.sort();
      const extent = radii[Math.min(n - 1, Math.floor(0.98 * n))] ?? 0;
      const s = extent > 0 ? 1 / extent : 1;
      for (let i = 0; i < n; i++) {
        x[i]! *= s;
        y[i]! *= s;
        z[i]! *= s;
      }
    }
    // 2-D: segments in order, noise last, as the legend lists them.
    const order2d = orderByKey(Float64Array.from(colorIndex));
    const colors = segments.map((s) => parseHex(segmentColor(s)));
    return { n, x, y, z, colorIndex, segments, colors, order2d };
  }, [points, is3d]);

  useLayoutEffect(() => {
    const wrap = wrapRef.current;
    if (!wrap) return;
    const measure = () => setSize({ width: wrap.clientWidth, height: wrap.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(wrap);
    return () => observer.disconnect();
  }, []);

  const project = useCallback((): Projection | null => {
    const { width, height } = size;
    if (width === 0 || height === 0) return null;
    const { n, x, y, z } = data;
    const sx = new Float32Array(n);
    const sy = new Float32Array(n);
    if (!is3d) {
      let minX = Number.POSITIVE_INFINITY;
      let maxX = Number.NEGATIVE_INFINITY;
      let minY = Number.POSITIVE_INFINITY;
      let maxY = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < n; i++) {
        minX = Math.min(minX, x[i]!);
        maxX = Math.max(maxX, x[i]!);
        minY = Math.min(minY, y[i]!);
        maxY = Math.max(maxY, y[i]!);
      }
      const tx = niceTicks(minX, maxX);
      const ty = niceTicks(minY, maxY);
      const x0 = tx[0]!;
      const x1 = tx[tx.length - 1]!;
      const y0 = ty[0]!;
      const y1 = ty[ty.length - 1]!;
      const plotW = width - MARGIN.left - MARGIN.right;
      const plotH = height - MARGIN.top - MARGIN.bottom;
      const toX = (v: number) => MARGIN.left + ((v - x0) / (x1 - x0)) * plotW;
      const toY = (v: number) => MARGIN.top + (1 - (v - y0) / (y1 - y0)) * plotH;
      for (let i = 0; i < n; i++) {
        sx[i] = toX(x[i]!);
        sy[i] = toY(y[i]!);
      }
      return {
        sx,
        sy,
        order: data.order2d,
        grid: null,
        xTicks: tx.map((value) => ({ at: toX(value), value })),
        yTicks: ty.map((value) => ({ at: toY(value), value })),
        axes: [],
      };
    }
    const { yaw, pitch } = view.current;
    const scale = Math.min(width, height) / 2.7;
    const cx = width / 2;
    const cy = height / 2;
    const depth = new Float64Array(n);
    // The rotation once per point, written out: this runs on every frame of a drag.
    const cyaw = Math.cos(yaw);
    const syaw = Math.sin(yaw);
    const cp = Math.cos(pitch);
    const sp = Math.sin(pitch);
    for (let i = 0; i < n; i++) {
      const x1 = x[i]! * cyaw + z[i]! * syaw;
      const z1 = -x[i]! * syaw + z[i]! * cyaw;
      sx[i] = cx + x1 * scale;
      sy[i] = cy - (y[i]! * cp - z1 * sp) * scale;
      depth[i] = y[i]! * sp + z1 * cp;
    }
    const order = orderByKey(depth);
    const axes = [0, 1, 2].map((a) => {
      const [ax, ay] = rotate(a === 0 ? 1.1 : 0, a === 1 ? 1.1 : 0, a === 2 ? 1.1 : 0, yaw, pitch);
      return { x: cx + ax * scale, y: cy - ay * scale };
    });
    return {
      sx,
      sy,
      order,
      grid: null,
      xTicks: [],
      yTicks: [],
      axes,
    };
  }, [data, size, is3d]);

  /** The point within reach of (x, y) on the current projection, or -1. */
  const hitTest = (x: number, y: number, radius = HIT_RADIUS) => {
    const p = projection.current;
    if (!p) return -1;
    p.grid ??= buildGrid(p.sx, p.sy, size.width, size.height, GRID_CELL, p.order);
    return nearestPoint(p.grid, p.sx, p.sy, x, y, radius);
  };

  const drawOverlay = useCallback(() => {
    const canvas = overlayRef.current;
    const p = projection.current;
    const ctx = canvas?.getContext("2d");
    if (!canvas || !ctx || !p) return;
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, size.width, size.height);
    const ring = (i: number, color: string, r: number, width: number) => {
      if (i < 0 || i >= p.sx.length) return;
      ctx.beginPath();
      ctx.arc(p.sx[i]!, p.sy[i]!, r, 0, 2 * Math.PI);
      ctx.lineWidth = width;
      ctx.strokeStyle = color;
      ctx.stroke();
    };
    const sel = selectedRef.current;
    if (sel >= 0) {
      ring(sel, "#ffffff", 7, 4);
      ring(sel, "#0f172a", 7, 2);
    }
    const h = hovered.current;
    if (h >= 0 && h !== sel) {
      const point = points[h];
      ring(h, "#ffffff", 5.5, 3);
      ring(h, point ? segmentColor(point.segment) : "#0f172a", 5.5, 1.5);
    }
  }, [points, size]);

  const showTooltip = useCallback(() => {
    const tip = tooltipRef.current;
    const p = projection.current;
    if (!tip || !p) return;
    const i = hovered.current;
    const point = i >= 0 ? points[i] : undefined;
    if (!point) {
      tip.hidden = true;
      return;
    }
    const [who, segment] = tip.children;
    if (who) who.textContent = customerName(point, externalIds);
    if (segment) segment.textContent = segmentLabel(point.segment, names);
    tip.hidden = false;
    // Beside the dot, flipped to the other side near the right or bottom edge.
    const x = p.sx[i]!;
    const y = p.sy[i]!;
    const left = x + 12 + tip.offsetWidth > size.width ? x - 12 - tip.offsetWidth : x + 12;
    const top = y + 12 + tip.offsetHeight > size.height ? y - 12 - tip.offsetHeight : y + 12;
    tip.style.transform = `translate(${Math.round(left)}px, ${Math.round(top)}px)`;
  }, [points, externalIds, names, size]);

  const drawBase = useCallback(() => {
    const canvas = baseRef.current;
    const p = projection.current;
    const ctx = canvas?.getContext("2d");
    if (!canvas || !ctx || !p) return;
    const dpr = window.devicePixelRatio || 1;
    const { width, height } = size;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    ctx.font = "11px ui-sans-serif, system-ui, sans-serif";
    ctx.fillStyle = "#64748b";
    if (!is3d) {
      ctx.strokeStyle = "#f1f5f9";
      ctx.lineWidth = 1;
      ctx.beginPath();
      for (const t of p.xTicks) {
        ctx.moveTo(Math.round(t.at) + 0.5, MARGIN.top);
        ctx.lineTo(Math.round(t.at) + 0.5, height - MARGIN.bottom);
      }
      for (const t of p.yTicks) {
        ctx.moveTo(MARGIN.left, Math.round(t.at) + 0.5);
        ctx.lineTo(width - MARGIN.right, Math.round(t.at) + 0.5);
      }
      ctx.stroke();
      ctx.textAlign = "center";
      ctx.textBaseline = "top";
      for (const t of p.xTicks) ctx.fillText(formatNumber(t.value), t.at, height - MARGIN.bottom + 8);
      ctx.textAlign = "right";
      ctx.textBaseline = "middle";
      for (const t of p.yTicks) ctx.fillText(formatNumber(t.value), MARGIN.left - 8, t.at);
    } else {
      ctx.strokeStyle = "#94a3b8";
      ctx.lineWidth = 1;
      ctx.beginPath();
      const cx = width / 2;
      const cy = height / 2;
      for (const a of p.axes) {
        ctx.moveTo(cx, cy);
        ctx.lineTo(a.x, a.y);
      }
      ctx.stroke();
    }
    // The dots go into a pixel buffer in one pass, then onto the canvas over the grid in one draw.
    const layer = layerFor(canvas.width, canvas.height);
    if (layer) {
      splatDots(
        layer.image.data,
        canvas.width,
        canvas.height,
        p.sx,
        p.sy,
        p.order,
        data.colorIndex,
        data.colors,
        is3d ? 0.75 : 0.7,
        dotStamp((is3d ? 2.6 : 2.2) * dpr),
        dpr,
      );
      layer.ctx.putImageData(layer.image, 0, 0);
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.drawImage(layer.canvas, 0, 0);
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    }
    // 3-D axis names are HTML (readable, findable by text), moved here with the axes.
    p.axes.forEach((a, k) => {
      const el = axisLabelRefs.current[k];
      if (!el) return;
      const lx = width / 2 + (a.x - width / 2) * 1.08;
      const ly = height / 2 + (a.y - height / 2) * 1.08;
      el.style.transform = `translate(calc(${Math.round(lx)}px - 50%), calc(${Math.round(ly)}px - 50%))`;
    });
    wrapRef.current?.setAttribute(
      "data-view",
      `${view.current.yaw.toFixed(3)},${view.current.pitch.toFixed(3)}`,
    );
  }, [data, size, is3d, layerFor]);

  /** Re-projects and redraws everything (data, size or the 3-D angle changed). */
  const redraw = useCallback(() => {
    projection.current = project();
    drawBase();
    drawOverlay();
    showTooltip();
  }, [project, drawBase, drawOverlay, showTooltip]);

  useEffect(() => {
    for (const canvas of [baseRef.current, overlayRef.current]) {
      if (!canvas) continue;
      const dpr = window.devicePixelRatio || 1;
      canvas.width = Math.round(size.width * dpr);
      canvas.height = Math.round(size.height * dpr);
    }
    redraw();
  }, [size, redraw]);

  useEffect(() => {
    drawOverlay();
  }, [selected, drawOverlay]);

  // New points (another projection chosen): nothing hovered or selected any more.
  useEffect(() => {
    hovered.current = -1;
    setSelected(-1);
  }, [points]);

  useEffect(() => () => cancelAnimationFrame(frame.current), []);

  /** At most one hit-test (or 3-D turn) per animation frame, however fast the pointer events come. */
  const schedule = (work: () => void) => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      work();
    });
  };

  const hoverAt = () => {
    const p = projection.current;
    const at = pointer.current;
    const next = p && at ? hitTest(at.x, at.y) : -1;
    if (next === hovered.current) return;
    hovered.current = next;
    drawOverlay();
    showTooltip();
  };

  const turn = (yaw: number, pitch: number) => {
    view.current = { yaw, pitch: Math.max(-MAX_PITCH, Math.min(MAX_PITCH, pitch)) };
    schedule(redraw);
  };

  const local = (e: PointerEvent<HTMLDivElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    return { x: e.clientX - rect.left, y: e.clientY - rect.top };
  };

  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    const start = drag.current;
    if (start) {
      if (Math.abs(e.clientX - start.x) + Math.abs(e.clientY - start.y) > 3) {
        hovered.current = -1;
        turn(start.yaw + (e.clientX - start.x) * 0.01, start.pitch + (e.clientY - start.y) * 0.01);
      }
      return;
    }
    pointer.current = local(e);
    schedule(hoverAt);
  };
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (!is3d) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { x: e.clientX, y: e.clientY, ...view.current };
  };
  const onPointerUp = (e: PointerEvent<HTMLDivElement>) => {
    const start = drag.current;
    drag.current = null;
    // A click (not a drag) selects the customer under the pointer, or clears the selection.
    if (start && Math.abs(e.clientX - start.x) + Math.abs(e.clientY - start.y) > 3) return;
    const at = local(e);
    setSelected(hitTest(at.x, at.y));
  };
  const onPointerLeave = () => {
    pointer.current = null;
    if (drag.current) return;
    schedule(hoverAt);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const p = projection.current;
    if (is3d) {
      const moves: Record<string, [number, number]> = {
        ArrowLeft: [-STEP, 0],
        ArrowRight: [STEP, 0],
        ArrowUp: [0, -STEP],
        ArrowDown: [0, STEP],
      };
      const move = moves[e.key];
      if (move) {
        e.preventDefault();
        turn(view.current.yaw + move[0], view.current.pitch + move[1]);
      } else if (e.key === "Home") {
        e.preventDefault();
        turn(START.yaw, START.pitch);
      }
      return;
    }
    if (!p || data.n === 0) return;
    const directions: Record<string, Direction> = {
      ArrowLeft: "left",
      ArrowRight: "right",
      ArrowUp: "up",
      ArrowDown: "down",
    };
    const direction = directions[e.key];
    const inside = (i: number) =>
      p.sx[i]! >= 0 && p.sx[i]! <= size.width && p.sy[i]! >= 0 && p.sy[i]! <= size.height;
    if (direction) {
      e.preventDefault();
      const from = hovered.current >= 0 ? hovered.current : selectedRef.current;
      // The first key press starts from the customer nearest the middle of the map.
      hovered.current =
        from >= 0
          ? nextInDirection(p.sx, p.sy, from, direction, inside)
          : hitTest(size.width / 2, size.height / 2, Math.max(size.width, size.height));
      drawOverlay();
      showTooltip();
    } else if (e.key === "Enter" || e.key === " ") {
      if (hovered.current >= 0) {
        e.preventDefault();
        setSelected(hovered.current);
      }
    } else if (e.key === "Escape") {
      hovered.current = -1;
      setSelected(-1);
      drawOverlay();
      showTooltip();
    }
  };

  const selectedPoint = selected >= 0 ? points[selected] : undefined;
  const keysHelp = is3d
    ? "Drag, or focus it and use the arrow keys, to turn it; Home resets the view. Click a dot to select that customer."
    : "Hover a dot to see the customer; click to select. Focused, the arrow keys move from customer to customer, Enter selects, Escape clears.";

  return (
    <div className="space-y-2">
      <div
        ref={wrapRef}
        className={`relative h-80 w-full touch-none rounded-md focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 sm:h-96 ${
          is3d ? "cursor-grab bg-slate-50 active:cursor-grabbing" : "cursor-crosshair"
        }`}
        role="application"
        aria-roledescription={is3d ? "3-D map" : "map"}
        aria-label={`${label}. ${keysHelp}`}
        aria-describedby={selectedPoint ? selectionId : undefined}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the map is operated with the keyboard once focused
        tabIndex={0}
        data-testid="map-canvas"
        data-points={data.n}
        onPointerMove={onPointerMove}
        onPointerDown={onPointerDown}
        onPointerUp={onPointerUp}
        onPointerCancel={() => {
          drag.current = null;
        }}
        onPointerLeave={onPointerLeave}
        onKeyDown={onKeyDown}
      >
        <canvas ref={baseRef} className="absolute inset-0 h-full w-full" aria-hidden />
        <canvas ref={overlayRef} className="pointer-events-none absolute inset-0 h-full w-full" aria-hidden />
        {is3d ? (
          [0, 1, 2].map((a) => (
            <span
              key={a}
              ref={(el) => {
                axisLabelRefs.current[a] = el;
              }}
              className="pointer-events-none absolute top-0 left-0 whitespace-nowrap text-xs text-slate-600"
            >
              {`PC${a + 1}${explainedVariance[a] !== undefined ? ` ${formatNumber(explainedVariance[a]! * 100)}%` : ""}`}
            </span>
          ))
        ) : (
          <>
            <span className="pointer-events-none absolute bottom-1 left-14 right-3 text-center text-xs text-slate-600">
              {axisTitles[0]}
            </span>
            <span className="pointer-events-none absolute top-1/2 left-2.5 -translate-x-1/2 -translate-y-1/2 -rotate-90 whitespace-nowrap text-xs text-slate-600">
              {axisTitles[1]}
            </span>
          </>
        )}
        <div
          ref={tooltipRef}
          role="tooltip"
          hidden
          className="pointer-events-none absolute top-0 left-0 rounded-md border border-slate-200 bg-white px-3 py-2 text-xs shadow-md"
        >
          <p className="font-medium text-slate-900" />
          <p className="text-slate-600" />
        </div>
      </div>
      <div className="flex flex-wrap items-center justify-between gap-3 text-xs text-slate-500">
        <p id={selectionId} aria-live="polite">
          {selectedPoint ? (
            <>
              Selected:{" "}
              <span className="font-medium text-slate-900">{customerName(selectedPoint, externalIds)}</span> ·{" "}
              {segmentLabel(selectedPoint.segment, names)}
            </>
          ) : is3d ? (
            "Drag to turn the map, or focus it and use the arrow keys. Zoomed to 98% of the sample: the farthest customers fall outside the frame."
          ) : (
            "Click a dot, or focus the map and use the arrow keys and Enter, to select a customer."
          )}
        </p>
        <div className="flex gap-1">
          {selectedPoint ? (
            <button
              type="button"
              className="rounded px-2 py-1 font-medium text-brand-700 hover:bg-slate-100 focus-visible:ring-2 focus-visible:ring-brand-500"
              onClick={() => setSelected(-1)}
            >
              Clear selection
            </button>
          ) : null}
          {is3d ? (
            <button
              type="button"
              className="rounded px-2 py-1 font-medium text-brand-700 hover:bg-slate-100 focus-visible:ring-2 focus-visible:ring-brand-500"
              onClick={() => turn(START.yaw, START.pitch)}
            >
              Reset view
            </button>
          ) : null}
        </div>
      </div>
    </div>
  );
}
