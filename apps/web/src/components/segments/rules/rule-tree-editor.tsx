"use client";

import { useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/field";
import { PlusIcon } from "@/components/ui/icons";
import { cn } from "@/lib/cn";
import {
  appendTo,
  type CatalogueField,
  type DraftCondition,
  type DraftGroup,
  fieldByKey,
  MAX_DEPTH,
  newCondition,
  newGroup,
  OPERATOR_LABELS,
  OPERATORS_BY_TYPE,
  type RuleErrors,
  removeNode,
  updateNode,
  withField,
} from "./rule-model";

interface TreeProps {
  catalogue: readonly CatalogueField[];
  root: DraftGroup;
  onChange: (root: DraftGroup) => void;
  /** Problems by path inside the rule (the builder's own checks and the api's), shown beside their input. */
  errors: RuleErrors;
}

/**
 * The rule as nested AND/OR groups of `field operator value` rows. Native selects, inputs and
 * checkboxes throughout, so the whole builder works from the keyboard; each control's label names
 * its condition ("Field of condition 2"), so screen readers and tests can tell the rows apart.
 */
export function RuleTreeEditor({ catalogue, root, onChange, errors }: TreeProps) {
  const counter = { n: 0 };
  return (
    <GroupEditor
      group={root}
      path=""
      depth={1}
      counter={counter}
      catalogue={catalogue}
      root={root}
      onChange={onChange}
      errors={errors}
    />
  );
}

function GroupEditor({
  group,
  path,
  depth,
  counter,
  catalogue,
  root,
  onChange,
  errors,
}: TreeProps & { group: DraftGroup; path: string; depth: number; counter: { n: number } }) {
  const opId = useId();
  const at = path ? `${path}.conditions` : "conditions";
  const isRoot = depth === 1;
  const firstField = catalogue[0];
  const groupError = errors[at];
  return (
    <fieldset
      className={cn(
        "space-y-3 rounded-md",
        isRoot ? "" : "border border-slate-200 bg-slate-50/70 p-3 sm:p-4",
      )}
    >
      <legend
        className={cn("flex flex-wrap items-center gap-2 text-sm text-slate-700", isRoot ? "mb-2" : "px-1")}
      >
        <label htmlFor={opId}>{isRoot ? "Customers who match" : "Match"}</label>
        <span className="inline-block w-52">
          <Select
            id={opId}
            className="h-8 py-0"
            value={group.op}
            aria-label={isRoot ? "Match all or any of the conditions" : `Match all or any in group ${path}`}
            onChange={(e) =>
              onChange(updateNode(root, group.id, (g) => ({ ...g, op: e.target.value as "and" | "or" })))
            }
          >
            <option value="and">all of these (AND)</option>
            <option value="or">any of these (OR)</option>
          </Select>
        </span>
        {!isRoot ? (
          <Button
            variant="danger-ghost"
            size="sm"
            className="ml-auto"
            onClick={() => onChange(removeNode(root, group.id))}
          >
            Remove group
          </Button>
        ) : null}
      </legend>
      {group.children.length === 0 ? (
        <p className="rounded-md border border-dashed border-slate-300 px-4 py-3 text-sm text-slate-500">
          No conditions yet: add one to start.
        </p>
      ) : null}
      <ol className="space-y-3">
        {group.children.map((child, i) => (
          <li key={child.id}>
            {child.kind === "group" ? (
              <GroupEditor
                group={child}
                path={`${at}[${i}]`}
                depth={depth + 1}
                counter={counter}
                catalogue={catalogue}
                root={root}
                onChange={onChange}
                errors={errors}
              />
            ) : (
              <ConditionRow
                condition={child}
                number={++counter.n}
                path={`${at}[${i}]`}
                catalogue={catalogue}
                root={root}
                onChange={onChange}
                errors={errors}
              />
            )}
          </li>
        ))}
      </ol>
      {groupError ? (
        <p role="alert" className="text-sm text-red-600">
          {groupError}
        </p>
      ) : null}
      <div className="flex flex-wrap gap-2">
        <Button
          variant="secondary"
          size="sm"
          disabled={!firstField}
          onClick={() => onChange(appendTo(root, group.id, newCondition(firstField)))}
        >
          <PlusIcon className="size-4" /> Add condition
        </Button>
        {depth < MAX_DEPTH ? (
          <Button
            variant="ghost"
            size="sm"
            disabled={!firstField}
            onClick={() =>
              onChange(
                appendTo(
                  root,
                  group.id,
                  newGroup(group.op === "and" ? "or" : "and", newCondition(firstField)),
                ),
              )
            }
          >
            <PlusIcon className="size-4" /> Add group
          </Button>
        ) : null}
      </div>
    </fieldset>
  );
}

function ConditionRow({
  condition,
  number,
  path,
  catalogue,
  root,
  onChange,
  errors,
}: TreeProps & { condition: DraftCondition; number: number; path: string }) {
  const field = fieldByKey(catalogue, condition.fieldKey);
  const set = (patch: Partial<DraftCondition>) =>
    onChange(updateNode(root, condition.id, (c) => ({ ...c, ...patch }) as DraftCondition));
  const attributes = catalogue.filter((f) => f.source === "attribute");
  const features = catalogue.filter((f) => f.source === "feature");
  const fieldError = errors[`${path}.field`] ?? errors[`${path}.field.name`];
  const operatorError = errors[`${path}.operator`];
  const valueError =
    errors[`${path}.value`] ??
    Object.entries(errors).find(([key]) => key.startsWith(`${path}.value[`))?.[1] ??
    errors[path];
  const message = fieldError ?? operatorError ?? valueError;
  const errorId = `rule-error-${condition.id}`;
  const described = message ? errorId : undefined;
  const label = `condition ${number}`;

  return (
    <div className="rounded-md border border-slate-200 bg-white p-3 shadow-sm">
      <div className="grid gap-2 sm:grid-cols-[minmax(0,1fr)_minmax(0,1fr)_auto]">
        <Select
          aria-label={`Field of ${label}`}
          value={condition.fieldKey}
          hasError={Boolean(fieldError)}
          aria-describedby={fieldError ? described : undefined}
          onChange={(e) => {
            const next = fieldByKey(catalogue, e.target.value);
            if (next) onChange(updateNode(root, condition.id, (c) => withField(c as DraftCondition, next)));
          }}
        >
          {!field ? <option value={condition.fieldKey}>Choose a field…</option> : null}
          {attributes.length > 0 ? (
            <optgroup label="Attributes (imported columns)">
              {attributes.map((f) => (
                <option key={f.key} value={f.key}>
                  {f.name} · {f.type}
                </option>
              ))}
            </optgroup>
          ) : null}
          {features.length > 0 ? (
            <optgroup label="Features (computed)">
              {features.map((f) => (
                <option key={f.key} value={f.key}>
                  {f.name} · {f.type}
                </option>
              ))}
            </optgroup>
          ) : null}
        </Select>
        <Select
          aria-label={`Operator of ${label}`}
          value={condition.operator}
          hasError={Boolean(operatorError)}
          aria-describedby={operatorError ? described : undefined}
          onChange={(e) => set({ operator: e.target.value as DraftCondition["operator"] })}
        >
          {(field ? OPERATORS_BY_TYPE[field.type] : OPERATORS_BY_TYPE.number).map((op) => (
            <option key={op} value={op}>
              {OPERATOR_LABELS[op]}
            </option>
          ))}
        </Select>
        <Button
          variant="danger-ghost"
          size="sm"
          className="h-10 justify-self-end"
          aria-label={`Remove ${label}`}
          onClick={() => onChange(removeNode(root, condition.id))}
        >
          Remove
        </Button>
      </div>
      <div className="mt-2">
        <ValueInput
          condition={condition}
          field={field}
          label={label}
          hasError={Boolean(valueError)}
          describedBy={valueError ? described : undefined}
          onChange={set}
        />
      </div>
      {message ? (
        <p id={errorId} role="alert" className="mt-2 text-sm text-red-600">
          {message}
        </p>
      ) : null}
    </div>
  );
}

function ValueInput({
  condition,
  field,
  label,
  hasError,
  describedBy,
  onChange,
}: {
  condition: DraftCondition;
  field: CatalogueField | undefined;
  label: string;
  hasError: boolean;
  describedBy: string | undefined;
  onChange: (patch: Partial<DraftCondition>) => void;
}) {
  const common = { hasError, "aria-describedby": describedBy };
  switch (condition.operator) {
    case "is_missing":
    case "is_present":
      return <p className="py-2 text-sm text-slate-500">(no value needed)</p>;
    case "between":
      return (
        <div className="flex max-w-md items-center gap-2">
          <Input
            {...common}
            aria-label={`Low end of ${label}`}
            inputMode="decimal"
            value={condition.value}
            onChange={(e) => onChange({ value: e.target.value })}
          />
          <span className="text-sm text-slate-500">and</span>
          <Input
            {...common}
            aria-label={`High end of ${label}`}
            inputMode="decimal"
            value={condition.value2}
            onChange={(e) => onChange({ value2: e.target.value })}
          />
        </div>
      );
    case "in":
    case "not_in":
      return <ValuePicker condition={condition} field={field} label={label} onChange={onChange} />;
    case "within_last_days":
      return (
        <div className="flex items-center gap-2">
          <Input
            {...common}
            aria-label={`Days of ${label}`}
            type="number"
            min={0}
            step={1}
            className="w-28"
            value={condition.value}
            onChange={(e) => onChange({ value: e.target.value })}
          />
          <span className="text-sm text-slate-500">days</span>
        </div>
      );
    case "before":
    case "after":
      return (
        <Input
          {...common}
          aria-label={`Date of ${label}`}
          type="date"
          className="w-44"
          value={condition.value}
          onChange={(e) => onChange({ value: e.target.value })}
        />
      );
    default: {
      const isCategory = field?.type === "category";
      const listId = `values-${condition.id}`;
      return (
        <>
          <Input
            {...common}
            className="max-w-xs"
            aria-label={`Value of ${label}`}
            inputMode={isCategory ? "text" : "decimal"}
            list={isCategory ? listId : undefined}
            value={condition.value}
            onChange={(e) => onChange({ value: e.target.value })}
          />
          {isCategory ? (
            <datalist id={listId}>
              {(field?.topValues ?? []).map((v) => (
                <option key={v} value={v} />
              ))}
            </datalist>
          ) : null}
        </>
      );
    }
  }
}

/** `is one of`: the field's most common values as checkboxes, plus any other value typed in. */
function ValuePicker({
  condition,
  field,
  label,
  onChange,
}: {
  condition: DraftCondition;
  field: CatalogueField | undefined;
  label: string;
  onChange: (patch: Partial<DraftCondition>) => void;
}) {
  const [other, setOther] = useState("");
  const known = field?.topValues ?? [];
  const options = [...known, ...condition.values.filter((v) => !known.includes(v))];
  const toggle = (value: string) =>
    onChange({
      values: condition.values.includes(value)
        ? condition.values.filter((v) => v !== value)
        : [...condition.values, value],
    });
  const add = () => {
    const v = other.trim();
    if (v && !condition.values.includes(v)) onChange({ values: [...condition.values, v] });
    setOther("");
  };
  return (
    <fieldset aria-label={`Values of ${label}`} className="min-w-0 space-y-2">
      {options.length > 0 ? (
        <ul className="flex flex-wrap gap-1.5">
          {options.map((value) => {
            const checked = condition.values.includes(value);
            return (
              <li key={value}>
                <label
                  className={cn(
                    "inline-flex cursor-pointer items-center gap-1.5 rounded-full border px-2.5 py-1 text-xs focus-within:ring-2 focus-within:ring-brand-100",
                    checked
                      ? "border-brand-500 bg-brand-50 text-brand-700"
                      : "border-slate-300 bg-white text-slate-700 hover:bg-slate-50",
                  )}
                >
                  <input
                    type="checkbox"
                    className="size-3.5 accent-brand-600"
                    checked={checked}
                    onChange={() => toggle(value)}
                  />
                  {value}
                </label>
              </li>
            );
          })}
        </ul>
      ) : (
        <p className="text-xs text-slate-500">No common values known: type the values.</p>
      )}
      <div className="flex gap-2">
        <Input
          aria-label={`Another value of ${label}`}
          placeholder="Another value"
          className="h-8 max-w-48"
          value={other}
          onChange={(e) => setOther(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              e.preventDefault();
              add();
            }
          }}
        />
        <Button variant="secondary" size="sm" onClick={add} disabled={!other.trim()}>
          Add
        </Button>
      </div>
    </fieldset>
  );
}
