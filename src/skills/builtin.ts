/**
 * Built-in skills (top-level `skills/`), imported as text so they ship inside the binary. They are
 * data, never code run in-process: `installBuiltinSkills` writes them into a folder (e.g.
 * `<workspace>/.skills_runtime_sdk/skills/`, as the Studio does, spec 12.1) where a filesystem
 * source scans them, and their action scripts run through `skill_exec` like any shell command.
 * A skill folder that already exists is never overwritten.
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import articleWriter from "../../skills/article-writer/SKILL.md" with { type: "text" };
import novelWriter from "../../skills/novel-writer/SKILL.md" with { type: "text" };
import repoStatsScript from "../../skills/repo-stats/actions/count-lines.sh" with { type: "text" };
import repoStatsNotes from "../../skills/repo-stats/references/reading-the-numbers.md" with { type: "text" };
import repoStats from "../../skills/repo-stats/SKILL.md" with { type: "text" };

export interface BuiltinSkill {
  name: string;
  /** Relative path -> content. */
  files: Readonly<Record<string, string>>;
  /** Relative paths written executable. */
  executables?: readonly string[];
}

export const BUILTIN_SKILLS: readonly BuiltinSkill[] = [
  { name: "article-writer", files: { "SKILL.md": articleWriter } },
  { name: "novel-writer", files: { "SKILL.md": novelWriter } },
  {
    name: "repo-stats",
    files: { "SKILL.md": repoStats, "references/reading-the-numbers.md": repoStatsNotes, "actions/count-lines.sh": repoStatsScript },
    executables: ["actions/count-lines.sh"],
  },
];

/** Write every built-in skill missing from `targetDir`; returns what was installed and what was kept. */
export async function installBuiltinSkills(targetDir: string): Promise<{ installed: string[]; kept: string[] }> {
  const root = resolve(targetDir);
  const installed: string[] = [];
  const kept: string[] = [];
  for (const skill of BUILTIN_SKILLS) {
    const dir = join(root, skill.name);
    if (existsSync(dir)) {
      kept.push(skill.name);
      continue;
    }
    for (const [path, content] of Object.entries(skill.files)) {
      const target = join(dir, path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, content, { mode: skill.executables?.includes(path) ? 0o755 : 0o644 });
    }
    installed.push(skill.name);
  }
  return { installed, kept };
}
