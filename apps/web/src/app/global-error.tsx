"use client";

import { ErrorState } from "@/components/layout/error-state";
import "./globals.css";

/** Last resort when the root layout itself fails: still a readable page, never a blank one. */
export default function GlobalError({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <html lang="en">
      <body className="flex min-h-screen items-center justify-center px-4">
        <ErrorState error={error} reset={reset} />
      </body>
    </html>
  );
}
