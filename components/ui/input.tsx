import type { ComponentProps } from "react";
import { cn } from "./cn";

export const fieldClass =
  "w-full rounded-md border border-zinc-300 bg-white px-2.5 text-sm text-zinc-900 shadow-xs placeholder:text-zinc-400 focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/20 disabled:bg-zinc-100 aria-invalid:border-red-400 aria-invalid:ring-red-500/20";

export function Input({ className, ...props }: ComponentProps<"input">) {
  return <input className={cn(fieldClass, "h-8", className)} {...props} />;
}

export function Textarea({ className, ...props }: ComponentProps<"textarea">) {
  return <textarea className={cn(fieldClass, "min-h-24 py-2 leading-relaxed", className)} {...props} />;
}

/** A native select: keyboard- and screen-reader-friendly without any script. */
export function Select({ className, ...props }: ComponentProps<"select">) {
  return <select className={cn(fieldClass, "h-8 pr-7", className)} {...props} />;
}
