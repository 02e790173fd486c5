import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { importJobs } from "@/db/schema";
import { env } from "@/config/env";
import { AppError } from "@/server/errors";
import { isLearnedField, LEARNED_FIELDS } from "./labels";
import { formatOf, ReadError } from "./read-rows";
import { spawnCli } from "./spawn-cli";

export interface ImportUpload {
  fileName: string;
  content: string;
  field: string;
  textCol: string;
  labelCol?: string;
  createLabels: boolean;
  userId: string;
}

/**
 * Runs an uploaded history file through `npm run import` in a child process: the embedding model and minutes of
 * CPU stay out of the web server, and the import_jobs row carries progress and the outcome to the admin page.
 */
export async function startImportJob(db: Db, upload: ImportUpload) {
  if (!isLearnedField(upload.field)) throw new AppError("INVALID_INPUT", `Unknown field; use one of ${LEARNED_FIELDS.join(", ")}.`);
  try {
    formatOf(upload.fileName);
  } catch (err) {
    if (err instanceof ReadError) throw new AppError("INVALID_INPUT", err.message, { file: err.message });
    throw err;
  }
  const [job] = await db
    .insert(importJobs)
    .values({ fileName: upload.fileName, field: upload.field, userId: upload.userId })
    .returning();
  const dir = path.resolve(env.DESKLING_DATA_DIR, "imports");
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${job!.id}${path.extname(upload.fileName).toLowerCase()}`);
  await writeFile(file, upload.content);
  const args = ["server/cli/import.ts", "--job", job!.id, "--file", file, "--field", upload.field, "--text-col", upload.textCol];
  if (upload.labelCol) args.push("--label-col", upload.labelCol);
  if (upload.createLabels) args.push("--create-labels");
  // A child that dies before importHistory() runs (bad install, killed) must not leave the job "running" forever.
  spawnCli(args, `${file}.log`, (exit) =>
    db
      .update(importJobs)
      .set({ status: "failed", phase: "done", error: `import process exited (${exit}); see ${file}.log`, finishedAt: new Date() })
      .where(and(eq(importJobs.id, job!.id), eq(importJobs.status, "running"))),
  );
  return job!;
}
