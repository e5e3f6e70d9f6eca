"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { LockIcon } from "@/components/ui/icons";
import { cn } from "@/lib/cn";

const TABS = [
  { path: "", label: "General", adminOnly: false },
  { path: "/members", label: "Members", adminOnly: true },
  { path: "/invitations", label: "Invitations", adminOnly: true },
  { path: "/audit", label: "Audit log", adminOnly: true },
] as const;

export function SettingsTabs({ workspace, isAdmin }: { workspace: string; isAdmin: boolean }) {
  const pathname = usePathname();
  const base = `/${workspace}/settings`;
  return (
    <nav aria-label="Settings" className="border-b border-slate-200">
      <ul className="-mb-px flex gap-6 overflow-x-auto">
        {TABS.map((tab) => {
          const href = `${base}${tab.path}`;
          const isActive = pathname === href;
          const tabClass =
            "inline-flex items-center gap-1.5 whitespace-nowrap border-b-2 px-1 pb-3 pt-1 text-sm font-medium";
          if (tab.adminOnly && !isAdmin) {
            // Shown but not a link: the user learns the section exists and why it is closed to them.
            return (
              <li key={tab.label}>
                <span
                  aria-disabled="true"
                  title="Admins and owners only"
                  className={cn(tabClass, "cursor-not-allowed border-transparent text-slate-400")}
                >
                  <LockIcon className="size-3.5" />
                  {tab.label}
                  <span className="sr-only"> (admins only)</span>
                </span>
              </li>
            );
          }
          return (
            <li key={tab.label}>
              <Link
                href={href}
                aria-current={isActive ? "page" : undefined}
                className={cn(
                  tabClass,
                  isActive
                    ? "border-brand-600 text-brand-700"
                    : "border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900",
                )}
              >
                {tab.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
