/**
 * The layers, checked by `npm run lint:deps` (part of `npm test`). Imports only point down:
 *   app/ → components/ → server/ → models/, db/ → config/
 * bench/, test/ and e2e/ sit beside the layers and may import any of them; nothing in production imports them.
 */
const PRODUCTION = "^(app|components|server|models|db|config)/";
const TEST_FILE = "\\.test\\.tsx?$";

/**
 * Inside server/, domains are ordered from the processes down to the basics: a domain imports only domains listed
 * after it. A ticket's path (ingestion → tickets → jobs → triage → learning) thus crosses each folder once.
 */
const SERVER_ORDER = ["cli", "trpc", "seed", "analytics", "triage", "ingestion", "learning", "training", "tickets", "users", "auth", "realtime", "jobs", "customers", "audit", "health"];
const serverOrder = SERVER_ORDER.slice(1).map((domain, i) => ({
  name: `server-order-${domain}`,
  severity: "error",
  comment: `server/${domain}/ may not import ${SERVER_ORDER.slice(0, i + 1).join(", ")} (they sit above it).`,
  from: { path: `^server/${domain}/`, pathNot: TEST_FILE },
  to: { path: `^server/(${SERVER_ORDER.slice(0, i + 1).join("|")})/` },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...serverOrder,
    {
      name: "no-circular",
      severity: "error",
      comment: "A cycle means two modules can only be understood together; break it by moving the shared part down.",
      from: {},
      to: { circular: true },
    },
    {
      name: "models-below-server",
      severity: "error",
      comment: "models/ (runtime, prompts, pure ML) knows nothing of the product: no server/, app/ or components/.",
      from: { path: "^models/" },
      to: { path: "^(server|app|components)/" },
    },
    {
      name: "db-below-server",
      severity: "error",
      comment: "db/ is schema and connections; the product's verbs live in server/.",
      from: { path: "^db/" },
      to: { path: "^(server|app|components|models)/" },
    },
    {
      name: "config-at-the-bottom",
      severity: "error",
      comment: "config/ (the validated env) is read by every layer and imports none of them.",
      from: { path: "^config/" },
      to: { path: "^(server|app|components|models|db)/" },
    },
    {
      name: "server-below-ui",
      severity: "error",
      comment: "server/ never imports the UI.",
      from: { path: "^server/" },
      to: { path: "^(app|components)/" },
    },
    {
      name: "jobs-import-no-domain",
      severity: "error",
      comment: "server/jobs/ is the queue: every domain enqueues through it, so it imports none of them.",
      from: { path: "^server/jobs/" },
      to: { path: "^server/", pathNot: "^server/jobs/" },
    },
    {
      name: "cli-is-the-top",
      severity: "error",
      comment: "server/cli/ holds the processes (start, worker, mail, import…): they compose the domains, never the reverse.",
      from: { path: "^(app|components|server|models|db|config)/", pathNot: ["^server/cli/", TEST_FILE] },
      to: { path: "^server/cli/" },
    },
    {
      name: "components-below-app",
      severity: "error",
      comment: "Shared components never import routes.",
      from: { path: "^components/" },
      to: { path: "^app/" },
    },
    {
      name: "components-import-server-types-only",
      severity: "error",
      comment:
        "Client components get server code's types, never its code (it would ship to the browser). The two named modules are isomorphic (no server dependency).",
      from: { path: "^components/" },
      to: {
        path: "^(server|db)/",
        pathNot: "^server/(trpc/query-client|auth/roles)\\.ts$",
        dependencyTypesNot: ["type-only"],
      },
    },
    {
      name: "no-test-support-in-production",
      severity: "error",
      comment: "Benchmarks and test support are never shipped: production code does not import bench/, test/ or e2e/.",
      from: { path: PRODUCTION, pathNot: TEST_FILE },
      to: { path: "^(bench|test|e2e)/" },
    },
    {
      name: "no-tests-from-production",
      severity: "error",
      from: { pathNot: TEST_FILE },
      to: { path: TEST_FILE },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|\\.next|models/\\.cache|bench/\\.data)" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"] },
  },
};
