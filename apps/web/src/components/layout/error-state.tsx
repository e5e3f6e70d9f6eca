"use client";

import { Button } from "@/components/ui/button";
import { AlertIcon } from "@/components/ui/icons";

/**
 * What an error boundary shows. In production Next replaces server error messages with a digest, so
 * the text says what the user can do and shows the reference for a bug report.
 */
export function ErrorState({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div role="alert" className="mx-auto flex max-w-md flex-col items-center gap-4 py-16 text-center">
      <div className="flex size-12 items-center justify-center rounded-full bg-red-50 text-red-600">
        <AlertIcon />
      </div>
      <h1 className="text-xl font-semibold">Something went wrong</h1>
      <p className="text-sm text-slate-600">
        This page could not be shown. Try again; if it keeps happening, the server log has the details
        {error.digest ? (
          <>
            {" "}
            (reference <code className="font-mono">{error.digest}</code>)
          </>
        ) : null}
        .
      </p>
      <div className="flex gap-3">
        <Button onClick={reset}>Try again</Button>
        <a
          className="inline-flex h-10 items-center px-4 text-sm font-medium text-brand-700 hover:underline"
          href="/"
        >
          Go to start
        </a>
      </div>
    </div>
  );
}
