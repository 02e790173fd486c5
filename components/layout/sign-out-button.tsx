"use client";

import { useQueryClient } from "@tanstack/react-query";
import { signOut } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";

export function SignOutButton() {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [pending, setPending] = useState(false);
  return (
    <Button
      variant="ghost"
      size="sm"
      disabled={pending}
      onClick={async () => {
        setPending(true);
        // No redirect from next-auth: it would build the URL from NEXTAUTH_URL, which may name another host.
        await signOut({ redirect: false });
        queryClient.clear();
        router.replace("/signin");
        router.refresh();
      }}
    >
      Sign out
    </Button>
  );
}
