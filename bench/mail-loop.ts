/**
 * `npm run bench:mail-loop`: the loop filter (server/ingestion/email/loop-rules.json) on the labelled corpus that
 * bench/fetch-mail-corpus.ts builds in bench/.data/mail-corpus. Every file goes through the real parser
 * (parseEmail, which applies the rules); no envelope is given, as for mail fetched by IMAP (over SMTP a bounce's
 * empty MAIL FROM would catch it earlier). Prints JSON; goals: machineTicketed 0 and humanLostToFilter 0.
 */
import fs from "node:fs";
import path from "node:path";
import { parseEmail } from "@/server/ingestion/email/parse";

const dir = path.resolve(import.meta.dirname, ".data/mail-corpus");
if (!fs.existsSync(dir)) {
  console.error(`No corpus in ${dir}: run \`npx tsx bench/fetch-mail-corpus.ts\` first.`);
  process.exit(1);
}

function files(label: string) {
  const base = path.join(dir, label);
  return fs.readdirSync(base, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => path.join(d.parentPath, d.name));
}

const result = {
  benchmark: "mail-loop",
  machine: { messages: 0, ignored: 0, failed: 0, ticketed: 0, byKind: {} as Record<string, number> },
  human: { messages: 0, ticketed: 0, failed: 0, lostToFilter: 0 },
  machineTicketed: [] as string[],
  humanLostToFilter: [] as { file: string; reason: string }[],
  humanFailed: [] as { file: string; error: string }[],
};
const name = (f: string) => path.relative(dir, f);

for (const f of files("machine")) {
  result.machine.messages++;
  try {
    const mail = await parseEmail(fs.readFileSync(f));
    if (mail.automated) {
      result.machine.ignored++;
      result.machine.byKind[mail.automated.kind] = (result.machine.byKind[mail.automated.kind] ?? 0) + 1;
    } else {
      result.machine.ticketed++;
      result.machineTicketed.push(`${name(f)} (${mail.from.email} / ${mail.subject.slice(0, 60)})`);
    }
  } catch {
    result.machine.failed++;
  }
}
for (const f of files("human")) {
  result.human.messages++;
  try {
    const mail = await parseEmail(fs.readFileSync(f));
    if (mail.automated) {
      result.human.lostToFilter++;
      result.humanLostToFilter.push({ file: name(f), reason: mail.automated.reason });
    } else result.human.ticketed++;
  } catch (err) {
    result.human.failed++;
    result.humanFailed.push({ file: name(f), error: (err as Error).message });
  }
}
console.log(JSON.stringify(result, null, 2));
