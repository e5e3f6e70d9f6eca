import { ButtonLink } from "@/components/ui/button";
import { Logo } from "@/components/ui/icons";

export default function NotFound() {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-6 px-4 text-center">
      <Logo />
      <div className="space-y-2">
        <h1 className="text-2xl font-semibold">Page not found</h1>
        <p className="max-w-md text-sm text-slate-600">
          This page does not exist, or you do not have access to it. If someone sent you a link to a
          workspace, ask them to invite you.
        </p>
      </div>
      <ButtonLink href="/">Go to your workspaces</ButtonLink>
    </main>
  );
}
