import { NextResponse, type NextRequest } from "next/server";

/**
 * Hands the requested path to server components (which cannot read the URL themselves), so requireUser can send a
 * signed-out visitor to sign-in and back to the same ticket afterwards. No authorization happens here.
 */
export function proxy(request: NextRequest) {
  const headers = new Headers(request.headers);
  headers.set("x-deskling-path", request.nextUrl.pathname + request.nextUrl.search);
  return NextResponse.next({ request: { headers } });
}

export const config = { matcher: ["/((?!api/|_next/|favicon.ico).*)"] };
