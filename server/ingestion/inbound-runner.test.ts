import fs from "node:fs";
import os from "node:os";
import { describe, expect, it } from "vitest";
import { startTestInboundRunner } from "@/test/inbound";

/** Nice values of this process's threads (Linux keeps one per thread), from /proc. */
const threadNice = () =>
  fs.readdirSync("/proc/self/task").map((tid) => {
    const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
    // Field 19 of proc(5) is nice; the command (field 2) may hold spaces, so count from its closing parenthesis.
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
  });

describe.runIf(process.platform === "linux")("inbound runner", () => {
  it("parses on a thread of its own at a lower CPU priority, leaving the receivers' thread as it was", async () => {
    const mine = os.getPriority();
    const lower = Math.min(19, mine + 10);
    const count = (nice: number[]) => nice.filter((n) => n === lower).length;
    const before = threadNice();
    const runner = await startTestInboundRunner();
    try {
      const during = threadNice();
      expect(count(during)).toBe(count(before) + 1);
      expect(os.getPriority()).toBe(mine);
    } finally {
      await runner.stop();
    }
    expect(count(threadNice())).toBe(count(before));
  });
});
