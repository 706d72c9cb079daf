import { describe, expect, test } from "bun:test";
import { evaluateCommandRisk, evaluateShellStringRisk } from "./guard.ts";
import type { PathContext } from "./paths.ts";

const ctx: PathContext = { workspaceRoot: "/work/proj", homeDir: "/home/u" };
const level = (argv: string[], c: PathContext = ctx) => evaluateCommandRisk(argv, c).risk_level;
const reason = (argv: string[], c: PathContext = ctx) => evaluateCommandRisk(argv, c).reason;

describe("guard: reference checks (spec 15 #58) and reason texts", () => {
  test("rates sudo, rm -r -f /, poweroff high, chmod medium, ls low", () => {
    for (const argv of [["sudo", "ls"], ["/usr/bin/sudo", "ls"], ["bash", "-c", "sudo ls"], ["rm", "-r", "-f", "/"], ["poweroff"]]) {
      expect(level(argv)).toBe("high");
    }
    expect(level(["chmod", "777", "x"])).toBe("medium");
    expect(level(["ls"])).toBe("low");
  });

  test("keeps the reference's reason texts", () => {
    expect(evaluateCommandRisk([], ctx)).toEqual({ risk_level: "medium", reason: "空 argv（无法评估）" });
    expect(reason(["sudo", "ls"])).toBe("检测到 sudo");
    expect(reason(["rm", "-rf", "/"])).toBe("检测到 rm -rf 可能删除根目录");
    expect(reason(["rm", "-rf", "~"])).toBe("检测到 rm -rf 可能删除 home 目录");
    expect(reason(["/sbin/poweroff"])).toBe("检测到高危命令：/sbin/poweroff");
    expect(reason(["systemctl", "REBOOT"])).toBe("检测到高危命令：systemctl");
    expect(reason(["chown", "a", "b"])).toBe("检测到权限变更命令：chown");
    expect(reason(["ls"])).toBe("未命中高危模式（Phase 2 最小规则）");
    expect(level([""])).toBe("low");
  });
});

describe("guard: exact basename match (decisions item 2)", () => {
  test("does not treat add, asphalt or fdd as dd / halt", () => {
    for (const argv of [["add"], ["asphalt"], ["fdd"], ["git", "add", "."], ["xreboot"]]) expect(level(argv)).toBe("low");
  });

  test("still catches the real commands by basename, including mkfs.<type>", () => {
    for (const argv of [["dd", "if=/dev/zero"], ["/bin/dd"], ["mkfs"], ["mkfs.ext4", "/dev/sda1"], ["halt"], ["shutdown", "-h"]]) {
      expect(level(argv)).toBe("high");
    }
    expect(level(["systemctl", "status"])).toBe("low");
  });
});

describe("guard: rm -rf targets (decisions item 2)", () => {
  test("allows recursive deletes inside the workspace", () => {
    expect(level(["rm", "-rf", "/work/proj/build"])).toBe("low");
    expect(level(["rm", "-rf", "build", "dist/"])).toBe("low");
    expect(level(["rm", "-rf", "x"], { ...ctx, cwd: "sub" })).toBe("low");
    expect(level(["rm", "-rf", "--", "-weird"])).toBe("low");
    expect(level(["rm", "-r", "/etc"])).toBe("low"); // not forced: reference rule needs both flags
  });

  test("rates root, home, system, outside and the workspace itself high", () => {
    expect(reason(["rm", "-rf", "/etc"])).toBe("rm -rf targets a system directory: /etc");
    expect(reason(["rm", "-fr", "/tmp/x"])).toBe("rm -rf targets a path outside the workspace: /tmp/x");
    expect(reason(["rm", "-rf", "../other"])).toBe("rm -rf targets a path outside the workspace: /work/other");
    expect(reason(["rm", "-rf", "."])).toBe("rm -rf targets the whole workspace");
    expect(reason(["rm", "-rf", "/home/u"])).toBe("检测到 rm -rf 可能删除 home 目录");
    expect(reason(["rm", "-rf", "~/notes"])).toBe("检测到 rm -rf 可能删除 home 目录");
    expect(reason(["rm", "--recursive", "--force", "/"])).toBe("检测到 rm -rf 可能删除根目录");
    expect(level(["rm", "-rf", "/*"])).toBe("high");
    expect(level(["rm", "-rf", "x"], { ...ctx, cwd: "/tmp" })).toBe("high");
    expect(reason(["rm", "-rf", "$DIR/"])).toBe("rm -rf target cannot be resolved before running: $DIR/");
  });

  test("treats a workspace under home by location, not by the ~ prefix", () => {
    const inHome: PathContext = { workspaceRoot: "/home/u/proj", homeDir: "/home/u" };
    expect(level(["rm", "-rf", "~/proj/build"], inHome)).toBe("low");
    expect(reason(["rm", "-rf", "~/proj"], inHome)).toBe("rm -rf targets the whole workspace");
    expect(level(["rm", "-rf", "~/other"], inHome)).toBe("high");
  });
});

describe("guard: wrappers and compound strings", () => {
  test("looks through bash -lc, compound strings, nohup, env and eval", () => {
    expect(level(["bash", "-lc", "ls && sudo x"])).toBe("high");
    expect(level(["sh", "-c", "echo ok; chmod 600 k"])).toBe("medium");
    expect(level(["nohup", "rm", "-rf", "/"])).toBe("high");
    expect(level(["env", "A=1", "dd"])).toBe("high");
    expect(level(["eval", "rm", "-rf", "/"])).toBe("high");
    expect(level(["env", "FOO=1", "sh", "-c", "ls"])).toBe("low");
  });

  test("rates every command of a shell string", () => {
    expect(evaluateShellStringRisk("pytest && rm -rf /", ctx).risk_level).toBe("high");
    expect(evaluateShellStringRisk("ls | wc -l", ctx).risk_level).toBe("low");
    expect(evaluateShellStringRisk("echo 'unterminated sudo", ctx).risk_level).toBe("low");
    expect(evaluateShellStringRisk("sudo 'x", ctx).risk_level).toBe("high");
  });
});
