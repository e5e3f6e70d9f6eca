import "server-only";
import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import { trpcErrorCode } from "@/lib/errors";
import { getCaller } from "@/trpc/server";
import { getSessionUser, type SessionUser } from "./auth";

export interface CurrentWorkspace {
  id: string;
  slug: string;
  name: string;
  role: string;
}

/**
 * The workspace in the URL and the caller's role in it, once per request. Signed-out users go to
 * sign-in; a workspace the user is not a member of is a 404, exactly like one that does not exist.
 */
export const requireWorkspace = cache(
  async (slug: string): Promise<{ user: SessionUser; workspace: CurrentWorkspace }> => {
    const user = await getSessionUser();
    if (!user) redirect(`/sign-in?callbackUrl=${encodeURIComponent(`/${slug}`)}`);
    const caller = await getCaller();
    try {
      const workspace = await caller.tenant.get({ workspace: slug });
      return { user, workspace };
    } catch (error) {
      const code = trpcErrorCode(error);
      if (code === "NOT_FOUND" || code === "BAD_REQUEST") notFound();
      throw error;
    }
  },
);
