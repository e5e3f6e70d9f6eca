import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

// `strata safety-stock` as users run it: the built file. The flags and keys are fixed by
// shared/CONTRACT.md. The worked cases are Chopra & Meindl's (see src/supply/safety-stock.test.ts).
const packageDir = fileURLToPath(new URL("../../", import.meta.url));
const cli = join(packageDir, "dist/cli/main.js");

function run(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, "safety-stock", ...args], { encoding: "utf8" });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!existsSync(cli)) execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: packageDir });
});

describe("strata safety-stock", () => {
  it("prints the safety stock for a service level with demand and lead-time variability", () => {
    // Daily demand 2,500 (sd 500), lead time 7 days (sd 7), 90% cycle service level: Chopra &
    // Meindl's σ_L = 17,550 and ss = 22,491.
    const r = run([
      "--service-level",
      "0.9",
      "--demand-mean",
      "2500",
      "--demand-sd",
      "500",
      "--lead-time",
      "7",
      "--lead-time-sd",
      "7",
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      '{"z":1.281552,"sigma_lead_time":17549.93,"safety_stock":22491.14,"reorder_point":39991.14,"cycle_service_level":0.9}\n',
    );
  });

  it("prints the cycle service level and fill rate a reorder point and order quantity give", () => {
    // Reorder point 6,000, weekly demand 2,500 (sd 500), lead time 2 weeks, lot size 10,000:
    // the book's CSL 0.92 and fill rate 0.9975.
    const r = run([
      "--reorder-point",
      "6000",
      "--demand-mean=2500",
      "--demand-sd",
      "500",
      "--lead-time",
      "2",
      "--order-quantity",
      "10000",
    ]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(Object.keys(json)).toEqual([
      "z",
      "sigma_lead_time",
      "safety_stock",
      "reorder_point",
      "cycle_service_level",
      "fill_rate",
    ]);
    expect(json).toEqual({
      z: Number(Math.SQRT2.toFixed(6)), // 1,000 / (500 √2)
      sigma_lead_time: 707.11,
      safety_stock: 1000,
      reorder_point: 6000,
      cycle_service_level: 0.92135,
      fill_rate: 0.997487,
    });
  });

  it("takes a lead time of one period by default and needs no demand mean for a service level", () => {
    const r = run(["--service-level", "0.95", "--demand-sd", "10"]);
    expect(JSON.parse(r.stdout)).toEqual({
      z: 1.644854,
      sigma_lead_time: 10,
      safety_stock: 16.45,
      reorder_point: 16.45,
      cycle_service_level: 0.95,
    });
  });

  it("refuses bad flags as usage errors naming the flag, printing nothing", () => {
    const refuse = (args: string[]) => {
      const r = run(args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      return r.stderr;
    };
    expect(refuse(["--service-level", "1", "--demand-sd", "5"])).toBe(
      'strata safety-stock: --service-level must be a probability between 0 and 1 (exclusive), like 0.95, got "1"\n',
    );
    expect(refuse(["--service-level", "95%", "--demand-sd", "5"])).toBe(
      'strata safety-stock: --service-level must be a number, got "95%"\n',
    );
    expect(refuse(["--service-level", "0.9", "--demand-sd", "5", "--lead-time", "-2"])).toBe(
      'strata safety-stock: --lead-time must be a number of at least 0, got "-2"\n',
    );
    expect(refuse(["--service-level", "0.9", "--demand-sd", "-5"])).toMatch(
      /^strata safety-stock: --demand-sd /,
    );
    expect(
      refuse(["--service-level", "0.9", "--demand-mean", "5", "--demand-sd", "1", "--lead-time-sd", "-1"]),
    ).toMatch(/^strata safety-stock: --lead-time-sd /);
    expect(refuse(["--service-level", "0.9", "--demand-sd", "5", "--order-quantity", "0"])).toBe(
      'strata safety-stock: --order-quantity must be greater than 0, got "0"\n',
    );
    expect(refuse(["--demand-sd", "5"])).toBe(
      "strata safety-stock: give --service-level p or --reorder-point R (one of them)\n",
    );
    expect(refuse(["--service-level", "0.9", "--reorder-point", "40", "--demand-sd", "5"])).toMatch(
      /one of them/,
    );
    expect(refuse(["--service-level", "0.9"])).toMatch(/^strata safety-stock: --demand-sd <s> is required/);
    expect(refuse(["--reorder-point", "40", "--demand-sd", "5"])).toBe(
      "strata safety-stock: --reorder-point needs --demand-mean <d>\n",
    );
    expect(refuse(["--reorder-point", "40", "--demand-mean", "10", "--demand-sd", "0"])).toMatch(
      /^strata safety-stock: --demand-sd: with no demand or lead-time variability/,
    );
    expect(refuse(["--service-level", "0.9", "--demand-sd", "5", "--fill-rate", "0.9"])).toMatch(
      /^strata safety-stock: unknown option --fill-rate/,
    );
  });
});
