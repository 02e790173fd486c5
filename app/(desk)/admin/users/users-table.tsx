"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { DateTime } from "@/components/layout/relative-time";
import { useTRPC } from "@/components/layout/trpc-provider";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { useConfirm } from "@/components/ui/confirm";
import { Table, Td, Th } from "@/components/ui/table";
import { EditUserDialog } from "./edit-user-dialog";

const roleTone = { admin: "violet", manager: "blue", agent: "neutral" } as const;

export function UsersTable({ meId }: { meId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const users = useQuery(trpc.users.list.queryOptions());
  const teams = useQuery(trpc.users.teams.queryOptions());
  const teamName = new Map((teams.data ?? []).map((t) => [t.id, t.name]));
  const [confirm, confirmDialog] = useConfirm();
  const [editing, setEditing] = useState<string | null>(null);
  const editedUser = (users.data ?? []).find((u) => u.id === editing);
  const setActive = useMutation(
    trpc.users.setActive.mutationOptions({
      onSettled: () =>
        Promise.all([
          queryClient.invalidateQueries(trpc.users.list.queryFilter()),
          queryClient.invalidateQueries(trpc.users.assignable.queryFilter()),
        ]),
    }),
  );

  return (
    <Card>
      {setActive.error && (
        <Alert tone="error" className="m-3">
          {setActive.error.message}
        </Alert>
      )}
      <Table>
        <thead>
          <tr>
            <Th>Name</Th>
            <Th>Email</Th>
            <Th>Role</Th>
            <Th>Team</Th>
            <Th>Status</Th>
            <Th>Added</Th>
            <Th className="text-right">
              <span className="sr-only">Actions</span>
            </Th>
          </tr>
        </thead>
        <tbody>
          {(users.data ?? []).map((u) => (
            <tr key={u.id} data-testid="user-row" className={cn(!u.active && "text-zinc-500")}>
              <Td className="font-medium whitespace-nowrap">
                {u.name}
                {u.id === meId && <span className="ml-1.5 text-xs font-normal text-zinc-500">(you)</span>}
              </Td>
              <Td>{u.email}</Td>
              <Td>
                <Badge tone={roleTone[u.role]}>{u.role}</Badge>
              </Td>
              <Td className="whitespace-nowrap text-zinc-600">{u.teamId ? (teamName.get(u.teamId) ?? "—") : <span className="text-zinc-400">—</span>}</Td>
              <Td>{u.active ? <Badge tone="green">Active</Badge> : <Badge tone="muted">Deactivated</Badge>}</Td>
              <Td className="whitespace-nowrap text-zinc-500">
                <DateTime date={u.createdAt} />
              </Td>
              <Td className="text-right">
                <span className="inline-flex gap-1">
                  <Button size="sm" variant="ghost" onClick={() => setEditing(u.id)} aria-label={`Edit ${u.email}`}>
                    Edit
                  </Button>
                  {u.id !== meId && (
                    <Button
                      size="sm"
                      variant={u.active ? "danger" : "secondary"}
                      disabled={setActive.isPending && setActive.variables?.userId === u.id}
                      onClick={async () => {
                        if (
                          u.active &&
                          !(await confirm({
                            title: `Deactivate ${u.name}?`,
                            body: `${u.email} will be signed out at their next request and cannot sign in until reactivated. Their tickets stay assigned.`,
                            confirm: "Deactivate",
                            danger: true,
                          }))
                        )
                          return;
                        setActive.mutate({ userId: u.id, active: !u.active });
                      }}
                    >
                      {u.active ? "Deactivate" : "Reactivate"}
                    </Button>
                  )}
                </span>
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
      {confirmDialog}
      {editedUser && <EditUserDialog user={editedUser} isMe={editedUser.id === meId} onClose={() => setEditing(null)} />}
    </Card>
  );
}
