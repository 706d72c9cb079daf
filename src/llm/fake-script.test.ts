import { describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDirs } from "../../test/support/tool-context.ts";
import { ConfigError } from "../util/errors.ts";
import { FakeChatBackend } from "./fake-backend.ts";
import { defaultFakeScript, fakeScriptFormatFromPath, loadFakeScript, readFakeScriptFile } from "./fake-script.ts";

const tempDir = tempDirs("sr-fake-script-");

describe("loadFakeScript", () => {
  test("reads a YAML script with tool calls, shorthand text and usage", () => {
    const calls = loadFakeScript(
      [
        "calls:",
        "  - events:",
        "      - type: tool_calls",
        "        tool_calls:",
        "          - name: file_write",
        "            arguments: { path: hello.txt, content: hi }",
        "          - name: shell_command",
        "            raw_arguments: 'not json'",
        "          - call_id: mine",
        "            name: list_dir",
        "      - type: usage",
        "        input_tokens: 5",
        "        output_tokens: 1",
        "      - type: completed",
        "        finish_reason: tool_calls",
        "  - text: done",
      ].join("\n"),
      "yaml",
    );
    expect(calls).toEqual([
      {
        events: [
          {
            type: "tool_calls",
            tool_calls: [
              { call_id: "fake-call-1", name: "file_write", raw_arguments: '{"path":"hello.txt","content":"hi"}' },
              { call_id: "fake-call-2", name: "shell_command", raw_arguments: "not json" },
              { call_id: "mine", name: "list_dir", raw_arguments: "" },
            ],
          },
          { type: "usage", usage: { input_tokens: 5, output_tokens: 1, total_tokens: 6 }, provider: "fake" },
          { type: "completed", finish_reason: "tool_calls" },
        ],
      },
      { events: [{ type: "text_delta", text: "done" }, { type: "completed", finish_reason: "stop" }] },
    ]);
    expect(() => new FakeChatBackend(calls)).not.toThrow();
  });

  test("reads a JSON bare list with error, wait and retry steps", () => {
    const calls = loadFakeScript(
      JSON.stringify([
        { events: [{ type: "retry", payload: { attempt: 0 } }, { type: "wait", ms: 5 }, { type: "error", kind: "server_error", status_code: 503 }] },
      ]),
      "json",
    );
    expect(calls[0]?.events.map((e) => e.type)).toEqual(["retry", "wait", "error"]);
  });

  test("names the problem and where it is", () => {
    expect(() => loadFakeScript("calls: [ {events: [ {type: text_delta} ] } ]", "yaml")).toThrow(
      /Cannot read the fake backend script: .* at "calls\.0\.events\.0\.text"/,
    );
    expect(() => loadFakeScript("{", "json")).toThrow(ConfigError);
    expect(() => loadFakeScript("calls: [{events: [], extra: 1}]", "yaml")).toThrow(ConfigError);
    expect(() => loadFakeScript("calls: [{events: [{type: text_delta, text: a, typo: 1}]}]", "yaml")).toThrow(ConfigError);
  });
});

describe("defaultFakeScript and format", () => {
  test("the default script answers once, echoing the task", () => {
    const calls = defaultFakeScript("  write a haiku ");
    expect(calls).toHaveLength(1);
    expect(calls[0]?.events[0]).toMatchObject({ type: "text_delta" });
    expect(JSON.stringify(calls)).toContain('You asked: \\"write a haiku\\"');
  });

  test("infers the format from the file name", () => {
    expect(fakeScriptFormatFromPath("s.json")).toBe("json");
    expect(fakeScriptFormatFromPath("s.yaml")).toBe("yaml");
    expect(fakeScriptFormatFromPath("s.yml")).toBe("yaml");
  });
});

describe("readFakeScriptFile", () => {
  test("reads a YAML or JSON file relative to cwd", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "s.yaml"), "- text: scripted hello\n");
    writeFileSync(join(dir, "s.json"), JSON.stringify({ calls: [{ text: "from json" }] }));
    expect(readFakeScriptFile("s.yaml", dir)).toEqual([
      { events: [{ type: "text_delta", text: "scripted hello" }, { type: "completed", finish_reason: "stop" }] },
    ]);
    expect(readFakeScriptFile(join(dir, "s.json"), "/")[0]?.events[0]).toEqual({ type: "text_delta", text: "from json" });
  });

  test("names the file and the problem", () => {
    const dir = tempDir();
    mkdirSync(join(dir, "folder.yaml"));
    writeFileSync(join(dir, "empty.yaml"), "\n");
    writeFileSync(join(dir, "none.yaml"), "calls: []\n");
    writeFileSync(join(dir, "bad.json"), "[{");
    writeFileSync(join(dir, "wrong.yaml"), "- events: [{type: text_delta}]\n");
    const cases: [string, RegExp][] = [
      ["missing.yaml", /^Cannot read fake script "missing\.yaml": file not found \(.*missing\.yaml\)$/],
      ["folder.yaml", /^Cannot read fake script "folder\.yaml": it is a directory/],
      ["empty.yaml", /^Cannot read fake script "empty\.yaml": the file is empty/],
      ["none.yaml", /^Cannot read fake script "none\.yaml": it has no calls/],
      ["bad.json", /^Cannot read fake script "bad\.json": it is not valid JSON/],
      ["wrong.yaml", /^Cannot read fake script "wrong\.yaml": .* at "calls\.0\.events\.0\.text"$/],
    ];
    for (const [file, message] of cases) {
      let error: unknown;
      try {
        readFakeScriptFile(file, dir);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(message);
    }
  });
});
