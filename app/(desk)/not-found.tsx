import { NotFoundView } from "@/components/layout/not-found-view";

/** notFound() inside the desk (e.g. an unknown ticket) renders here, below the header. */
export default function DeskNotFound() {
  return <NotFoundView />;
}
