import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { safeCallbackUrl } from "@/components/auth/callback-url";
import { SignUpForm } from "@/components/auth/sign-up-form";
import { Card, CardContent, CardHeader } from "@/components/ui/card";
import { getSessionUser } from "@/server/auth";

export const metadata: Metadata = { title: "Create an account" };
export const dynamic = "force-dynamic";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function SignUpPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  if (await getSessionUser()) redirect(callbackUrl);
  const signInHref =
    callbackUrl === "/" ? "/sign-in" : `/sign-in?callbackUrl=${encodeURIComponent(callbackUrl)}`;
  return (
    <Card>
      <CardHeader>
        <h1 className="text-xl font-semibold">Create your Strata account</h1>
        <p className="text-sm text-slate-500">
          {callbackUrl.startsWith("/invite/")
            ? "Create an account to accept your invitation."
            : "Then create a workspace for your team and your data."}
        </p>
      </CardHeader>
      <CardContent className="space-y-6 py-6">
        <SignUpForm callbackUrl={callbackUrl} />
        <p className="text-center text-sm text-slate-600">
          Already have an account?{" "}
          <Link href={signInHref} className="font-medium text-brand-700 hover:underline">
            Sign in
          </Link>
        </p>
      </CardContent>
    </Card>
  );
}
