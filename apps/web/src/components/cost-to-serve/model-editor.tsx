"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type ChangeEvent, type FormEvent, useRef, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { Field, Input, Select, TextField } from "@/components/ui/field";
import { LoadingState } from "@/components/ui/spinner";
import { useToast } from "@/components/ui/toast";
import { toFormError } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";
import { useTRPC } from "@/trpc/react";
import { modelFieldErrors, rowErrors } from "./analysis";
import {
  type ActivityRow,
  BY_DIMENSIONS,
  type ByDimension,
  type CostModelJson,
  DRIVERS,
  emptyActivity,
  type ModelForm,
  move,
  newKey,
  toForm,
  toJson,
} from "./model-form";

/** Loads the workspace's cost model, then the editor (read-only without costModel.update). */
export function CostModelEditor({ workspace, canEdit }: { workspace: string; canEdit: boolean }) {
  const trpc = useTRPC();
  const model = useQuery(trpc.costToServe.getModel.queryOptions({ workspace }));
  if (model.isPending) return <LoadingState label="Loading the cost model…" />;
  if (model.error) return <Alert tone="error">{toFormError(model.error).message}</Alert>;
  return (
    <ModelEditorForm
      key={String(model.data.updatedAt)}
      workspace={workspace}
      canEdit={canEdit}
      initial={model.data.model as CostModelJson}
      updatedAt={model.data.updatedAt}
      isDefault={model.data.isDefault}
    />
  );
}

function ModelEditorForm({
  workspace,
  canEdit,
  initial,
  updatedAt,
  isDefault,
}: {
  workspace: string;
  canEdit: boolean;
  initial: CostModelJson;
  updatedAt: Date | null;
  isDefault: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [form, setForm] = useState<ModelForm>(() => toForm(initial));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const fileInput = useRef<HTMLInputElement>(null);
  const save = useMutation(
    trpc.costToServe.updateModel.mutationOptions({
      onSuccess: (data) => {
        setErrors({});
        queryClient.setQueryData(trpc.costToServe.getModel.queryKey({ workspace }), data);
        toast.show("The cost model was saved. Compute cost-to-serve again to use it.");
      },
      onError: (error) => setErrors(modelFieldErrors(toFormError(error))),
    }),
  );

  const saveModel = (json: CostModelJson) => save.mutate({ workspace, model: json });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    saveModel(toJson(form));
  };
  const setRow = (index: number, patch: Partial<ActivityRow>) =>
    setForm((f) => ({
      ...f,
      activities: f.activities.map((r, i) => (i === index ? { ...r, ...patch } : r)),
    }));

  const exportJson = () => {
    const blob = new Blob([`${JSON.stringify(toJson(form), null, 2)}\n`], { type: "application/json" });
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = `cost-model-${workspace}.json`;
    a.click();
    URL.revokeObjectURL(url);
  };
  const importJson = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = "";
    if (!file) return;
    let json: CostModelJson;
    try {
      json = JSON.parse(await file.text()) as CostModelJson;
    } catch {
      setErrors({ "": `${file.name} is not JSON: export a model to see the format.` });
      return;
    }
    if (!json || typeof json !== "object" || !Array.isArray(json.activities)) {
      setErrors({ "": `${file.name} is not a cost model: it needs "currency" and a list of "activities".` });
      return;
    }
    setForm(toForm(json));
    saveModel(json);
  };

  const general = errors[""];
  const otherErrors = Object.entries(errors).filter(
    ([path]) =>
      path !== "" &&
      !path.startsWith("activities[") &&
      path !== "currency" &&
      !path.startsWith("financing") &&
      !path.startsWith("inventory") &&
      !path.startsWith("pools"),
  );

  return (
    <form onSubmit={onSubmit} className="space-y-6" noValidate>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="text-sm text-slate-600">
          {isDefault
            ? "No model saved yet: this is the starting point."
            : updatedAt
              ? `Saved ${formatDateTime(updatedAt)}.`
              : null}{" "}
          {canEdit ? null : "You can read the model; an editor can change it."}
        </p>
        <div className="flex flex-wrap gap-2">
          <Button variant="secondary" onClick={exportJson}>
            Export JSON
          </Button>
          {canEdit ? (
            <>
              <Button variant="secondary" onClick={() => fileInput.current?.click()}>
                Import JSON
              </Button>
              <input
                ref={fileInput}
                type="file"
                accept="application/json,.json"
                className="sr-only"
                aria-label="Import a cost model JSON file"
                tabIndex={-1}
                onChange={(e) => void importJson(e)}
              />
            </>
          ) : null}
        </div>
      </div>
      {general ? (
        <Alert tone="error" title="The model was not saved">
          {general}
        </Alert>
      ) : null}
      {otherErrors.length > 0 ? (
        <Alert tone="error" title="The model was not saved">
          <ul>
            {otherErrors.map(([path, message]) => (
              <li key={path}>
                <code>{path}</code>: {message}
              </li>
            ))}
          </ul>
        </Alert>
      ) : null}

      <fieldset disabled={!canEdit || save.isPending} className="space-y-6">
        <legend className="sr-only">Cost model</legend>
        <Card>
          <CardHeader>
            <CardTitle>Money</CardTitle>
            <CardDescription>
              The currency every rate is in, and what capital tied up in payment terms costs.
            </CardDescription>
          </CardHeader>
          <CardContent className="grid gap-4 sm:grid-cols-4">
            <TextField
              id="model-currency"
              label="Currency"
              value={form.currency}
              maxLength={3}
              error={errors.currency}
              hint="Three-letter code (EUR, USD): every rate and pool cost is in it."
              onChange={(e) => setForm({ ...form, currency: e.target.value.toUpperCase() })}
            />
            <div className="space-y-1.5 sm:col-span-3">
              <label className="flex items-center gap-2 pt-7 text-sm font-medium text-slate-700">
                <input
                  type="checkbox"
                  checked={form.hasFinancing}
                  onChange={(e) => setForm({ ...form, hasFinancing: e.target.checked })}
                />
                Charge financing of payment terms
              </label>
            </div>
            {form.hasFinancing ? (
              <>
                <NumberField
                  id="model-financing-rate"
                  label="Annual capital rate"
                  value={form.financing.annualRate}
                  error={errors["financing.annual_rate"] ?? errors.financing}
                  hint="0.08 = 8% a year. Cost = rate × days outstanding × net sales / 365."
                  step="0.001"
                  onChange={(v) => setForm({ ...form, financing: { ...form.financing, annualRate: v } })}
                />
                <NumberField
                  id="model-financing-days"
                  label="Default days outstanding"
                  value={form.financing.defaultDays}
                  error={errors["financing.default_days"]}
                  hint="For customers without a payment_terms_days event; empty = 0."
                  step="1"
                  onChange={(v) => setForm({ ...form, financing: { ...form.financing, defaultDays: v } })}
                />
                <TextField
                  id="model-financing-name"
                  label="Activity name"
                  value={form.financing.name}
                  error={errors["financing.name"]}
                  hint="The column it appears as; empty = financing."
                  onChange={(e) =>
                    setForm({ ...form, financing: { ...form.financing, name: e.target.value } })
                  }
                />
              </>
            ) : null}
            <NumberField
              id="model-inventory-rate"
              label="Inventory holding rate"
              value={form.inventory.holdingRate}
              error={errors["inventory.holding_rate"] ?? errors.inventory}
              hint="A year's cost of holding stock as a share of its unit cost (0.2 = 20%; empty = 20%). Charged on the cycle and safety stock each live make-to-stock policy holds."
              step="0.01"
              onChange={(v) => setForm({ ...form, inventory: { ...form.inventory, holdingRate: v } })}
            />
            <TextField
              id="model-inventory-name"
              label="Inventory activity name"
              value={form.inventory.name}
              error={errors["inventory.name"]}
              hint="The column it appears as; empty = inventory carrying."
              onChange={(e) => setForm({ ...form, inventory: { ...form.inventory, name: e.target.value } })}
            />
          </CardContent>
        </Card>

        <Card>
          <CardHeader>
            <CardTitle>Activities</CardTitle>
            <CardDescription>
              What serving a customer takes, each charged by a driver: a rate per driver unit, or time-driven
              (minutes per unit of a pool whose cost per minute is its cost / practical capacity). Rates by
              channel or region replace the base rate on lines of that channel or region.
            </CardDescription>
          </CardHeader>
          <CardContent className="space-y-4">
            {form.activities.length === 0 ? (
              <p className="text-sm text-slate-500">No activities: nothing is charged to customers yet.</p>
            ) : null}
            <ol className="space-y-4">
              {form.activities.map((row, i) => (
                <ActivityEditor
                  key={row.key}
                  row={row}
                  index={i}
                  count={form.activities.length}
                  currency={form.currency}
                  pools={form.pools.map((p) => p.name).filter(Boolean)}
                  errors={rowErrors(errors, i)}
                  canEdit={canEdit}
                  onChange={(patch) => setRow(i, patch)}
                  onMove={(by) => setForm({ ...form, activities: move(form.activities, i, by) })}
                  onRemove={() => setForm({ ...form, activities: form.activities.filter((_, j) => j !== i) })}
                />
              ))}
            </ol>
            {canEdit ? (
              <Button
                variant="secondary"
                onClick={() => setForm({ ...form, activities: [...form.activities, emptyActivity()] })}
              >
                Add activity
              </Button>
            ) : null}
          </CardContent>
        </Card>

        <Card>
          <CardHeader>
            <CardTitle>Shared pools</CardTitle>
            <CardDescription>
              Resources several time-driven activities draw minutes from (an order desk): their cost over the
              period and practical capacity in minutes.
            </CardDescription>
          </CardHeader>
          <CardContent className="space-y-3">
            {form.pools.length === 0 ? <p className="text-sm text-slate-500">No shared pools.</p> : null}
            {form.pools.map((pool, i) => (
              <div key={pool.key} className="grid items-start gap-3 sm:grid-cols-[1fr_10rem_10rem_auto]">
                <TextField
                  id={`pool-${i}-name`}
                  label="Pool name"
                  value={pool.name}
                  error={errors[`pools[${i}].name`] ?? errors[`pools[${i}]`]}
                  onChange={(e) =>
                    setForm({
                      ...form,
                      pools: form.pools.map((p, j) => (j === i ? { ...p, name: e.target.value } : p)),
                    })
                  }
                />
                <NumberField
                  id={`pool-${i}-cost`}
                  label={`Cost (${form.currency || "currency"})`}
                  value={pool.cost}
                  error={errors[`pools[${i}].cost`]}
                  hint="Over the period computed."
                  onChange={(v) =>
                    setForm({ ...form, pools: form.pools.map((p, j) => (j === i ? { ...p, cost: v } : p)) })
                  }
                />
                <NumberField
                  id={`pool-${i}-capacity`}
                  label="Capacity (minutes)"
                  value={pool.capacityMinutes}
                  error={errors[`pools[${i}].capacity_minutes`]}
                  hint="Practical capacity: minutes people can really work."
                  onChange={(v) =>
                    setForm({
                      ...form,
                      pools: form.pools.map((p, j) => (j === i ? { ...p, capacityMinutes: v } : p)),
                    })
                  }
                />
                {canEdit ? (
                  <Button
                    variant="danger-ghost"
                    className="sm:mt-6"
                    aria-label={`Remove pool ${pool.name || i + 1}`}
                    onClick={() => setForm({ ...form, pools: form.pools.filter((_, j) => j !== i) })}
                  >
                    Remove
                  </Button>
                ) : null}
              </div>
            ))}
            {canEdit ? (
              <Button
                variant="secondary"
                onClick={() =>
                  setForm({
                    ...form,
                    pools: [...form.pools, { key: newKey(), name: "", cost: "", capacityMinutes: "" }],
                  })
                }
              >
                Add pool
              </Button>
            ) : null}
            {form.categoryMarginPct ? (
              <p className="text-xs text-slate-500">
                Category margins for lines without a unit cost are kept as imported (
                {Object.keys(form.categoryMarginPct).length} categories); change them in the JSON.
              </p>
            ) : null}
          </CardContent>
          {canEdit ? (
            <CardFooter>
              <Button type="submit" isLoading={save.isPending}>
                Save cost model
              </Button>
            </CardFooter>
          ) : null}
        </Card>
      </fieldset>
    </form>
  );
}

function NumberField({
  id,
  label,
  value,
  error,
  hint,
  step = "any",
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  error?: string | undefined;
  hint?: string;
  step?: string;
  onChange: (value: string) => void;
}) {
  return (
    <TextField
      id={id}
      label={label}
      type="number"
      inputMode="decimal"
      min={0}
      step={step}
      value={value}
      error={error}
      hint={hint}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}

function ActivityEditor({
  row,
  index,
  count,
  currency,
  pools,
  errors,
  canEdit,
  onChange,
  onMove,
  onRemove,
}: {
  row: ActivityRow;
  index: number;
  count: number;
  currency: string;
  pools: string[];
  errors: Record<string, string>;
  canEdit: boolean;
  onChange: (patch: Partial<ActivityRow>) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
}) {
  const id = `activity-${row.key}`;
  const title = row.name || `Activity ${index + 1}`;
  const driver = DRIVERS.find((d) => d.value === row.driver);
  const unit = driver?.hint ?? "per driver unit";
  const money = currency || "currency";
  const byError = errors.by ?? Object.entries(errors).find(([k]) => k.startsWith("by."))?.[1];
  const setBy = (i: number, patch: Partial<ActivityRow["by"][number]>) =>
    onChange({ by: row.by.map((r, j) => (j === i ? { ...r, ...patch } : r)) });
  return (
    <li className="rounded-md border border-slate-200 p-4" aria-label={title}>
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <h3 className="text-sm font-semibold text-slate-900">
          {index + 1}. {title}
        </h3>
        {canEdit ? (
          <div className="flex gap-1">
            <Button
              size="sm"
              variant="ghost"
              disabled={index === 0}
              aria-label={`Move ${title} up`}
              onClick={() => onMove(-1)}
            >
              ↑
            </Button>
            <Button
              size="sm"
              variant="ghost"
              disabled={index === count - 1}
              aria-label={`Move ${title} down`}
              onClick={() => onMove(1)}
            >
              ↓
            </Button>
            <Button size="sm" variant="danger-ghost" aria-label={`Remove ${title}`} onClick={onRemove}>
              Remove
            </Button>
          </div>
        ) : null}
      </div>
      {errors[""] ? <p className="mb-2 text-sm text-red-600">{errors[""]}</p> : null}
      <div className="grid gap-4 md:grid-cols-3">
        <TextField
          id={`${id}-name`}
          label="Name"
          value={row.name}
          error={errors.name}
          hint="Unique; the column it appears as."
          onChange={(e) => onChange({ name: e.target.value })}
        />
        <Field id={`${id}-driver`} label="Driver" error={errors.driver} hint={`Charged ${unit}.`}>
          {(aria) => (
            <Select {...aria} value={row.driver} onChange={(e) => onChange({ driver: e.target.value })}>
              {DRIVERS.map((d) => (
                <option key={d.value} value={d.value}>
                  {d.label}
                </option>
              ))}
              {driver ? null : <option value={row.driver}>{row.driver}</option>}
            </Select>
          )}
        </Field>
        {row.driver === "event" ? (
          <TextField
            id={`${id}-event`}
            label="Event name"
            value={row.eventName}
            error={errors.driver}
            hint="As written in the activities file (sales visit, statement…)."
            onChange={(e) => onChange({ eventName: e.target.value })}
          />
        ) : (
          <div />
        )}
        <Field
          id={`${id}-mode`}
          label="Costed by"
          hint="A rate in money, or minutes of a resource pool (time-driven)."
        >
          {(aria) => (
            <Select
              {...aria}
              value={row.mode}
              onChange={(e) => onChange({ mode: e.target.value as ActivityRow["mode"] })}
            >
              <option value="rate">Rate per driver unit</option>
              <option value="time">Time-driven (minutes)</option>
            </Select>
          )}
        </Field>
        {row.mode === "rate" ? (
          <NumberField
            id={`${id}-rate`}
            label={`Rate (${money})`}
            value={row.rate}
            error={errors.rate}
            hint={`Money ${unit}; not negative.`}
            onChange={(v) => onChange({ rate: v })}
          />
        ) : (
          <>
            <NumberField
              id={`${id}-minutes`}
              label="Minutes per driver unit"
              value={row.minutesPerDriver}
              error={errors.minutes_per_driver}
              hint={`Minutes of the pool ${unit}.`}
              onChange={(v) => onChange({ minutesPerDriver: v })}
            />
            <Field
              id={`${id}-pool-mode`}
              label="Pool"
              error={errors.pool}
              hint="Its own cost and capacity, or a shared pool below."
            >
              {(aria) => (
                <Select
                  {...aria}
                  value={row.poolMode}
                  onChange={(e) => onChange({ poolMode: e.target.value as ActivityRow["poolMode"] })}
                >
                  <option value="own">Its own pool</option>
                  <option value="shared">A shared pool</option>
                </Select>
              )}
            </Field>
            {row.poolMode === "shared" ? (
              <Field
                id={`${id}-pool-name`}
                label="Shared pool"
                error={errors.pool}
                hint="One of the shared pools of this model."
              >
                {(aria) => (
                  <Select
                    {...aria}
                    value={row.poolName}
                    onChange={(e) => onChange({ poolName: e.target.value })}
                  >
                    <option value="">Choose a pool</option>
                    {[...new Set([...pools, row.poolName].filter(Boolean))].map((p) => (
                      <option key={p} value={p}>
                        {p}
                      </option>
                    ))}
                  </Select>
                )}
              </Field>
            ) : (
              <>
                <NumberField
                  id={`${id}-pool-cost`}
                  label={`Pool cost (${money})`}
                  value={row.poolCost}
                  error={errors.pool}
                  hint="What the resource costs over the period."
                  onChange={(v) => onChange({ poolCost: v })}
                />
                <NumberField
                  id={`${id}-capacity`}
                  label="Capacity (minutes)"
                  value={row.capacityMinutes}
                  error={errors.capacity_minutes}
                  hint="Practical capacity over the period; what is not used is reported as unused capacity."
                  onChange={(v) => onChange({ capacityMinutes: v })}
                />
              </>
            )}
          </>
        )}
        <div className="md:col-span-3">
          <TextField
            id={`${id}-note`}
            label="Note"
            value={row.note}
            error={errors.note}
            hint="Why this rate: shown to everyone who reads the model."
            onChange={(e) => onChange({ note: e.target.value })}
          />
        </div>
      </div>
      <div className="mt-4 space-y-2">
        <p className="text-sm font-medium text-slate-700">
          {row.mode === "rate" ? "Rates" : "Minutes"} by channel or region
          {driver?.isLine === false ? (
            <span className="font-normal text-slate-500"> — only for drivers counted from order lines</span>
          ) : null}
        </p>
        <p className="text-xs text-slate-500">
          Replace the base {row.mode === "rate" ? `rate (${money} ${unit})` : "minutes"} on lines of that
          channel or region; the most specific wins: channel|region, then channel, then region.
        </p>
        {row.by.map((r, i) => (
          <div key={r.key} className="flex flex-wrap items-end gap-2">
            <Select
              aria-label={`Attribute of override ${i + 1} of ${title}`}
              className="w-40"
              value={r.dimension}
              onChange={(e) => setBy(i, { dimension: e.target.value as ByDimension })}
            >
              {BY_DIMENSIONS.map((d) => (
                <option key={d.value} value={d.value}>
                  {d.label}
                </option>
              ))}
            </Select>
            <Input
              aria-label={`Value of override ${i + 1} of ${title}`}
              className="w-44"
              placeholder={BY_DIMENSIONS.find((d) => d.value === r.dimension)?.placeholder}
              value={r.value}
              onChange={(e) => setBy(i, { value: e.target.value })}
            />
            <Input
              aria-label={`${row.mode === "rate" ? `Rate (${money})` : "Minutes"} of override ${i + 1} of ${title}`}
              className="w-32"
              type="number"
              min={0}
              step="any"
              value={r.amount}
              hasError={Boolean(errors[`by.${r.dimension}.${r.value}`])}
              onChange={(e) => setBy(i, { amount: e.target.value })}
            />
            {canEdit ? (
              <Button
                size="sm"
                variant="ghost"
                aria-label={`Remove override ${i + 1} of ${title}`}
                onClick={() => onChange({ by: row.by.filter((_, j) => j !== i) })}
              >
                Remove
              </Button>
            ) : null}
          </div>
        ))}
        {byError ? <p className="text-sm text-red-600">{byError}</p> : null}
        {canEdit ? (
          <Button
            size="sm"
            variant="secondary"
            onClick={() =>
              onChange({ by: [...row.by, { key: newKey(), dimension: "channel", value: "", amount: "" }] })
            }
          >
            Add {row.mode === "rate" ? "rate" : "minutes"} by channel or region
          </Button>
        ) : null}
      </div>
    </li>
  );
}
