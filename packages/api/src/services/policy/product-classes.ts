import { CoreInputError, CostLinesBuilder, productClasses } from "@strata/core";
import { rawRows, type Tx } from "@strata/db";
import { sql } from "drizzle-orm";
import { AppError } from "../../errors.js";
import { orderLinesVersion } from "./lines-version.js";

const WEEK_MS = 7 * 86_400_000;
/** Products listed per matrix cell in the answer (the page shows the top ones). */
const PRODUCTS_PER_CELL = 50;

/**
 * The workspace's ABC-XYZ product classes (core `productClasses`), from the order lines summed per
 * product and ISO week in the database: each week becomes one sales line (its units at their average
 * net price) and one return line (the returns' value), which core reads exactly as it would read
 * the week's lines, so 2,000,000 lines come to Node as at most products x weeks rows.
 *
 * At the default cut-offs the answer is stored (product_class_answers) under the version of the
 * lines it was computed from: the worker computes it once an import's lines are in, so a page read
 * is one row, not an aggregate of every line and a classification on the web server's event loop
 * (which stalled every request in flight). While an import of the workspace is still working, the
 * answer stored before it is given, marked `updating`.
 */
export async function workspaceProductClasses(
  tx: Tx,
  params: {
    tenantId: string;
    abcCutoffs?: [number, number] | undefined;
    xyzCutoffs?: [number, number] | undefined;
  },
): Promise<ProductClassesAnswer> {
  const version = await orderLinesVersion(tx, params.tenantId);
  const isDefault = !params.abcCutoffs && !params.xyzCutoffs;
  // The answer itself is kept in memory too, per version of the lines and cutoffs.
  const key = `${version}|${params.abcCutoffs ?? ""}|${params.xyzCutoffs ?? ""}`;
  const hit = answers.get(params.tenantId);
  if (hit?.key === key) return hit.answer;
  if (isDefault) {
    const [stored] = await rawRows<{
      lines_version: string;
      answer: ProductClassesAnswer;
      importing: boolean;
    }>(
      tx,
      sql`select lines_version::text as lines_version, answer,
            exists (select 1 from imports where tenant_id = ${params.tenantId} and status = 'running') as importing
          from product_class_answers where tenant_id = ${params.tenantId}`,
    );
    if (stored?.lines_version === version) {
      remember(params.tenantId, key, stored.answer);
      return stored.answer;
    }
    if (stored?.importing) return { ...stored.answer, updating: true };
  }
  const answer = classesOf(await weeklyRows(tx, params.tenantId, version), params);
  remember(params.tenantId, key, answer);
  if (isDefault) await storeAnswer(tx, params.tenantId, version, answer);
  return answer;
}

/**
 * Computes the workspace's product classes at the default cut-offs and stores them under the
 * current version of its lines (the worker, after an import's lines are in).
 */
export async function refreshProductClasses(tx: Tx, tenantId: string): Promise<void> {
  const version = await orderLinesVersion(tx, tenantId);
  await storeAnswer(tx, tenantId, version, classesOf(await weeklyRows(tx, tenantId, version), {}));
}

/** Stored unless a newer version's answer already is (two computations can cross). */
async function storeAnswer(tx: Tx, tenantId: string, version: string, answer: ProductClassesAnswer) {
  await tx.execute(sql`
    insert into product_class_answers (tenant_id, lines_version, answer, computed_at)
    values (${tenantId}, ${version}::bigint, ${JSON.stringify(answer)}::jsonb, now())
    on conflict (tenant_id) do update
      set lines_version = excluded.lines_version, answer = excluded.answer, computed_at = excluded.computed_at
      where product_class_answers.lines_version <= excluded.lines_version`);
}

function remember(tenantId: string, key: string, answer: ProductClassesAnswer) {
  answers.delete(tenantId);
  answers.set(tenantId, { key, answer });
  while (answers.size > MAX_WORKSPACES) answers.delete(answers.keys().next().value!);
}

export type ProductClassesAnswer = ReturnType<typeof classesOf> & {
  /** The answer from before an import that is still working: the lines have moved on since. */
  updating?: boolean;
};

function classesOf(
  rows: WeekRow[],
  params: { abcCutoffs?: [number, number] | undefined; xyzCutoffs?: [number, number] | undefined },
) {
  if (rows.length === 0)
    return { weeks: 0, totalNetSales: 0, products: [], matrix: [], linesWithoutProduct: 0, productCount: 0 };
  const builder = new CostLinesBuilder();
  for (const r of rows) {
    // The middle of the week: inside the same ISO week whatever the time zone of the reader.
    const time = r.week_start + WEEK_MS / 2;
    if (r.units > 0 || r.sales !== 0)
      builder.push({
        customerId: "-",
        orderId: "-",
        product: r.product,
        quantity: r.units,
        unitPrice: r.units > 0 ? r.sales / r.units : 0,
        discount: r.units > 0 ? 0 : -r.sales,
        time,
      });
    if (r.returns !== 0)
      builder.push({
        customerId: "-",
        orderId: "-",
        product: r.product,
        quantity: -1,
        unitPrice: r.returns,
        time,
      });
  }
  try {
    const classes = productClasses(builder.finish(), {
      ...(params.abcCutoffs ? { abcCutoffs: params.abcCutoffs } : {}),
      ...(params.xyzCutoffs ? { xyzCutoffs: params.xyzCutoffs } : {}),
      from: rows[0]!.first_ms,
      to: rows[0]!.last_ms,
    });
    return {
      ...classes,
      productCount: classes.products.length,
      // Enough to show each cell's products without shipping every product to the page.
      products: classes.matrix.flatMap((cell) =>
        classes.products.filter((p) => p.class === cell.class).slice(0, PRODUCTS_PER_CELL),
      ),
    };
  } catch (error) {
    if (error instanceof CoreInputError) throw new AppError("BAD_REQUEST", error.message, error.field);
    throw error;
  }
}

interface WeekRow {
  product: string;
  week_start: number;
  units: number;
  sales: number;
  returns: number;
  first_ms: number;
  last_ms: number;
}

/** Weekly rows kept per workspace while its lines do not change (the Policies page reads them often). */
const MAX_WORKSPACES = 16;
const kept = new Map<string, { version: string; rows: Promise<WeekRow[]> }>();
const answers = new Map<string, { key: string; answer: ProductClassesAnswer }>();

/** The lines summed per product and ISO week, from memory while the lines are unchanged. */
async function weeklyRows(tx: Tx, tenantId: string, version: string): Promise<WeekRow[]> {
  const hit = kept.get(tenantId);
  if (hit?.version === version) return hit.rows;
  const rows = rawRows<WeekRow>(
    tx,
    sql`
      with w as (
        select btrim(product) as product,
          -- Monday 00:00 UTC of the line's ISO week, in epoch ms.
          (extract(epoch from date_trunc('week', ordered_at at time zone 'UTC')) * 1000)::float8 as week_start,
          coalesce(sum(quantity) filter (where quantity >= 0), 0) as units,
          coalesce(sum(quantity * unit_price - coalesce(discount, 0)) filter (where quantity >= 0), 0) as sales,
          coalesce(sum(-quantity * unit_price - coalesce(discount, 0)) filter (where quantity < 0), 0) as returns
        from order_lines
        where tenant_id = ${tenantId} and product is not null and btrim(product) <> ''
        group by 1, 2
      )
      select w.*, b.first_ms, b.last_ms from w,
        (select (extract(epoch from min(ordered_at)) * 1000)::float8 as first_ms,
                (extract(epoch from max(ordered_at)) * 1000)::float8 as last_ms
         from order_lines where tenant_id = ${tenantId}) b
      order by w.product, w.week_start`,
  );
  kept.delete(tenantId);
  kept.set(tenantId, { version, rows });
  while (kept.size > MAX_WORKSPACES) kept.delete(kept.keys().next().value!);
  // A failed read is not kept.
  rows.catch(() => {
    if (kept.get(tenantId)?.rows === rows) kept.delete(tenantId);
  });
  return rows;
}
