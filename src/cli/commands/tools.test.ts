import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli, startCli } from "../../../test/support/cli.ts";
import { TOOL_SUBCOMMANDS } from "./tools.ts";

const dirs: string[] = [];
function ws(): string {
  const d = mkdtempSync(join(tmpdir(), "sr-tools-"));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const ENV = { PATH: "/usr/bin:/bin", HOME: "/nonexistent-home" };
const HAS_BWRAP = Bun.which("bwrap", { PATH: ENV.PATH }) !== null;

/** Run `skills-runtime tools ...` in `root` and parse the JSON envelope. */
async function tools(root: string, argv: string[], env: Record<string, string> = ENV) {
  const r = await cli(["tools", ...argv], { cwd: root, env });
  let json: any = null;
  if (r.stdout.trim() !== "") json = JSON.parse(r.stdout);
  return { ...r, json, result: json?.result };
}

const patch = (...lines: string[]) => ["*** Begin Patch", ...lines, "*** End Patch"].join("\n");
const QUESTIONS = {
  questions: [
    { id: "env", header: "Target", question: "Which environment?", options: [{ label: "staging" }, { label: "prod" }] },
    { id: "note", header: "Note", question: "Anything else?" },
    { id: "count", header: "Count", question: "How many?" },
  ],
};

describe("tools help", () => {
  test("the group help lists every subcommand; none is marked as arriving later", async () => {
    const r = await cli(["tools", "--help"], { cwd: ws() });
    expect(r.code).toBe(0);
    for (const sub of TOOL_SUBCOMMANDS) expect(r.stdout).toMatch(new RegExp(`\\n  ${sub.name}\\s`));
    expect(r.stdout).toMatch(/exec-command .*runtime server/);
    expect(r.stdout).not.toMatch(/[Aa]rrives with/);
  });

  for (const sub of TOOL_SUBCOMMANDS) {
    test(`tools ${sub.name} --help shows usage, flags with defaults and an example`, async () => {
      const r = await cli(["tools", sub.name, "--help"], { cwd: ws() });
      expect(r.code).toBe(0);
      expect(r.stdout).toStartWith(`Usage: skills-runtime tools ${sub.name} `);
      expect(r.stdout).toContain("--workspace-root DIR");
      expect(r.stdout).toContain("--pretty");
      expect(r.stdout).toMatch(new RegExp(`Example:\\n  skills-runtime tools ${sub.name} `));
      if (sub.needsYes) expect(r.stdout).toContain("--yes");
    });
  }

  test("defaults of the reference appear in the help", async () => {
    const r = await cli(["tools", "list-dir", "--help"], { cwd: ws() });
    expect(r.stdout).toMatch(/--depth N .*\[default: 2\]/);
    expect(r.stdout).toMatch(/--limit N .*\[default: 25\]/);
  });

  test("an unknown subcommand and a missing required flag are usage errors (exit 2)", async () => {
    const root = ws();
    const unknown = await cli(["tools", "frob"], { cwd: root });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frob"');
    const missing = await tools(root, ["list-dir"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("needs --dir-path");
    expect(missing.stdout).toBe("");
    const stray = await tools(root, ["list-dir", "--dir-path", ".", "--", "extra"]);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain('unexpected argument "extra"');
    const both = await tools(root, ["update-plan", "--input", "{}", "--input-file", "x.json"]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("exactly one of --input or --input-file");
  });

  for (const sub of TOOL_SUBCOMMANDS.filter((s) => s.runtimeServer)) {
    test(`tools ${sub.name} --help says its state lives in the runtime server`, async () => {
      const r = await cli(["tools", sub.name, "--help"], { cwd: ws() });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("runtime server, started on demand");
      expect(r.stdout).not.toMatch(/[Aa]rrives with|exits 2/);
    });
  }
});

describe("tools backed by the runtime server", () => {
  const REQUIRED: Record<string, string[]> = {
    "exec-command": ["--cmd", "true"],
    "write-stdin": ["--session-id", "1"],
    "spawn-agent": ["--message", "hi"],
    "send-input": ["--id", "a", "--message", "hi"],
    "close-agent": ["--id", "a"],
    "resume-agent": ["--id", "a"],
  };
  for (const [name, flags] of Object.entries(REQUIRED)) {
    test(`tools ${name} without --yes is human_required (26) and starts no server`, async () => {
      const root = ws();
      const r = await tools(root, [name, ...flags]);
      expect(r.code).toBe(26);
      expect(r.result).toMatchObject({ ok: false, error_kind: "human_required", stderr: "--yes is required for this operation" });
      expect(existsSync(join(root, ".skills_runtime_sdk/runtime/server.json"))).toBe(false);
    });
  }

  test("missing required flags are usage errors (exit 2)", async () => {
    const root = ws();
    expect((await tools(root, ["exec-command", "--yes"])).stderr).toContain("needs --cmd");
    expect((await tools(root, ["wait"])).code).toBe(2);
    expect((await tools(root, ["send-input", "--id", "a", "--yes"])).stderr).toContain("needs --message");
  });

  test("a session started by exec-command is written to by a later write-stdin call, then the server stops", async () => {
    const root = ws();
    try {
      const started = await tools(root, ["exec-command", "--cmd", 'read x; echo "got:$x"', "--yield-time-ms", "200", "--yes"]);
      expect(started.code).toBe(0);
      expect(started.result.data).toMatchObject({ session_id: 1, running: true });
      const answered = await tools(root, ["write-stdin", "--session-id", "1", "--chars", "42\r", "--yield-time-ms", "2000", "--yes"]);
      expect(answered.code).toBe(0);
      expect(answered.result.stdout).toContain("got:42");
      const waited = await tools(root, ["wait", "--ids", "nope"]);
      expect(waited.code).toBe(20);
      expect(waited.result.stderr).toContain("unknown ids");
      const spawned = await tools(root, ["spawn-agent", "--message", "x", "--fake-script", "missing.yaml", "--yes"]);
      expect(spawned.code).toBe(22);
      expect(spawned.result.stderr).toContain('Cannot read fake script "missing.yaml"');
    } finally {
      const stopped = await cli(["runtime", "stop", "--workspace-root", root], { cwd: root, env: ENV });
      expect(stopped.stderr).toContain("Stopped the runtime server");
    }
  });
});

describe("tools envelope and bootstrap", () => {
  test("list-dir prints {tool, result, stats} on one line", async () => {
    const root = ws();
    writeFileSync(join(root, "a.txt"), "x");
    mkdirSync(join(root, "sub"));
    const r = await tools(root, ["list-dir", "--dir-path", "."]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
    expect(Object.keys(r.json)).toEqual(["tool", "result", "stats"]);
    expect(r.json.tool).toBe("list_dir");
    expect(r.result.ok).toBe(true);
    expect(r.result.data.entries.map((e: any) => e.rel_path)).toEqual(["a.txt", "sub"]);
    expect(r.json.stats).toEqual({ workspace_root: root, overlay_paths: [], env_file: null });
  });

  test("--pretty indents the JSON with two spaces", async () => {
    const r = await tools(ws(), ["list-dir", "--dir-path", ".", "--pretty"]);
    expect(r.stdout).toStartWith('{\n  "tool": "list_dir",\n  "result": {\n    "ok": true,');
  });

  test("an invalid workspace root is a validation result (exit 20)", async () => {
    const root = ws();
    const r = await tools(root, ["list-dir", "--dir-path", ".", "--workspace-root", "missing"]);
    expect(r.code).toBe(20);
    expect(r.result).toMatchObject({ ok: false, error_kind: "validation", stderr: "workspace_root is invalid" });
    expect(r.json.stats.workspace_root).toBe(join(root, "missing"));
  });

  test("overlays and .env are reported, and the loaded config is applied", async () => {
    const root = ws();
    mkdirSync(join(root, "config"));
    // A restricted default and a bwrap that does not exist: fail closed, saying why.
    writeFileSync(join(root, "config/runtime.yaml"), "sandbox:\n  default_policy: restricted\n  os:\n    mode: bubblewrap\n    bubblewrap:\n      bwrap_path: /nonexistent/bwrap\n");
    writeFileSync(join(root, ".env"), "GREETING=from-dotenv\n");
    const r = await tools(root, ["shell", "--yes", "--", "echo", "hi"]);
    expect(r.json.stats).toEqual({ workspace_root: root, overlay_paths: [join(root, "config/runtime.yaml")], env_file: join(root, ".env") });
    expect(r.code).toBe(24);
    expect(r.result.error_kind).toBe("sandbox_denied");
    expect(r.result.stderr).toContain("Fix:");
    expect(r.result.data.sandbox).toEqual({ requested: "inherit", effective: "restricted", adapter: null, active: false, profile: "dev" });
  });

  test("child processes see .env values but not credentials", async () => {
    const root = ws();
    writeFileSync(join(root, ".env"), "GREETING=from-dotenv\nOPENAI_API_KEY=sk-dotenv-secret\n");
    const r = await tools(root, ["shell-command", "--yes", "--command", 'echo "$GREETING:${OPENAI_API_KEY:-unset}"']);
    expect(r.code).toBe(0);
    expect(r.result.stdout).toBe("from-dotenv:unset\n");
    const off = await tools(root, ["shell-command", "--yes", "--no-dotenv", "--command", 'echo "${GREETING:-unset}"']);
    expect(off.result.stdout).toBe("unset\n");
    expect(off.json.stats.env_file).toBeNull();
  });

  test("a .env that cannot be loaded is reported as dotenv_error and the call goes on", async () => {
    const root = ws();
    const r = await tools(root, ["list-dir", "--dir-path", "."], { ...ENV, SKILLS_RUNTIME_SDK_ENV_FILE: "nope.env" });
    expect(r.code).toBe(0);
    expect(r.json.stats.dotenv_error).toContain("env file not found");
  });

  test("a broken config stops the call with a validation result (exit 20)", async () => {
    const root = ws();
    writeFileSync(join(root, "bad.yaml"), "safety:\n  mode: sometimes\n");
    const r = await tools(root, ["list-dir", "--dir-path", ".", "--config", "bad.yaml"]);
    expect(r.code).toBe(20);
    expect(r.result.stderr).toContain('safety.mode: expected one of allow|ask|deny, got "sometimes"');
    expect(r.json.stats.overlay_paths).toEqual([join(root, "bad.yaml")]);
  });
});

describe("tools file subcommands", () => {
  test("list-dir: missing 22, outside the workspace 21, a file 20", async () => {
    const root = ws();
    writeFileSync(join(root, "f.txt"), "x");
    expect((await tools(root, ["list-dir", "--dir-path", "nope"])).code).toBe(22);
    const escape = await tools(root, ["list-dir", "--dir-path", ".."]);
    expect(escape.code).toBe(21);
    expect(escape.result.error_kind).toBe("permission");
    expect((await tools(root, ["list-dir", "--dir-path", "f.txt"])).code).toBe(20);
  });

  test("grep-files finds matching files under --include", async () => {
    const root = ws();
    writeFileSync(join(root, "a.md"), "TODO: one\n");
    writeFileSync(join(root, "b.txt"), "TODO: two\n");
    const r = await tools(root, ["grep-files", "--pattern", "TODO", "--include", "*.md"]);
    expect(r.code).toBe(0);
    expect(r.json.tool).toBe("grep_files");
    expect(r.result.data.files).toEqual([join(root, "a.md")]);
  });

  test("read-file reads a slice and an indentation block; missing is 22", async () => {
    const root = ws();
    writeFileSync(join(root, "m.py"), "def f():\n    a = 1\n    return a\n\ndef g():\n    pass\n");
    const slice = await tools(root, ["read-file", "--file-path", "m.py", "--offset", "2", "--limit", "1"]);
    expect(slice.code).toBe(0);
    expect(slice.result.stdout).toBe("L2:     a = 1\n");
    const block = await tools(root, ["read-file", "--file-path", "m.py", "--mode", "indentation", "--anchor-line", "2", "--include-header"]);
    expect(block.code).toBe(0);
    expect(block.result.stdout).toContain("L1: def f():");
    expect(block.result.stdout).not.toContain("def g");
    expect((await tools(root, ["read-file", "--file-path", "none.py"])).code).toBe(22);
  });

  test("file-read returns the content; outside the workspace is 21", async () => {
    const root = ws();
    writeFileSync(join(root, "r.txt"), "hello\n");
    const r = await tools(root, ["file-read", "--path", "r.txt"]);
    expect(r.code).toBe(0);
    expect(r.result.stdout).toBe("hello\n");
    expect((await tools(root, ["file-read", "--path", "/etc/hostname"])).code).toBe(21);
  });

  test("file-write needs --yes (26, nothing written), then writes", async () => {
    const root = ws();
    const refused = await tools(root, ["file-write", "--path", "out/n.txt", "--content", "new"]);
    expect(refused.code).toBe(26);
    expect(refused.result).toMatchObject({ ok: false, error_kind: "human_required", stderr: "--yes is required for this operation", data: { tool: "file_write" } });
    expect(existsSync(join(root, "out/n.txt"))).toBe(false);
    const r = await tools(root, ["file-write", "--path", "out/n.txt", "--content", "new", "--yes"]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(root, "out/n.txt"), "utf8")).toBe("new");
    writeFileSync(join(root, "src.txt"), "from file");
    await tools(root, ["file-write", "--path", "copy.txt", "--content-file", "src.txt", "--yes"]);
    expect(readFileSync(join(root, "copy.txt"), "utf8")).toBe("from file");
  });

  test("view-image returns base64 and MIME type; a missing image is 22", async () => {
    const root = ws();
    const png = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
    writeFileSync(join(root, "i.png"), png);
    const r = await tools(root, ["view-image", "--path", "i.png"]);
    expect(r.code).toBe(0);
    expect(r.result.data).toMatchObject({ mime: "image/png", base64: png.toString("base64"), bytes: png.length });
    expect((await tools(root, ["view-image", "--path", "none.png"])).code).toBe(22);
  });
});

describe("tools apply-patch", () => {
  test("without --yes it refuses with the reference's message (26) and changes nothing", async () => {
    const root = ws();
    writeFileSync(join(root, "a.txt"), "one\n");
    const r = await tools(root, ["apply-patch", "--input", patch("*** Delete File: a.txt")]);
    expect(r.code).toBe(26);
    expect(r.result).toMatchObject({
      error_kind: "human_required",
      stderr: "apply_patch is a write operation; require explicit --yes",
      data: { requires_approval: true },
    });
    expect(existsSync(join(root, "a.txt"))).toBe(true);
  });

  test("--input and --input-file apply a patch", async () => {
    const root = ws();
    writeFileSync(join(root, "a.txt"), "one\ntwo\n");
    const r = await tools(root, ["apply-patch", "--yes", "--input", patch("*** Update File: a.txt", "@@", " one", "-two", "+TWO")]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(root, "a.txt"), "utf8")).toBe("one\nTWO\n");
    writeFileSync(join(root, "p.patch"), patch("*** Add File: b.txt", "+bee"));
    expect((await tools(root, ["apply-patch", "--yes", "--input-file", "p.patch"])).code).toBe(0);
    expect(readFileSync(join(root, "b.txt"), "utf8")).toBe("bee\n");
  });

  test("--input-file: outside the workspace 21 (also via a symlink), missing 22, a directory 20", async () => {
    const root = ws();
    const outside = ws();
    writeFileSync(join(outside, "evil.patch"), patch("*** Add File: pwned.txt", "+x"));
    symlinkSync(outside, join(root, "link"));
    mkdirSync(join(root, "d"));
    for (const path of [join(outside, "evil.patch"), "../" + outside.split("/").pop() + "/evil.patch", "link/evil.patch"]) {
      const r = await tools(root, ["apply-patch", "--yes", "--input-file", path]);
      expect(r.code).toBe(21);
      expect(r.result.error_kind).toBe("permission");
    }
    expect(existsSync(join(root, "pwned.txt"))).toBe(false);
    const missing = await tools(root, ["apply-patch", "--yes", "--input-file", "nope.patch"]);
    expect(missing.code).toBe(22);
    expect(missing.result.stderr).toBe(`input file not found: ${join(root, "nope.patch")}`);
    const dir = await tools(root, ["apply-patch", "--yes", "--input-file", "d"]);
    expect(dir.code).toBe(20);
    expect(dir.result.stderr).toBe("input file must be a file");
  });

  test("a patch that does not apply is a validation result", async () => {
    const r = await tools(ws(), ["apply-patch", "--yes", "--input", "not a patch"]);
    expect(r.code).toBe(20);
  });
});

describe("tools shell and shell-command", () => {
  test("shell without --yes answers human_required (26) and runs nothing", async () => {
    const root = ws();
    const r = await tools(root, ["shell", "--", "touch", "ran"]);
    expect(r.code).toBe(26);
    expect(r.result).toMatchObject({ error_kind: "human_required", stderr: "--yes is required for this operation", data: { tool: "shell" } });
    expect(existsSync(join(root, "ran"))).toBe(false);
  });

  test("shell --yes -- argv runs the program in the workspace", async () => {
    const root = ws();
    const r = await tools(root, ["shell", "--yes", "--", "sh", "-c", "echo hi; pwd"]);
    expect(r.code).toBe(0);
    expect(r.result).toMatchObject({ ok: true, stdout: `hi\n${root}\n`, exit_code: 0 });
    expect(r.result.data.sandbox).toMatchObject({ requested: "inherit", effective: "none", active: false, profile: "dev" });
  });

  test.skipIf(!HAS_BWRAP)(`--sandbox restricted runs the command inside bubblewrap${HAS_BWRAP ? "" : " (skipped: bwrap is not installed)"}`, async () => {
    const root = ws();
    const r = await tools(root, ["shell", "--yes", "--sandbox", "restricted", "--", "sh", "-c", "pwd; touch made-inside; touch /usr/sr-tools-test 2>/dev/null || echo denied"]);
    expect(r.code).toBe(0);
    expect(r.result.stdout).toBe("/work\ndenied\n");
    expect(existsSync(join(root, "made-inside"))).toBe(true);
    expect(existsSync("/usr/sr-tools-test")).toBe(false);
    expect(r.result.data.sandbox).toEqual({ requested: "restricted", effective: "restricted", adapter: "BubblewrapSandboxAdapter", active: true, profile: "dev" });
  });

  test("shell takes the command from the first non-flag argument, its own flags included", async () => {
    const r = await tools(ws(), ["shell", "--yes", "--timeout-ms", "5000", "echo", "--yes", "-n", "x"]);
    expect(r.code).toBe(0);
    expect(r.result.stdout).toBe("--yes -n x\n");
  });

  test("a non-zero exit is 23, a timeout 25, --sandbox restricted 24, --sandbox none 20, a workdir outside 21", async () => {
    const root = ws();
    const failed = await tools(root, ["shell", "--yes", "--", "sh", "-c", "exit 3"]);
    expect(failed.code).toBe(23);
    expect(failed.result).toMatchObject({ error_kind: "exit_code", exit_code: 3 });
    const slow = await tools(root, ["shell", "--yes", "--timeout-ms", "200", "--", "sleep", "5"]);
    expect(slow.code).toBe(25);
    expect(slow.result.error_kind).toBe("timeout");
    mkdirSync(join(root, "config"));
    writeFileSync(join(root, "config/runtime.yaml"), "sandbox:\n  os:\n    mode: none\n");
    const restricted = await tools(root, ["shell", "--yes", "--sandbox", "restricted", "--", "touch", "ran"]);
    expect(restricted.code).toBe(24);
    expect(restricted.result.stderr).toContain("Sandbox is required but no sandbox adapter is usable");
    expect(existsSync(join(root, "ran"))).toBe(false);
    expect((await tools(root, ["shell", "--yes", "--sandbox", "none", "--", "true"])).code).toBe(20);
    expect((await tools(root, ["shell", "--yes", "--workdir", "..", "--", "true"])).code).toBe(21);
    expect((await tools(root, ["shell", "--yes"])).code).toBe(20);
  });

  test("shell-command runs a command line with /bin/sh", async () => {
    const root = ws();
    mkdirSync(join(root, "sub"));
    const refused = await tools(root, ["shell-command", "--command", "true"]);
    expect(refused.code).toBe(26);
    expect(refused.result.data).toEqual({ tool: "shell_command" });
    const r = await tools(root, ["shell-command", "--yes", "--workdir", "sub", "--command", "echo a && echo b | tr b c"]);
    expect(r.code).toBe(0);
    expect(r.json.tool).toBe("shell_command");
    expect(r.result.stdout).toBe("a\nc\n");
  });

  test("cancelling the CLI cancels the command (27)", async () => {
    const run = startCli(["tools", "shell", "--yes", "--", "sleep", "10"], { cwd: ws(), env: ENV });
    await Bun.sleep(200);
    const started = performance.now();
    run.abort();
    expect(await run.code).toBe(27);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(JSON.parse(run.stdout()).result.error_kind).toBe("cancelled");
  });
});

describe("tools update-plan and request-user-input", () => {
  const PLAN = { plan: [{ step: "Write tests", status: "in_progress" }, { step: "Ship", status: "pending" }] };

  test("update-plan records the plan from --input or --input-file", async () => {
    const root = ws();
    const r = await tools(root, ["update-plan", "--input", JSON.stringify(PLAN)]);
    expect(r.code).toBe(0);
    expect(r.result.data.plan).toEqual(PLAN.plan);
    writeFileSync(join(root, "plan.json"), JSON.stringify({ ...PLAN, explanation: "why" }));
    const fromFile = await tools(root, ["update-plan", "--input-file", "plan.json"]);
    expect(fromFile.result.data.explanation).toBe("why");
  });

  test("update-plan: bad JSON, a non-object and bad arguments are 20; a missing file 22; outside 21", async () => {
    const root = ws();
    expect((await tools(root, ["update-plan", "--input", "{nope"])).code).toBe(20);
    const list = await tools(root, ["update-plan", "--input", "[]"]);
    expect(list.code).toBe(20);
    expect(list.result.stderr).toBe("input JSON root must be an object");
    expect((await tools(root, ["update-plan", "--input", '{"plan": []}'])).code).toBe(20);
    expect((await tools(root, ["update-plan", "--input-file", "none.json"])).code).toBe(22);
    expect((await tools(root, ["update-plan", "--input-file", "/etc/hostname"])).code).toBe(21);
  });

  test("request-user-input without --answers-json is human_required (26)", async () => {
    const r = await tools(ws(), ["request-user-input", "--input", JSON.stringify(QUESTIONS)]);
    expect(r.code).toBe(26);
    expect(r.result.error_kind).toBe("human_required");
  });

  test("--answers-json answers by question id; missing ids take the first option, else empty; values are stringified", async () => {
    const r = await tools(ws(), ["request-user-input", "--input", JSON.stringify(QUESTIONS), "--answers-json", '{"count": 3, "note": true}']);
    expect(r.code).toBe(0);
    expect(r.result.data.answers).toEqual([
      { id: "env", answer: "staging" },
      { id: "note", answer: "True" },
      { id: "count", answer: "3" },
    ]);
    const none = await tools(ws(), ["request-user-input", "--input", JSON.stringify(QUESTIONS), "--answers-json", '{"env": "prod"}']);
    expect(none.result.data.answers).toEqual([
      { id: "env", answer: "prod" },
      { id: "note", answer: "" },
      { id: "count", answer: "" },
    ]);
  });

  test("--answers-json that is not JSON or not an object is 20", async () => {
    const root = ws();
    const input = JSON.stringify(QUESTIONS);
    expect((await tools(root, ["request-user-input", "--input", input, "--answers-json", "{"])).code).toBe(20);
    const list = await tools(root, ["request-user-input", "--input", input, "--answers-json", '["a"]']);
    expect(list.code).toBe(20);
    expect(list.result.stderr).toBe("answers_json must be a JSON object");
  });
});

describe("tools web-search", () => {
  test("is disabled by default (20)", async () => {
    const r = await tools(ws(), ["web-search", "--q", "bun", "--recency", "7"]);
    expect(r.code).toBe(20);
    expect(r.result.data).toEqual({ disabled: true });
  });

  test("queries the provider configured in tools.web_search", async () => {
    let seen: URL | null = null;
    const server = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: (req) => {
        seen = new URL(req.url);
        return Response.json({ results: [{ title: "Bun", url: "https://bun.sh", snippet: "fast" }] });
      },
    });
    try {
      const root = ws();
      mkdirSync(join(root, "config"));
      writeFileSync(join(root, "config/runtime.yaml"), `tools:\n  web_search:\n    enabled: true\n    endpoint: http://127.0.0.1:${server.port}/search\n`);
      const r = await tools(root, ["web-search", "--q", "bun", "--limit", "3"]);
      expect(r.code).toBe(0);
      expect(r.result.data.results).toEqual([{ title: "Bun", url: "https://bun.sh", snippet: "fast" }]);
      expect(seen!.searchParams.get("q")).toBe("bun");
      expect(seen!.searchParams.get("limit")).toBe("3");
    } finally {
      server.stop(true);
    }
  });
});
