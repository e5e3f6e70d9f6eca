import { formatNumber } from "../result-types";

interface Node {
  id: number;
  height: number;
  x: number;
  size: number;
  children?: [Node, Node];
}

/**
 * The top of the merge tree (SciPy linkage rows [a, b, distance, size], the last merges only):
 * subtrees below the truncation are drawn as leaves labelled with their size, and the cut that
 * gives the chosen k as a dashed line.
 */
export function Dendrogram({ rows, lastMerges, k }: { rows: number; lastMerges: number[]; k: number }) {
  const count = Math.floor(lastMerges.length / 4);
  if (count < 1) return <p className="text-sm text-slate-500">No merge tree to show.</p>;
  const first = rows - 1 - count; // global index of the first merge kept
  const merges = Array.from({ length: count }, (_, i) => ({
    a: lastMerges[i * 4]!,
    b: lastMerges[i * 4 + 1]!,
    dist: lastMerges[i * 4 + 2]!,
    size: lastMerges[i * 4 + 3]!,
  }));
  // Show at most 30 leaves: the last 29 merges.
  const shown = Math.min(count, 29);
  const top = merges.slice(count - shown);
  const topFirst = first + (count - shown);
  let leafX = 0;
  const build = (id: number): Node => {
    const index = id - rows - topFirst;
    const merge = index >= 0 ? top[index] : undefined;
    if (!merge) {
      // Its size: a leaf of the data (1) or a merge below the shown part.
      const below = id >= rows ? (merges[id - rows - first]?.size ?? 1) : 1;
      return { id, height: 0, x: leafX++, size: below };
    }
    const left = build(merge.a);
    const right = build(merge.b);
    return { id, height: merge.dist, x: (left.x + right.x) / 2, size: merge.size, children: [left, right] };
  };
  const root = build(rows + first + count - 1);
  const leaves = leafX;
  const maxHeight = root.height || 1;
  const width = 640;
  const height = 240;
  const pad = { left: 48, right: 12, top: 12, bottom: 28 };
  const sx = (x: number) => pad.left + ((x + 0.5) / leaves) * (width - pad.left - pad.right);
  const sy = (h: number) => pad.top + (1 - h / maxHeight) * (height - pad.top - pad.bottom);
  const paths: string[] = [];
  const leafNodes: Node[] = [];
  const walk = (n: Node) => {
    if (!n.children) {
      leafNodes.push(n);
      return;
    }
    const [l, r] = n.children;
    paths.push(`M${sx(l.x)},${sy(l.height)}V${sy(n.height)}H${sx(r.x)}V${sy(r.height)}`);
    walk(l);
    walk(r);
  };
  walk(root);
  // Cut for k clusters: between the (k-1)-th and k-th merge from the top.
  const global = (g: number) => merges[g - first]?.dist;
  const above = global(rows - k);
  const below = global(rows - 1 - k);
  const cut = above !== undefined ? (above + (below ?? 0)) / 2 : undefined;
  return (
    <figure
      aria-label={`Dendrogram of the last ${shown} merges, cut at k = ${k}`}
      className="w-full overflow-x-auto"
    >
      <svg viewBox={`0 0 ${width} ${height}`} className="h-auto w-full min-w-[32rem]" role="img" aria-hidden>
        <line x1={pad.left} x2={pad.left} y1={pad.top} y2={height - pad.bottom} stroke="#cbd5e1" />
        {[0, 0.5, 1].map((t) => (
          <text
            key={t}
            x={pad.left - 6}
            y={sy(t * maxHeight) + 4}
            textAnchor="end"
            fontSize="10"
            fill="#64748b"
          >
            {formatNumber(t * maxHeight)}
          </text>
        ))}
        {paths.map((d) => (
          <path key={d} d={d} fill="none" stroke="#2563eb" strokeWidth="1.5" />
        ))}
        {leafNodes.map((n) => (
          <text
            key={n.id}
            x={sx(n.x)}
            y={height - pad.bottom + 14}
            textAnchor="middle"
            fontSize="9"
            fill="#475569"
          >
            {n.size}
          </text>
        ))}
        {cut !== undefined ? (
          <>
            <line
              x1={pad.left}
              x2={width - pad.right}
              y1={sy(cut)}
              y2={sy(cut)}
              stroke="#dc2626"
              strokeDasharray="5 4"
            />
            <text x={width - pad.right} y={sy(cut) - 4} textAnchor="end" fontSize="11" fill="#dc2626">
              cut for k = {k}
            </text>
          </>
        ) : null}
      </svg>
      <figcaption className="mt-1 text-xs text-slate-500">
        The last {shown} merges of {rows.toLocaleString("en")} customers; numbers under the leaves are the
        customers in each branch, heights are merge distances.
      </figcaption>
    </figure>
  );
}
