"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { UserRole } from "@/db/schema";
import { fieldErrors, formError } from "@/components/layout/trpc-errors";
import { useTRPC } from "@/components/layout/trpc-provider";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";

interface EditableUser {
  id: string;
  name: string;
  email: string;
  role: UserRole;
  teamId: string | null;
}

/** Edit a user's name, role and team, or set a new password for them (a reset the admin passes on). */
export function EditUserDialog({ user, isMe, onClose }: { user: EditableUser; isMe: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const teams = useQuery(trpc.users.teams.queryOptions());
  const [name, setName] = useState(user.name);
  const [role, setRole] = useState<UserRole>(user.role);
  const [teamId, setTeamId] = useState(user.teamId ?? "");
  const [password, setPassword] = useState("");
  const update = useMutation(
    trpc.users.update.mutationOptions({
      onSuccess: async () => {
        await Promise.all([
          queryClient.invalidateQueries(trpc.users.list.queryFilter()),
          queryClient.invalidateQueries(trpc.users.assignable.queryFilter()),
        ]);
        onClose();
      },
    }),
  );
  const errors = fieldErrors(update.error);
  const general = formError(update.error);
  return (
    <Dialog open onClose={onClose} title={`Edit ${user.email}`}>
      <form
        className="flex flex-col gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          update.mutate({ userId: user.id, name, role, teamId: teamId || null, password: password || undefined });
        }}
      >
        {general && <Alert tone="error">{general}</Alert>}
        <Field label="Name" htmlFor="edit-name" error={errors.name}>
          <Input id="edit-name" value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <div className="grid grid-cols-2 gap-3">
          <Field label="Role" htmlFor="edit-role" error={errors.role}>
            <Select id="edit-role" value={role} disabled={isMe} onChange={(e) => setRole(e.target.value as UserRole)}>
              <option value="agent">Agent</option>
              <option value="manager">Manager</option>
              <option value="admin">Admin</option>
            </Select>
          </Field>
          <Field label="Team" htmlFor="edit-team" error={errors.teamId}>
            <Select id="edit-team" value={teamId} onChange={(e) => setTeamId(e.target.value)}>
              <option value="">No team</option>
              {(teams.data ?? []).map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </Select>
          </Field>
        </div>
        <Field label="New password (leave empty to keep)" htmlFor="edit-password" error={errors.password}>
          <Input id="edit-password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </Field>
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" disabled={update.isPending}>
            {update.isPending ? "Saving…" : "Save"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
