"use client";

import { INVENTORY_STRATEGIES, POLICY_FIELD_HELP } from "@strata/api/contract";
import { Field, Input, Select } from "@/components/ui/field";
import {
  BASE_CHANNELS,
  fieldHelp,
  INVENTORY_STRATEGY_LABELS,
  type PolicyTermsForm,
  TERM_LABELS,
  type TermsFieldErrors,
} from "./policy-terms";

/** The channels a policy may name: the demo's four, any the cost model prices, and the current one. */
export function channelOptions(modelChannels: ReadonlyArray<string>, current?: string): string[] {
  const all = new Set<string>([...BASE_CHANNELS, ...modelChannels]);
  if (current) all.add(current);
  return [...all];
}

/**
 * Every term of a policy with the contract's explanation under it. The service level is a
 * percentage, stated as cycle service level or fill rate: the same stock gives two different
 * numbers, so the radio group says which one is promised.
 */
export function PolicyTermsFields({
  idPrefix,
  form,
  onChange,
  errors,
  channels,
  currency,
}: {
  idPrefix: string;
  form: PolicyTermsForm;
  onChange: (patch: Partial<PolicyTermsForm>) => void;
  errors: TermsFieldErrors;
  channels: ReadonlyArray<string>;
  currency?: string | undefined;
}) {
  const id = (field: string) => `${idPrefix}-${field}`;
  const number = (
    field: keyof PolicyTermsForm & keyof TermsFieldErrors,
    options: { step?: string; min?: string; max?: string; label?: string } = {},
  ) => (
    <Field
      id={id(field)}
      label={options.label ?? TERM_LABELS[field]}
      error={errors[field]}
      hint={POLICY_FIELD_HELP[field]}
    >
      {(aria) => (
        <Input
          {...aria}
          type="number"
          inputMode="decimal"
          step={options.step ?? "any"}
          min={options.min ?? "0"}
          max={options.max}
          value={form[field]}
          onChange={(e) => onChange({ [field]: e.target.value })}
        />
      )}
    </Field>
  );
  return (
    <div className="space-y-5">
      <fieldset className="space-y-2" aria-describedby={`${id("kind")}-hint`}>
        <legend className="text-sm font-medium text-slate-700">{TERM_LABELS.serviceLevelKind}</legend>
        <div className="flex flex-wrap gap-3">
          {(
            [
              ["cycle", "Cycle service level", "No stock-out in a replenishment cycle"],
              ["fill_rate", "Fill rate", "Share of demand served from stock"],
            ] as const
          ).map(([value, label, short]) => (
            <label
              key={value}
              className="flex min-w-56 flex-1 cursor-pointer items-start gap-2 rounded-md border border-slate-300 bg-white px-3 py-2 text-sm has-[:checked]:border-brand-500 has-[:checked]:bg-brand-50"
            >
              <input
                type="radio"
                name={id("kind")}
                value={value}
                checked={form.serviceLevelKind === value}
                onChange={() => onChange({ serviceLevelKind: value })}
                className="mt-0.5 accent-brand-600"
              />
              <span>
                <span className="block font-medium text-slate-900">{label}</span>
                <span className="block text-xs text-slate-500">{short}</span>
              </span>
            </label>
          ))}
        </div>
        <p id={`${id("kind")}-hint`} className="text-xs text-slate-500">
          {POLICY_FIELD_HELP.serviceLevelKind}
        </p>
      </fieldset>
      <div className="grid gap-5 sm:grid-cols-2">
        <Field
          id={id("serviceLevelPct")}
          label={
            form.serviceLevelKind === "cycle" ? "Target cycle service level (%)" : "Target fill rate (%)"
          }
          error={errors.serviceLevel}
          hint={fieldHelp("serviceLevel")}
        >
          {(aria) => (
            <Input
              {...aria}
              type="number"
              inputMode="decimal"
              step="any"
              min="0"
              max="100"
              value={form.serviceLevelPct}
              onChange={(e) => onChange({ serviceLevelPct: e.target.value })}
            />
          )}
        </Field>
        <Field
          id={id("deliveryChannel")}
          label={TERM_LABELS.deliveryChannel}
          error={errors.deliveryChannel}
          hint={POLICY_FIELD_HELP.deliveryChannel}
        >
          {(aria) => (
            <Select
              {...aria}
              value={form.deliveryChannel}
              onChange={(e) => onChange({ deliveryChannel: e.target.value })}
            >
              {channelOptions(channels, form.deliveryChannel).map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </Select>
          )}
        </Field>
        {number("dropsPerWeek", { max: "50" })}
        {number("leadTimeDays", { max: "365" })}
        {number("minOrderValue", {
          label: currency ? `${TERM_LABELS.minOrderValue} (${currency})` : TERM_LABELS.minOrderValue,
        })}
        {number("minOrderQuantity", { step: "1" })}
        <Field
          id={id("inventoryStrategy")}
          label={TERM_LABELS.inventoryStrategy}
          error={errors.inventoryStrategy}
          hint={POLICY_FIELD_HELP.inventoryStrategy}
        >
          {(aria) => (
            <Select
              {...aria}
              value={form.inventoryStrategy}
              onChange={(e) =>
                onChange({ inventoryStrategy: e.target.value as PolicyTermsForm["inventoryStrategy"] })
              }
            >
              {INVENTORY_STRATEGIES.map((s) => (
                <option key={s} value={s}>
                  {INVENTORY_STRATEGY_LABELS[s]}
                </option>
              ))}
            </Select>
          )}
        </Field>
        {number("paymentTermsDays", { step: "1", max: "365" })}
        {number("allowancePct", { max: "50" })}
      </div>
    </div>
  );
}
