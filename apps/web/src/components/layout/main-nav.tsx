"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";
import { UnreadCommentsBadge } from "@/components/comments/unread-badge";
import {
  ActivityIcon,
  CostIcon,
  DatabaseIcon,
  PolicyIcon,
  SegmentsIcon,
  SettingsIcon,
} from "@/components/ui/icons";
import { cn } from "@/lib/cn";

const SECTIONS: Array<{ segment: string; label: string; icon: ReactNode }> = [
  { segment: "data", label: "Data", icon: <DatabaseIcon /> },
  { segment: "segments", label: "Segments", icon: <SegmentsIcon /> },
  { segment: "policies", label: "Policies", icon: <PolicyIcon /> },
  { segment: "cost-to-serve", label: "Cost-to-serve", icon: <CostIcon /> },
  { segment: "activity", label: "Activity", icon: <ActivityIcon /> },
  { segment: "settings", label: "Settings", icon: <SettingsIcon /> },
];

export function MainNav({ workspace }: { workspace: string }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Workspace" className="px-2 py-3 lg:px-3">
      <ul className="flex gap-1 overflow-x-auto lg:flex-col">
        {SECTIONS.map(({ segment, label, icon }) => {
          const href = `/${workspace}/${segment}`;
          const isActive = pathname === href || pathname.startsWith(`${href}/`);
          return (
            <li key={segment}>
              <Link
                href={href}
                aria-current={isActive ? "page" : undefined}
                className={cn(
                  "flex items-center gap-3 whitespace-nowrap rounded-md px-3 py-2 text-sm font-medium",
                  isActive
                    ? "bg-brand-50 text-brand-700"
                    : "text-slate-600 hover:bg-slate-100 hover:text-slate-900",
                )}
              >
                {icon}
                {label}
                {segment === "activity" ? <UnreadCommentsBadge workspace={workspace} /> : null}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
