import Link from "next/link";
import { buttonVariants } from "@/components/ui/button";

/** forbidden() inside the desk (a page for another role) renders here, below the header, with HTTP 403. */
export default function DeskForbidden() {
  return (
    <div className="mx-auto flex max-w-md flex-col items-center gap-3 px-4 py-24 text-center">
      <p className="text-5xl font-semibold tracking-tight text-zinc-300">403</p>
      <h1 className="text-lg font-semibold text-zinc-900">Not for your role</h1>
      <p className="text-sm text-zinc-500">This page is for managers and admins. Ask an admin if you need it.</p>
      <Link href="/tickets" className={buttonVariants({ variant: "secondary" })}>
        Back to the inbox
      </Link>
    </div>
  );
}
