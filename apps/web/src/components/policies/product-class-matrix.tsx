"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { formatMoney, formatPct } from "@/components/cost-to-serve/analysis";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { TextField } from "@/components/ui/field";
import { LoadingState, Spinner } from "@/components/ui/spinner";
import { Table, TBody, Td, THead, Th } from "@/components/ui/table";
import { cn } from "@/lib/cn";
import { toFormError } from "@/lib/errors";
import { useTRPC } from "@/trpc/react";

const ABC = ["A", "B", "C"] as const;
const XYZ = ["X", "Y", "Z"] as const;
const ABC_WORDS = { A: "top sellers", B: "middle", C: "tail" } as const;
const XYZ_WORDS = { X: "steady", Y: "variable", Z: "erratic" } as const;
const DEFAULT_ABC: [number, number] = [80, 95];
const DEFAULT_XYZ: [number, number] = [0.5, 1];

/** How strongly a cell is tinted: by its share of sales, so where the money is stands out. */
function tint(sharePct: number): string {
  if (sharePct >= 30) return "bg-brand-100";
  if (sharePct >= 10) return "bg-brand-50";
  return "bg-white";
}

/**
 * The workspace's products in the ABC-XYZ matrix: ABC by cumulative share of net sales, XYZ by
 * how much weekly demand varies (coefficient of variation). Each cell shows its products and share
 * of sales and opens its product list; the cut-offs can be changed and the matrix recomputes.
 */
export function ProductClassMatrix({ workspace, currency }: { workspace: string; currency?: string }) {
  const trpc = useTRPC();
  const [abc, setAbc] = useState<[number, number]>(DEFAULT_ABC);
  const [xyz, setXyz] = useState<[number, number]>(DEFAULT_XYZ);
  const [selected, setSelected] = useState<string | null>(null);
  const isDefault = abc.join() === DEFAULT_ABC.join() && xyz.join() === DEFAULT_XYZ.join();
  const classes = useQuery({
    ...trpc.policy.productClasses.queryOptions({
      workspace,
      ...(isDefault ? {} : { abcCutoffs: abc, xyzCutoffs: xyz }),
    }),
    placeholderData: keepPreviousData,
    // Classes from before an import still working: asked again until the new lines' are there.
    refetchInterval: (query) => (query.state.data?.updating ? 3_000 : false),
  });

  return (
    <Card>
      <CardHeader>
        <CardTitle>Product classes (ABC-XYZ)</CardTitle>
        <CardDescription>
          A, B, C by share of net sales (the products making the first {abc[0]}%, the next {abc[1] - abc[0]}%,
          the last {100 - abc[1]}%); X, Y, Z by how much weekly demand varies (coefficient of variation up to{" "}
          {xyz[0]}, up to {xyz[1]}, above). A policy can be set per class.
        </CardDescription>
      </CardHeader>
      <CardContent className="space-y-5">
        <CutoffsForm
          abc={abc}
          xyz={xyz}
          isFetching={classes.isFetching}
          onApply={(a, x) => {
            setAbc(a);
            setXyz(x);
          }}
        />
        {classes.isPending ? (
          <LoadingState label="Classing products…" />
        ) : classes.error ? (
          <Alert tone="error">{toFormError(classes.error).message}</Alert>
        ) : classes.data.productCount === 0 ? (
          <p className="rounded-md border border-dashed border-slate-300 px-4 py-8 text-center text-sm text-slate-500">
            No order lines with a product yet: import order lines to see the product classes.
          </p>
        ) : (
          <>
            <p className="text-sm text-slate-600">
              {classes.data.productCount.toLocaleString("en-GB")} products,{" "}
              {formatMoney(classes.data.totalNetSales, currency)} net sales over {classes.data.weeks} weeks.
            </p>
            {classes.data.updating ? (
              <p role="status" className="flex items-center gap-2 text-sm text-slate-600">
                <Spinner /> An import is adding order lines: these classes are from the lines before it and
                update when it finishes.
              </p>
            ) : null}
            <div className="overflow-x-auto">
              <table className="w-full min-w-[36rem] table-fixed border-separate border-spacing-1.5 text-sm">
                <caption className="sr-only">
                  Products by ABC class (rows) and XYZ class (columns): count and share of net sales
                </caption>
                <thead>
                  <tr>
                    <th scope="col" className="w-32" />
                    {XYZ.map((x) => (
                      <th key={x} scope="col" className="px-2 pb-1 text-left font-medium text-slate-600">
                        {x} <span className="font-normal text-slate-400">{XYZ_WORDS[x]}</span>
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {ABC.map((a) => (
                    <tr key={a}>
                      <th scope="row" className="pr-2 text-left font-medium text-slate-600">
                        {a} <span className="font-normal text-slate-400">{ABC_WORDS[a]}</span>
                      </th>
                      {XYZ.map((x) => {
                        const cell = classes.data.matrix.find((c) => c.class === `${a}${x}`);
                        const name = `${a}${x}`;
                        const isSelected = selected === name;
                        return (
                          <td key={x} className="p-0">
                            <button
                              type="button"
                              aria-pressed={isSelected}
                              aria-label={`Class ${name}: ${cell?.products ?? 0} products, ${formatPct(cell?.sharePct ?? 0)} of net sales`}
                              onClick={() => setSelected(isSelected ? null : name)}
                              className={cn(
                                "w-full rounded-md border px-3 py-2.5 text-left transition-colors hover:border-brand-400 focus-visible:outline-2 focus-visible:outline-brand-600",
                                tint(cell?.sharePct ?? 0),
                                isSelected ? "border-brand-600 ring-2 ring-brand-200" : "border-slate-200",
                              )}
                            >
                              <span className="flex items-baseline justify-between gap-2">
                                <span className="font-semibold text-slate-900">{name}</span>
                                <span className="tabular-nums text-slate-900">
                                  {formatPct(cell?.sharePct ?? 0)}
                                </span>
                              </span>
                              <span className="mt-0.5 flex items-baseline justify-between gap-2 text-xs text-slate-500">
                                <span className="tabular-nums">
                                  {(cell?.products ?? 0).toLocaleString("en-GB")} products
                                </span>
                                <span className="tabular-nums">
                                  {cell?.products ? formatMoney(cell.netSales) : "–"}
                                </span>
                              </span>
                            </button>
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {selected ? (
              <CellProducts
                name={selected}
                currency={currency}
                total={classes.data.matrix.find((c) => c.class === selected)?.products ?? 0}
                products={classes.data.products.filter((p) => p.class === selected)}
              />
            ) : (
              <p className="text-xs text-slate-500">Choose a cell to see its products.</p>
            )}
          </>
        )}
      </CardContent>
    </Card>
  );
}

function CutoffsForm({
  abc,
  xyz,
  isFetching,
  onApply,
}: {
  abc: [number, number];
  xyz: [number, number];
  isFetching: boolean;
  onApply: (abc: [number, number], xyz: [number, number]) => void;
}) {
  const [a, setA] = useState(abc.map(String));
  const [x, setX] = useState(xyz.map(String));
  const [error, setError] = useState<string | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const [a1, a2] = a.map(Number) as [number, number];
    const [x1, x2] = x.map(Number) as [number, number];
    if (![a1, a2].every(Number.isFinite) || a1 <= 0 || a1 >= a2 || a2 >= 100)
      return setError("ABC cut-offs: two increasing percentages between 0 and 100, e.g. 80 and 95.");
    if (![x1, x2].every(Number.isFinite) || x1 <= 0 || x1 >= x2)
      return setError("XYZ cut-offs: two increasing numbers above 0, e.g. 0.5 and 1.");
    setError(null);
    onApply([a1, a2], [x1, x2]);
  };
  return (
    <form onSubmit={submit} noValidate aria-label="Class cut-offs" className="space-y-2">
      <div className="flex flex-wrap items-end gap-3">
        <div className="w-36">
          <TextField
            id="abc-a"
            label="A up to (% of sales)"
            type="number"
            step="any"
            value={a[0]}
            onChange={(e) => setA([e.target.value, a[1] ?? ""])}
          />
        </div>
        <div className="w-36">
          <TextField
            id="abc-b"
            label="B up to (% of sales)"
            type="number"
            step="any"
            value={a[1]}
            onChange={(e) => setA([a[0] ?? "", e.target.value])}
          />
        </div>
        <div className="w-36">
          <TextField
            id="xyz-x"
            label="X up to (CV)"
            type="number"
            step="any"
            value={x[0]}
            onChange={(e) => setX([e.target.value, x[1] ?? ""])}
          />
        </div>
        <div className="w-36">
          <TextField
            id="xyz-y"
            label="Y up to (CV)"
            type="number"
            step="any"
            value={x[1]}
            onChange={(e) => setX([x[0] ?? "", e.target.value])}
          />
        </div>
        <Button type="submit" variant="secondary">
          Apply cut-offs
        </Button>
        {isFetching ? <Spinner className="mb-2.5 size-4 text-slate-400" label="Recomputing" /> : null}
      </div>
      {error ? (
        <p role="alert" className="text-sm text-red-600">
          {error}
        </p>
      ) : null}
    </form>
  );
}

function CellProducts({
  name,
  total,
  products,
  currency,
}: {
  name: string;
  total: number;
  products: ReadonlyArray<{
    product: string;
    netSales: number;
    sharePct: number;
    weeklyMean: number;
    weeklySd: number;
    cv: number | null;
  }>;
  currency?: string | undefined;
}) {
  return (
    <section aria-label={`Products in class ${name}`} className="space-y-2">
      <h3 className="text-sm font-semibold text-slate-900">
        Class {name}:{" "}
        {products.length < total
          ? `the top ${products.length} of ${total.toLocaleString("en-GB")} products`
          : `${total.toLocaleString("en-GB")} products`}
      </h3>
      {products.length === 0 ? (
        <p className="text-sm text-slate-500">No product falls in this class.</p>
      ) : (
        <div className="max-h-80 overflow-y-auto rounded-md border border-slate-200">
          <Table>
            <THead>
              <tr>
                <Th>Product</Th>
                <Th className="text-right">Net sales{currency ? ` (${currency})` : ""}</Th>
                <Th className="text-right">Share</Th>
                <Th className="text-right">Units / week</Th>
                <Th className="text-right">Std dev</Th>
                <Th className="text-right">CV</Th>
              </tr>
            </THead>
            <TBody>
              {products.map((p) => (
                <tr key={p.product}>
                  <Td className="font-medium text-slate-900">{p.product}</Td>
                  <Td className="text-right tabular-nums">{formatMoney(p.netSales)}</Td>
                  <Td className="text-right tabular-nums">{formatPct(p.sharePct, 2)}</Td>
                  <Td className="text-right tabular-nums">{p.weeklyMean.toFixed(1)}</Td>
                  <Td className="text-right tabular-nums">{p.weeklySd.toFixed(1)}</Td>
                  <Td className="text-right tabular-nums">{p.cv === null ? "–" : p.cv.toFixed(2)}</Td>
                </tr>
              ))}
            </TBody>
          </Table>
        </div>
      )}
    </section>
  );
}
