"use client";

import { signOut } from "next-auth/react";
import { useState } from "react";
import { Button, type ButtonProps } from "@/components/ui/button";

export function SignOutButton({
  callbackUrl = "/sign-in",
  ...props
}: { callbackUrl?: string } & Omit<ButtonProps, "onClick">) {
  const [isPending, setIsPending] = useState(false);
  return (
    <Button
      {...props}
      isLoading={isPending}
      onClick={async () => {
        setIsPending(true);
        // Navigate ourselves: next-auth's own redirect would use its configured base URL.
        await signOut({ redirect: false });
        window.location.assign(callbackUrl);
      }}
    >
      Sign out
    </Button>
  );
}
