/** Temp folders of skills for tests: write SKILL.md files and companions, clean up after each test. */
import { afterEach } from "bun:test";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh, resolved temp directory removed after the test. */
export function tempDir(prefix = "sr-skills-"): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  dirs.push(dir);
  return dir;
}

/** Write `files` (relative path -> content) under `root`. */
export function writeTree(root: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    const target = join(root, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
}

/** SKILL.md text with the given front matter lines and body. */
export function skillMd(name: string, description = `Does ${name} things.`, extra = "", body = `# ${name}\n\nBody of ${name}.\n`): string {
  return `---\nname: ${name}\ndescription: ${description}\n${extra}---\n${body}`;
}

/** Write one skill folder `<root>/<folder>/SKILL.md`; returns the SKILL.md path. */
export function writeSkill(root: string, folder: string, text: string): string {
  writeTree(root, { [`${folder}/SKILL.md`]: text });
  return join(root, folder, "SKILL.md");
}
