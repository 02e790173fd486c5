import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, expect, it } from "vitest";
import { startEmbeddedPostgres } from "./embedded";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "deskling-embedded-"));
fs.chmodSync(dataDir, 0o755);
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

function freePort() {
  return new Promise<number>((resolve) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

// What `npm start`'s supervision stands on: a crash is seen at once, stop() after it does not hang (it used to wait
// forever, so "stopped" was never logged and the lock stayed), and the same folder and port start again with the data.
it("reports a crashed Postgres, stops without hanging, and restarts on the same data", async () => {
  const port = await freePort();
  const first = await startEmbeddedPostgres({ dataDir, port });
  const sql = postgres(first.serverUrl, { max: 1, onnotice: () => {} });
  await sql`create table kept (v text)`;
  await sql`insert into kept values ('before the crash')`;
  await sql.end();

  const pid = Number(fs.readFileSync(path.join(dataDir, "pg", "postmaster.pid"), "utf8").split("\n")[0]);
  process.kill(pid, "SIGKILL");
  expect(await first.exited).toMatchObject({ signal: "SIGKILL" });
  const t0 = Date.now();
  await first.stop();
  expect(Date.now() - t0).toBeLessThan(1000);

  // The killed postmaster's backends notice within a moment and release its shared memory; retry like npm start does.
  let second: Awaited<ReturnType<typeof startEmbeddedPostgres>> | undefined;
  for (let attempt = 0; !second && attempt < 5; attempt++) {
    await new Promise((r) => setTimeout(r, 1000 * 2 ** attempt));
    second = await startEmbeddedPostgres({ dataDir, port, takeOver: true }).catch(() => undefined);
  }
  const again = postgres(second!.serverUrl, { max: 1, onnotice: () => {} });
  expect(await again`select v from kept`).toEqual([{ v: "before the crash" }]);
  await again.end();
  await second!.stop();
  expect(await second!.exited).toBeDefined();
});
