/**
 * The fence under real bubblewrap (issue 5): every test runs commands through the real
 * `shell_exec` tool (registry dispatch, real ToolContext) with `sandbox: "restricted"` and the
 * adapter `createSandboxAdapter` picks here, and asserts what can be observed on the host: files
 * present or absent, file contents, a server's request count, live processes. Where it helps, the
 * same command run unsandboxed shows the opposite, so each test can fail.
 *
 * Skipped, with the reason in each test name, when bwrap is not installed (CI installs it).
 */
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { SandboxProfile } from "../../src/config/schema.ts";
import type { ToolResultPayload } from "../../src/events/tool-result.ts";
import { PROD_ETC_ENTRIES } from "../../src/sandbox/bwrap.ts";
import { createSandboxAdapter } from "../../src/sandbox/create.ts";
import { shellExecTool } from "../../src/tools/shell-exec.ts";
import { goneWithin, groupGoneWithin, killLeftovers } from "../support/processes.ts";
import { makeToolContext, registryWith, tempDirs, testConfig } from "../support/tool-context.ts";

const hasBwrap = Bun.which("bwrap") !== null;
const hasBash = Bun.which("bash") !== null;
const SKIP = hasBwrap ? "" : " (skipped: bwrap is not installed)";
const it = (name: string, fn: () => Promise<void>, timeoutMs = 15_000) => test.skipIf(!hasBwrap)(`${name}${SKIP}`, fn, timeoutMs);

const newDir = tempDirs("sr-fence-");
const registry = registryWith(shellExecTool);
const PATH = "/usr/local/bin:/usr/bin:/bin";

interface RunOptions {
  profile?: SandboxProfile;
  workspaceRoot?: string;
  sandbox?: "restricted" | "inherit";
  timeoutMs?: number;
  cwd?: string;
  env?: Record<string, string>;
  baseEnv?: Record<string, string>;
  runEnv?: Record<string, string>;
}

/** Run `script` with /bin/sh through shell_exec; `sandbox: "inherit"` with default_policy none runs it unsandboxed. */
async function sh(script: string, options: RunOptions = {}): Promise<ToolResultPayload> {
  const workspaceRoot = options.workspaceRoot ?? newDir();
  const profile = options.profile ?? "balanced";
  const config = testConfig({ sandbox: { profile, default_policy: "none" } });
  const selection = await createSandboxAdapter(config, { workspaceRoot, pathEnv: PATH });
  if (selection.adapter === null) throw new Error(`bwrap is installed but unusable here: ${selection.unavailable?.reason}`);
  const { ctx } = makeToolContext({
    workspaceRoot,
    config,
    sandboxAdapter: selection.adapter,
    baseEnv: options.baseEnv ?? { PATH },
    env: options.runEnv ?? {},
  });
  const args: Record<string, unknown> = { argv: ["/bin/sh", "-c", script], sandbox: options.sandbox ?? "restricted" };
  if (options.timeoutMs) args.timeout_ms = options.timeoutMs;
  if (options.cwd) args.cwd = options.cwd;
  if (options.env) args.env = options.env;
  return registry.dispatch("shell_exec", args, ctx);
}

const unsandboxed = (script: string, options: RunOptions = {}) => sh(script, { ...options, sandbox: "inherit" });

describe("bubblewrap fence: files", () => {
  it("writing inside the workspace works and lands in the host workspace", async () => {
    const ws = newDir();
    mkdirSync(join(ws, "sub"));
    const r = await sh("pwd; echo hello > inside.txt", { workspaceRoot: ws, cwd: "sub" });
    expect(r).toMatchObject({ ok: true, stdout: "/work/sub\n" });
    expect(r.data?.sandbox).toEqual({ requested: "restricted", effective: "restricted", adapter: "BubblewrapSandboxAdapter", active: true, profile: "balanced" });
    expect(readFileSync(join(ws, "sub", "inside.txt"), "utf8")).toBe("hello\n");
  });

  it("writing outside the workspace fails and the host file stays absent", async () => {
    const ws = newDir();
    const outside = newDir();
    const escape = join(dirname(ws), `escape-${Date.now()}.txt`);
    const script = `echo pwned > "${outside}/x.txt"; echo pwned > ../${escape.split("/").pop()}; echo pwned > /usr/pwned-by-sandbox`;
    const r = await sh(script, { workspaceRoot: ws });
    expect(r.ok).toBe(false);
    expect(r.stderr).toMatch(/No such file or directory|Read-only file system/);
    expect(existsSync(join(outside, "x.txt"))).toBe(false);
    expect(existsSync(escape)).toBe(false);
    expect(existsSync("/usr/pwned-by-sandbox")).toBe(false);
    // The same write unsandboxed reaches the host: the fence is what stopped it.
    expect((await unsandboxed(`echo ok > "${outside}/x.txt"`, { workspaceRoot: ws })).ok).toBe(true);
    expect(readFileSync(join(outside, "x.txt"), "utf8")).toBe("ok\n");
  });

  it("a symlink in the workspace that points outside cannot be used to write outside", async () => {
    const ws = newDir();
    const outside = newDir();
    writeFileSync(join(outside, "target.txt"), "original\n");
    symlinkSync(outside, join(ws, "out-dir"));
    symlinkSync(join(outside, "target.txt"), join(ws, "out-file"));
    symlinkSync("/etc", join(ws, "etc-link"));
    const r = await sh("echo pwned > out-dir/new.txt; echo pwned > out-file; echo pwned >> out-file; echo pwned > etc-link/pwned-by-sandbox; cat out-file", { workspaceRoot: ws });
    expect(r.ok).toBe(false);
    expect(r.stdout).toBe("");
    expect(existsSync(join(outside, "new.txt"))).toBe(false);
    expect(readFileSync(join(outside, "target.txt"), "utf8")).toBe("original\n");
    expect(existsSync("/etc/pwned-by-sandbox")).toBe(false);
  });

  it("the sandbox has its own empty /tmp: host temp files are invisible and writes there stay private", async () => {
    const hostTmp = newDir();
    writeFileSync(join(hostTmp, "host-secret.txt"), "host only\n");
    const r = await sh(`cat "${hostTmp}/host-secret.txt"; ls -A /tmp; echo private > /tmp/from-sandbox.txt; echo "HOME=$HOME"`);
    expect(r.stdout).toBe("home\nHOME=/tmp/home\n");
    expect(r.stderr).toContain("No such file or directory");
    expect(existsSync("/tmp/from-sandbox.txt")).toBe(false);
  });
});

describe("bubblewrap fence: workspace metadata under balanced", () => {
  function seedRepo(ws: string): void {
    mkdirSync(join(ws, ".git", "hooks"), { recursive: true });
    writeFileSync(join(ws, ".git", "config"), "[core]\n\tbare = false\n");
    mkdirSync(join(ws, "config"));
    writeFileSync(join(ws, "config", "runtime.yaml"), "sandbox:\n  profile: balanced\n");
  }
  const ATTACK = [
    "echo pwned >> .git/config",
    "echo 'curl evil' > .git/hooks/post-checkout",
    "echo 'sandbox: {default_policy: none}' > config/runtime.yaml",
    "mount -o remount,rw,bind /work/.git && echo pwned >> .git/config",
    "mv .git .git-moved",
    "rm -rf .git config",
    "echo still here",
  ].join("; ");

  it(".git and config/ are read-only: writes, hooks, remounts, renames and deletes all fail", async () => {
    const ws = newDir();
    seedRepo(ws);
    const r = await sh(ATTACK, { workspaceRoot: ws, profile: "balanced" });
    expect(r.stdout).toBe("still here\n");
    expect(r.stderr).toContain("Read-only file system");
    expect(readFileSync(join(ws, ".git", "config"), "utf8")).toBe("[core]\n\tbare = false\n");
    expect(existsSync(join(ws, ".git", "hooks", "post-checkout"))).toBe(false);
    expect(readFileSync(join(ws, "config", "runtime.yaml"), "utf8")).toBe("sandbox:\n  profile: balanced\n");
    expect(existsSync(join(ws, ".git-moved"))).toBe(false);
  });

  it("under dev the same workspace metadata is writable (the difference is the profile)", async () => {
    const ws = newDir();
    seedRepo(ws);
    const r = await sh("echo dev >> .git/config", { workspaceRoot: ws, profile: "dev" });
    expect(r.ok).toBe(true);
    expect(readFileSync(join(ws, ".git", "config"), "utf8")).toBe("[core]\n\tbare = false\ndev\n");
  });
});

describe("bubblewrap fence: secrets and environment", () => {
  it("a ~/.ssh key in a HOME outside the workspace cannot be read under prod", async () => {
    const home = newDir();
    mkdirSync(join(home, ".ssh"));
    writeFileSync(join(home, ".ssh", "id_rsa"), "-----BEGIN FAKE PRIVATE KEY-----\n");
    const baseEnv = { PATH, HOME: home };
    const script = `cat "$HOME/.ssh/id_rsa"; cat "${home}/.ssh/id_rsa"`;
    const r = await sh(script, { profile: "prod", baseEnv });
    expect(r.ok).toBe(false);
    expect(r.stdout).not.toContain("FAKE PRIVATE KEY");
    expect(r.stderr).toContain("No such file or directory");
    const control = await unsandboxed(script, { profile: "prod", baseEnv });
    expect(control.stdout).toContain("FAKE PRIVATE KEY");
  });

  it("prod shows only the allowlisted entries of /etc; balanced shows the host's /etc", async () => {
    const prod = await sh("ls -A /etc", { profile: "prod" });
    const shown = prod.stdout.trim().split("\n");
    const allowedTop = new Set(PROD_ETC_ENTRIES.map((e) => e.split("/")[0]));
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.filter((name) => !allowedTop.has(name))).toEqual([]);
    const balanced = await sh("ls -A /etc | wc -l", { profile: "balanced" });
    expect(Number(balanced.stdout.trim())).toBe(readdirSync("/etc").length);
  });

  it("only allowlisted host variables reach the command; the call's and the run's own variables do", async () => {
    const r = await sh('echo "[$SECRET_THING][$SSH_AUTH_SOCK][$RUN_VAR][$CALL_VAR][$LANG][$TMPDIR]"', {
      baseEnv: { PATH, SECRET_THING: "host-secret", SSH_AUTH_SOCK: "/run/agent.sock", LANG: "C.UTF-8" },
      runEnv: { RUN_VAR: "from-run" },
      env: { CALL_VAR: "from-call" },
    });
    expect(r.stdout).toBe("[][][from-run][from-call][C.UTF-8][/tmp]\n");
  });
});

describe("bubblewrap fence: network and processes", () => {
  const hits: string[] = [];
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: (req) => (hits.push(req.url), new Response("pong\n")) });
  afterAll(() => server.stop(true));
  const connect = `exec 3<>/dev/tcp/127.0.0.1/${server.port} && printf "GET /probe HTTP/1.0\\r\\nHost: x\\r\\n\\r\\n" >&3 && cat <&3`;

  test.skipIf(!hasBwrap || !hasBash)(`a TCP connection to 127.0.0.1 fails with unshare_net; unsandboxed it succeeds${hasBwrap ? (hasBash ? "" : " (skipped: bash is not installed)") : SKIP}`, async () => {
    const script = `bash -c '${connect}'`;
    const before = hits.length;
    const r = await sh(script);
    expect(r.ok).toBe(false);
    expect(r.stderr).toMatch(/Network is unreachable|Connection refused|Cannot assign requested address/);
    expect(r.stdout).not.toContain("pong");
    expect(hits.length).toBe(before);
    const control = await unsandboxed(script);
    expect(control.stdout).toContain("pong");
    expect(hits.length).toBe(before + 1);
  });

  it("host processes are invisible: the test's own pid is absent from /proc inside", async () => {
    const script = "for p in /proc/[0-9]*; do echo ${p#/proc/}; done";
    const inside = (await sh(script)).stdout.trim().split("\n").map(Number);
    expect(inside).not.toContain(process.pid);
    expect(inside.length).toBeLessThanOrEqual(5);
    const outside = (await unsandboxed(script)).stdout.trim().split("\n").map(Number);
    expect(outside).toContain(process.pid);
  });

  it("a runaway process tree (background jobs, setsid escapees, an endless loop) is killed on timeout, all of it", async () => {
    const marker = String(40_000 + Math.floor(Math.random() * 9_999));
    const script = `i=0; while [ $i -lt 20 ]; do sleep ${marker} & i=$((i+1)); done; setsid sleep ${marker} & (sleep ${marker} &) ; while :; do sleep 1; done`;
    const seen = new Map<number, number>();
    let running = true;
    const watcher = (async () => {
      while (running) {
        for (const [pid, pgid] of markedProcesses(marker)) seen.set(pid, pgid);
        await Bun.sleep(25);
      }
    })();
    const started = performance.now();
    let r: ToolResultPayload;
    try {
      r = await sh(script, { timeoutMs: 1_500 });
    } finally {
      running = false;
      await watcher;
    }
    try {
      expect(r).toMatchObject({ ok: false, error_kind: "timeout", data: { sandbox: { active: true } } });
      expect(performance.now() - started).toBeLessThan(10_000);
      expect(seen.size).toBe(22);
      for (const pid of seen.keys()) expect(await goneWithin(pid)).toBe(true);
      for (const pgid of new Set(seen.values())) expect(await groupGoneWithin(pgid)).toEqual([]);
      expect(markedProcesses(marker)).toEqual([]);
    } finally {
      killLeftovers([...seen.keys()]);
    }
  });
});

/** Live host processes running `sleep <marker>`, as [pid, pgid]. */
function markedProcesses(marker: string): [number, number][] {
  const out: [number, number][] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8") !== `sleep\0${marker}\0`) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (fields[0] !== "Z") out.push([Number(entry), Number(fields[2])]);
    } catch {
      // exited meanwhile
    }
  }
  return out;
}
