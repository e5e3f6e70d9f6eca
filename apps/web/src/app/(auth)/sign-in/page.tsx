import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { safeCallbackUrl } from "@/components/auth/callback-url";
import { SignInForm } from "@/components/auth/sign-in-form";
import { Card, CardContent, CardHeader } from "@/components/ui/card";
import { getSessionUser } from "@/server/auth";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function SignInPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  if (await getSessionUser()) redirect(callbackUrl);
  const error = typeof params.error === "string" ? params.error : undefined;
  const signUpHref =
    callbackUrl === "/" ? "/sign-up" : `/sign-up?callbackUrl=${encodeURIComponent(callbackUrl)}`;
  return (
    <Card>
      <CardHeader>
        <h1 className="text-xl font-semibold">Sign in to Strata</h1>
        <p className="text-sm text-slate-500">Welcome back. Use the email and password you signed up with.</p>
      </CardHeader>
      <CardContent className="space-y-6 py-6">
        <SignInForm callbackUrl={callbackUrl} initialError={error} />
        <p className="text-center text-sm text-slate-600">
          New to Strata?{" "}
          <Link href={signUpHref} className="font-medium text-brand-700 hover:underline">
            Create an account
          </Link>
        </p>
      </CardContent>
    </Card>
  );
}
