import type { TriageCategory } from "./triage";

/** A small slice of the Bitext taxonomy, shared by the triage tests and `npm run bench:triage` so both use the same prompts. */
export const SAMPLE_TAXONOMY: TriageCategory[] = [
  { key: "ACCOUNT", label: "Account", description: "accounts, passwords, sign-up" },
  { key: "ORDER", label: "Order", description: "placing, changing or cancelling an order" },
  { key: "REFUND", label: "Refund", description: "getting or tracking a refund" },
  { key: "DELIVERY", label: "Delivery", description: "delivery options and times" },
  { key: "PAYMENT", label: "Payment", description: "payment methods and problems" },
  { key: "FEEDBACK", label: "Feedback", description: "complaints and reviews" },
];
