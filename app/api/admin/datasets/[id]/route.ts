import { hasRole } from "@/server/auth/roles";
import { getSessionUser } from "@/server/auth/session";
import { getDb } from "@/db/client";
import { AppError } from "@/server/errors";
import { exportSnapshot } from "@/server/training/export-snapshot";

/** Download of a training snapshot (admins only): `?format=jsonl|csv&split=train|heldout`. */
export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const user = await getSessionUser();
  if (!user) return new Response("Sign in first", { status: 401 });
  if (!hasRole(user, "admin")) return new Response("Forbidden", { status: 403 });
  const { id } = await params;
  const url = new URL(req.url);
  const format = url.searchParams.get("format") === "csv" ? "csv" : "jsonl";
  const splitParam = url.searchParams.get("split");
  const split = splitParam === "train" || splitParam === "heldout" ? splitParam : undefined;
  if (!/^[0-9a-f-]{36}$/i.test(id)) return new Response("Not found", { status: 404 });
  try {
    const body = await exportSnapshot(getDb(), { snapshotId: id, format, split });
    return new Response(body, {
      headers: {
        "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/jsonl; charset=utf-8",
        "content-disposition": `attachment; filename="deskling-snapshot-${id.slice(0, 8)}${split ? `-${split}` : ""}.${format}"`,
      },
    });
  } catch (err) {
    if (err instanceof AppError && err.code === "NOT_FOUND") return new Response("Not found", { status: 404 });
    throw err;
  }
}
