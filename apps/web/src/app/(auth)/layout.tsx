import Link from "next/link";
import type { ReactNode } from "react";
import { Logo } from "@/components/ui/icons";

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-screen flex-col items-center bg-gradient-to-b from-white to-slate-100 px-4 py-12">
      <Link href="/" aria-label="Strata home" className="mb-8">
        <Logo />
      </Link>
      <main className="w-full max-w-md">{children}</main>
      <p className="mt-10 max-w-md text-center text-xs text-slate-500">
        Strata segments customers with machine learning and ties each segment to a supply-chain policy and its
        cost-to-serve.
      </p>
    </div>
  );
}
