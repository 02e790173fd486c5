import { DateTime } from "@/components/layout/relative-time";
import { Card, CardBody, CardHeader, CardTitle } from "@/components/ui/card";
import type { TicketDetail } from "./types";

export function CustomerCard({ customer }: { customer: TicketDetail["customer"] }) {
  return (
    <Card>
      <CardHeader>
        <CardTitle>Customer</CardTitle>
      </CardHeader>
      <CardBody>
        {customer ? (
          <div className="flex items-start gap-3">
            <span aria-hidden className="grid size-9 shrink-0 place-items-center rounded-full bg-zinc-200 text-sm font-semibold text-zinc-700">
              {(customer.name ?? customer.email).slice(0, 1).toUpperCase()}
            </span>
            <dl className="min-w-0 text-sm">
              <dt className="sr-only">Name</dt>
              <dd className="truncate font-medium text-zinc-900">{customer.name ?? "No name"}</dd>
              <dt className="sr-only">Email</dt>
              <dd className="truncate">
                <a href={`mailto:${customer.email}`} className="text-indigo-700 hover:underline">
                  {customer.email}
                </a>
              </dd>
              <dt className="sr-only">Customer since</dt>
              <dd className="text-xs text-zinc-500">
                Since <DateTime date={customer.createdAt} />
              </dd>
            </dl>
          </div>
        ) : (
          <p className="text-sm text-zinc-500">No customer is linked to this ticket.</p>
        )}
      </CardBody>
    </Card>
  );
}
