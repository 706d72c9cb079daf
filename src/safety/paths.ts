/**
 * Lexical path reasoning for safety decisions. Pure: no file system access, no symlink
 * resolution (the tools and the sandbox re-check real paths at execution time).
 */
import { posix } from "node:path";

export interface PathContext {
  /** Absolute workspace root. */
  workspaceRoot: string;
  /** Absolute home directory of the user running the tools, or null when unknown. */
  homeDir: string | null;
  /** Working directory of the command: absolute, or relative to the workspace root. */
  cwd?: string | null;
}

/** Absolute, normalised form of `p` (relative paths resolve against `base`, default `/`). */
export function normalizeAbsolute(p: string, base = "/"): string {
  return posix.resolve("/", base, p);
}

/** The absolute working directory a command runs in. */
export function commandCwd(ctx: PathContext): string {
  const root = normalizeAbsolute(ctx.workspaceRoot);
  return ctx.cwd ? normalizeAbsolute(ctx.cwd, root) : root;
}

/**
 * The absolute path a shell word names, or null when it cannot be known without running the shell
 * (parameter or command expansion, `~user`, `~` without a known home). Globs are kept as is.
 */
export function resolveShellPath(word: string, ctx: PathContext): string | null {
  if (word.includes("$") || word.includes("`")) return null;
  if (word === "~" || word.startsWith("~/")) {
    if (ctx.homeDir === null) return null;
    return normalizeAbsolute(word.slice(1).replace(/^\//, ""), normalizeAbsolute(ctx.homeDir));
  }
  if (word.startsWith("~")) return null;
  return normalizeAbsolute(word, commandCwd(ctx));
}

/** True when `path` is `root` or below it (both absolute and normalised). */
export function isInside(path: string, root: string): boolean {
  if (root === "/") return true;
  return path === root || path.startsWith(`${root}/`);
}

const SYSTEM_DIRS = [
  "/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/opt", "/proc", "/root", "/sbin",
  "/srv", "/sys", "/usr", "/var", "/System", "/Library", "/Applications", "/private",
];

/** True for an operating-system directory or anything inside one. */
export function isSystemPath(path: string): boolean {
  return SYSTEM_DIRS.some((dir) => isInside(path, dir));
}

/** Files that a shell may write to without touching the file system in a meaningful way. */
const HARMLESS_WRITE_TARGETS = new Set(["/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty"]);

export function isHarmlessWriteTarget(path: string): boolean {
  return HARMLESS_WRITE_TARGETS.has(path) || /^\/dev\/fd\/\d+$/.test(path);
}
