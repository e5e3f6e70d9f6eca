import type { Metadata } from "next";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { AcceptInvitation } from "@/components/invitation/accept-invitation";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { Card, CardContent, CardFooter, CardHeader } from "@/components/ui/card";
import { trpcErrorCode } from "@/lib/errors";
import { formatDateTime, roleLabel } from "@/lib/format";
import { getSessionUser } from "@/server/auth";
import { getCaller } from "@/trpc/server";

export const metadata: Metadata = { title: "Invitation" };
export const dynamic = "force-dynamic";

const CLOSED_MESSAGES = {
  expired: "This invitation has expired. Ask the person who invited you for a new link.",
  accepted: "This invitation has already been used. Each link works once; ask for a new one if you need it.",
  revoked:
    "This invitation was withdrawn by the workspace's admins. Ask them for a new link if you need access.",
} as const;

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const caller = await getCaller();
  let invitation: Awaited<ReturnType<typeof caller.invitation.get>>;
  try {
    invitation = await caller.invitation.get({ token });
  } catch (error) {
    if (trpcErrorCode(error) !== "NOT_FOUND" && trpcErrorCode(error) !== "BAD_REQUEST") throw error;
    return (
      <Card>
        <CardHeader>
          <h1 className="text-xl font-semibold">Invitation not found</h1>
        </CardHeader>
        <CardContent>
          <Alert tone="error">
            This invitation link is not valid. Check that you copied the whole link, or ask for a new one.
          </Alert>
        </CardContent>
        <CardFooter>
          <ButtonLink href="/" variant="secondary">
            Go to Strata
          </ButtonLink>
        </CardFooter>
      </Card>
    );
  }

  const user = await getSessionUser();
  const invitePath = `/invite/${encodeURIComponent(token)}`;
  const isPending = invitation.status === "pending";

  return (
    <Card>
      <CardHeader>
        {isPending ? <p className="text-sm font-medium text-brand-700">You are invited</p> : null}
        <h1 className="text-xl font-semibold">
          {isPending ? `Join ${invitation.workspaceName}` : `Invitation to ${invitation.workspaceName}`}
        </h1>
      </CardHeader>
      <CardContent className="space-y-4 py-5">
        <dl className="grid grid-cols-[auto_1fr] gap-x-6 gap-y-2 text-sm">
          <dt className="text-slate-500">Workspace</dt>
          <dd className="font-medium">{invitation.workspaceName}</dd>
          <dt className="text-slate-500">Role</dt>
          <dd>
            <Badge tone="brand">{roleLabel(invitation.role)}</Badge>
          </dd>
          <dt className="text-slate-500">Expires</dt>
          <dd>{formatDateTime(invitation.expiresAt)}</dd>
        </dl>
        {isPending ? null : (
          <Alert tone="error" title="This invitation can no longer be used">
            {CLOSED_MESSAGES[invitation.status as keyof typeof CLOSED_MESSAGES] ??
              "Ask for a new invitation link."}
          </Alert>
        )}
        {isPending && user ? (
          <div className="space-y-3">
            <p className="text-sm text-slate-600">
              Signed in as <span className="font-medium text-slate-900">{user.email}</span>.
            </p>
            <AcceptInvitation token={token} workspaceName={invitation.workspaceName} />
          </div>
        ) : null}
        {isPending && !user ? (
          <p className="text-sm text-slate-600">
            Create an account, or sign in if you already have one, to accept this invitation.
          </p>
        ) : null}
      </CardContent>
      {isPending && !user ? (
        <CardFooter>
          <ButtonLink href={`/sign-in?callbackUrl=${encodeURIComponent(invitePath)}`} variant="secondary">
            Sign in
          </ButtonLink>
          <ButtonLink href={`/sign-up?callbackUrl=${encodeURIComponent(invitePath)}`}>
            Create account
          </ButtonLink>
        </CardFooter>
      ) : null}
      {user ? (
        <CardFooter className="justify-between">
          <span className="text-xs text-slate-500">Not you?</span>
          <SignOutButton callbackUrl={invitePath} variant="ghost" size="sm" />
        </CardFooter>
      ) : null}
    </Card>
  );
}
