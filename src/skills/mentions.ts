/**
 * The skill mention grammar (spec 7.3), replicated literally from the reference:
 *
 *   $[NS].NAME    NS   = SEG (":" SEG){0,6}               1..7 segments, order-sensitive
 *                 SEG  = [a-z0-9] [a-z0-9-]{0,62} [a-z0-9]  2..64 chars
 *                 NAME = [a-z0-9] [a-z0-9_-]{0,62} [a-z0-9] 2..64 chars, greedy, backtracks to an alnum end
 *
 * Free text is scanned raw (no anchoring, code spans and fences included); invalid fragments stay
 * plain text and extraction never throws. A match immediately followed by `]` is dropped (the
 * copy/paste bracket typo guard). Results are de-duplicated by (namespace, name), first seen first.
 * No trailing boundary: a 65-char name yields its 64-char prefix, as in the reference.
 *
 * Tool arguments (`skill_exec`, `skill_ref_read`) use the strict form: after trimming, the argument
 * must be exactly one mention and nothing else.
 */
import { z } from "zod";
import { SkillError } from "./issues.ts";
import { NAME_PATTERN, NAMESPACE_PATTERN } from "./mention-grammar.ts";

export { isValidNamespace, isValidSegment, isValidSkillName, NAMESPACE_RULE, SKILL_NAME_RULE } from "./mention-grammar.ts";

const MENTION_RE = new RegExp(`\\$\\[(${NAMESPACE_PATTERN})\\]\\.(${NAME_PATTERN})`, "g");

/** The reference's mention object. */
export const SkillMention = z.object({
  namespace: z.string(),
  segments: z.array(z.string()),
  skill_name: z.string(),
  mention_text: z.string(),
});
export type SkillMention = z.infer<typeof SkillMention>;

/** Every valid mention in `text`, de-duplicated, in first-seen order. Never throws. */
export function extractMentions(text: string): SkillMention[] {
  if (!text) return [];
  const out: SkillMention[] = [];
  const seen = new Set<string>();
  for (const match of text.matchAll(MENTION_RE)) {
    const end = match.index + match[0].length;
    if (text[end] === "]") continue;
    const namespace = match[1]!;
    const skillName = match[2]!;
    const key = `${namespace}\u0000${skillName}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ namespace, segments: namespace.split(":"), skill_name: skillName, mention_text: match[0] });
  }
  return out;
}

/** The `$[ns].name` text of a namespace and a name. */
export function formatMention(namespace: string, skillName: string): string {
  return `$[${namespace}].${skillName}`;
}

/**
 * The strict single-token form of tool arguments: the trimmed argument must be exactly one mention.
 * Throws `SKILL_MENTION_FORMAT_INVALID` with `{mention, reason: "not_a_single_full_token"}`.
 */
export function parseStrictMention(argument: string): SkillMention {
  const token = argument.trim();
  const found = extractMentions(token);
  if (found.length === 1 && found[0]!.mention_text === token) return found[0]!;
  throw new SkillError(
    "SKILL_MENTION_FORMAT_INVALID",
    `Cannot use skill mention ${JSON.stringify(argument)}: expected exactly one mention such as $[namespace].skill_name and nothing else`,
    { details: { mention: argument, reason: "not_a_single_full_token" } },
  );
}
