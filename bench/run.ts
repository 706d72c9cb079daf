/**
 * `bun run bench`: every benchmark, printed as figures and ratios. Nothing here asserts a time.
 * Build first (`bun run compile`) so the compiled binary is measured, as users run it.
 */
import { benchEngine } from "./engine.ts";
import { benchSandbox } from "./sandbox.ts";
import { benchServer } from "./server.ts";
import { benchShellExec } from "./shell-exec.ts";
import { benchSkillsScan } from "./skills-scan.ts";
import { benchStartup } from "./startup.ts";

await benchStartup();
await benchEngine();
await benchShellExec();
await benchSandbox();
await benchSkillsScan();
await benchServer();
console.log("\nWAL append throughput");
await import("./wal-append.ts");
