import { randomUUID } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { importJobs } from "@/db/schema";
import { env } from "@/config/env";
import { AppError } from "@/server/errors";
import { isLearnedField, LEARNED_FIELDS } from "./labels";
import { formatOf, ReadError } from "./read-rows";
import { enqueue } from "@/server/jobs/enqueue";
import { JOB_PRIORITY } from "@/server/jobs/jobs";

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
 * Queues an uploaded history file for `npm run import`, which a worker runs in a child process (the
 * `learning-import` job): the embedding model and minutes of CPU stay out of the web server, and the import_jobs
 * row carries progress and the outcome to the admin page.
 */
export async function startImportJob(db: Db, upload: ImportUpload) {
  if (!isLearnedField(upload.field)) throw new AppError("INVALID_INPUT", `Unknown field; use one of ${LEARNED_FIELDS.join(", ")}.`);
  try {
    formatOf(upload.fileName);
  } catch (err) {
    if (err instanceof ReadError) throw new AppError("INVALID_INPUT", err.message, { file: err.message });
    throw err;
  }
  const id = randomUUID();
  const dir = path.resolve(env.DESKLING_DATA_DIR, "imports");
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${id}${path.extname(upload.fileName).toLowerCase()}`);
  await writeFile(file, upload.content);
  // Row and job commit together: a job never points at a missing row, and a row is never left without its job.
  return db.transaction(async (tx) => {
    const [job] = await tx
      .insert(importJobs)
      .values({ id, fileName: upload.fileName, field: upload.field, userId: upload.userId, phase: "queued" })
      .returning();
    await enqueue(
      tx,
      "learning-import",
      { importJobId: id, file, field: upload.field, textCol: upload.textCol, labelCol: upload.labelCol, createLabels: upload.createLabels },
      { jobKey: `import:${id}`, maxAttempts: 1, priority: JOB_PRIORITY.background },
    );
    return job!;
  });
}
