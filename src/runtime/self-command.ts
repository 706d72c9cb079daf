/**
 * How to start this program again (the runtime daemon is the same binary, decisions.md): in the
 * compiled binary `process.execPath` is skills-runtime itself (its entry lives under `/$bunfs/`);
 * from source it is `bun`, which needs the entry file (and `--no-env-file`, so a workspace's
 * `.env` is not loaded into the daemon by Bun behind the config's back).
 *
 * Under `bun test`, `Bun.main` is the test file, which is why callers may override the command.
 */
import { fileURLToPath } from "node:url";

const ENTRY = fileURLToPath(new URL("../main.ts", import.meta.url));

export function isCompiledBinary(main: string = Bun.main): boolean {
  return main.startsWith("/$bunfs/") || /^[A-Z]:[\\/]~BUN[\\/]/.test(main);
}

/** argv that runs `skills-runtime <args...>`. */
export function selfArgv(...args: string[]): string[] {
  if (isCompiledBinary()) return [process.execPath, ...args];
  return [process.execPath, "--no-env-file", ENTRY, ...args];
}

/** The daemon command the runtime client starts by default: `skills-runtime runtime daemon`. */
export function selfCommand(): string[] {
  return selfArgv("runtime", "daemon");
}
