import { ButtonLink } from "@/components/ui/button";
import { LockIcon } from "@/components/ui/icons";
import { roleLabel } from "@/lib/format";

/** Shown instead of an admin page to members whose role is below admin. */
export function AdminRequired({
  workspace,
  role,
  section,
}: {
  workspace: { slug: string; name: string };
  role: string;
  section: string;
}) {
  return (
    <div className="flex flex-col items-center rounded-lg border border-slate-200 bg-white px-6 py-14 text-center">
      <div className="mb-4 flex size-12 items-center justify-center rounded-full bg-amber-50 text-amber-700">
        <LockIcon />
      </div>
      <h2 className="text-lg font-semibold text-slate-900">You need admin rights</h2>
      <p className="mt-2 max-w-md text-sm text-slate-600">
        {section} in {workspace.name} is open to admins and owners. Your role here is{" "}
        <strong>{roleLabel(role)}</strong>. Ask an owner of the workspace to change your role if you need it.
      </p>
      <ButtonLink href={`/${workspace.slug}/settings`} variant="secondary" className="mt-6">
        Back to settings
      </ButtonLink>
    </div>
  );
}
