import type { GbnfJsonSchema } from "node-llama-cpp";
import { z } from "zod";

type Json = Record<string, unknown>;

/**
 * zod is the source of truth for structured output; this turns its JSON schema into the subset node-llama-cpp
 * compiles to a grammar (enum/const/oneOf, string lengths, array bounds, closed objects) and fails loudly on
 * anything else, so a schema change can never silently loosen the grammar.
 */
export function zodToGrammarSchema(schema: z.ZodType): GbnfJsonSchema {
  return convert(z.toJSONSchema(schema, { target: "draft-07", io: "output" }) as Json, "$") as GbnfJsonSchema;
}

function convert(node: Json, at: string): Json {
  if (Array.isArray(node.enum)) return { enum: node.enum };
  if ("const" in node) return { const: node.const };
  const alternatives = (node.anyOf ?? node.oneOf) as Json[] | undefined;
  if (alternatives) {
    // A union of literals is an enum; that keeps the grammar (and the model's choice) flat.
    if (alternatives.every((a) => "const" in a)) return { enum: alternatives.map((a) => a.const) };
    return { oneOf: alternatives.map((a, i) => convert(a, `${at}|${i}`)) };
  }
  switch (node.type) {
    case "string":
      return pick(node, ["type", "minLength", "maxLength"]);
    case "number":
    case "integer":
    case "boolean":
    case "null":
      return { type: node.type };
    case "array":
      return { ...pick(node, ["type", "minItems", "maxItems"]), items: convert(node.items as Json, `${at}[]`) };
    case "object": {
      const props = (node.properties ?? {}) as Record<string, Json>;
      const required = new Set((node.required as string[] | undefined) ?? []);
      for (const key of Object.keys(props)) {
        if (!required.has(key)) throw new Error(`${at}.${key}: optional keys are not expressible in the grammar`);
      }
      return {
        type: "object",
        properties: Object.fromEntries(Object.entries(props).map(([k, v]) => [k, convert(v, `${at}.${k}`)])),
        additionalProperties: false,
      };
    }
    default:
      throw new Error(`${at}: unsupported JSON schema node ${JSON.stringify(node)}`);
  }
}

function pick(node: Json, keys: string[]) {
  return Object.fromEntries(keys.filter((k) => node[k] !== undefined).map((k) => [k, node[k]]));
}
