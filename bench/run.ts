/**
 * `bun run bench`: every benchmark, printed as figures and ratios. Nothing here asserts a time.
 * Build first (`bun run compile`) so the compiled binary is measured, as users run it.
 */
import { benchStartup } from "./startup.ts";

await benchStartup();
