import Link from "next/link";
import type { ReactNode } from "react";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { Logo } from "@/components/ui/icons";
import { WorkspaceSwitcher } from "@/components/workspace/workspace-switcher";
import type { SessionUser } from "@/server/auth";
import type { CurrentWorkspace } from "@/server/workspace";
import { MainNav } from "./main-nav";

export function AppShell({
  user,
  workspace,
  workspaces,
  children,
}: {
  user: SessionUser;
  workspace: CurrentWorkspace;
  workspaces: CurrentWorkspace[];
  children: ReactNode;
}) {
  return (
    <div className="min-h-screen lg:flex">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-4 focus:top-4 focus:z-50 focus:rounded-md focus:bg-white focus:px-3 focus:py-2 focus:shadow"
      >
        Skip to content
      </a>
      <aside className="flex flex-col border-b border-slate-200 bg-white lg:sticky lg:top-0 lg:h-screen lg:w-72 lg:shrink-0 lg:border-b-0 lg:border-r">
        <div className="flex items-center justify-between gap-3 px-4 pt-4 lg:block">
          <Link href="/" aria-label="Strata home" className="inline-flex lg:mb-4">
            <Logo />
          </Link>
          <div className="min-w-0 flex-1 lg:flex-none">
            <WorkspaceSwitcher current={workspace} workspaces={workspaces} />
          </div>
        </div>
        <MainNav workspace={workspace.slug} />
        <div className="mt-auto hidden border-t border-slate-100 px-4 py-4 lg:block">
          <p className="truncate text-sm font-medium text-slate-900">{user.name || user.email}</p>
          <p className="truncate text-xs text-slate-500">{user.email}</p>
          <SignOutButton variant="ghost" size="sm" className="-ml-3 mt-2" />
        </div>
      </aside>
      <div className="min-w-0 flex-1">
        <div className="flex items-center justify-end gap-3 border-b border-slate-200 bg-white px-4 py-2 lg:hidden">
          <span className="truncate text-sm text-slate-600">{user.email}</span>
          <SignOutButton variant="ghost" size="sm" />
        </div>
        <main id="main" className="mx-auto max-w-6xl px-4 py-8 sm:px-8">
          {children}
        </main>
      </div>
    </div>
  );
}
