"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { TicketPriority } from "@/db/schema";
import { fieldErrors, formError } from "@/components/layout/trpc-errors";
import { useTRPC } from "@/components/layout/trpc-provider";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { useConfirm } from "@/components/ui/confirm";
import { Input } from "@/components/ui/input";
import { Table, Td, Th } from "@/components/ui/table";

type Row = { priority: TicketPriority; firstReply: string; resolution: string };

/** "90" → "1 h 30 min": what a number of minutes means, beside the field. */
function spell(minutes: string): string {
  const m = Number(minutes);
  if (!minutes.trim() || !Number.isInteger(m) || m <= 0) return "";
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  const rest = m % 60;
  return [d && `${d} d`, h && `${h} h`, rest && `${rest} min`].filter(Boolean).join(" ");
}

const toMinutes = (v: string) => (v.trim() ? Number(v) : null);

export function SlaAdmin() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const policies = useQuery(trpc.sla.policies.queryOptions());
  const [rows, setRows] = useState<Row[]>([]);
  const [saved, setSaved] = useState(false);
  const [confirm, confirmDialog] = useConfirm();
  useEffect(() => {
    if (policies.data) {
      setRows(policies.data.map((p) => ({ priority: p.priority, firstReply: p.firstReplyMinutes?.toString() ?? "", resolution: p.resolutionMinutes?.toString() ?? "" })));
    }
  }, [policies.data]);
  const save = useMutation(
    trpc.sla.save.mutationOptions({
      onSuccess: async () => {
        setSaved(true);
        await queryClient.invalidateQueries(trpc.sla.policies.queryFilter());
      },
    }),
  );
  const errors = fieldErrors(save.error);
  const set = (priority: TicketPriority, patch: Partial<Row>) => {
    setSaved(false);
    setRows((rs) => rs.map((r) => (r.priority === priority ? { ...r, ...patch } : r)));
  };

  async function submit() {
    const removed = rows.filter((r) => {
      const was = policies.data?.find((p) => p.priority === r.priority);
      return was?.firstReplyMinutes != null && !r.firstReply.trim() && !r.resolution.trim();
    });
    if (
      removed.length &&
      !(await confirm({
        title: `Remove the ${removed.map((r) => r.priority).join(" and ")} targets?`,
        body: "Open tickets of that priority lose their deadlines and leave the SLA-at-risk view.",
        confirm: "Remove targets",
        danger: true,
      }))
    )
      return;
    save.mutate({ targets: rows.map((r) => ({ priority: r.priority, firstReplyMinutes: toMinutes(r.firstReply), resolutionMinutes: toMinutes(r.resolution) })) });
  }

  return (
    <Card className="max-w-3xl">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        {(formError(save.error) ?? errors.targets) && (
          <Alert tone="error" className="m-3">
            {formError(save.error) ?? errors.targets}
          </Alert>
        )}
        <Table>
          <thead>
            <tr>
              <Th>Priority</Th>
              <Th>First reply within (minutes)</Th>
              <Th>Solved within (minutes)</Th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const error = errors[r.priority];
              return (
                <tr key={r.priority} data-testid="sla-row">
                  <Td className="font-medium capitalize">{r.priority}</Td>
                  {(["firstReply", "resolution"] as const).map((key) => (
                    <Td key={key}>
                      <div className="flex items-center gap-2">
                        <Input
                          type="number"
                          min={1}
                          inputMode="numeric"
                          className="w-28"
                          aria-label={`${r.priority}: ${key === "firstReply" ? "first reply" : "solved"} within, minutes`}
                          aria-invalid={error ? true : undefined}
                          value={r[key]}
                          onChange={(e) => set(r.priority, { [key]: e.target.value })}
                        />
                        <span className="text-xs text-zinc-500">{spell(r[key]) || (r[key] ? "" : "no target")}</span>
                      </div>
                      {key === "resolution" && error && (
                        <p role="alert" className="mt-1 text-xs text-red-600">
                          {error}
                        </p>
                      )}
                    </Td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </Table>
        <div className="flex items-center justify-end gap-3 px-4 py-3">
          {saved && (
            <span role="status" className="text-sm text-green-700">
              Saved; open tickets follow the new targets.
            </span>
          )}
          <Button type="submit" disabled={save.isPending || !rows.length}>
            {save.isPending ? "Saving…" : "Save targets"}
          </Button>
        </div>
      </form>
      {confirmDialog}
    </Card>
  );
}
