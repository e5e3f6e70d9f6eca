import type { ComponentProps, ReactNode } from "react";
import { cn } from "@/lib/cn";

const CONTROL =
  "block w-full rounded-md border bg-white px-3 text-sm text-slate-900 shadow-sm placeholder:text-slate-400 " +
  "focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-100 disabled:bg-slate-100 disabled:text-slate-500";

function controlClasses(hasError: boolean, className?: string): string {
  return cn(CONTROL, hasError ? "border-red-500" : "border-slate-300", className);
}

export function Label({ className, ...props }: ComponentProps<"label">) {
  // biome-ignore lint/a11y/noLabelWithoutControl: callers pass htmlFor
  return <label className={cn("block text-sm font-medium text-slate-700", className)} {...props} />;
}

export interface InputProps extends ComponentProps<"input"> {
  hasError?: boolean;
}

export function Input({ hasError = false, className, ...props }: InputProps) {
  return (
    <input
      className={controlClasses(hasError, cn("h-10", className))}
      aria-invalid={hasError || undefined}
      {...props}
    />
  );
}

export interface SelectProps extends ComponentProps<"select"> {
  hasError?: boolean;
}

export function Select({ hasError = false, className, ...props }: SelectProps) {
  return (
    <select
      className={controlClasses(hasError, cn("h-10 pr-8", className))}
      aria-invalid={hasError || undefined}
      {...props}
    />
  );
}

interface FieldProps {
  id: string;
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
  children: (aria: { id: string; "aria-describedby"?: string; hasError: boolean }) => ReactNode;
}

/** Label + control + hint + error, wired together so screen readers announce the error with the field. */
export function Field({ id, label, error, hint, children }: FieldProps) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div className="space-y-1.5">
      <Label htmlFor={id}>{label}</Label>
      {children({ id, "aria-describedby": describedBy, hasError: Boolean(error) })}
      {hint ? (
        <p id={hintId} className="text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={errorId} className="text-sm text-red-600">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export interface TextFieldProps extends Omit<InputProps, "id" | "hasError"> {
  id: string;
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
}

export function TextField({ id, label, error, hint, ...props }: TextFieldProps) {
  return (
    <Field id={id} label={label} error={error} hint={hint}>
      {(aria) => <Input {...props} {...aria} />}
    </Field>
  );
}
