"use client";

import { ErrorState } from "@/components/layout/error-state";

export default function RootError({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <ErrorState error={error} reset={reset} />
    </main>
  );
}
