/**
 * Shell-string structure for policy decisions (decisions.md item 1): every simple command a POSIX
 * shell would run for a string, and every redirection it would perform.
 *
 * It splits on `&&`, `||`, `;`, `;;`, `|`, `|&`, `&` and newlines (operators are recognised even
 * without surrounding spaces: `a&&b` is two commands), descends into subshells `( )`, command
 * substitution `$( )` and backticks (also inside double quotes and unquoted here-document bodies),
 * `${ }` parameter expansions and process substitution `<( )` / `>( )`, skips comments and quoted
 * here-document bodies, and reports redirection targets. Words are de-quoted (`"ec"ho` and
 * `$'\x65cho'` are `echo`); expansions stay literal (`$HOME`, `$(ls)`). It never runs or expands anything.
 *
 * It is deliberately conservative: anything it does not understand either becomes an extra
 * "command" (which an allowlist will not match) or sets `ok: false`.
 */

import { readAnsiCQuoted } from "./ansi-c.ts";

export interface ShellRedirection {
  /** The operator: `>`, `>>`, `>|`, `<`, `<>`, `<<`, `<<-`, `<<<`, `>&`, `<&`, `&>`, `&>>`. */
  op: string;
  /** Explicit file descriptor before the operator (`2>x` gives 2), else null. */
  fd: number | null;
  /** The de-quoted target word (for `<<`, the here-document delimiter). */
  target: string;
  /** True when the redirection may create or write a file. */
  isWrite: boolean;
}

export interface ShellSplit {
  /** Simple commands (argv of de-quoted words), nested ones included, in order of discovery. */
  commands: string[][];
  redirections: ShellRedirection[];
  /** True when `$( )`, backticks or process substitution occur. */
  hasSubstitution: boolean;
  /** False when the string is not well formed (unbalanced quotes or parentheses, ...). */
  ok: boolean;
  /** The first problem found, or null. */
  error: string | null;
}

const WORD_END = new Set([" ", "\t", "\n", ";", "&", "|", "(", ")", "<", ">"]);
const REDIRECT_OPS = ["&>>", "&>", "<<<", "<<-", "<<", "<>", "<&", ">>", ">&", ">|", "<", ">"];
const WRITE_OPS = new Set([">", ">>", ">|", "&>", "&>>", "<>"]);
const MAX_DEPTH = 32;

type Word = { value: string; quoted: boolean };
type PendingHeredoc = { delimiter: string; quoted: boolean; stripTabs: boolean };

class Splitter {
  pos = 0;
  readonly out: ShellSplit = { commands: [], redirections: [], hasSubstitution: false, ok: true, error: null };
  private heredocs: PendingHeredoc[] = [];

  constructor(private readonly src: string) {}

  fail(message: string): void {
    if (this.out.ok) this.out.error = message;
    this.out.ok = false;
  }

  private at(offset = 0): string {
    return this.src[this.pos + offset] ?? "";
  }

  /** At a backtick, `$(` or `${`. */
  private atExpansion(): boolean {
    return this.at() === "`" || (this.at() === "$" && (this.at(1) === "(" || this.at(1) === "{"));
  }

  /** Parse a command list until the end of input or, with `closer`, the matching `)`. */
  parseList(closer: boolean, nesting: number): void {
    if (nesting > MAX_DEPTH) {
      this.fail("shell string is nested too deeply");
      this.pos = this.src.length;
      return;
    }
    let cmd: string[] = [];
    const flush = () => {
      if (cmd.length > 0) this.out.commands.push(cmd);
      cmd = [];
    };
    for (;;) {
      while (this.at() === " " || this.at() === "\t" || (this.at() === "\\" && this.at(1) === "\n")) {
        this.pos += this.at() === "\\" ? 2 : 1;
      }
      if (this.pos >= this.src.length) {
        if (closer) this.fail("unbalanced parenthesis: missing )");
        flush();
        return;
      }
      const c = this.at();
      const next = this.at(1);
      if (c === "#") {
        while (this.pos < this.src.length && this.at() !== "\n") this.pos += 1;
      } else if (c === "\n") {
        flush();
        this.pos += 1;
        this.readHeredocBodies(nesting);
      } else if (c === ";" || c === "|" || (c === "&" && next !== ">")) {
        flush();
        this.pos += (c === ";" && next === ";") || (c === "|" && (next === "|" || next === "&")) || (c === "&" && next === "&") ? 2 : 1;
      } else if (c === "(") {
        flush();
        this.pos += 1;
        this.parseList(true, nesting + 1);
      } else if (c === ")") {
        this.pos += 1;
        flush();
        if (closer) return;
        this.fail("unbalanced parenthesis: unexpected )");
      } else if ((c === "<" || c === ">" || c === "&") && next !== "(") {
        this.readRedirection(null, nesting);
      } else {
        const word = this.readWord(nesting);
        const isFd = !word.quoted && /^\d+$/.test(word.value) && (this.at() === "<" || this.at() === ">") && this.at(1) !== "(";
        if (isFd) this.readRedirection(Number(word.value), nesting);
        else cmd.push(word.value);
      }
    }
  }

  private readRedirection(fd: number | null, nesting: number): void {
    const op = REDIRECT_OPS.find((candidate) => this.src.startsWith(candidate, this.pos)) ?? this.at();
    this.pos += op.length;
    while (this.at() === " " || this.at() === "\t") this.pos += 1;
    const processSubstitution = (this.at() === "<" || this.at() === ">") && this.at(1) === "(";
    if ((this.pos >= this.src.length || WORD_END.has(this.at())) && !processSubstitution) {
      this.fail(`redirection ${op} has no target`);
      return;
    }
    const word = this.readWord(nesting);
    if (op === "<<" || op === "<<-") {
      this.heredocs.push({ delimiter: word.value, quoted: word.quoted, stripTabs: op === "<<-" });
    }
    const isFdDup = (op === ">&" || op === "<&") && /^(\d+|-)$/.test(word.value);
    this.out.redirections.push({ op, fd, target: word.value, isWrite: WRITE_OPS.has(op) || (op === ">&" && !isFdDup) });
  }

  /** One shell word starting at `pos` (which is not a word end). */
  private readWord(nesting: number): Word {
    let value = "";
    let quoted = false;
    const start = this.pos;
    while (this.pos < this.src.length) {
      const c = this.at();
      const next = this.at(1);
      if ((c === "<" || c === ">") && next === "(" && this.pos === start) {
        this.out.hasSubstitution = true;
        this.pos += 2;
        this.parseList(true, nesting + 1);
        value += this.src.slice(start, this.pos);
        continue;
      }
      if (WORD_END.has(c)) break;
      if (c === "\\") {
        if (next === "\n") this.pos += 2;
        else if (next === "") {
          value += "\\";
          this.pos += 1;
        } else {
          value += next;
          quoted = true;
          this.pos += 2;
        }
      } else if (c === "'") {
        const end = this.src.indexOf("'", this.pos + 1);
        quoted = true;
        if (end < 0) {
          this.fail("unterminated single quote");
          value += this.src.slice(this.pos + 1);
          this.pos = this.src.length;
        } else {
          value += this.src.slice(this.pos + 1, end);
          this.pos = end + 1;
        }
      } else if (c === '"' || (c === "$" && next === '"')) {
        if (c === "$") this.pos += 1;
        quoted = true;
        value += this.readDoubleQuoted(nesting);
      } else if (c === "$" && next === "'") {
        const decoded = readAnsiCQuoted(this.src, this.pos + 2);
        if (decoded === null) this.fail("unterminated $' quote");
        value += decoded?.value ?? this.src.slice(this.pos + 2);
        this.pos = decoded?.end ?? this.src.length;
        quoted = true;
      } else if (this.atExpansion()) {
        value += this.readExpansion(nesting, false);
      } else {
        value += c;
        this.pos += 1;
      }
    }
    return { value, quoted };
  }

  /** `pos` is at the opening `"`; returns the de-quoted content. */
  private readDoubleQuoted(nesting: number): string {
    let value = "";
    this.pos += 1;
    while (this.pos < this.src.length) {
      const c = this.at();
      const next = this.at(1);
      if (c === '"') {
        this.pos += 1;
        return value;
      }
      if (c === "\\") {
        if (next === "\n") this.pos += 2;
        else if (next === "$" || next === "`" || next === '"' || next === "\\") {
          value += next;
          this.pos += 2;
        } else {
          value += "\\";
          this.pos += 1;
        }
      } else if (this.atExpansion()) {
        value += this.readExpansion(nesting, true);
      } else {
        value += c;
        this.pos += 1;
      }
    }
    this.fail("unterminated double quote");
    return value;
  }

  /** `$( )`, `${ }` or a backtick substitution at `pos`; returns its raw text. */
  private readExpansion(nesting: number, inDoubleQuotes: boolean): string {
    const from = this.pos;
    if (this.at() === "`") {
      this.out.hasSubstitution = true;
      this.pos += 1;
      let inner = "";
      while (this.pos < this.src.length && this.at() !== "`") {
        const next = this.at(1);
        if (this.at() === "\\" && (next === "$" || next === "`" || next === "\\")) {
          inner += next;
          this.pos += 2;
        } else {
          inner += this.at();
          this.pos += 1;
        }
      }
      if (this.pos >= this.src.length) this.fail("unterminated backquote");
      else this.pos += 1;
      this.merge(splitNested(inner, nesting + 1));
    } else if (this.at(1) === "(") {
      this.out.hasSubstitution = true;
      this.pos += 2;
      this.parseList(true, nesting + 1);
    } else {
      this.pos += 2;
      this.readBraceParameter(nesting, inDoubleQuotes);
    }
    return this.src.slice(from, this.pos);
  }

  /** Inside `${`; stops after the matching `}`. */
  private readBraceParameter(nesting: number, inDoubleQuotes: boolean): void {
    while (this.pos < this.src.length) {
      const c = this.at();
      if (c === "}") {
        this.pos += 1;
        return;
      }
      if (c === "\\") this.pos += 2;
      else if (c === '"') this.readDoubleQuoted(nesting);
      else if (c === "'" && !inDoubleQuotes) {
        const end = this.src.indexOf("'", this.pos + 1);
        this.pos = end < 0 ? this.src.length : end + 1;
      } else if (this.atExpansion()) this.readExpansion(nesting, inDoubleQuotes);
      else this.pos += 1;
    }
    this.fail("unterminated ${");
  }

  /** After a newline: consume pending here-document bodies (unquoted ones are scanned). */
  private readHeredocBodies(nesting: number): void {
    const pending = this.heredocs;
    this.heredocs = [];
    for (const doc of pending) {
      while (this.pos < this.src.length) {
        const lineEnd = this.src.indexOf("\n", this.pos);
        const line = this.src.slice(this.pos, lineEnd < 0 ? this.src.length : lineEnd);
        if ((doc.stripTabs ? line.replace(/^\t+/, "") : line) === doc.delimiter) {
          this.pos = lineEnd < 0 ? this.src.length : lineEnd + 1;
          break;
        }
        while (this.pos < this.src.length && this.at() !== "\n") {
          if (doc.quoted) this.pos += 1;
          else if (this.at() === "\\") this.pos += 2;
          else if (this.atExpansion()) this.readExpansion(nesting, true);
          else this.pos += 1;
        }
        if (this.pos < this.src.length) this.pos += 1;
      }
    }
  }

  private merge(inner: ShellSplit): void {
    this.out.commands.push(...inner.commands);
    this.out.redirections.push(...inner.redirections);
    this.out.hasSubstitution ||= inner.hasSubstitution;
    if (!inner.ok) this.fail(inner.error ?? "invalid nested command");
  }
}

function splitNested(text: string, nesting: number): ShellSplit {
  const splitter = new Splitter(text);
  splitter.parseList(false, nesting);
  return splitter.out;
}

/** Every simple command and redirection of a shell string (see the module comment). */
export const splitShellCommands = (text: string): ShellSplit => splitNested(text, 0);
