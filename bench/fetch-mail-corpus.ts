/**
 * `npm run bench:mail-corpus:fetch`: builds the labelled mail corpus that bench/mail-loop.ts measures the loop
 * filter on, in bench/.data/mail-corpus/ (ignored by git; never commit it). Two labels, one folder each:
 *   machine/  — bounces, delivery and feedback reports, auto-replies: sisimai/set-of-emails (BSD-2-Clause,
 *               https://github.com/sisimai/set-of-emails) maildir/bsd, maildir/tmp, maildir/err and the one bounce in
 *               maildir/not; the multipart/report fixtures of mikel/mail and nodemailer/mailparser's delivery-status.eml.
 *   human/    — mail people wrote, many of them malformed: mikel/mail spec/fixtures/emails (MIT, the other folders),
 *               nodemailer/mailparser test/fixtures (the rest) and sisimai's two "is-not-bounce" messages.
 * Each source is read from a local git directory when one is given (SISIMAI_GIT, MAILGEM_GIT, MAILPARSER_GIT, e.g. a
 * mirror), else cloned shallowly from GitHub into bench/.data/src/.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, ".data");
const out = path.join(root, "mail-corpus");

interface Source {
  name: string;
  url: string;
  envVar: string;
  /** Repository path → label, or null to leave the file out. */
  label(p: string): "machine" | "human" | null;
}

const sources: Source[] = [
  {
    name: "sisimai",
    url: "https://github.com/sisimai/set-of-emails",
    envVar: "SISIMAI_GIT",
    label: (p) => {
      if (!p.endsWith(".eml")) return null;
      if (/^maildir\/(bsd|tmp|err)\//.test(p)) return "machine";
      if (p === "maildir/not/rb-issue-368-bug.eml") return "machine"; // a postmaster bounce kept in "not" for a parser bug
      if (p.startsWith("maildir/not/")) return "human";
      return null; // dos/ and mac/ repeat bsd/ with other line endings
    },
  },
  {
    name: "mailgem",
    url: "https://github.com/mikel/mail",
    envVar: "MAILGEM_GIT",
    label: (p) => {
      if (!p.startsWith("spec/fixtures/emails/") || !p.endsWith(".eml")) return null;
      if (p.includes("/multipart_report_emails/")) return "machine";
      // Kept among the parser's MIME fixtures but written by machines: a sendmail delay report (DSN) and junk spam.
      if (p.endsWith("raw_email_with_mimepart_without_content_type.eml") || p.endsWith("bad_date_header.eml")) return "machine";
      return "human";
    },
  },
  {
    name: "mailparser",
    url: "https://github.com/nodemailer/mailparser",
    envVar: "MAILPARSER_GIT",
    label: (p) => {
      if (!p.startsWith("test/fixtures/") || !p.endsWith(".eml")) return null;
      // large_text.eml is a Launchpad bug notification sent through a Mailman list (Precedence: bulk, List-*).
      return p.endsWith("delivery-status.eml") || p.endsWith("large_text.eml") ? "machine" : "human";
    },
  },
];

const git = (dir: string, args: string[]) => execFileSync("git", ["--git-dir", dir, ...args], { maxBuffer: 256 * 1024 * 1024 });

function gitDir(s: Source) {
  const given = process.env[s.envVar] ?? [`/work/.mirror/${s.url.split("/").slice(-2).join("+")}/repo`].find((d) => fs.existsSync(d));
  if (given) return given;
  const dir = path.join(root, "src", `${s.name}.git`);
  if (!fs.existsSync(dir)) execFileSync("git", ["clone", "--bare", "--depth", "1", s.url, dir], { stdio: "inherit" });
  return dir;
}

fs.rmSync(out, { recursive: true, force: true });
const counts: Record<string, Record<string, number>> = {};
for (const s of sources) {
  const dir = gitDir(s);
  const commit = git(dir, ["rev-parse", "HEAD"]).toString().trim();
  const files = git(dir, ["ls-tree", "-r", "--name-only", "HEAD"]).toString().split("\n").filter(Boolean);
  counts[s.name] = { commit: commit as never, machine: 0, human: 0 };
  for (const f of files) {
    const label = s.label(f);
    if (!label) continue;
    const target = path.join(out, label, s.name, f.replace(/\//g, "__"));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, git(dir, ["show", `HEAD:${f}`]));
    counts[s.name]![label]!++;
  }
}
console.log(JSON.stringify({ corpus: out, sources: counts }, null, 2));
