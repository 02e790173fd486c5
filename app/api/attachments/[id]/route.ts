import { z } from "zod";
import { getDb } from "@/db/client";
import { getSessionUser } from "@/server/auth/session";
import { AppError } from "@/server/errors";
import { getAttachment } from "@/server/tickets/get-attachment";

/**
 * Downloads an attachment for a signed-in agent. Always as a download (Content-Disposition: attachment) with
 * nosniff: the bytes came from a customer and must never render as a page of ours.
 */
export async function GET(_req: Request, ctx: { params: Promise<{ id: string }> }) {
  const user = await getSessionUser();
  if (!user) return new Response("Sign in first.", { status: 401 });
  const { id } = await ctx.params;
  if (!z.uuid().safeParse(id).success) return new Response("Not found.", { status: 404 });
  try {
    const a = await getAttachment(getDb(), id);
    const name = a.filename.replace(/["\\\r\n]/g, "_");
    return new Response(new Uint8Array(a.content), {
      headers: {
        "content-type": "application/octet-stream",
        "content-disposition": `attachment; filename="${name}"; filename*=UTF-8''${encodeURIComponent(a.filename)}`,
        "x-content-type-options": "nosniff",
        "cache-control": "private, no-store",
      },
    });
  } catch (err) {
    if (err instanceof AppError && err.code === "NOT_FOUND") return new Response("Not found.", { status: 404 });
    throw err;
  }
}
