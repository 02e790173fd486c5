import { describe, expect, it } from "vitest";
import { splitReply } from "./quote";

describe("splitReply keeps only the new text", () => {
  it.each([
    ["Gmail", "Thanks, that worked!\n\nOn Tue, 3 Mar 2026 at 09:12, Support <s@x.com> wrote:\n> Try again\n> please", "Thanks, that worked!"],
    ["Gmail, header wrapped", "Yes.\n\nOn Tue, 3 Mar 2026 at 09:12, Deskling Support\n<support@deskling.test> wrote:\n> Is it fixed?", "Yes."],
    ["Outlook", "Still broken.\r\n\r\n-----Original Message-----\r\nFrom: Support\r\nSent: Monday\r\n\r\nPlease retry", "Still broken."],
    ["Outlook From/Sent block", "See attached.\n\nFrom: Support <s@x.com>\nSent: Monday, 2 March 2026 10:00\nTo: me\nSubject: Re: x\n\nold", "See attached."],
    ["French client", "Merci beaucoup.\n\nLe mar. 3 mars 2026 à 09:12, Support <s@x.com> a écrit :\n> Bonjour", "Merci beaucoup."],
    ["signature delimiter", "Where is my parcel?\n\n-- \nAna Silva\nACME Ltd", "Where is my parcel?"],
    ["mobile footer", "ok\n\nSent from my iPhone", "ok"],
    ["bare quote block", "Done\n\n> earlier text\n> more", "Done"],
  ])("%s", (_name, body, expected) => {
    expect(splitReply(body).text).toBe(expected);
  });

  it("keeps interleaved answers between quotes, and never returns an empty text", () => {
    expect(splitReply("> Which order?\n1234\n> Which day?\nMonday").text).toBe("> Which order?\n1234\n> Which day?\nMonday");
    expect(splitReply("> only a quote").text).toBe("> only a quote");
  });
});
