/**
 * Skills scan cost: a filesystem source with 1,000 generated skills (nested two levels, each with an
 * agents/openai.yaml and a body larger than its front matter). Prints ms per skill for
 *   - cold: the first scan of a fresh manager (the OS page cache is warm: the files were just written),
 *   - full: repeated full scans (`refresh_policy: always`),
 *   - cached: scans answered by the ttl cache.
 * Figures only. Usage: bun bench/skills-scan.ts [skills=1000]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SkillsManager } from "../src/skills/skills-manager.ts";
import { stats } from "./lib.ts";

function generate(root: string, count: number): void {
  const body = "## Workflow\n\n" + "1. Step with some words to make the body larger than the front matter.\n".repeat(40);
  for (let i = 0; i < count; i++) {
    const name = `skill-${String(i).padStart(4, "0")}`;
    const dir = join(root, `group-${i % 20}`, name);
    mkdirSync(join(dir, "agents"), { recursive: true });
    writeFileSync(join(dir, "SKILL.md"), `---\nname: ${name}\ndescription: Generated skill number ${i} for the scan benchmark.\nlicense: MIT\nmetadata:\n  short-description: Skill ${i}\n---\n${body}`);
    writeFileSync(join(dir, "agents/openai.yaml"), `dependencies:\n  tools:\n    - {type: env_var, value: TOKEN_${i}}\n`);
  }
}

function perSkill(ms: number, count: number): string {
  return `${(ms / count).toFixed(4).padStart(8)} ms/skill  (${ms.toFixed(1).padStart(7)} ms per scan)`;
}

export async function benchSkillsScan(count = 1000): Promise<void> {
  const ws = mkdtempSync(join(tmpdir(), "sr-bench-skills-"));
  try {
    generate(join(ws, "skills"), count);
    const config = (policy: "always" | "ttl") => ({
      spaces: [{ id: "bench", namespace: "bench", sources: ["fs"] }],
      sources: [{ id: "fs", type: "filesystem", options: { root: "skills" } }],
      scan: { refresh_policy: policy, ttl_sec: 3600 },
    });
    console.log(`\nSkills scan (${count} filesystem skills)`);

    let started = performance.now();
    const cold = new SkillsManager({ workspaceRoot: ws, config: config("always") });
    const first = await cold.scan();
    const coldMs = performance.now() - started;
    if (first.skills.length !== count || first.errors.length) throw new Error(`expected ${count} skills, got ${first.skills.length} (${first.errors.length} errors)`);
    console.log(`${"cold (first scan, new manager)".padEnd(36)} ${perSkill(coldMs, count)}`);

    const full: number[] = [];
    for (let i = 0; i < 10; i++) {
      started = performance.now();
      await cold.scan();
      full.push(performance.now() - started);
    }
    console.log(`${"full rescan (policy always, median)".padEnd(36)} ${perSkill(stats(full).median, count)}`);

    const ttl = new SkillsManager({ workspaceRoot: ws, config: config("ttl") });
    await ttl.scan();
    const cached: number[] = [];
    for (let i = 0; i < 200; i++) {
      started = performance.now();
      await ttl.scan();
      cached.push(performance.now() - started);
    }
    const cachedMs = stats(cached).median;
    console.log(`${"cached (policy ttl, median)".padEnd(36)} ${perSkill(cachedMs, count)}`);
    console.log(`cached speed-up over a full rescan: ${(stats(full).median / Math.max(cachedMs, 1e-6)).toFixed(0)}x`);
    await Promise.all([cold.close(), ttl.close()]);
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
}

if (import.meta.main) await benchSkillsScan(Number(process.argv[2] ?? 1000));
