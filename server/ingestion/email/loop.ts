/**
 * Recognizes mail that no human wrote: bounces, delivery and feedback reports, auto-replies, bulk and notification
 * mail. Such mail must never open a ticket nor be answered, or two auto-responders can mail each other forever
 * (RFC 3834). The rules are data (loop-rules.json) so they can be measured against a corpus and extended without code.
 */
import { z } from "zod";
import rulesFile from "./loop-rules.json";

export type AutomatedKind = "auto-reply" | "bounce" | "feedback-report" | "bulk" | "notification";

const ruleSchema = z.object({
  id: z.string(),
  kind: z.enum(["auto-reply", "bounce", "feedback-report", "bulk", "notification"]),
  field: z.string().regex(/^(envelope-from|from|from-header|return-path|sender|reply-to|content-type|part-types|subject|body|header:[a-z0-9-]+)$/),
  pattern: z.string(),
  weight: z.enum(["strong", "weak"]).default("strong"),
  reason: z.string(),
});

const rules = z
  .object({ rules: z.array(ruleSchema) })
  .parse(rulesFile)
  .rules.map((r) => ({ ...r, re: new RegExp(r.pattern, "i") }));

export interface LoopFacts {
  /** Lower-cased header name → value (first occurrence, unfolded). */
  headers: Record<string, string>;
  /** SMTP MAIL FROM; "" for the null sender <>. Undefined when unknown (IMAP, HTTP). */
  envelopeFrom?: string;
  /** Addresses, lower-case; a bare local part ("mailer-daemon") when the header has no domain. */
  fromAddress?: string;
  returnPath?: string;
  sender?: string;
  replyTo?: string;
  /** Content types of every MIME part below the top level. */
  partTypes?: string[];
  subject?: string;
  /** The start of the text body. */
  body?: string;
}

function field(f: LoopFacts, name: string): string | undefined {
  const h = f.headers;
  switch (name) {
    case "envelope-from":
      return f.envelopeFrom;
    case "from":
      return f.fromAddress;
    case "from-header":
      return h["from"];
    case "return-path":
      return f.returnPath ?? angleAddress(h["return-path"]);
    case "sender":
      return f.sender;
    case "reply-to":
      return f.replyTo;
    case "content-type":
      return h["content-type"];
    case "part-types":
      return f.partTypes?.join(" ");
    case "subject":
      return f.subject ?? h["subject"];
    case "body":
      return f.body?.slice(0, 4096);
    default:
      return h[name.slice("header:".length)];
  }
}

/** "<MAILER-DAEMON@x>" → "mailer-daemon@x"; "<>" → "". */
export function angleAddress(v: string | undefined) {
  if (v === undefined) return undefined;
  const m = /<([^<>]*)>/.exec(v);
  return (m ? m[1]! : v).trim().toLowerCase();
}

export interface AutomatedVerdict {
  kind: AutomatedKind;
  /** Human-readable, shown at Admin → Inbound; starts with the rule ids that matched. */
  reason: string;
}

/** The first strong rule that matches, else two different weak rules that agree; null for mail a person wrote. */
export function detectAutomated(f: LoopFacts): AutomatedVerdict | null {
  const weak: (typeof rules)[number][] = [];
  for (const r of rules) {
    const v = field(f, r.field);
    if (v === undefined || !r.re.test(v)) continue;
    if (r.weight === "strong") return { kind: r.kind, reason: `${r.reason} [${r.id}]` };
    weak.push(r);
  }
  if (weak.length >= 2) {
    const kind = weak.find((r) => r.kind !== "notification")?.kind ?? weak[0]!.kind;
    return { kind, reason: `${weak.map((r) => r.reason).join(" + ")} [${weak.map((r) => r.id).join("+")}]` };
  }
  return null;
}
