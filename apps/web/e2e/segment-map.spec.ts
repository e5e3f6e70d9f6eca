import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, type Page, test } from "@playwright/test";
import { newWorkspaceThroughApi, snapshot } from "./fixtures";

/**
 * An analyst with 20,000 customers maps all of them: the run's t-SNE and PCA maps are drawn on a
 * canvas, hovering a dot names the customer and their segment, a click or the keyboard selects one.
 * While the pointer moves, the page records its animation-frame intervals into
 * e2e/.artifacts/segment-map-frames.json for packages/core/bench/map-bench.mjs to report: frame
 * times are measured, never asserted.
 */
const HERE = dirname(fileURLToPath(import.meta.url));
const ARTIFACTS = join(HERE, ".artifacts");
const CUSTOMERS = 20_000;

/** Six kinds of customer, in the features a retailer keeps; seeded, so every run imports the same file. */
function customersCsv(): string {
  let s = 12345;
  const random = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
  const normal = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
  const kinds = [
    { orders: 3, spend: 120, recency: 200, basket: 40, tenure: 6 },
    { orders: 25, spend: 2400, recency: 12, basket: 95, tenure: 40 },
    { orders: 10, spend: 600, recency: 45, basket: 60, tenure: 24 },
    { orders: 60, spend: 9000, recency: 5, basket: 150, tenure: 70 },
    { orders: 6, spend: 900, recency: 120, basket: 150, tenure: 30 },
    { orders: 15, spend: 450, recency: 30, basket: 30, tenure: 12 },
  ];
  const lines = ["CustomerID,Orders,Spend,Recency Days,Avg Basket,Tenure Months"];
  for (let i = 0; i < CUSTOMERS; i++) {
    const k = kinds[i % kinds.length]!;
    const jitter = (v: number, sd: number) => Math.max(0, v * (1 + sd * normal()));
    lines.push(
      [
        `C${String(i + 1).padStart(6, "0")}`,
        Math.round(jitter(k.orders, 0.3)),
        jitter(k.spend, 0.35).toFixed(2),
        Math.round(jitter(k.recency, 0.4)),
        jitter(k.basket, 0.25).toFixed(2),
        Math.round(jitter(k.tenure, 0.3)),
      ].join(","),
    );
  }
  return `${lines.join("\n")}\n`;
}

async function trpcQuery<T>(page: Page, path: string, input: unknown): Promise<T> {
  const response = await page.request.get(
    `/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`,
  );
  expect(response.ok()).toBe(true);
  return ((await response.json()) as { result: { data: { json: T } } }).result.data.json;
}

interface FrameFigures {
  name: string;
  frames: number;
  median: number;
  p95: number;
  worst: number;
  longTasks: number;
}

/** Starts recording requestAnimationFrame intervals (and long tasks) in the page. */
async function startRecording(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __longTasks: number; __recording: boolean };
    w.__frames = [];
    w.__longTasks = 0;
    w.__recording = true;
    new PerformanceObserver((list) => {
      if (w.__recording) w.__longTasks += list.getEntries().length;
    }).observe({ type: "longtask" });
    const tick = (t: number) => {
      if (!w.__recording) return;
      w.__frames.push(t);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

async function stopRecording(page: Page, name: string): Promise<FrameFigures> {
  const { frames, longTasks } = await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __longTasks: number; __recording: boolean };
    w.__recording = false;
    return { frames: w.__frames, longTasks: w.__longTasks };
  });
  const intervals = frames
    .slice(1)
    .map((t, i) => t - frames[i]!)
    .sort((a, b) => a - b);
  const at = (q: number) => intervals[Math.min(intervals.length - 1, Math.floor(q * intervals.length))] ?? 0;
  return {
    name,
    frames: intervals.length,
    median: at(0.5),
    p95: at(0.95),
    worst: intervals[intervals.length - 1] ?? 0,
    longTasks,
  };
}

/** Moves the pointer over the map until the tooltip names someone; returns where. */
async function hoverSomeone(page: Page, box: { x: number; y: number; width: number; height: number }) {
  const tooltip = page.getByRole("tooltip");
  for (let fy = 0.3; fy <= 0.7; fy += 0.05) {
    for (let fx = 0.2; fx <= 0.8; fx += 0.02) {
      const at = { x: box.x + fx * box.width, y: box.y + fy * box.height };
      await page.mouse.move(at.x, at.y);
      if (await tooltip.isVisible()) return at;
    }
  }
  throw new Error("no customer found under the pointer");
}

test("20,000 customers on the t-SNE map: hover names the customer's segment, click and keyboard select", async ({
  page,
}) => {
  test.setTimeout(900_000);
  const slug = await newWorkspaceThroughApi(page, "Twenty thousand", "mapper");
  const figures: FrameFigures[] = [];

  await test.step("the analyst imports 20,000 customers", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "strata-map-")), "customers-20000.csv");
    writeFileSync(file, customersCsv());
    await page.goto(`/${slug}/data`);
    await page.getByLabel("Customers (one row per customer)").check();
    await page.getByLabel("File").setInputFiles(file);
    await page.getByRole("button", { name: "Upload and preview" }).click();
    await expect(page.getByRole("heading", { name: "Map the columns of customers-20000.csv" })).toBeVisible({
      timeout: 60_000,
    });
    await page.getByRole("button", { name: "Import", exact: true }).click();
    await expect(page.getByText("Import finished")).toBeVisible({ timeout: 180_000 });
  });

  let runId = "";
  await test.step("a run maps every one of them (map sample 20,000)", async () => {
    const created = await page.request.post("/api/trpc/run.create", {
      data: {
        json: { workspace: slug, name: "Map of everyone", config: { k: 6, mapSampleSize: CUSTOMERS } },
      },
    });
    expect(created.ok()).toBe(true);
    runId = ((await created.json()) as { result: { data: { json: { id: string } } } }).result.data.json.id;
    await page.goto(`/${slug}/segments/runs/${runId}`);
    await expect(page.getByRole("progressbar", { name: "Run progress" })).toHaveAttribute(
      "aria-valuenow",
      "100",
      {
        timeout: 600_000,
      },
    );
    await expect(page.getByText(/^Showing a sample of 20,000 of 20,000 customers/)).toBeVisible();
    // The segments are stored first; the t-SNE map of all 20,000 follows on the worker's pool.
    await expect(page.getByRole("radio", { name: "t-SNE (non-linear)" })).toBeEnabled({ timeout: 600_000 });
  });

  const run = await trpcQuery<{
    mapSample: { pca: number; tsne: number };
    result: { explanation: { segments: Array<{ name: string }> } | null };
  }>(page, "run.get", { workspace: slug, id: runId });
  const tsne = await trpcQuery<{ externalIds: string[]; segment: number[] }>(page, "run.map", {
    workspace: slug,
    id: runId,
    method: "tsne",
  });
  expect(run.mapSample.tsne).toBe(CUSTOMERS);
  expect(tsne.segment).toHaveLength(CUSTOMERS);
  const names = run.result.explanation?.segments.map((s) => s.name) ?? [];
  const segmentOf = new Map(
    tsne.segment.map((segment, i) => [
      `Customer ${tsne.externalIds[i]}`,
      segment < 0 ? "Noise" : (names[segment] ?? `Segment ${segment + 1}`),
    ]),
  );

  const figure = page.getByRole("figure", { name: /Map of customers coloured by segment \(t-SNE\)/ });
  const map = figure.getByRole("application");
  const tooltip = page.getByRole("tooltip");

  await test.step("hovering a dot of the t-SNE map names the customer and their segment", async () => {
    await page.getByText("t-SNE (non-linear)").click();
    await expect(figure).toBeVisible();
    await expect(map).toHaveAttribute("data-points", String(CUSTOMERS));
    await map.scrollIntoViewIfNeeded();
    const box = (await map.boundingBox())!;
    await hoverSomeone(page, box);
    const [who, segment] = await tooltip.locator("p").allTextContents();
    expect(segmentOf.get(who!)).toBe(segment);
    await snapshot(page, "segment-map-01-tsne-hover");
  });

  await test.step("a click selects the customer under the pointer; Clear selection lets go", async () => {
    const [who, segment] = await tooltip.locator("p").allTextContents();
    await page.mouse.down();
    await page.mouse.up();
    await expect(page.getByText(`Selected: ${who} · ${segment}`)).toBeVisible();
    await page.getByRole("button", { name: "Clear selection" }).click();
    await expect(page.getByText(/^Selected:/)).toHaveCount(0);
  });

  await test.step("the keyboard walks from customer to customer and Enter selects", async () => {
    await map.focus();
    await page.keyboard.press("ArrowRight");
    await expect(tooltip).toBeVisible();
    const first = await tooltip.locator("p").first().textContent();
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowUp");
    const [who, segment] = await tooltip.locator("p").allTextContents();
    expect(segmentOf.get(who!)).toBe(segment);
    expect(first).toBeTruthy();
    await page.keyboard.press("Enter");
    await expect(page.getByText(`Selected: ${who} · ${segment}`)).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(page.getByText(/^Selected:/)).toHaveCount(0);
  });

  await test.step("the map is also a table by segment", async () => {
    await page.getByText("The map as a table").click();
    const table = page.getByRole("table", { name: "Customers on the map by segment" });
    await expect(table).toBeVisible();
    await expect(table.getByRole("row")).toHaveCount(1 + new Set(tsne.segment).size);
    await page.getByText("The map as a table").click();
  });

  await test.step("frame times while the pointer sweeps the 20,000-point t-SNE map (recorded)", async () => {
    const box = (await map.boundingBox())!;
    await startRecording(page);
    for (let t = 0; t < 240; t++) {
      const fx = 0.1 + 0.8 * ((t % 60) / 59);
      const fy = 0.15 + 0.7 * (Math.floor(t / 60) / 3) + 0.05 * Math.sin(t / 3);
      await page.mouse.move(box.x + fx * box.width, box.y + fy * box.height);
    }
    figures.push(await stopRecording(page, "hover, t-SNE 2-D (240 pointer moves)"));
  });

  await test.step("the PCA map turns in 3-D by dragging; frame times recorded", async () => {
    await page.getByText("PCA 3-D").click();
    const map3d = page.getByRole("application", { name: /3-D map of customers/ });
    await expect(map3d).toHaveAttribute("data-points", String(CUSTOMERS));
    await expect(page.getByText(/^PC1 /)).toBeVisible();
    await expect(map3d).toHaveAttribute("data-view", /,/);
    const before = await map3d.getAttribute("data-view");
    const pictureBefore = await map3d.screenshot();
    const box = (await map3d.boundingBox())!;
    await startRecording(page);
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
    await page.mouse.down();
    for (let t = 0; t < 120; t++) {
      await page.mouse.move(
        box.x + box.width * (0.3 + 0.4 * (t / 119)),
        box.y + box.height * (0.5 + 0.1 * Math.sin(t / 10)),
      );
    }
    await page.mouse.up();
    figures.push(await stopRecording(page, "drag-turn, PCA 3-D (120 pointer moves)"));
    await expect(map3d).not.toHaveAttribute("data-view", before ?? "");
    await page.mouse.move(box.x - 20, box.y - 20);
    const pictureAfter = await map3d.screenshot({
      path: join(ARTIFACTS, "segment-map-03-pca-3d-turned.png"),
    });
    expect(pictureAfter.equals(pictureBefore)).toBe(false);
    await startRecording(page);
    for (let t = 0; t < 120; t++) {
      await page.mouse.move(box.x + box.width * (0.2 + 0.6 * (t / 119)), box.y + box.height * 0.45);
    }
    figures.push(await stopRecording(page, "hover, PCA 3-D (120 pointer moves)"));
    await snapshot(page, "segment-map-02-pca-3d");
  });

  mkdirSync(ARTIFACTS, { recursive: true });
  const browser = page.context().browser()?.version() ?? "?";
  writeFileSync(
    join(ARTIFACTS, "segment-map-frames.json"),
    JSON.stringify(
      { when: new Date().toISOString(), browser, points: CUSTOMERS, moves: 480, phases: figures },
      null,
      2,
    ),
  );
  test.info().annotations.push({ type: "frame times", description: JSON.stringify(figures) });
});
