import { describe, expect, test } from "bun:test";
import { applySuggestion, mentionAt, suggest, type CatalogSkill } from "./mentions.ts";

const skills: CatalogSkill[] = [
  { namespace: "web:mvp", name: "article-writer", description: "Write articles", enabled: true },
  { namespace: "web:mvp", name: "repo-stats", description: "Measure the repo", enabled: true },
  { namespace: "team:ops", name: "deploy", description: "Deploy", enabled: false },
];

describe("mention autocomplete", () => {
  test("`$[` offers namespaces first, then enabled skills", () => {
    const ctx = mentionAt("please use $[", 13)!;
    expect(ctx).toEqual({ start: 11, end: 13, stage: "namespace", namespace: "", partial: "" });
    const labels = suggest(ctx, skills).map((s) => s.label);
    expect(labels.slice(0, 2)).toEqual(["$[team:ops]", "$[web:mvp]"]);
    expect(labels).toContain("$[web:mvp].article-writer");
    expect(labels).not.toContain("$[team:ops].deploy");
  });

  test("after `$[ns].` only that namespace's skills match the typed prefix", () => {
    const text = "x $[web:mvp].re";
    const ctx = mentionAt(text, text.length)!;
    expect(ctx.stage).toBe("name");
    const suggestions = suggest(ctx, skills);
    expect(suggestions.map((s) => s.label)).toEqual(["$[web:mvp].repo-stats"]);
    expect(applySuggestion(text, ctx, suggestions[0]!)).toEqual({ text: "x $[web:mvp].repo-stats ", caret: 24 });
  });

  test("no context outside a mention or after whitespace", () => {
    expect(mentionAt("ps -p $PPID", 11)).toBeNull();
    expect(mentionAt("$[web mvp", 9)).toBeNull();
  });
});
