import { describe, expect, test } from "bun:test";
import { isSkillError } from "./issues.ts";
import { extractMentions, isValidNamespace, isValidSegment, isValidSkillName, parseStrictMention } from "./mentions.ts";

/** Compact form of an extraction: `ns.name` per mention, in order. */
function keys(text: string): string[] {
  return extractMentions(text).map((m) => `${m.namespace}.${m.skill_name}`);
}

const s64 = `a${"b".repeat(62)}c`; // 64 chars
const s65 = `a${"b".repeat(63)}c`; // 65 chars

// [case name, input text, expected `namespace.name` list]
const SPEC_EXAMPLES: [string, string, string[]][] = [
  ["two segments in a sentence", "use $[alice:engineering].python_testing", ["alice:engineering.python_testing"]],
  ["one segment", "$[alice].python_testing", ["alice.python_testing"]],
  ["seven segments", "$[a0:b1:c2:d3:e4:f5:g6].x1", ["a0:b1:c2:d3:e4:f5:g6.x1"]],
  ["seven segments, long name", "$[a0:b1:c2:d3:e4:f5:g6].article_writer", ["a0:b1:c2:d3:e4:f5:g6.article_writer"]],
  ["eight segments", "$[a0:b1:c2:d3:e4:f5:g6:h7].article_writer", []],
  ["segment of 1 char (with 1-char name)", "$[a:bb].x", []],
  ["segment of 1 char", "$[a:bb].x1", []],
  ["second segment of 1 char", "$[alice:e].x", []],
  ["second segment of 1 char, valid name", "$[alice:e].x1", []],
  ["name of 1 char", "$[alice:engineering].a", []],
  ["uppercase in namespace", "$[AlicE:engineering].x", []],
  ["uppercase in namespace, valid name", "$[AlicE:engineering].x1", []],
  ["no dot", "$[alice:engineering]python_testing", []],
  ["space inside the name", "$[alice:engineering].python testing", ["alice:engineering.python"]],
  ["colon inside the name", "$[alice:engineering].python:testing", ["alice:engineering.python"]],
  ["bracket inside the name", "$[alice:engineering].python]testing", []],
  ["bare dollar name", "$python_testing", []],
  ["escaped dollar", "\\$python_testing", []],
  ["shell variable", "$PATH", []],
  ["shell pid variable", "ps -p $PPID", []],
  ["markdown link", "[$x](./y)", []],
  ["Chinese text around", "请使用$[alice:engineering].python_testing来测试", ["alice:engineering.python_testing"]],
  ["two comma-separated", "$[alice:engineering].python_testing,$[alice:engineering].redis_cache", ["alice:engineering.python_testing", "alice:engineering.redis_cache"]],
  ["segment order matters", "$[a0:b1].n1 and $[b1:a0].n1", ["a0:b1.n1", "b1:a0.n1"]],
  ["bracket typo guard", "use $[a0:b1].python_testing] and $[a0:b1].redis_cache", ["a0:b1.redis_cache"]],
  ["de-duplicated, first seen order", "A $[x1:y1].s1 B $[x1:y1].s1 C $[x1:y1].s2", ["x1:y1.s1", "x1:y1.s2"]],
  ["inside backticks", "run `$[web:mvp].demo_skill` now", ["web:mvp.demo_skill"]],
];

const OUR_EXAMPLES: [string, string, string[]][] = [
  ["empty text", "", []],
  ["plain text", "no mentions here", []],
  ["at the very end", "finish with $[ab].cd", ["ab.cd"]],
  ["at the very start", "$[ab].cd then text", ["ab.cd"]],
  ["accented letter right after the name stops it", "$[ab].cdé", ["ab.cd"]],
  ["accented letter right before the dollar", "é$[ab].cd", ["ab.cd"]],
  ["emoji neighbours", "🚀$[ab].cd🚀", ["ab.cd"]],
  ["no-break space after the name", "$[ab].cd\u00a0next", ["ab.cd"]],
  ["CJK right after the name", "$[web:mvp].article_writer技能", ["web:mvp.article_writer"]],
  ["Cyrillic look-alike letter in the namespace", "$[\u0430b].cd", []],
  ["fullwidth dollar sign", "\uff04[ab].cd", []],
  ["fullwidth digit ends the name", "$[ab].c\uff11", []],
  ["inside a fenced code block", "```\n$[ab].cd\n```", ["ab.cd"]],
  ["inside a markdown link label", "[$[ab].cd](x)", []],
  ["inside parentheses", "($[ab].cd)", ["ab.cd"]],
  ["64-char name", `$[ab].${s64}`, [`ab.${s64}`]],
  ["65-char name yields its 64-char prefix", `$[ab].${s65}`, [`ab.${s65.slice(0, 64)}`]],
  ["65-char name followed by ] keeps the prefix (the ] is not adjacent)", `$[ab].${s65}]`, [`ab.${s65.slice(0, 64)}`]],
  ["64-char segment", `$[${s64}].cd`, [`${s64}.cd`]],
  ["65-char segment", `$[${s65}].cd`, []],
  ["seven 64-char segments", `$[${Array(7).fill(s64).join(":")}].cd`, [`${Array(7).fill(s64).join(":")}.cd`]],
  ["eight 2-char segments", "$[aa:bb:cc:dd:ee:ff:gg:hh].cd", []],
  ["trailing ] right after the name", "$[ab].cd]", []],
  ["trailing ]] right after the name", "$[ab].cd]]", []],
  ["name ending in _ backtracks, then the ] is not adjacent", "$[ab].cd_]", ["ab.cd"]],
  ["name ending in - backtracks", "$[ab].cd-", ["ab.cd"]],
  ["name ending in a dot", "see $[ab].cd.", ["ab.cd"]],
  ["name that is one letter then _", "$[ab].c_", []],
  ["name starting with _", "$[ab]._cd", []],
  ["name starting with -", "$[ab].-cd", []],
  ["uppercase second letter of the name", "$[ab].cD", []],
  ["uppercase after two letters", "$[ab].cdE", ["ab.cd"]],
  ["underscore inside a segment", "$[ab_c].cd", []],
  ["segment ending in -", "$[ab-].cd", []],
  ["segment with an inner -", "$[a-b].cd", ["a-b.cd"]],
  ["empty segment", "$[ab::cd].ef", []],
  ["leading colon", "$[:ab].cd", []],
  ["trailing colon", "$[ab:].cd", []],
  ["space inside the brackets", "$[ ab].cd", []],
  ["space before the dot", "$[ab] .cd", []],
  ["newline between ] and .", "$[ab]\n.cd", []],
  ["double dollar", "$$[ab].cd", ["ab.cd"]],
  ["nested mention is dropped by the bracket guard", "$[$[ab].cd].ef", []],
  ["digits only", "$[12:34].56", ["12:34.56"]],
  ["same name in two namespaces", "$[ab].cd $[ef].cd", ["ab.cd", "ef.cd"]],
  ["order is first appearance, not sorted", "$[ab].zz then $[ab].aa", ["ab.zz", "ab.aa"]],
  ["a duplicate after a guarded typo is kept once", "$[ab].cd] $[ab].cd $[ab].cd", ["ab.cd"]],
  ["mention immediately after another", "$[ab].cd$[ab].ef", ["ab.cd", "ab.ef"]],
];

describe("extractMentions: every example of spec 7.3 / 15", () => {
  for (const [name, text, expected] of SPEC_EXAMPLES) {
    test(name, () => expect(keys(text)).toEqual(expected));
  }
});

describe("extractMentions: our own cases", () => {
  test("has at least 30 cases", () => expect(OUR_EXAMPLES.length).toBeGreaterThanOrEqual(30));
  for (const [name, text, expected] of OUR_EXAMPLES) {
    test(name, () => expect(keys(text)).toEqual(expected));
  }
});

describe("mention objects", () => {
  test("carry namespace, segments, skill_name and the exact mention text", () => {
    expect(extractMentions("see $[web:mvp:team-a].article_writer, now")).toEqual([
      { namespace: "web:mvp:team-a", segments: ["web", "mvp", "team-a"], skill_name: "article_writer", mention_text: "$[web:mvp:team-a].article_writer" },
    ]);
  });

  test("the mention text of a backtracked name excludes the dropped characters", () => {
    expect(extractMentions("$[ab].cd_-x")[0]?.mention_text).toBe("$[ab].cd_-x");
    expect(extractMentions("$[ab].cd_- x")[0]?.mention_text).toBe("$[ab].cd");
  });
});

describe("parseStrictMention", () => {
  test("accepts exactly one mention, trimmed", () => {
    expect(parseStrictMention("  $[web:mvp].article_writer \n").skill_name).toBe("article_writer");
  });

  for (const bad of ["", "article_writer", "use $[web:mvp].x1", "$[web:mvp].x1 please", "$[web:mvp].x1]", "$[web:mvp].x1 $[web:mvp].x1", "$[web:mvp].x1,$[web:mvp].y1", "$[Web].x1"]) {
    test(`rejects ${JSON.stringify(bad)} with SKILL_MENTION_FORMAT_INVALID`, () => {
      let error: unknown;
      try {
        parseStrictMention(bad);
      } catch (e) {
        error = e;
      }
      expect(isSkillError(error)).toBe(true);
      if (!isSkillError(error)) return;
      expect(error.code).toBe("SKILL_MENTION_FORMAT_INVALID");
      expect(error.details).toEqual({ mention: bad, reason: "not_a_single_full_token" });
      expect(error.toolKind).toBe("validation");
    });
  }
});

describe("slug checks", () => {
  test.each([
    ["ab", true],
    ["a", false],
    ["a-b", true],
    ["a_b", false],
    ["-ab", false],
    [s64, true],
    [s65, false],
  ])("segment %p -> %p", (value, ok) => expect(isValidSegment(value)).toBe(ok));

  test.each([
    ["web", true],
    ["web:mvp", true],
    ["Web", false],
    ["a0:b1:c2:d3:e4:f5:g6", true],
    ["a0:b1:c2:d3:e4:f5:g6:h7", false],
    ["web:", false],
  ])("namespace %p -> %p", (value, ok) => expect(isValidNamespace(value)).toBe(ok));

  test.each([
    ["article_writer", true],
    ["article-writer", true],
    ["x", false],
    ["Bad Name", false],
    ["pdf", true],
    ["name_", false],
  ])("skill name %p -> %p", (value, ok) => expect(isValidSkillName(value)).toBe(ok));
});
