import Link from "next/link";
import { buttonVariants } from "@/components/ui/button";

export function NotFoundView() {
  return (
    <div className="mx-auto flex max-w-md flex-col items-center gap-3 px-4 py-24 text-center">
      <p className="text-5xl font-semibold tracking-tight text-zinc-300">404</p>
      <h1 className="text-lg font-semibold text-zinc-900">Page not found</h1>
      <p className="text-sm text-zinc-500">The ticket or page you asked for does not exist, or it was removed.</p>
      <Link href="/tickets" className={buttonVariants({ variant: "secondary" })}>
        Back to the inbox
      </Link>
    </div>
  );
}
