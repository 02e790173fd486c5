import type { Metadata } from "next";
import { requireUser } from "@/server/auth/session";
import { getQueryClient, HydrateClient, trpcServer } from "@/server/trpc/rsc";
import { CategoriesAdmin } from "./categories-admin";

export const metadata: Metadata = { title: "Categories" };

export default async function AdminCategoriesPage() {
  await requireUser("admin");
  await getQueryClient().prefetchQuery(trpcServer.taxonomy.all.queryOptions());
  return (
    <HydrateClient>
      <div className="flex flex-col gap-3">
        <div>
          <h1 className="text-lg font-semibold tracking-tight">Categories</h1>
          <p className="text-sm text-zinc-500">
            What triage may answer. Each enabled category&rsquo;s name and description also teach the classifier what it means, so describe it in the
            customers&rsquo; words. A disabled category is no longer proposed; tickets and corrections keep it.
          </p>
        </div>
        <CategoriesAdmin />
      </div>
    </HydrateClient>
  );
}
