import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { attachments } from "@/db/schema";
import { AppError } from "@/server/errors";

/** One stored attachment with its bytes, for the download route. */
export async function getAttachment(db: Db, id: string) {
  const [row] = await db.select().from(attachments).where(eq(attachments.id, id));
  if (!row) throw new AppError("NOT_FOUND", "Attachment not found.");
  return row;
}
