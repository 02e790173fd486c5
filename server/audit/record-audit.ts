import type { DbOrTx } from "@/db/client";
import { auditLog } from "@/db/schema";

export type Actor =
  | { kind: "user"; userId: string }
  | { kind: "api"; label: string }
  | { kind: "helpdesk"; label: string }
  | { kind: "system"; label: string };

export type Changes = Record<string, { from: unknown; to: unknown }>;

export async function recordAudit(
  tx: DbOrTx,
  entry: { actor: Actor; entity: string; entityId: string; action: string; changes?: Changes },
) {
  await tx.insert(auditLog).values({
    actorKind: entry.actor.kind,
    actorUserId: entry.actor.kind === "user" ? entry.actor.userId : null,
    actorLabel: entry.actor.kind === "user" ? null : entry.actor.label,
    entity: entry.entity,
    entityId: entry.entityId,
    action: entry.action,
    changes: entry.changes,
  });
}
