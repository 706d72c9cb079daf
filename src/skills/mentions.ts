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

const SEGMENT = "[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])";
const NAMESPACE = `${SEGMENT}(?::${SEGMENT}){0,6}`;
const NAME = "[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])";

const MENTION_RE = new RegExp(`\\$\\[(${NAMESPACE})\\]\\.(${NAME})`, "g");
const SEGMENT_RE = new RegExp(`^${SEGMENT}$`);
const NAMESPACE_RE = new RegExp(`^${NAMESPACE}$`);
const NAME_RE = new RegExp(`^${NAME}$`);

/** The reference's mention object. */
export const SkillMention = z.object({
  namespace: z.string(),
  segments: z.array(z.string()),
  skill_name: z.string(),
  mention_text: z.string(),
});
export type SkillMention = z.infer<typeof SkillMention>;

/** A namespace segment: 2..64 chars of [a-z0-9-], letter or digit at both ends. */
export function isValidSegment(value: string): boolean {
  return SEGMENT_RE.test(value);
}

/** A namespace: 1..7 valid segments joined by `:`. */
export function isValidNamespace(value: string): boolean {
  return NAMESPACE_RE.test(value);
}

/** A skill name: 2..64 chars of [a-z0-9_-], letter or digit at both ends. */
export function isValidSkillName(value: string): boolean {
  return NAME_RE.test(value);
}

export const SKILL_NAME_RULE = "2..64 characters of [a-z0-9_-], starting and ending with a lowercase letter or digit";
export const NAMESPACE_RULE =
  "1..7 segments joined by ':', each 2..64 characters of [a-z0-9-] starting and ending with a lowercase letter or digit";

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
