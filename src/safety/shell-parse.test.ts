import { describe, expect, test } from "bun:test";
import { commandBasename, expandInvocations, normalizeSimpleCommand, parseShellishCommandToArgv, unwrapShellCommand } from "./shell-parse.ts";

/** Recorded from the reference parse_shellish_command_to_argv (CPython 3.11 shlex). */
const INTENT_CASES: { in: string; out: { argv: string[]; is_complex: boolean; reason: string } }[] = [
  {"in": "", "out": {"argv": [], "is_complex": true, "reason": "empty command"}},
  {"in": "   ", "out": {"argv": [], "is_complex": true, "reason": "empty command"}},
  {"in": "echo hi", "out": {"argv": ["echo", "hi"], "is_complex": false, "reason": "parsed"}},
  {"in": "ls\nrm", "out": {"argv": [], "is_complex": true, "reason": "shell metacharacters detected"}},
  {"in": "echo `id`", "out": {"argv": [], "is_complex": true, "reason": "shell metacharacters detected"}},
  {"in": "echo $(id)", "out": {"argv": [], "is_complex": true, "reason": "shell metacharacters detected"}},
  {"in": "echo 'x", "out": {"argv": [], "is_complex": true, "reason": "shlex split failed"}},
  {"in": "pytest && rm -rf /", "out": {"argv": ["pytest", "&&", "rm", "-rf", "/"], "is_complex": true, "reason": "control token detected: &&"}},
  {"in": "a | b", "out": {"argv": ["a", "|", "b"], "is_complex": true, "reason": "control token detected: |"}},
  {"in": "echo hi > out.txt", "out": {"argv": ["echo", "hi", ">", "out.txt"], "is_complex": true, "reason": "redirection token detected"}},
  {"in": "cat <in", "out": {"argv": ["cat", "<in"], "is_complex": true, "reason": "redirection token detected"}},
  {"in": "a&&b", "out": {"argv": ["a&&b"], "is_complex": false, "reason": "parsed"}},
  {"in": "echo hi;", "out": {"argv": ["echo", "hi;"], "is_complex": false, "reason": "parsed"}},
  {"in": "echo a ; b", "out": {"argv": ["echo", "a", ";", "b"], "is_complex": true, "reason": "control token detected: ;"}},
  {"in": "sleep 1 &", "out": {"argv": ["sleep", "1", "&"], "is_complex": true, "reason": "control token detected: &"}},
  {"in": "x |& y", "out": {"argv": ["x", "|&", "y"], "is_complex": true, "reason": "control token detected: |&"}},
  {"in": "''", "out": {"argv": [""], "is_complex": false, "reason": "parsed"}},
  {"in": "echo '>x'", "out": {"argv": ["echo", ">x"], "is_complex": true, "reason": "redirection token detected"}},
];

describe("parseShellishCommandToArgv matches the reference", () => {
  for (const c of INTENT_CASES) {
    test(`parses ${JSON.stringify(c.in)}`, () => expect(parseShellishCommandToArgv(c.in)).toEqual(c.out));
  }
});

test("commandBasename behaves like PurePosixPath(cmd).name or cmd", () => {
  expect(commandBasename("/usr/bin/sudo")).toBe("sudo");
  expect(commandBasename("sudo")).toBe("sudo");
  expect(commandBasename("/usr/bin/")).toBe("bin");
  expect(commandBasename("/")).toBe("/");
  expect(commandBasename("")).toBe("");
});

describe("unwrapShellCommand", () => {
  test("finds the string of sh -c, bash -lc and env-prefixed shells", () => {
    expect(unwrapShellCommand(["sh", "-c", "ls"])).toBe("ls");
    expect(unwrapShellCommand(["/bin/bash", "-lc", "sudo ls"])).toBe("sudo ls");
    expect(unwrapShellCommand(["env", "A=1", "B=2", "zsh", "-c", "x"])).toBe("x");
    expect(unwrapShellCommand(["bash", "-c", "-l", "x"])).toBe("x");
    expect(unwrapShellCommand(["bash", "--norc", "-c", "x"])).toBe("x");
  });

  test("returns null for non-wrappers, scripts and empty strings", () => {
    expect(unwrapShellCommand(["python", "-c", "print(1)"])).toBeNull();
    expect(unwrapShellCommand(["bash", "script.sh", "-c", "x"])).toBeNull();
    expect(unwrapShellCommand(["bash", "-c", "  "])).toBeNull();
    expect(unwrapShellCommand(["bash", "-l"])).toBeNull();
    expect(unwrapShellCommand([])).toBeNull();
  });
});

test("normalizeSimpleCommand drops assignments, reserved words and transparent prefixes", () => {
  expect(normalizeSimpleCommand(["FOO=1", "rm", "-rf", "/"])).toEqual(["rm", "-rf", "/"]);
  expect(normalizeSimpleCommand(["then", "rm", "x"])).toEqual(["rm", "x"]);
  expect(normalizeSimpleCommand(["nohup", "env", "A=1", "sudo", "ls"])).toEqual(["sudo", "ls"]);
  expect(normalizeSimpleCommand(["!", "{", "exec", "dd"])).toEqual(["dd"]);
  expect(normalizeSimpleCommand(["ls", "A=1"])).toEqual(["ls", "A=1"]);
});

test("expandInvocations looks into wrapped shell strings recursively", () => {
  const inv = expandInvocations(["bash", "-lc", "pytest && sh -c 'rm -rf / > /etc/x'"]);
  expect(inv.argvs).toContainEqual(["pytest"]);
  expect(inv.argvs).toContainEqual(["rm", "-rf", "/"]);
  expect(inv.redirections.map((r) => r.target)).toEqual(["/etc/x"]);
  expect(inv.ok).toBe(true);
  expect(expandInvocations(["sh", "-c", "echo 'x"]).ok).toBe(false);
});
