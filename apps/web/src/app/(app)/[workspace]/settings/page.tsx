import type { Metadata } from "next";
import { ChangePassword } from "@/components/settings/change-password";
import { DeleteWorkspace } from "@/components/settings/delete-workspace";
import { LeaveWorkspace } from "@/components/settings/leave-workspace";
import { RetentionSettings } from "@/components/settings/retention-settings";
import { ReviewSettings } from "@/components/settings/review-settings";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { roleLabel } from "@/lib/format";
import { requireWorkspace } from "@/server/workspace";

export const metadata: Metadata = { title: "Settings" };

export default async function GeneralSettingsPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { user, workspace, access } = await requireWorkspace((await params).workspace);
  return (
    <div className="space-y-6">
      <Card>
        <CardHeader>
          <CardTitle>Workspace</CardTitle>
          <CardDescription>The workspace you are in and your place in it.</CardDescription>
        </CardHeader>
        <CardContent>
          <dl className="grid gap-x-8 gap-y-3 text-sm sm:grid-cols-[10rem_1fr]">
            <dt className="text-slate-500">Name</dt>
            <dd className="font-medium">{workspace.name}</dd>
            <dt className="text-slate-500">Address</dt>
            <dd className="font-mono text-slate-700">/{workspace.slug}</dd>
            <dt className="text-slate-500">Your role</dt>
            <dd>
              <Badge tone="brand">{roleLabel(workspace.role)}</Badge>
            </dd>
            <dt className="text-slate-500">Signed in as</dt>
            <dd>{user.email}</dd>
          </dl>
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Review</CardTitle>
          <CardDescription>
            Who approves changes to segment definitions before exports, cost-to-serve and policies use them.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <ReviewSettings workspace={workspace.slug} canChange={access.can["workspace.updateSettings"]} />
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Data retention</CardTitle>
          <CardDescription>
            Order lines older than this are deleted by a scheduled job (hourly); customers stay.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <RetentionSettings workspace={workspace.slug} canChange={access.can["workspace.updateSettings"]} />
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Password</CardTitle>
          <CardDescription>
            Your password for every workspace you belong to. Changing it signs you out everywhere.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <ChangePassword />
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Leave workspace</CardTitle>
          <CardDescription>
            You lose access to {workspace.name} at once; an admin can invite you again. The last owner cannot
            leave.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <LeaveWorkspace workspace={workspace.slug} workspaceName={workspace.name} userId={user.id} />
        </CardContent>
      </Card>
      {access.can["workspace.delete"] ? (
        <Card>
          <CardHeader>
            <CardTitle>Delete workspace</CardTitle>
            <CardDescription>
              Deletes {workspace.name} for everyone, for good: every customer, order line, run, segment,
              policy and comment, the audit trail, its files (uploads and rejected-rows reports) and its
              queued jobs.
            </CardDescription>
          </CardHeader>
          <CardContent>
            <DeleteWorkspace workspace={workspace.slug} />
          </CardContent>
        </Card>
      ) : null}
    </div>
  );
}
