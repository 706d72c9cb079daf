/** Text helpers shared by the engine and the Studio UI (pure, dependency-free). */

/** Collapse whitespace runs to single spaces and trim (Python's `" ".join(s.split())`). */
export function collapseWhitespace(text: string): string {
  return text.split(/\s+/u).filter(Boolean).join(" ");
}
