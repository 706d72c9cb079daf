/** The README's offline minimal example must work exactly as written. */
import { expect, test } from "bun:test";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dir, "../..");

test("the README offline minimal example runs and prints the final output and WAL locator", () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const block = readme.match(/<!-- BEGIN README_OFFLINE_MINIMAL -->\n```ts\n([\s\S]*?)```\n<!-- END README_OFFLINE_MINIMAL -->/);
  expect(block).not.toBeNull();
  const dir = mkdtempSync(join(tmpdir(), "sr-readme-"));
  const file = join(dir, "example.ts");
  // The only change: resolve the package name to this checkout.
  writeFileSync(file, block![1]!.replace('from "skills-runtime"', `from ${JSON.stringify(join(root, "src/index.ts"))}`));
  const r = Bun.spawnSync([process.execPath, file], { cwd: dir, env: { PATH: "/usr/bin:/bin", HOME: dir }, stdout: "pipe", stderr: "pipe" });
  expect(r.stderr.toString()).toBe("");
  const out = r.stdout.toString();
  expect(out).toContain("final_output= Hello from the offline backend");
  const wal = out.match(/wal_locator= (\S+)/)![1]!;
  expect(wal).toEndWith("/events.jsonl");
  expect(readFileSync(wal, "utf8").trim().split("\n").map((l) => JSON.parse(l).type)).toEqual([
    "run_started",
    "llm_request_started",
    "llm_response_delta",
    "run_completed",
  ]);
});
