import type { Metadata } from "next";
import { requireUser } from "@/server/auth/session";
import { NewTicketForm } from "./new-ticket-form";

export const metadata: Metadata = { title: "New ticket" };

export default async function NewTicketPage() {
  await requireUser();
  return (
    <div className="mx-auto flex max-w-2xl flex-col gap-3">
      <div>
        <h1 className="text-lg font-semibold tracking-tight">New ticket</h1>
        <p className="text-sm text-zinc-500">Log a request that came in by phone, chat or in person. It is triaged like an email.</p>
      </div>
      <NewTicketForm />
    </div>
  );
}
