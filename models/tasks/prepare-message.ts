import { instructionSentences } from "./draft-check";
import { withoutInstructions } from "./injection";
import { prepareTicketText } from "./prepare-text";

/**
 * A customer message as triage, shadow runs and distillation read it: hidden text removed for the model, and for the
 * learner also the sentences that try to instruct the AI.
 */
export interface PreparedMessage {
  subject: string;
  /** What the model reads: hidden text removed. */
  text: string;
  /** What the learner reads: also without the sentences that try to instruct the triage. */
  learnerText: string;
  instructions: string[];
  removed: string[];
  hiddenInstructions: boolean;
}

export function prepareMessage(msg: { subject: string; text: string; html?: string | null }): PreparedMessage {
  const body = prepareTicketText({ text: msg.text, html: msg.html });
  const subject = prepareTicketText({ text: msg.subject });
  const instructions = instructionSentences(`${subject.text}\n${body.text}`);
  return {
    subject: withoutInstructions(subject.text),
    text: body.text,
    learnerText: withoutInstructions(body.text),
    instructions,
    removed: [...new Set([...body.removed, ...subject.removed])],
    hiddenInstructions: body.hiddenInstructions || subject.hiddenInstructions,
  };
}
