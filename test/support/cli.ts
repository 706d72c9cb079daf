/** Run the CLI in-process with captured output. */
import { runCli } from "../../src/cli/app.ts";

export interface CliRun {
  code: Promise<number>;
  stdout: () => string;
  stderr: () => string;
  abort: () => void;
  /** Resolves with stdout once `pattern` appears in it. */
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<RegExpMatchArray>;
}

export function startCli(argv: string[], options: { cwd: string; env?: Record<string, string>; isTTY?: boolean }): CliRun {
  let out = "";
  let err = "";
  const controller = new AbortController();
  const waiters: { pattern: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  const code = runCli(argv, {
    stdout: (t) => {
      out += t;
      for (const w of waiters.splice(0)) {
        const m = out.match(w.pattern);
        if (m) w.resolve(m);
        else waiters.push(w);
      }
    },
    stderr: (t) => void (err += t),
    env: options.env ?? { PATH: "/usr/bin:/bin", HOME: options.cwd },
    cwd: options.cwd,
    isTTY: options.isTTY ?? false,
    signal: controller.signal,
  });
  return {
    code,
    stdout: () => out,
    stderr: () => err,
    abort: () => controller.abort(),
    waitFor: (pattern, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const now = out.match(pattern);
        if (now) return resolve(now);
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; stdout=${out} stderr=${err}`)), timeoutMs);
        waiters.push({ pattern, resolve: (m) => (clearTimeout(timer), resolve(m)) });
      }),
  };
}

export async function cli(argv: string[], options: { cwd: string; env?: Record<string, string> }): Promise<{ code: number; stdout: string; stderr: string }> {
  const run = startCli(argv, options);
  const code = await run.code;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}
