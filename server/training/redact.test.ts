import { describe, expect, it } from "vitest";
import { ibanValid, luhnValid, redact } from "./redact";

describe("redact", () => {
  it("replaces e-mail addresses, also inside quoted history and angle brackets", () => {
    const text = [
      "Thanks, that worked.",
      "",
      "On Mon, 3 Nov 2026, Jane Doe <jane.doe+shop@mail.example.co.uk> wrote:",
      "> Please write to billing@acme.io or mailto:jane.doe@example.com",
      ">> old: j_doe@sub.example.org.",
    ].join("\n");
    const r = redact(text);
    expect(r.text).not.toMatch(/@/);
    expect(r.text).toContain("<{{customer_email}}> wrote:");
    expect(r.text).toContain("> Please write to {{customer_email}} or mailto:{{customer_email}}");
    expect(r.text).toContain(">> old: {{customer_email}}.");
    expect(r.counts.email).toBe(4);
  });

  it("replaces phone numbers in international formats, not order numbers, dates or amounts", () => {
    const phones = ["+44 20 7946 0958", "+1 (555) 123-4567", "0049 30 1234567", "(555) 555-1234", "+33 1 23 45 67 89", "030/1234567", "+4915112345678"];
    for (const p of phones) expect(redact(`Call me at ${p} today`).text, p).toBe("Call me at {{phone}} today");
    const kept = ["order 00123842", "order #123842", "on 2026-11-03", "on 03.11.2026", "for 1,234.56 EUR", "tracking 1Z999AA10123456784"];
    for (const k of kept) expect(redact(`About ${k}.`).text, k).toBe(`About ${k}.`);
  });

  it("replaces card numbers only when the Luhn check passes, with spaces or dashes", () => {
    expect(redact("card 4111 1111 1111 1111 was charged").text).toBe("card {{card_number}} was charged");
    expect(redact("card 5500-0000-0000-0004 twice").text).toBe("card {{card_number}} twice");
    expect(redact("card 378282246310005.").text).toBe("card {{card_number}}.");
    // Looks like a card, fails Luhn: an order number stays (the model needs it to answer).
    expect(redact("order 4111 1111 1111 1112 is late").text).toBe("order 4111 1111 1111 1112 is late");
    expect(redact("order 1234567890123456").text).toBe("order 1234567890123456");
    expect(luhnValid("0000000000000000")).toBe(false);
  });

  it("replaces IBANs whose checksum holds, grouped or not", () => {
    expect(redact("IBAN DE89 3704 0044 0532 0130 00, thanks").text).toBe("IBAN {{iban}}, thanks");
    expect(redact("pay to GB82WEST12345698765432").text).toBe("pay to {{iban}}");
    expect(ibanValid("DE89 3704 0044 0532 0130 01")).toBe(false);
    expect(redact("ref DE89 3704 0044 0532 0130 01").text).not.toContain("{{iban}}");
  });

  it("replaces the customer's names, also lower-case and in a signature", () => {
    const r = redact("hi, this is jane. Jane van der Berg\nOrder for Van der Berg family.\n\nBest,\nJane", { names: ["Jane van der Berg"] });
    expect(r.text).toBe("hi, this is {{customer_name}}. {{customer_name}}\nOrder for {{customer_name}} family.\n\nBest,\n{{customer_name}}");
  });

  it("leaves names that are ordinary words alone where they are words", () => {
    const names = ["Will Hope", "May"];
    const r = redact("Will you refund me? I may return it, I hope so. Bought in May.\nThanks, May\nWill Hope", { names });
    expect(r.text).toBe("Will you refund me? I may return it, I hope so. Bought in May.\nThanks, {{customer_name}}\n{{customer_name}}");
    expect(redact("Dear Will, your parcel is on its way.", { names }).text).toBe("Dear {{customer_name}}, your parcel is on its way.");
  });

  it("keeps the placeholders themselves and counts what it replaced", () => {
    const once = redact("Mail jane@x.io, call +1 555 123 4567", { names: ["Jane"] });
    expect(redact(once.text, { names: ["Jane"] }).text).toBe(once.text);
    expect(once.counts).toMatchObject({ email: 1, phone: 1, card: 0, iban: 0, name: 0 });
  });
});
