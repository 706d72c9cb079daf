import { describe, expect, test } from "bun:test";
import { sha256Hex } from "../../util/canonical-json.ts";
import type { ChatMessage } from "../../llm/protocol.ts";
import {
  buildCompactionRequest,
  buildHandoffArtifact,
  buildHandoffSummary,
  clipMiddle,
  compactionNotice,
  handoffArtifactPath,
  isHandoffSummary,
  rebuildHistoryAfterCompaction,
  renderTranscript,
  TOOL_OUTPUT_CLIP_CHARS,
  TRANSCRIPT_SEPARATOR,
} from "./compaction.ts";

const callMessage: ChatMessage = {
  role: "assistant",
  content: "Running the tests.",
  tool_calls: [{ id: "c1", type: "function", function: { name: "shell_exec", arguments: '{"argv":["bun","test"]}' } }],
};
const toolMessage = (stdout: string): ChatMessage => ({
  role: "tool",
  tool_call_id: "c1",
  content: JSON.stringify({ ok: false, stdout, stderr: "boom", error_kind: "exit_code" }),
});

describe("clipMiddle", () => {
  test("returns short text unchanged", () => {
    expect(clipMiddle("hello", 10)).toBe("hello");
  });

  test("keeps the head third and the tail around a marker line, within the cap", () => {
    const text = `${"h".repeat(500)}${"t".repeat(500)}`;
    const out = clipMiddle(text, 100);
    expect(out.length).toBe(100);
    const [head, tail] = out.split("\n...\n");
    expect(head).toBe("h".repeat(31));
    expect(tail).toBe("t".repeat(64));
  });

  test("truncates plainly with ... for caps of 50 or less", () => {
    const out = clipMiddle("x".repeat(80), 20);
    expect(out).toBe(`${"x".repeat(17)}...`);
  });

  test("never splits a surrogate pair", () => {
    const out = clipMiddle("😀".repeat(100), 101);
    expect(out.length).toBeLessThanOrEqual(101);
    expect(() => encodeURIComponent(out)).not.toThrow();
  });
});

describe("renderTranscript", () => {
  test("renders roles, tool calls and tool results as separated blocks", () => {
    const out = renderTranscript(
      [{ role: "system", content: "SYS" }, { role: "developer", content: "DEV" }, { role: "user", content: "hi" }, callMessage, toolMessage("out")],
      10_000,
    );
    const blocks = out.split(TRANSCRIPT_SEPARATOR);
    expect(blocks).toHaveLength(3);
    expect(blocks[0]).toBe("USER\nhi");
    expect(blocks[1]).toBe('ASSISTANT\nRunning the tests.\n[tool call c1] shell_exec {"argv":["bun","test"]}');
    expect(blocks[2]).toBe("TOOL RESULT tool_call_id=c1 ok=false error_kind=exit_code\nstdout:\nout\nstderr:\nboom");
    expect(out).not.toContain("SYS");
    expect(out).not.toContain("DEV");
  });

  test("clips each tool output to 800 chars", () => {
    const out = renderTranscript([callMessage, toolMessage("s".repeat(5000))], 100_000);
    const stdout = out.split("stdout:\n")[1]?.split("\nstderr:")[0] ?? "";
    expect(stdout.length).toBe(TOOL_OUTPUT_CLIP_CHARS);
    expect(stdout).toContain("\n...\n");
  });

  test("shows a tool result that is not JSON as clipped raw content", () => {
    const out = renderTranscript([{ role: "tool", tool_call_id: "c9", content: "plain" }], 1000);
    expect(out).toBe("TOOL RESULT tool_call_id=c9\ncontent:\nplain");
  });

  test("caps the whole transcript", () => {
    const messages: ChatMessage[] = Array.from({ length: 200 }, (_, i) => ({ role: "user", content: `message ${i} ${"z".repeat(100)}` }));
    const out = renderTranscript(messages, 1000);
    expect(out.length).toBeLessThanOrEqual(1000);
    expect(out.startsWith("USER\nmessage 0 ")).toBe(true);
    expect(out.endsWith(`message 199 ${"z".repeat(100)}`)).toBe(true);
  });
});

describe("buildCompactionRequest", () => {
  test("sends two messages with the task and a capped transcript, no tools, temperature 0.2", () => {
    const history: ChatMessage[] = [{ role: "user", content: "x".repeat(50_000) }];
    const request = buildCompactionRequest({ task: "Fix the flaky test", history, turns: [callMessage], maxChars: 1000 });
    expect(request.messages.map((m) => m.role)).toEqual(["system", "user"]);
    expect(request.tools).toEqual([]);
    expect(request.temperature).toBe(0.2);
    expect(request.extra).toEqual({ purpose: "compaction" });
    expect(request.transcript.length).toBeLessThanOrEqual(1000);
    const user = request.messages[1]?.content as string;
    expect(user).toContain("Fix the flaky test");
    expect(user).toContain(request.transcript);
    expect(user.length).toBeLessThan(1000 + 1500);
    for (const section of ["Goal and scope", "Progress so far", "Key decisions", "Current state and blockers", "Next steps", "Risks"]) {
      expect(user).toContain(section);
    }
    expect(request.messages[0]?.content).toMatch(/secret/i);
  });

  test("does not substitute placeholders that appear inside the task", () => {
    const request = buildCompactionRequest({ task: "literal {{transcript}}", history: [], maxChars: 1000 });
    expect(request.messages[1]?.content).toContain("literal {{transcript}}");
  });
});

describe("handoff summary and artifact", () => {
  test("puts a two-line header before the trimmed model text", () => {
    const summary = buildHandoffSummary({ modelText: "\n  ## Goal\nship it  \n", transcript: "T" });
    const lines = summary.split("\n");
    expect(lines[0]).toMatch(/^\[.*\]$/);
    expect(lines[1]).toMatch(/^\[.*\]$/);
    expect(lines.slice(2).join("\n")).toBe("## Goal\nship it\n");
  });

  test("falls back to a marker and the transcript when the model gave nothing", () => {
    for (const modelText of [null, undefined, "   "]) {
      const summary = buildHandoffSummary({ modelText, transcript: "USER\nhello" });
      expect(summary).toContain("summarizer request failed");
      expect(summary.endsWith("USER\nhello\n")).toBe(true);
    }
  });

  test("names artifacts with a 3-digit 1-based index", () => {
    expect(handoffArtifactPath(1)).toBe("artifacts/001_handoff_summary.md");
    expect(handoffArtifactPath(12)).toBe("artifacts/012_handoff_summary.md");
    expect(() => handoffArtifactPath(0)).toThrow(RangeError);
  });

  test("reports length in code points and the sha256 of the summary", () => {
    const summary = "摘要😀\n";
    const artifact = buildHandoffArtifact(2, summary);
    expect(artifact).toEqual({
      path: "artifacts/002_handoff_summary.md",
      text: summary,
      summary_len: 4,
      summary_sha256: sha256Hex(summary),
    });
  });

  test("the notice counts compactions", () => {
    expect(compactionNotice(2)).toMatchObject({ kind: "context_compacted", count: 2 });
    expect(compactionNotice(2).message).toContain("2 times");
  });
});

describe("rebuildHistoryAfterCompaction", () => {
  const summary = buildHandoffSummary({ modelText: "progress", transcript: "" });
  const history: ChatMessage[] = [
    { role: "user", content: "u1" },
    { role: "assistant", content: "a1" },
  ];
  const turns: ChatMessage[] = [callMessage, toolMessage("out"), { role: "assistant", content: "a2" }];

  test("keeps the summary plus the last N user/assistant texts, split around the task", () => {
    const rebuilt = rebuildHistoryAfterCompaction({ history, turns, summary, keepLastMessages: 3 });
    expect(rebuilt.history).toEqual([{ role: "assistant", content: summary }, { role: "assistant", content: "a1" }]);
    expect(rebuilt.turns).toEqual([
      { role: "assistant", content: "Running the tests." },
      { role: "assistant", content: "a2" },
    ]);
  });

  test("keeps nothing but the summary when keep_last_messages is 0", () => {
    const rebuilt = rebuildHistoryAfterCompaction({ history, turns, summary, keepLastMessages: 0 });
    expect(rebuilt).toEqual({ history: [{ role: "assistant", content: summary }], turns: [] });
  });

  test("drops earlier handoff summaries and all tool traffic", () => {
    const older = buildHandoffSummary({ modelText: "older", transcript: "" });
    const rebuilt = rebuildHistoryAfterCompaction({
      history: [{ role: "assistant", content: older }, ...history],
      turns,
      summary,
      keepLastMessages: 10,
    });
    const all = [...rebuilt.history, ...rebuilt.turns];
    expect(all.filter(isHandoffSummary)).toHaveLength(1);
    expect(all.some((m) => m.role === "tool" || (m.role === "assistant" && m.tool_calls !== undefined))).toBe(false);
    expect(all).toHaveLength(5);
  });
});
