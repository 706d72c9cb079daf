/**
 * Mention autocomplete for the composer (pure). The grammar is the engine's `$[namespace].skill_name`
 * (src/skills/mentions.ts): typing `$[` offers the session's namespaces and skills; after `$[ns].`
 * it offers that namespace's skills. Accepting a suggestion replaces the fragment being typed.
 */

export interface MentionContext {
  /** Index of the `$` that starts the fragment. */
  start: number;
  /** Caret position (end of the fragment). */
  end: number;
  stage: "namespace" | "name";
  namespace: string;
  partial: string;
}

export interface CatalogSkill {
  namespace: string;
  name: string;
  description: string;
  enabled: boolean;
}

export interface Suggestion {
  kind: "namespace" | "skill";
  label: string;
  detail: string;
  /** Text replacing text[start, end). */
  insert: string;
  /** Keep the popup open after inserting (a namespace still needs its skill). */
  continues: boolean;
}

/** The mention fragment the caret is in, if any. */
export function mentionAt(text: string, caret: number): MentionContext | null {
  const before = text.slice(0, caret);
  const named = /\$\[([a-z0-9:-]+)\]\.([a-z0-9_-]*)$/.exec(before);
  if (named) return { start: named.index, end: caret, stage: "name", namespace: named[1]!, partial: named[2]! };
  const open = /\$\[([a-z0-9:-]*)$/.exec(before);
  if (open) return { start: open.index, end: caret, stage: "namespace", namespace: "", partial: open[1]! };
  return null;
}

function rank(value: string, partial: string): number {
  if (partial === "") return 1;
  if (value.startsWith(partial)) return 0;
  if (value.includes(partial)) return 1;
  return -1;
}

/** Suggestions for a context, best first (at most `limit`). */
export function suggest(context: MentionContext, skills: readonly CatalogSkill[], limit = 8): Suggestion[] {
  const out: { s: Suggestion; r: number }[] = [];
  if (context.stage === "namespace") {
    const namespaces = [...new Set(skills.map((s) => s.namespace))].sort();
    for (const ns of namespaces) {
      const r = rank(ns, context.partial);
      if (r >= 0) out.push({ r, s: { kind: "namespace", label: `$[${ns}]`, detail: `${skills.filter((s) => s.namespace === ns).length} skills`, insert: `$[${ns}].`, continues: true } });
    }
    for (const skill of skills) {
      const r = Math.min(...[rank(skill.name, context.partial), rank(skill.namespace, context.partial)].filter((x) => x >= 0), 9);
      if (r < 9 && skill.enabled) out.push({ r: r + 0.5, s: skillSuggestion(skill) });
    }
  } else {
    for (const skill of skills) {
      if (skill.namespace !== context.namespace) continue;
      const r = rank(skill.name, context.partial);
      if (r >= 0) out.push({ r: skill.enabled ? r : r + 2, s: skillSuggestion(skill) });
    }
  }
  return out
    .sort((a, b) => a.r - b.r || a.s.label.localeCompare(b.s.label))
    .slice(0, limit)
    .map((x) => x.s);
}

function skillSuggestion(skill: CatalogSkill): Suggestion {
  return {
    kind: "skill",
    label: `$[${skill.namespace}].${skill.name}`,
    detail: `${skill.enabled ? "" : "(disabled) "}${skill.description}`,
    insert: `$[${skill.namespace}].${skill.name} `,
    continues: false,
  };
}

/** The text and caret after accepting `suggestion` in `context`. */
export function applySuggestion(text: string, context: MentionContext, suggestion: Suggestion): { text: string; caret: number } {
  const after = text.slice(context.end);
  const insert = suggestion.insert.endsWith(" ") && after.startsWith(" ") ? suggestion.insert.slice(0, -1) : suggestion.insert;
  return { text: text.slice(0, context.start) + insert + after, caret: context.start + insert.length };
}
