import { cva, type VariantProps } from "class-variance-authority";
import type { ComponentProps } from "react";
import { cn } from "./cn";

export const badgeVariants = cva("inline-flex items-center gap-1 rounded px-1.5 py-0.5 text-xs font-medium ring-1 ring-inset whitespace-nowrap", {
  variants: {
    tone: {
      neutral: "bg-zinc-100 text-zinc-700 ring-zinc-200",
      blue: "bg-blue-50 text-blue-700 ring-blue-200",
      green: "bg-emerald-50 text-emerald-700 ring-emerald-200",
      amber: "bg-amber-50 text-amber-800 ring-amber-200",
      orange: "bg-orange-50 text-orange-700 ring-orange-200",
      red: "bg-red-50 text-red-700 ring-red-200",
      violet: "bg-violet-50 text-violet-700 ring-violet-200",
      muted: "bg-white text-zinc-500 ring-zinc-200",
    },
  },
  defaultVariants: { tone: "neutral" },
});

export function Badge({ className, tone, ...props }: ComponentProps<"span"> & VariantProps<typeof badgeVariants>) {
  return <span className={cn(badgeVariants({ tone }), className)} {...props} />;
}
