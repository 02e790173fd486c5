/**
 * The model registry: every triage result names the exact pipeline that produced it. A version is the chat model's
 * file, the LoRA adapter on it (or none), the encoder the learner embeds with, the classifier's settings and the
 * prompts' version. Its id starts with the engine's own version (readable in analytics and on the ticket) and ends
 * with a hash of the other parts, so a new encoder or a prompt change is a new version while the chat model's name
 * stays in front.
 */
import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { modelVersions } from "@/db/schema";

export interface VersionParts {
  /** SlmEngine.modelVersion: `<model>@<file sha256 prefix>[+lora:<adapter prefix>]`. */
  slmVersion: string;
  modelId: string;
  fileSha256: string;
  adapterSha256: string | null;
  backend: string;
  /** The learner's embedding model id, or "none" when triage ran without the learner. */
  encoder: string;
  classifier: string;
  promptVersion: string;
}

export function versionId(p: Pick<VersionParts, "slmVersion" | "encoder" | "classifier" | "promptVersion">): string {
  const rest = createHash("sha256").update([p.encoder, p.classifier, p.promptVersion].join("\0")).digest("hex").slice(0, 8);
  return `${p.slmVersion}/${rest}`;
}

/** Registers a row as given: benchmarks and tests that name a bare engine version. */
export async function registerModelVersion(db: DbOrTx, v: typeof modelVersions.$inferInsert) {
  await db.insert(modelVersions).values(v).onConflictDoNothing();
}

const registered = new Set<string>();

/** The version id for these parts, registered once per process (the row is shared by every worker). */
export async function registerVersion(db: DbOrTx, parts: VersionParts): Promise<string> {
  const id = versionId(parts);
  if (!registered.has(id)) {
    await registerModelVersion(db, { id, ...parts });
    registered.add(id);
  }
  return id;
}

export async function getModelVersion(db: DbOrTx, id: string) {
  const [row] = await db.select().from(modelVersions).where(eq(modelVersions.id, id));
  return row ?? null;
}
