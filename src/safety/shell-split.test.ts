import { describe, expect, test } from "bun:test";
import { splitShellCommands } from "./shell-split.ts";

const commands = (text: string) => splitShellCommands(text).commands;

describe("splitShellCommands: control operators", () => {
  test("splits on && || ; | |& & and newlines, with or without spaces", () => {
    expect(commands("pytest && rm -rf /")).toEqual([["pytest"], ["rm", "-rf", "/"]]);
    expect(commands("a&&b||c;d|e|&f&g\nh")).toEqual([["a"], ["b"], ["c"], ["d"], ["e"], ["f"], ["g"], ["h"]]);
    expect(commands("echo hi;")).toEqual([["echo", "hi"]]);
  });

  test("descends into subshells", () => {
    expect(commands("(cd x && rm -rf /)")).toEqual([["cd", "x"], ["rm", "-rf", "/"]]);
    expect(commands("ls; (a; (b))")).toEqual([["ls"], ["a"], ["b"]]);
  });

  test("joins escaped line breaks and skips comments", () => {
    expect(commands("rm \\\n -rf /")).toEqual([["rm", "-rf", "/"]]);
    expect(commands("ls # ; rm -rf /")).toEqual([["ls"]]);
    expect(commands("echo a#b\n#x\nrm y")).toEqual([["echo", "a#b"], ["rm", "y"]]);
  });

  test("decodes ANSI-C quoting like bash", () => {
    expect(commands("$'\\x72m' -rf /")).toEqual([["rm", "-rf", "/"]]);
    expect(commands("echo $'a\\'b\\tc\\101\\u00e9\\cA'")).toEqual([["echo", "a'b\tcA\u00e9\x01"]]);
    expect(splitShellCommands("echo $'x").ok).toBe(false);
  });

  test("removes quotes like a shell", () => {
    expect(commands(`"ec"ho 'a b' c\\ d "x\\"y" "\\n"`)).toEqual([["echo", "a b", "c d", 'x"y', "\\n"]]);
    expect(commands("echo 'a && b' \"c; d\"")).toEqual([["echo", "a && b", "c; d"]]);
  });
});

describe("splitShellCommands: substitutions", () => {
  test("finds commands inside $( ) and backticks, also in double quotes", () => {
    expect(commands("echo $(rm -rf /)")).toContainEqual(["rm", "-rf", "/"]);
    expect(commands("echo `id; whoami`")).toEqual(expect.arrayContaining([["id"], ["whoami"]]));
    expect(commands('echo "x $(rm y) `z`"')).toEqual(expect.arrayContaining([["rm", "y"], ["z"]]));
    expect(commands("echo ${x:-$(rm y)}")).toContainEqual(["rm", "y"]);
    expect(commands("diff <(ls) >(rm x)")).toEqual(expect.arrayContaining([["ls"], ["rm", "x"]]));
  });

  test("does not look inside single quotes", () => {
    expect(commands("echo '$(rm x)' '`y`'")).toEqual([["echo", "$(rm x)", "`y`"]]);
    expect(splitShellCommands("echo '$(rm x)'").hasSubstitution).toBe(false);
    expect(splitShellCommands("echo $(ls)").hasSubstitution).toBe(true);
  });

  test("keeps the substitution text in the outer word", () => {
    expect(commands("echo $(ls)")).toEqual([["ls"], ["echo", "$(ls)"]]);
  });
});

describe("splitShellCommands: redirections", () => {
  test("reports targets, descriptors and whether they write", () => {
    const split = splitShellCommands("echo hi>out.txt 2>&1 < in.txt >> log &> all 3>&- >|x");
    expect(split.commands).toEqual([["echo", "hi"]]);
    expect(split.redirections).toEqual([
      { op: ">", fd: null, target: "out.txt", isWrite: true },
      { op: ">&", fd: 2, target: "1", isWrite: false },
      { op: "<", fd: null, target: "in.txt", isWrite: false },
      { op: ">>", fd: null, target: "log", isWrite: true },
      { op: "&>", fd: null, target: "all", isWrite: true },
      { op: ">&", fd: 3, target: "-", isWrite: false },
      { op: ">|", fd: null, target: "x", isWrite: true },
    ]);
  });

  test("treats >&file as a write and a quoted number as a word", () => {
    expect(splitShellCommands("ls >&/etc/x").redirections[0]).toMatchObject({ op: ">&", target: "/etc/x", isWrite: true });
    expect(splitShellCommands("echo '2'>x").commands).toEqual([["echo", "2"]]);
  });

  test("skips here-document bodies but scans unquoted ones for substitutions", () => {
    expect(commands("cat <<EOF\nrm -rf /\nEOF\nls")).toEqual([["cat"], ["ls"]]);
    expect(commands("cat <<-EOF\n\trm -rf /\n\tEOF\nls")).toEqual([["cat"], ["ls"]]);
    expect(commands("cat <<EOF\n$(rm -rf /)\nEOF")).toContainEqual(["rm", "-rf", "/"]);
    expect(commands("cat <<'EOF'\n$(rm -rf /)\nEOF")).toEqual([["cat"]]);
  });
});

describe("splitShellCommands: malformed input", () => {
  for (const text of ["echo 'x", 'echo "x', "(ls", "ls)", "echo >", "echo `x", "echo $(ls", "echo ${x"]) {
    test(`flags ${JSON.stringify(text)} as not ok`, () => {
      const split = splitShellCommands(text);
      expect(split.ok).toBe(false);
      expect(split.error).toBeString();
    });
  }

  test("survives deep nesting without a stack overflow", () => {
    const split = splitShellCommands("(".repeat(200) + "ls" + ")".repeat(200));
    expect(split.ok).toBe(false);
  });
});
