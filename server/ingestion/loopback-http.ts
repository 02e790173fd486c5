import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { openApiDocument } from "./api/openapi";
import { addMessageV1, createTicketV1, getInboundV1, getTicketV1, listTicketsV1, updateTicketV1 } from "./api/v1";
import { ingestEmailHttp, ingestWebhookHttp } from "./routes";

type Route = [method: string, pattern: RegExp, run: (req: Request, m: RegExpExecArray) => Promise<Response> | Response];

/** The same table the Next route files under app/api/{ingest,v1} express; kept next to them for tests and the benchmark. */
const routes: Route[] = [
  ["POST", /^\/api\/ingest\/email$/, (r) => ingestEmailHttp(r)],
  ["POST", /^\/api\/ingest\/webhooks\/([^/]+)$/, (r, m) => ingestWebhookHttp(r, decodeURIComponent(m[1]!))],
  ["GET", /^\/api\/v1\/tickets$/, (r) => listTicketsV1(r, { params: {} })],
  ["POST", /^\/api\/v1\/tickets$/, (r) => createTicketV1(r, { params: {} })],
  ["GET", /^\/api\/v1\/tickets\/([^/]+)$/, (r, m) => getTicketV1(r, { params: { id: m[1]! } })],
  ["PATCH", /^\/api\/v1\/tickets\/([^/]+)$/, (r, m) => updateTicketV1(r, { params: { id: m[1]! } })],
  ["POST", /^\/api\/v1\/tickets\/([^/]+)\/messages$/, (r, m) => addMessageV1(r, { params: { id: m[1]! } })],
  ["GET", /^\/api\/v1\/inbound\/([^/]+)$/, (r, m) => getInboundV1(r, { params: { id: m[1]! } })],
  ["GET", /^\/api\/v1\/openapi\.json$/, () => Response.json(openApiDocument())],
];

function toRequest(req: IncomingMessage, base: string) {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(new URL(req.url ?? "/", base), {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
    // Required by undici for a streamed request body.
    ...(hasBody ? { duplex: "half" } : {}),
  } as RequestInit);
}

/**
 * Serves the ingestion and v1 HTTP handlers on 127.0.0.1 without Next: real sockets and HTTP parsing for the
 * protocol tests and the benchmark, which should not depend on a production build of the web app.
 */
export async function startLoopbackHttp() {
  let base = "";
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", base);
    let response: Response = new Response("not found", { status: 404 });
    for (const [method, pattern, run] of routes) {
      const m = pattern.exec(url.pathname);
      if (m && method === req.method) {
        response = await run(toRequest(req, base), m);
        break;
      }
    }
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
    // An unread oversized body must not keep the socket busy.
    req.resume();
  });
  // Longer than a client's idle keep-alive: otherwise the server may close a socket the client is about to reuse.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        // Keep-alive sockets (and one left mid-body by a refused upload) would hold close() for the keepAliveTimeout.
        server.closeAllConnections();
      }),
  };
}
