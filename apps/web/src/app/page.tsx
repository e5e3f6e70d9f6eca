import { redirect } from "next/navigation";
import { getSessionUser } from "@/server/auth";
import { getCaller } from "@/trpc/server";

export const dynamic = "force-dynamic";

/** The front door: signed-out users sign in; signed-in users go to their first workspace, or create one. */
export default async function HomePage() {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");
  const caller = await getCaller();
  const workspaces = await caller.tenant.list();
  const first = workspaces[0];
  redirect(first ? `/${first.slug}` : "/workspaces/new");
}
