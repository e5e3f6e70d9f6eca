import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { Card, CardContent, CardHeader } from "@/components/ui/card";
import { Logo } from "@/components/ui/icons";
import { CreateWorkspaceForm } from "@/components/workspace/create-workspace-form";
import { getSessionUser } from "@/server/auth";
import { getCaller } from "@/trpc/server";

export const metadata: Metadata = { title: "Create a workspace" };

export default async function NewWorkspacePage() {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in?callbackUrl=%2Fworkspaces%2Fnew");
  const workspaces = await (await getCaller()).tenant.list();
  const isFirst = workspaces.length === 0;
  return (
    <div className="flex min-h-screen flex-col items-center bg-gradient-to-b from-white to-slate-100 px-4 py-12">
      <Logo className="mb-8 inline-flex items-center gap-2" />
      <main className="w-full max-w-md space-y-4">
        <Card>
          <CardHeader>
            <h1 className="text-xl font-semibold">
              {isFirst ? "Create your workspace" : "Create a new workspace"}
            </h1>
            <p className="text-sm text-slate-500">
              A workspace holds your team&apos;s customers, orders, segments and policies. You will be its
              owner and can invite others once it exists.
            </p>
          </CardHeader>
          <CardContent className="py-6">
            <CreateWorkspaceForm />
          </CardContent>
        </Card>
        <div className="flex items-center justify-between text-sm text-slate-600">
          {isFirst ? (
            <span>
              Signed in as <span className="font-medium text-slate-900">{user.email}</span>
            </span>
          ) : (
            <Link
              href={`/${workspaces[0]?.slug ?? ""}`}
              className="font-medium text-brand-700 hover:underline"
            >
              ← Back to {workspaces[0]?.name}
            </Link>
          )}
          <SignOutButton variant="ghost" size="sm" />
        </div>
      </main>
    </div>
  );
}
