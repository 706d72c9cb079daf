/**
 * The pieces of the mention grammar (spec 7.3) that name rules need, dependency-free so the Studio
 * UI validates names with the engine's own patterns (src/skills/mentions.ts builds the full
 * mention scanner from them).
 *
 *   SEG  = [a-z0-9] [a-z0-9-]{0,62} [a-z0-9]      2..64 chars
 *   NS   = SEG (":" SEG){0,6}                     1..7 segments
 *   NAME = [a-z0-9] [a-z0-9_-]{0,62} [a-z0-9]     2..64 chars
 */
export const SEGMENT_PATTERN = "[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])";
export const NAMESPACE_PATTERN = `${SEGMENT_PATTERN}(?::${SEGMENT_PATTERN}){0,6}`;
export const NAME_PATTERN = "[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])";

const SEGMENT_RE = new RegExp(`^${SEGMENT_PATTERN}$`);
const NAMESPACE_RE = new RegExp(`^${NAMESPACE_PATTERN}$`);
const NAME_RE = new RegExp(`^${NAME_PATTERN}$`);

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
