"use client";

import Link from "next/link";
import { useEffect, useId, useRef, useState } from "react";
import { CheckIcon, ChevronUpDownIcon, PlusIcon } from "@/components/ui/icons";
import { cn } from "@/lib/cn";
import { roleLabel } from "@/lib/format";

interface WorkspaceItem {
  slug: string;
  name: string;
  role: string;
}

/** Lists the user's workspaces to switch between, and the way to create another. */
export function WorkspaceSwitcher({
  current,
  workspaces,
}: {
  current: WorkspaceItem;
  workspaces: WorkspaceItem[];
}) {
  const [isOpen, setIsOpen] = useState(false);
  const containerRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelId = useId();

  useEffect(() => {
    if (!isOpen) return;
    const onPointerDown = (event: PointerEvent) => {
      if (!containerRef.current?.contains(event.target as Node)) setIsOpen(false);
    };
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === "Escape") {
        setIsOpen(false);
        buttonRef.current?.focus();
      }
    };
    document.addEventListener("pointerdown", onPointerDown);
    document.addEventListener("keydown", onKeyDown);
    return () => {
      document.removeEventListener("pointerdown", onPointerDown);
      document.removeEventListener("keydown", onKeyDown);
    };
  }, [isOpen]);

  return (
    <div ref={containerRef} className="relative">
      <button
        ref={buttonRef}
        type="button"
        aria-expanded={isOpen}
        aria-controls={panelId}
        aria-label={`Workspace: ${current.name}. Switch workspace`}
        onClick={() => setIsOpen((open) => !open)}
        className="flex w-full items-center gap-3 rounded-md border border-slate-200 bg-white px-3 py-2 text-left shadow-sm hover:bg-slate-50"
      >
        <span className="flex size-8 shrink-0 items-center justify-center rounded-md bg-brand-600 text-sm font-semibold text-white">
          {current.name.slice(0, 1).toUpperCase()}
        </span>
        <span className="min-w-0 flex-1">
          <span className="block truncate text-sm font-semibold text-slate-900">{current.name}</span>
          <span className="block text-xs text-slate-500">{roleLabel(current.role)}</span>
        </span>
        <ChevronUpDownIcon className="size-4 shrink-0 text-slate-400" />
      </button>
      {isOpen ? (
        <div
          id={panelId}
          className="absolute inset-x-0 z-40 mt-2 min-w-60 rounded-md border border-slate-200 bg-white py-1 shadow-lg"
        >
          <p className="px-3 pb-1 pt-2 text-xs font-medium uppercase tracking-wide text-slate-500">
            Your workspaces
          </p>
          <ul>
            {workspaces.map((workspace) => {
              const isCurrent = workspace.slug === current.slug;
              return (
                <li key={workspace.slug}>
                  <Link
                    href={`/${workspace.slug}`}
                    aria-current={isCurrent ? "page" : undefined}
                    onClick={() => setIsOpen(false)}
                    className={cn(
                      "flex items-center gap-2 px-3 py-2 text-sm hover:bg-slate-50",
                      isCurrent && "font-medium text-brand-700",
                    )}
                  >
                    <span className="min-w-0 flex-1 truncate">{workspace.name}</span>
                    <span className="text-xs text-slate-500">{roleLabel(workspace.role)}</span>
                    {isCurrent ? <CheckIcon className="size-4" /> : <span className="size-4" />}
                  </Link>
                </li>
              );
            })}
          </ul>
          <div className="mt-1 border-t border-slate-100 pt-1">
            <Link
              href="/workspaces/new"
              onClick={() => setIsOpen(false)}
              className="flex items-center gap-2 px-3 py-2 text-sm text-slate-700 hover:bg-slate-50"
            >
              <PlusIcon className="size-4" />
              Create workspace
            </Link>
          </div>
        </div>
      ) : null}
    </div>
  );
}
